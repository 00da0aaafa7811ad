"""Another vendored module."""

__version__ = "3.1"
