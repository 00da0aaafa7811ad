"""CITATION.cff and docs/conf.py follow the version."""

__version__ = "1.2.0"
