"""The checklist's GitHub rows: the CI of the commit being released, and open critical issues.

GitHub trouble never raises here: a row that could not be checked is UNKNOWN with the reason.
The CI row can wait: with ``wait`` seconds (``check --wait-ci SECONDS``) it polls while checks are
still running, and says UNKNOWN if they are still running when the time is up — what the release
workflow wants when the tag's CI started at the same moment as the release.
"""

from __future__ import annotations

import os
import time
from typing import Callable, Mapping, Sequence

from ..errors import CredentialsError, GitHubError
from ..github import checks
from ..github.releases import GitHub
from ..github.transport import (
    NEED_CHECKS_READ,
    NEED_ISSUES_READ,
    NEED_STATUSES_READ,
    listing,
    token_from_env,
)

Verdict = tuple[str, str]  # ("PASS"|"FAIL"|"UNKNOWN", reason)


def ci_row(
    repo: str | None,
    sha: str,
    env: Mapping[str, str] | None = None,
    *,
    wait: float = 0.0,
    poll: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Verdict:
    """The verdict on the CI of ``sha``; pending checks are waited for up to ``wait`` seconds.

    In GitHub Actions (``GITHUB_RUN_ID`` set) the current run's own check runs are ignored.
    """
    environ = os.environ if env is None else env
    if not repo:
        return "UNKNOWN", "github-repo is not set in [tool.release]; CI status not checked"
    if not token_from_env(environ):
        return "UNKNOWN", (
            "GITHUB_TOKEN is not set; CI status not checked (export a token with "
            f"{NEED_CHECKS_READ} and {NEED_STATUSES_READ})"
        )
    interval = poll if poll is not None else min(15.0, max(0.5, wait / 20))
    deadline = time.monotonic() + wait
    while True:
        try:
            client = GitHub.from_env(repo, environ)
            state, detail = client.ci_status(
                sha, ignore_run_id=environ.get("GITHUB_RUN_ID") or None
            )
        except (GitHubError, CredentialsError) as exc:
            return "UNKNOWN", _one_line(exc)
        if state != checks.CI_PENDING or time.monotonic() >= deadline:
            break
        sleep(min(interval, max(0.0, deadline - time.monotonic())))
    if state == checks.CI_SUCCESS:
        return "PASS", detail
    if state == checks.CI_FAILURE:
        return "FAIL", detail
    if state == checks.CI_PENDING and wait > 0:
        return "UNKNOWN", f"{detail} after waiting {wait:g} s; the release did not wait longer"
    if state == checks.CI_PENDING:
        return "FAIL", f"{detail}; wait for CI to finish and re-run (or pass --wait-ci SECONDS)"
    return "UNKNOWN", detail


def critical_row(
    repo: str | None, labels: Sequence[str], env: Mapping[str, str] | None = None
) -> Verdict:
    """Open issues carrying a critical label block a release."""
    environ = os.environ if env is None else env
    if not repo:
        return "UNKNOWN", "github-repo is not set in [tool.release]; issues not checked"
    if not labels:
        return "PASS", "no critical-labels configured"
    if not token_from_env(environ):
        return "UNKNOWN", (
            f"GITHUB_TOKEN is not set; open critical issues not checked (export a token with "
            f"{NEED_ISSUES_READ})"
        )
    try:
        issues = GitHub.from_env(repo, environ).critical_issues(labels)
    except (GitHubError, CredentialsError) as exc:
        return "UNKNOWN", _one_line(exc)
    wanted = "/".join(labels)
    if not issues:
        return "PASS", f"no open issues labelled {wanted}"
    listed = listing([f"#{number} {title}" for number, title in issues])
    return "FAIL", f"{len(issues)} open {wanted} issue(s): {listed}"


def _one_line(exc: GitHubError | CredentialsError) -> str:
    text = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
    return " ".join(text.split())
