"""hatchling, version from an expression of [tool.hatch.version] source = "code"."""

from .versioning import release_version

__all__ = ["release_version"]
