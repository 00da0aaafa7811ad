"""setuptools, version from file:."""

