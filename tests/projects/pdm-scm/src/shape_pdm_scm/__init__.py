"""pdm-backend scm: the git tag is the version."""

