"""What GitHub knows about a commit's CI and the repository's open critical issues.

The queries only: what the checklist makes of them (PASS, FAIL, UNKNOWN, waiting for CI) lives on
the checklist's side, in :mod:`release.checklist.github_rows`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .transport import (
    NEED_CHECKS_READ,
    NEED_ISSUES_READ,
    NEED_STATUSES_READ,
    Transport,
    as_dict,
    listing,
    quote,
)

FAILED_CONCLUSIONS = frozenset(
    {"failure", "timed_out", "cancelled", "action_required", "startup_failure", "stale"}
)
PASSED_CONCLUSIONS = frozenset({"success", "neutral", "skipped"})

# The verdicts of :func:`ci_status`.
CI_SUCCESS, CI_FAILURE, CI_PENDING, CI_UNKNOWN = "success", "failure", "pending", "unknown"


def ci_status(api: Transport, sha: str, *, ignore_run_id: str | None = None) -> tuple[str, str]:
    """("success"|"failure"|"pending"|"unknown", one-line detail) for commit ``sha``.

    Check runs (GitHub Actions, apps) and commit statuses (other CI) are separate systems, so
    both are read. ``ignore_run_id`` drops the check runs of one Actions run: a release
    workflow asking about its own commit would otherwise wait for itself.
    """
    api.require_token("read the CI status", NEED_CHECKS_READ)
    runs = list(
        api.pages(
            api.repo_url(f"commits/{quote(sha)}/check-runs"),
            what=f"reading the check runs of {sha[:12]}",
            need=NEED_CHECKS_READ,
            key="check_runs",
        )
    )
    combined = as_dict(
        api.request(
            "GET",
            api.repo_url(f"commits/{quote(sha)}/status"),
            what=f"reading the commit statuses of {sha[:12]}",
            need=NEED_STATUSES_READ,
        ).json(),
        "combined status",
    )
    return summarize_ci(sha, runs, combined, ignore_run_id=ignore_run_id)


def critical_issues(api: Transport, labels: Sequence[str]) -> list[tuple[int, str]]:
    """Open issues (not pull requests) carrying any of ``labels``, by number."""
    api.require_token("list critical issues", NEED_ISSUES_READ)
    found: dict[int, str] = {}
    for label in dict.fromkeys(labels):
        # the labels parameter matches issues having *all* listed labels: one query per label
        url = api.repo_url("issues", {"state": "open", "labels": label})
        for item in api.pages(url, what=f"listing open {label!r} issues", need=NEED_ISSUES_READ):
            issue = as_dict(item, "issue")
            if "pull_request" in issue:
                continue
            found[int(issue["number"])] = str(issue.get("title") or "")
    return sorted(found.items())


def summarize_ci(
    sha: str,
    check_runs: Sequence[Any],
    combined: Mapping[str, Any],
    *,
    ignore_run_id: str | None = None,
) -> tuple[str, str]:
    """Fold check runs and the combined commit status into one verdict and a one-line detail."""
    failed: list[str] = []
    pending: list[str] = []
    passed = 0
    own_run = f"/actions/runs/{ignore_run_id}/" if ignore_run_id else None
    for item in check_runs:
        run = as_dict(item, "check run")
        if own_run and any(
            own_run in str(run.get(key) or "") for key in ("html_url", "details_url")
        ):
            continue
        name = str(run.get("name") or "check")
        if run.get("status") != "completed":
            pending.append(name)
        elif run.get("conclusion") in PASSED_CONCLUSIONS:
            passed += 1
        else:
            failed.append(f"{name} ({run.get('conclusion') or 'no conclusion'})")
    for item in combined.get("statuses") or []:
        status = as_dict(item, "commit status")
        context = str(status.get("context") or "status")
        state = status.get("state")
        if state == "success":
            passed += 1
        elif state == "pending":
            pending.append(context)
        else:
            failed.append(f"{context} ({state})")
    short = sha[:12]
    if failed:
        return CI_FAILURE, f"{len(failed)} failed on {short}: {listing(failed)}"
    if pending:
        return CI_PENDING, f"{len(pending)} still running on {short}: {listing(pending)}"
    if passed == 0:
        return CI_UNKNOWN, f"no CI results for {short}"
    return CI_SUCCESS, f"all {passed} CI checks passed on {short}"
