"""Every GitHub REST call the release makes, one module per job.

- :mod:`.transport`: HTTP for one repository — the token, redirects, pagination, rate limits and
  the error messages (never containing the token).
- :mod:`.model`: the files a release carries, its state, what a run did (plain data).
- :mod:`.releases`: a tag's release and its assets — its state, and draft → assets → publish.
- :mod:`.project`: the release of one version of the project (title, notes, "Latest").
- :mod:`.checks`: the CI status of a commit and the open critical issues (the checklist's rows
  built on them live in :mod:`release.checklist.github_rows`).
"""

from __future__ import annotations

from .checks import FAILED_CONCLUSIONS, PASSED_CONCLUSIONS, summarize_ci
from .model import (
    DRAFT,
    MISSING,
    PUBLISHED,
    LocalFile,
    ReleaseReport,
    ReleaseState,
    is_prerelease,
    media_type,
)
from .project import publish_version, should_be_latest, tagged_versions, version_state
from .releases import GitHub
from .transport import (
    DEFAULT_API_URL,
    NEED_CHECKS_READ,
    NEED_CONTENTS_READ,
    NEED_CONTENTS_WRITE,
    NEED_ISSUES_READ,
    NEED_STATUSES_READ,
    token_from_env,
)

__all__ = [
    "DEFAULT_API_URL",
    "DRAFT",
    "FAILED_CONCLUSIONS",
    "MISSING",
    "NEED_CHECKS_READ",
    "NEED_CONTENTS_READ",
    "NEED_CONTENTS_WRITE",
    "NEED_ISSUES_READ",
    "NEED_STATUSES_READ",
    "PASSED_CONCLUSIONS",
    "PUBLISHED",
    "GitHub",
    "LocalFile",
    "ReleaseReport",
    "ReleaseState",
    "is_prerelease",
    "media_type",
    "publish_version",
    "should_be_latest",
    "summarize_ci",
    "tagged_versions",
    "token_from_env",
    "version_state",
]
