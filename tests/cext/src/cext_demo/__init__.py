"""cext-demo: one function written in C."""

from ._speed import add

__version__ = "1.2.0"
__all__ = ["add"]
