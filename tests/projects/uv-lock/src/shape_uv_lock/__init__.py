"""a uv-locked project."""

__version__ = "1.2.0"
