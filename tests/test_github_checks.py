"""CI status and critical issues from GitHub, and the checklist rows built on them."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from release import checklist, config, github
from release.__main__ import build_parser
from release.errors import UsageError
from release.checklist.github_rows import ci_row, critical_row
from release.github import GitHub
from tests.conftest import git
from tests.fake_github import FAKE_TOKEN, FakeGitHub

pytestmark = pytest.mark.slow  # every test here starts the fake's loopback servers

SHA = "3f2a9c0d1e4b5a69788796a5b4c3d2e1f0a9b8c7"


def client(fake: FakeGitHub, **env: str) -> GitHub:
    return GitHub.from_env(fake.repo, fake.env(**env))


# -- CI status -------------------------------------------------------------------------------------


def _ci(fake: FakeGitHub, setup: str) -> None:
    for item in setup.split():
        kind, name, state = item.split(":")
        if kind == "run":
            status = (
                "completed"
                if state in github.PASSED_CONCLUSIONS | github.FAILED_CONCLUSIONS
                else state
            )
            fake.add_check_run(SHA, name, status, state if status == "completed" else None)
        else:
            fake.add_status(SHA, name, state)


@pytest.mark.parametrize(
    ("setup", "state", "detail"),
    [
        ("run:tests:success run:lint:success", "success", "all 2 CI checks passed"),
        ("run:tests:success status:ci/jenkins:success", "success", "all 2 CI checks passed"),
        ("run:tests:success run:docs:skipped run:opt:neutral", "success", "all 3"),
        (
            "run:tests:failure run:lint:success",
            "failure",
            "1 failed on 3f2a9c0d1e4b: tests (failure)",
        ),
        ("run:tests:cancelled", "failure", "tests (cancelled)"),
        ("run:tests:timed_out", "failure", "tests (timed_out)"),
        ("status:ci/jenkins:error run:tests:success", "failure", "ci/jenkins (error)"),
        (
            "run:tests:in_progress run:lint:success",
            "pending",
            "1 still running on 3f2a9c0d1e4b: tests",
        ),
        ("run:tests:queued run:lint:failure", "failure", "lint (failure)"),
        ("status:ci/jenkins:pending", "pending", "ci/jenkins"),
        ("", "unknown", "no CI results for 3f2a9c0d1e4b"),
    ],
)
def test_ci_status_combines_check_runs_and_statuses(
    fake_github: FakeGitHub, setup: str, state: str, detail: str
) -> None:
    _ci(fake_github, setup)
    got_state, got_detail = client(fake_github).ci_status(SHA)
    assert got_state == state
    assert detail in got_detail
    assert "\n" not in got_detail


def test_ci_status_ignores_the_asking_workflow_run(fake_github: FakeGitHub) -> None:
    fake_github.add_check_run(SHA, "tests (3.12)", "completed", "success", run_id=11)
    fake_github.add_check_run(SHA, "release-check", "in_progress", None, run_id=77)
    gh = client(fake_github)
    assert gh.ci_status(SHA)[0] == "pending"
    assert gh.ci_status(SHA, ignore_run_id="77") == (
        "success",
        "all 1 CI checks passed on 3f2a9c0d1e4b",
    )


def test_ci_status_reads_every_page_of_check_runs(fake_github: FakeGitHub) -> None:
    for number in range(130):
        fake_github.add_check_run(SHA, f"job {number}")
    fake_github.add_check_run(SHA, "the last one", "completed", "failure")
    state, detail = client(fake_github).ci_status(SHA)
    assert state == "failure" and "the last one" in detail
    assert len(fake_github.calls("GET")) == 3  # two pages of check runs, one combined status


def test_ci_row_maps_the_state_to_a_checklist_row(fake_github: FakeGitHub) -> None:
    fake_github.add_check_run(SHA, "tests")
    assert ci_row(fake_github.repo, SHA, fake_github.env()) == (
        "PASS",
        "all 1 CI checks passed on 3f2a9c0d1e4b",
    )
    fake_github.add_check_run(SHA, "lint", "completed", "failure")
    verdict, reason = ci_row(fake_github.repo, SHA, fake_github.env())
    assert verdict == "FAIL" and "lint (failure)" in reason


def test_ci_row_fails_while_ci_runs_but_not_for_its_own_run(fake_github: FakeGitHub) -> None:
    fake_github.add_check_run(SHA, "tests")
    fake_github.add_check_run(SHA, "release-check", "in_progress", None, run_id=5)
    verdict, reason = ci_row(fake_github.repo, SHA, fake_github.env())
    assert verdict == "FAIL" and "wait for CI" in reason
    assert ci_row(fake_github.repo, SHA, fake_github.env(GITHUB_RUN_ID="5"))[0] == "PASS"


def test_ci_row_is_unknown_without_a_token(fake_github: FakeGitHub) -> None:
    verdict, reason = ci_row(fake_github.repo, SHA, {"RELEASE_GITHUB_API_URL": fake_github.api_url})
    assert verdict == "UNKNOWN" and "GITHUB_TOKEN is not set" in reason
    assert fake_github.requests == []


def test_ci_row_is_unknown_offline_and_keeps_the_token_out() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"GITHUB_TOKEN": FAKE_TOKEN, "RELEASE_GITHUB_API_URL": f"http://127.0.0.1:{port}"}
    verdict, reason = ci_row("omi-labs/omi-openclaw", SHA, env)
    assert verdict == "UNKNOWN" and "offline" in reason
    assert FAKE_TOKEN not in reason and "\n" not in reason


def test_ci_row_without_a_repository_is_unknown() -> None:
    assert ci_row(None, SHA, {"GITHUB_TOKEN": FAKE_TOKEN})[0] == "UNKNOWN"


def test_ci_row_reports_a_bad_token_as_unknown_with_the_fix(fake_github: FakeGitHub) -> None:
    verdict, reason = ci_row(fake_github.repo, SHA, fake_github.env(GITHUB_TOKEN="ghp_badTOKEN7"))
    assert verdict == "UNKNOWN" and "401" in reason and "GITHUB_TOKEN" in reason
    assert "ghp_badTOKEN7" not in reason


# -- critical issues -------------------------------------------------------------------------------


def test_critical_issues_are_open_issues_with_any_label_without_pull_requests(
    fake_github: FakeGitHub,
) -> None:
    fake_github.add_issue(1, "crash on start", ["critical", "bug"])
    fake_github.add_issue(2, "fix the crash", ["critical"], pull_request=True)
    fake_github.add_issue(3, "typo in docs", ["docs"])
    fake_github.add_issue(4, "token leak", ["security", "critical"])
    fake_github.add_issue(5, "old dependency", ["security"])

    found = client(fake_github).critical_issues(["critical", "security"])

    assert found == [(1, "crash on start"), (4, "token leak"), (5, "old dependency")]
    queries = [call.query.get("labels") for call in fake_github.calls("GET")]
    assert queries == [["critical"], ["security"]]  # the API ANDs labels: one query per label


def test_critical_issues_follow_pagination(fake_github: FakeGitHub) -> None:
    for number in range(1, 231):
        fake_github.add_issue(number, f"issue {number}", ["critical"])
    found = client(fake_github).critical_issues(["critical"])
    assert [number for number, _ in found] == list(range(1, 231))
    assert len(fake_github.calls("GET")) == 3


def test_critical_row(fake_github: FakeGitHub) -> None:
    env = fake_github.env()
    assert critical_row(fake_github.repo, ["critical"], env) == (
        "PASS",
        "no open issues labelled critical",
    )
    fake_github.add_issue(12, "data loss on upgrade", ["critical"])
    fake_github.add_issue(13, "a pull request", ["critical"], pull_request=True)
    assert critical_row(fake_github.repo, ["critical"], env) == (
        "FAIL",
        "1 open critical issue(s): #12 data loss on upgrade",
    )
    assert critical_row(fake_github.repo, [], env)[0] == "PASS"
    no_token = {"RELEASE_GITHUB_API_URL": fake_github.api_url}
    verdict, reason = critical_row(fake_github.repo, ["critical"], no_token)
    assert verdict == "UNKNOWN" and "issues: read" in reason


# -- waiting for CI (check --wait-ci SECONDS) -----------------------------------------------------


def test_ci_row_waits_for_running_checks_and_passes_when_they_pass(fake_github: FakeGitHub) -> None:
    fake_github.add_check_run(SHA, "tests", "in_progress", None)
    naps: list[float] = []

    def sleep(seconds: float) -> None:  # CI finishes while the row waits
        naps.append(seconds)
        if len(naps) == 2:
            run = fake_github.check_runs[SHA][0]
            run.update(status="completed", conclusion="success")

    verdict, reason = ci_row(
        fake_github.repo, SHA, fake_github.env(), wait=600, poll=5, sleep=sleep
    )

    assert (verdict, reason) == ("PASS", "all 1 CI checks passed on 3f2a9c0d1e4b")
    assert naps == [5, 5]
    assert len(fake_github.calls("GET")) == 3 * 2  # check runs + statuses, three times


def test_ci_row_waits_and_fails_when_a_check_fails(fake_github: FakeGitHub) -> None:
    fake_github.add_check_run(SHA, "tests", "queued", None)

    def sleep(_: float) -> None:
        fake_github.check_runs[SHA][0].update(status="completed", conclusion="failure")

    verdict, reason = ci_row(fake_github.repo, SHA, fake_github.env(), wait=600, sleep=sleep)
    assert verdict == "FAIL" and "tests (failure)" in reason


def test_ci_still_running_when_the_wait_is_over_is_unknown(fake_github: FakeGitHub) -> None:
    fake_github.add_check_run(SHA, "tests", "in_progress", None)
    verdict, reason = ci_row(fake_github.repo, SHA, fake_github.env(), wait=0.2, poll=0.05)
    assert verdict == "UNKNOWN"
    assert "1 still running on 3f2a9c0d1e4b: tests after waiting 0.2 s" in reason


def test_without_a_wait_running_ci_fails_and_names_the_option(fake_github: FakeGitHub) -> None:
    fake_github.add_check_run(SHA, "tests", "in_progress", None)
    verdict, reason = ci_row(fake_github.repo, SHA, fake_github.env())
    assert verdict == "FAIL" and "--wait-ci SECONDS" in reason
    assert len(fake_github.calls("GET")) == 2  # asked once, did not wait


def test_the_checklist_passes_wait_ci_to_the_ci_row(
    fake_github: FakeGitHub, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_github.repo = "omi-dev/omi-openclaw"
    head = git(sample_repo, "rev-parse", "HEAD")
    fake_github.add_check_run(head, "tests", "in_progress", None)
    for key, value in fake_github.env().items():
        monkeypatch.setenv(key, value)
    cfg = config.load(sample_repo)
    rows = checklist.run_items(checklist.Context(cfg, wait_ci=0.2), [checklist.ci_item])
    assert [(row.item, row.status) for row in rows] == [("CI of HEAD", "UNKNOWN")]
    assert "after waiting 0.2 s" in rows[0].reason


@pytest.mark.parametrize(
    ("given", "ok"), [("1800", True), ("0", True), ("-5", False), ("x", False)]
)
def test_check_takes_wait_ci_seconds(given: str, ok: bool) -> None:
    parser = build_parser()
    if ok:
        assert parser.parse_args(["check", "--wait-ci", given]).wait_ci == float(given)
    else:
        with pytest.raises(UsageError, match="--wait-ci"):
            parser.parse_args(["check", "--wait-ci", given])
