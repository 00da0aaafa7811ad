"""OMI: a small command-line companion."""

__version__ = "0.2.0"
