"""Yank (guided, verified on the index) and hotfix branches."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from release import config, rollback
from release.errors import CheckFailed, UsageError
from tests.conftest import git, run_engine
from tests.pypi_server import PypiServer

YANK_FILES = ("omi_openclaw-0.2.0-py3-none-any.whl", "omi_openclaw-0.2.0.tar.gz")


class YankingIndex:
    """A PEP 691 index that reports the files of 0.2.0 as yanked once ``yank()`` was called,
    as PyPI does after a maintainer yanks in the web UI."""

    def __init__(self) -> None:
        self.yanked: str | None = None
        self.requests = 0
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                index.requests += 1
                if self.path.rstrip("/") != "/simple/omi-openclaw":
                    self.send_error(404)
                    return
                files = [
                    {
                        "filename": name,
                        "url": f"/files/{name}",
                        "hashes": {"sha256": "0" * 64},
                        **({"yanked": index.yanked} if index.yanked is not None else {}),
                    }
                    for name in YANK_FILES
                ]
                body = json.dumps(
                    {"meta": {"api-version": "1.0"}, "name": "omi-openclaw", "files": files}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def index_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/simple/"


def head_and_changelog(repo: Path) -> tuple[str, bytes]:
    """What a yank may change: the commit checked out, and the CHANGELOG's bytes."""
    return git(repo, "rev-parse", "HEAD"), (repo / "CHANGELOG.md").read_bytes()


@pytest.fixture
def yanking_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[YankingIndex]:
    """A :class:`YankingIndex`, the production index of the test (``RELEASE_INDEX_URL``)."""
    index = YankingIndex()
    monkeypatch.setenv("RELEASE_INDEX_URL", index.index_url)
    index.thread.start()
    yield index
    index.server.shutdown()
    index.server.server_close()


def test_yank_waits_for_the_index_then_marks_the_changelog_and_commits(
    sample_repo: Path, yanking_index: YankingIndex
) -> None:
    cfg = config.load(sample_repo)
    before = head_and_changelog(sample_repo)
    lines: list[str] = []
    while_waiting: list[tuple[str, bytes]] = []

    def out(line: str) -> None:
        lines.append(line)
        if "waiting" in line:  # the maintainer yanks in the web UI while we poll
            while_waiting.append(head_and_changelog(sample_repo))
            yanking_index.yanked = "broken wheel"

    assert rollback.run_yank(cfg, "0.2.0", "broken wheel", timeout=10, poll=0.1, out=out) == 0
    text = "\n".join(lines)
    assert "no API for yanking" in text
    assert "Options -> Yank" in text and "broken wheel" in text
    assert text.index("confirmed: 2 file(s) of 0.2.0 are yanked") < text.index("marked [0.2.0]")
    # nothing was marked or committed before the index confirmed
    assert while_waiting == [before]
    changelog = (sample_repo / "CHANGELOG.md").read_text()
    assert "## [0.2.0] - 2026-10-02 [YANKED]" in changelog
    assert git(sample_repo, "log", "-1", "--format=%s") == "Mark 0.2.0 as yanked"
    assert git(sample_repo, "status", "--porcelain") == ""


def test_yank_keeps_every_byte_and_crlf_line_endings(
    sample_repo: Path, yanking_index: YankingIndex
) -> None:
    path = sample_repo / "CHANGELOG.md"
    crlf = path.read_bytes().replace(b"\n", b"\r\n") + b"\r\n<!-- trailing note, no newline -->"
    path.write_bytes(crlf)
    git(sample_repo, "-c", "core.autocrlf=false", "commit", "-qam", "CRLF changelog")
    yanking_index.yanked = "broken"

    rollback.run_yank(config.load(sample_repo), "0.2.0", "broken", timeout=5, out=lambda _: None)

    after = path.read_bytes()
    heading = b"## [0.2.0] - 2026-10-02"
    assert after == crlf.replace(heading + b"\r\n", heading + b" [YANKED]\r\n", 1)
    assert after.count(b"\n") == after.count(b"\r\n") == crlf.count(b"\r\n")
    committed = subprocess.run(
        ["git", "show", "HEAD:CHANGELOG.md"], cwd=sample_repo, capture_output=True, check=True
    ).stdout
    assert committed == after


def test_yank_that_the_index_never_reports_marks_and_commits_nothing(
    sample_repo: Path, yanking_index: YankingIndex
) -> None:
    cfg = config.load(sample_repo)
    before = head_and_changelog(sample_repo)
    with pytest.raises(CheckFailed) as caught:
        rollback.run_yank(cfg, "0.2.0", "broken", timeout=0.5, poll=0.1, out=lambda _: None)
    assert "could not confirm" in caught.value.message
    assert "nothing was marked or committed" in caught.value.message
    assert "--mark-only" in caught.value.hint and "pypiserver" in caught.value.hint
    assert yanking_index.requests >= 2  # it really polled
    assert head_and_changelog(sample_repo) == before


