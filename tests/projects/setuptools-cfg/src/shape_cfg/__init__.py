"""setup.cfg, version = attr:."""

__version__ = "1.2.0"
