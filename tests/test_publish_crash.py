"""Crash anywhere: ``publish`` killed with SIGKILL at every named point of a release, then resumed.

The engine reads ``RELEASE_TEST_KILL_AT=name:count`` at named points (release/killpoint.py): the
process dies there as with ``kill -9``, no clean-up. Each run of a chain is killed at the next
point and the following run resumes what the killed one left, until a last run without a kill.

(a) every run in the same clone; (b) every run in a fresh clone of the remote, and after each kill
a teammate pushes a commit to main. Nothing reaches the world before the tag is shared: (a) asserts
that a run killed at any earlier point leaves the remote, both indexes and GitHub untouched, so a
fresh clone after such a kill is a fresh clone before the release began; (b) starts at the last two
of those points (a tag made but only local) and goes on through every later one. Both must
converge to one release: one annotated tag on the
release commit, which main contains; each recorded file once on each index (POSTs counted) with
the sha256 the tag records; one CHANGELOG section; a published GitHub release with both files
uploaded once; nothing irreversible repeated (the remote's ref log shows one tag creation).

Real git with a bare remote, two real pypiservers, real builds and venvs; GitHub is the fake.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from release.publish import record as records
from tests.conftest import engine_env, git, run_captured
from tests.fake_github import FakeGitHub
from tests.test_publish import Setup, posts, pushed, rig, sha256

__all__ = ["rig"]

pytestmark = [pytest.mark.slow, pytest.mark.long]

VERSION = "0.3.0"
TAG = "v0.3.0"
REPO = "omi-dev/omi-openclaw"

# Every kill point, in the order a release reaches them; a point is named again when the resumed
# run reaches it again (the second file of an upload is the first one that run uploads).
CHAIN = [
    "bump.planned",
    "bump.written",
    "tests.start",
    "tests.passed",
    "commit.start",
    "commit.made",  # between commit and tag
    "build.start",
    "build.built",
    "smoke.start",
    "smoke.passed",
    "tag.start",
    "tag.made",  # tag made, not shared yet
    "test-upload.start",
    "shared",  # shared on the remote, nothing uploaded
    "test-upload.file",  # between the two files
    "test-upload.file",  # after the second
    "verify-test.start",
    "verify-test.passed",
    "push.start",  # between tag and push
    "push.done",
    "upload.start",
    "upload.file",
    "upload.file",
    "verify.start",
    "verify.passed",
    "github.start",
    "github.draft",
    "github.asset",  # during the asset uploads
    "github.asset",
    "github.published",
]
# The points where nothing is in the world yet: the shared tag is the first thing any clone sees.
BEFORE_SHARING = CHAIN[: CHAIN.index("shared")]
# (b) starts where the most is done locally and nothing shared: every earlier point leaves the
# same world, which (a) asserts after each.
FRESH_CHAIN = CHAIN[CHAIN.index("tag.made") :]


def publish(
    project: Path, env: dict[str, str], kill: str | None
) -> subprocess.CompletedProcess[str]:
    environment = dict(env)
    if kill:
        environment["RELEASE_TEST_KILL_AT"] = kill
    # a killed engine cannot remove its scratch directories: they stay in the test's own tmp
    scratch = project.parent / "engine-tmp"
    scratch.mkdir(exist_ok=True)
    environment["TMPDIR"] = str(scratch)
    return run_captured(
        [sys.executable, "-m", "release", "publish", VERSION, "--yes", "--allow-unknown"],
        project,
        environment,
        900,
        no_terminal=True,
    )


def teammate_pushes(s: Setup, work: Path, number: int) -> None:
    """Someone else pushes a commit to main."""
    mate = work / "teammate"
    if not mate.exists():
        git(work, "clone", "--quiet", str(s.remote), str(mate))
    git(mate, "pull", "--quiet", "--no-rebase", "origin", "main")
    (mate / f"teammate-{number}.txt").write_text(f"work {number}\n", encoding="utf-8")
    git(mate, "add", f"teammate-{number}.txt")
    git(mate, "commit", "--quiet", "-m", f"Teammate's work {number}")
    git(mate, "push", "--quiet", "origin", "HEAD:main")


@pytest.mark.parametrize("where", ["same clone", "fresh clone after main moved on"])
def test_killed_anywhere_the_release_converges(
    rig: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    s = rig
    assert len(CHAIN) >= 25 and len(BEFORE_SHARING) == 13 and FRESH_CHAIN[2] == "shared"
    github = FakeGitHub(REPO).start()
    try:
        github.add_tag(TAG)  # GitHub sees the tag once pushed; the fake is told up front
        env = engine_env(**github.env())
        fresh = where.startswith("fresh")
        project = s.project
        for number, point in enumerate(FRESH_CHAIN if fresh else CHAIN, 1):
            killed = publish(project, env, point)
            output = killed.stdout + killed.stderr
            assert killed.returncode == -signal.SIGKILL, f"{point} was not reached:\n{output}"
            if not fresh and point in BEFORE_SHARING:
                assert_world_untouched(s, github, point)
            if fresh:
                teammate_pushes(s, tmp_path, number)
                project = tmp_path / f"clone-{number}"
                git(tmp_path, "clone", "--quiet", str(s.remote), str(project))
        done = publish(project, env, None)
        output = done.stdout + done.stderr
        assert done.returncode == 0, output
        assert_converged(s, github, project)
        assert not github.violations, github.violations
    finally:
        github.stop()


def assert_world_untouched(s: Setup, github: FakeGitHub, point: str) -> None:
    """Killed before sharing: no ref pushed, nothing uploaded, nothing written on GitHub."""
    assert pushed(s) == [], point
    assert [posts(server) for server in s.servers()] == [0, 0], point
    writes = [call for call in github.requests if call.method != "GET"]
    assert writes == [], (point, writes)


def assert_converged(s: Setup, github: FakeGitHub, project: Path) -> None:
    # One annotated tag, created once and never moved; the shared record is gone.
    assert git(s.remote, "tag", "--list") == TAG
    assert git(s.remote, "cat-file", "-t", f"refs/tags/{TAG}") == "tag"
    tag_updates = [entry for entry in pushed(s) if entry[2] == f"refs/tags/{TAG}"]
    assert len(tag_updates) == 1 and tag_updates[0][0] == "0" * 40, tag_updates
    assert git(s.remote, "for-each-ref", "refs/nox-release/") == ""
    commit = git(s.remote, "rev-parse", f"{TAG}^{{commit}}")
    assert git(s.remote, "log", "-1", "--format=%s", commit) == f"Release version {VERSION}"
    subprocess.run(
        ["git", "merge-base", "--is-ancestor", commit, "refs/heads/main"], cwd=s.remote, check=True
    )

    # The record: the tested files, and the same bytes on both indexes, each uploaded once.
    message = git(s.remote, "cat-file", "tag", f"refs/tags/{TAG}").split("\n\n", 1)[1]
    found = records.parse(message + "\n", VERSION)
    assert found is not None and len(found.files) == 2, message
    for server in s.servers():
        on_index = {p.name: sha256(p) for p in server.packages.iterdir()}
        assert on_index == found.files, server.url
    assert [posts(server) for server in s.servers()] == [2, 2]

    # One CHANGELOG section on main, and the version everywhere at the release commit.
    text = git(s.remote, "show", "refs/heads/main:CHANGELOG.md")
    assert len(re.findall(rf"^## \[{re.escape(VERSION)}\] - ", text, re.MULTILINE)) == 1
    assert f'version = "{VERSION}"' in git(s.remote, "show", f"{commit}:pyproject.toml")

    # A published GitHub release with both files, each uploaded once.
    published = github.release(TAG)
    assert published is not None and not published.draft
    assert {asset.name: asset.sha256 for asset in published.assets} == found.files
    uploads = [call for call in github.calls("POST", host="uploads")]
    assert len(uploads) == 2, uploads
    assert project.exists()