@pytest.mark.slow
def test_mark_only_on_pypiserver_which_cannot_report_yanks(
    sample_repo: Path, pypi_server: PypiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in YANK_FILES:
        (pypi_server.packages / name).write_bytes(b"not really a distribution")
    monkeypatch.setenv("RELEASE_INDEX_URL", pypi_server.index_url)
    cfg = config.load(sample_repo)
    head = git(sample_repo, "rev-parse", "HEAD")

    # pypiserver lists the files but has no way to say they are yanked
    with pytest.raises(CheckFailed, match="could not confirm") as caught:
        rollback.run_yank(cfg, "0.2.0", "broken", timeout=0.3, poll=0.1, out=lambda _: None)
    assert "--mark-only" in caught.value.hint
    assert git(sample_repo, "rev-parse", "HEAD") == head

    done = run_engine(sample_repo, "yank", "0.2.0", "--reason", "broken", "--mark-only")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "--mark-only: the yank of 0.2.0 is not checked on" in done.stdout
    assert "cannot report yanks" in done.stdout
    assert "marked [0.2.0] as [YANKED] in CHANGELOG.md and committed it" in done.stdout
    assert git(sample_repo, "log", "-1", "--format=%s") == "Mark 0.2.0 as yanked"
    again = run_engine(sample_repo, "yank", "0.2.0", "--reason", "broken", "--mark-only")
    assert "already marked [YANKED]" in again.stdout
    assert git(sample_repo, "log", "-1", "--format=%s") == "Mark 0.2.0 as yanked"
    assert (sample_repo / "CHANGELOG.md").read_text().count("[YANKED]") == 1


def test_yank_refuses_bad_input_and_writes_nothing(sample_repo: Path) -> None:
    cfg = config.load(sample_repo)
    before = (sample_repo / "CHANGELOG.md").read_bytes()
    with pytest.raises(UsageError, match="no section for 0.9.0"):
        rollback.run_yank(cfg, "0.9.0", "why", out=lambda _: None)
    with pytest.raises(UsageError, match="needs a reason"):
        rollback.run_yank(cfg, "0.2.0", "  ", out=lambda _: None)
    assert (sample_repo / "CHANGELOG.md").read_bytes() == before
    # a hand edit of the CHANGELOG would be swept into the yank commit: refused
    (sample_repo / "CHANGELOG.md").write_bytes(before + b"\n<!-- draft -->\n")
    with pytest.raises(UsageError, match="uncommitted changes") as caught:
        rollback.run_yank(cfg, "0.2.0", "why", mark_only=True, out=lambda _: None)
    assert "commit or stash" in caught.value.hint
    assert git(sample_repo, "log", "-1", "--format=%s") == "Initial commit"


def test_hotfix_branches_from_the_tag(sample_repo: Path) -> None:
    git(sample_repo, "tag", "-a", "v0.2.0", "-m", "Release version 0.2.0")
    released = git(sample_repo, "rev-parse", "HEAD")
    (sample_repo / "later.txt").write_text("work after the release\n")
    git(sample_repo, "add", "later.txt")
    git(sample_repo, "commit", "--quiet", "-m", "later work")
    lines: list[str] = []
    assert rollback.run_hotfix(config.load(sample_repo), "0.2.0", out=lines.append) == 0
    assert git(sample_repo, "branch", "--show-current") == "hotfix/0.2.1"
    assert git(sample_repo, "rev-parse", "HEAD") == released
    assert "nox -s publish -- 0.2.1" in "\n".join(lines)


def test_hotfix_refusals(sample_repo: Path) -> None:
    cfg = config.load(sample_repo)
    with pytest.raises(UsageError, match="no tag v0.2.0"):
        rollback.run_hotfix(cfg, "0.2.0", out=lambda _: None)
    git(sample_repo, "tag", "-a", "v0.2.0", "-m", "r")
    with pytest.raises(UsageError, match="final release"):
        rollback.run_hotfix(cfg, "0.2.0rc1", out=lambda _: None)
    git(sample_repo, "branch", "hotfix/0.2.1")
    with pytest.raises(UsageError, match="exists already"):
        rollback.run_hotfix(cfg, "0.2.0", out=lambda _: None)
    assert git(sample_repo, "branch", "--show-current") == "main"
