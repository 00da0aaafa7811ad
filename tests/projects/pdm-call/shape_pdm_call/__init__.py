"""pdm-backend, version from [tool.pdm.version] source = "call"."""

from .versioning import release_version

__all__ = ["release_version"]
