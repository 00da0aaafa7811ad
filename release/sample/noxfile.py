"""OMI's sessions: every one comes from nox-release."""

import release.sessions  # noqa: F401
