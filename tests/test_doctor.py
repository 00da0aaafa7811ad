"""``doctor`` names what would stop a release, with fixes, against real git and a real index."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from release import config, doctor, publish
from release.errors import ReleaseError
from tests.conftest import git
from tests.fake_github import FakeGitHub
from tests.pypi_server import PypiServer


def diagnose(project: Path) -> tuple[int, str]:
    lines: list[str] = []
    code = doctor.run_doctor(config.load(project), out=lines.append)
    return code, "\n".join(lines)


@pytest.fixture
def indexes(monkeypatch: pytest.MonkeyPatch, pypi_server: PypiServer) -> PypiServer:
    for var in ("RELEASE_TEST_UPLOAD_URL", "RELEASE_UPLOAD_URL"):
        monkeypatch.setenv(var, pypi_server.upload_url)
    for var in ("RELEASE_TEST_INDEX_URL", "RELEASE_INDEX_URL"):
        monkeypatch.setenv(var, pypi_server.index_url)
    return pypi_server


@pytest.fixture
def healthy(
    monkeypatch: pytest.MonkeyPatch, pypi_server: PypiServer, tmp_path: Path
) -> Iterator[FakeGitHub]:
    """Indexes that answer, upload credentials, and a GitHub where the sample's CI is green."""
    for var in ("RELEASE_TEST_UPLOAD_URL", "RELEASE_UPLOAD_URL"):
        monkeypatch.setenv(var, pypi_server.upload_url)
    for var in ("RELEASE_TEST_INDEX_URL", "RELEASE_INDEX_URL"):
        monkeypatch.setenv(var, pypi_server.index_url)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TWINE_USERNAME", "tester")
    monkeypatch.setenv("TWINE_PASSWORD", "doctor-secret-123")
    fake = FakeGitHub(repo="omi-dev/omi-openclaw").start()
    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    try:
        yield fake
    finally:
        fake.stop()
    assert not fake.violations, fake.violations


def green(fake: FakeGitHub, repo: Path) -> None:
    fake.add_check_run(git(repo, "rev-parse", "HEAD"), "tests")


@pytest.mark.slow
def test_healthy_project(sample_repo: Path, healthy: FakeGitHub) -> None:
    green(healthy, sample_repo)
    code, report = diagnose(sample_repo)
    assert code == 0, report
    assert "nothing doctor checks would stop the release of 0.2.1" in report
    assert "doctor-secret-123" not in report


@pytest.mark.slow
def test_problems_are_named_with_fixes(
    sample_repo: Path, indexes: PypiServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("TWINE_USERNAME", "TWINE_PASSWORD", "ACTIONS_ID_TOKEN_REQUEST_URL"):
        monkeypatch.delenv(var, raising=False)
    pypirc = home / ".pypirc"
    pypirc.write_text("[distutils]\nindex-servers =\n")
    pypirc.chmod(0o644)
    # A tag that disagrees with the remote's.
    git(sample_repo, "tag", "v0.1.0")
    git(sample_repo, "push", "--quiet", "origin", "v0.1.0")
    (sample_repo / "x.txt").write_text("x")
    git(sample_repo, "add", "x.txt")
    git(sample_repo, "commit", "--quiet", "-m", "x")
    git(sample_repo, "tag", "-f", "v0.1.0")
    # A stale dist/ and version drift.
    (sample_repo / "dist").mkdir()
    (sample_repo / "dist" / "omi_openclaw-0.1.0.tar.gz").write_bytes(b"old")
    init = sample_repo / "src" / "omi_openclaw" / "__init__.py"
    init.write_text(init.read_text().replace("0.2.0", "0.1.9"))
    code, report = diagnose(sample_repo)
    assert code == 1, report
    assert "no upload credentials for" in report and "FAIL" in report
    assert "chmod 600 ~/.pypirc" in report
    assert "local and remote disagree: v0.1.0" in report
    assert "stale files: omi_openclaw-0.1.0.tar.gz" in report
    assert "drift:" in report and "0.1.9" in report


def test_unreachable_index_and_remote_stop_a_release_as_publish_says(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """doctor runs publish's preflight: what stops publish is a problem for doctor too."""
    for var in ("RELEASE_TEST_INDEX_URL", "RELEASE_INDEX_URL"):
        monkeypatch.setenv(var, "http://127.0.0.1:9/simple/")
    git(sample_repo, "remote", "set-url", "origin", str(sample_repo.parent / "missing.git"))
    code, report = diagnose(sample_repo)
    assert code == 1, report
    assert "could not read the remote 'origin'" in report
    assert "could not read http://127.0.0.1:9/simple/omi-openclaw/" in report
    assert "re-run when it is reachable" in report
    assert "nothing doctor checks would stop" not in report
    with pytest.raises(ReleaseError) as caught:
        publish.preflight(
            publish.Release(
                config.load(sample_repo),
                doctor.upcoming(config.load(sample_repo)).release.version,
                publish.PublishOptions(allow_unknown=True),
            ),
            run_checklist=False,
            out=lambda _: None,
        )
    for line in caught.value.message.splitlines():
        if line.startswith("  - "):
            assert line[4:] in report  # every problem publish names, doctor names


def test_changelog_that_would_not_promote(sample_repo: Path) -> None:
    """Publish's bump step refuses an empty [Unreleased]: the preflight row says so, once."""
    changelog = sample_repo / "CHANGELOG.md"
    text = changelog.read_text()
    start = text.index("### Added")
    end = text.index("## [0.2.0]")
    changelog.write_text(text[:start] + text[end:])
    git(sample_repo, "commit", "--quiet", "-am", "Drop the unreleased changes")
    git(sample_repo, "push", "--quiet", "origin", "main")
    code, report = diagnose(sample_repo)
    assert code == 1
    assert report.count("the [Unreleased] section (CHANGELOG line 8) is empty") == 1, report
