"""the project's own version; vendored copies are not."""

__version__ = "1.2.0"
