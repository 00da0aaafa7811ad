"""The version as the build computes it (hatch evaluates release_version())."""

from shape_hatch_expr._meta import version


def release_version() -> str:
    return version
