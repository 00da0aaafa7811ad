"""Kept for old callers."""

__version__ = "0.9.0"
