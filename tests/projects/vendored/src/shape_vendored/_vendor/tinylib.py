"""A vendored library."""

__version__ = "0.4.2"
