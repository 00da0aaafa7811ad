"""setuptools-scm: the git tag is the version."""

