"""flit-core reads this docstring; the version is imported from a submodule."""

from .about import __version__

__all__ = ["__version__"]
