"""What the package says about itself."""

__version__ = "1.2.0"
