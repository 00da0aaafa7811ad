"""setuptools, version from attr:."""

__version__ = '1.2.0'
