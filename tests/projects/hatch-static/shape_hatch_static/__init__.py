"""hatchling, static version, flat layout."""

__version__: str = "1.2.0"
