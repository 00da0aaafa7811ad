"""flit-core reads this docstring and the version below."""

__version__ = "1.2.0"
