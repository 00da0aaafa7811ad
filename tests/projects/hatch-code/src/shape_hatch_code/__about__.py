"""The version, loaded by hatch's code source."""

__version__ = "1.2.0"
