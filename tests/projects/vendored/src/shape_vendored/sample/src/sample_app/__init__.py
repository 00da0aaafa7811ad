"""A sample project shipped inside the package: a project of its own."""

__version__ = "0.0.7"
