"""Yank (guided, verified on the index) and hotfix branches."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from release import config, rollback
from release.errors import CheckFailed, UsageError
from tests.conftest import git

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


@pytest.fixture
def yanking_index() -> Iterator[YankingIndex]:
    index = YankingIndex()
    index.thread.start()
    yield index
    index.server.shutdown()
    index.server.server_close()


def test_yank_marks_changelog_commits_and_confirms(
    sample_repo: Path, yanking_index: YankingIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELEASE_INDEX_URL", yanking_index.index_url)
    cfg = config.load(sample_repo)
    lines: list[str] = []

    def out(line: str) -> None:
        lines.append(line)
        if "waiting" in line:  # the maintainer yanks in the web UI while we poll
            yanking_index.yanked = "broken wheel"

    assert rollback.run_yank(cfg, "0.2.0", "broken wheel", timeout=10, poll=0.1, out=out) == 0
    text = "\n".join(lines)
    assert "no API for yanking" in text
    assert "Options -> Yank" in text and "broken wheel" in text
    assert "confirmed: 2 file(s) of 0.2.0 are yanked" in text
    changelog = (sample_repo / "CHANGELOG.md").read_text()
    assert "## [0.2.0] - 2026-10-02 [YANKED]" in changelog
    assert git(sample_repo, "log", "-1", "--format=%s") == "Mark 0.2.0 as yanked"
    assert git(sample_repo, "status", "--porcelain") == ""


def test_yank_that_the_index_never_reports_is_not_confirmed(
    sample_repo: Path, yanking_index: YankingIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELEASE_INDEX_URL", yanking_index.index_url)
    cfg = config.load(sample_repo)
    with pytest.raises(CheckFailed) as caught:
        rollback.run_yank(cfg, "0.2.0", "broken", timeout=0.5, poll=0.1, out=lambda _: None)
    assert "could not confirm" in caught.value.message
    assert "never report yanks" in caught.value.hint
    assert yanking_index.requests >= 2  # it really polled
    # Re-running does not mark or commit twice.
    head = git(sample_repo, "rev-parse", "HEAD")
    with pytest.raises(CheckFailed):
        rollback.run_yank(cfg, "0.2.0", "broken", timeout=0.2, poll=0.1, out=lambda _: None)
    assert git(sample_repo, "rev-parse", "HEAD") == head
    assert (sample_repo / "CHANGELOG.md").read_text().count("[YANKED]") == 1


def test_yank_refuses_bad_input_and_writes_nothing(sample_repo: Path) -> None:
    cfg = config.load(sample_repo)
    before = (sample_repo / "CHANGELOG.md").read_bytes()
    with pytest.raises(UsageError, match="no section for 0.9.0"):
        rollback.run_yank(cfg, "0.9.0", "why", out=lambda _: None)
    with pytest.raises(UsageError, match="needs a reason"):
        rollback.run_yank(cfg, "0.2.0", "  ", out=lambda _: None)
    assert (sample_repo / "CHANGELOG.md").read_bytes() == before


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
