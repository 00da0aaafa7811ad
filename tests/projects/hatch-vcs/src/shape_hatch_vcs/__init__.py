"""hatch-vcs: the git tag is the version."""

from ._version import __version__

__all__ = ["__version__"]
