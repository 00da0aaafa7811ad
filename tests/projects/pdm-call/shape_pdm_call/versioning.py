"""The version as the build computes it (pdm-backend calls release_version())."""

from shape_pdm_call._meta import version


def release_version() -> str:
    return version
