"""hatchling, version from [tool.hatch.version] source = "code"."""

from .__about__ import __version__

__all__ = ["__version__"]
