"""The README's main command: the offline demo release, end to end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, engine_env
from tests.fake_github import FAKE_TOKEN, FakeGitHub


def demo_dirs(temp: Path) -> set[str]:
    return {p.name for p in temp.glob("nox-release-demo-*")}


def run_demo(temp: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The demo with its own temporary directory (tests in other workers run demos too)."""
    return subprocess.run(
        [sys.executable, "-m", "release", "demo"],
        cwd=REPO,
        env=engine_env(TMPDIR=str(temp), **env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )


@pytest.mark.slow
def test_demo_releases_the_sample_and_cleans_up(tmp_path: Path) -> None:
    before = demo_dirs(tmp_path)
    done = run_demo(tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # The story: every step ran, timed, in order.
    steps = re.findall(r"^\[\s*(\d+)\] ([^:]+):", output, re.MULTILINE)
    assert [int(number) for number, _ in steps] == list(range(1, 13))
    assert re.search(r"^\s+ok \(\d+\.\d s\)$", output, re.MULTILINE)
    # Installed from the local production index, the release prints its new version.
    assert re.search(r"omi --version: omi 0\.3\.0$", output, re.MULTILINE)
    assert "GitHub release: SKIPPED" in output
    assert "Released omi-openclaw 0.3.0 end to end" in output
    # Servers stopped, files removed.
    assert demo_dirs(tmp_path) == before
    leftover = subprocess.run(
        ["pgrep", "-f", str(tmp_path / "nox-release-demo-")], capture_output=True, text=True
    )
    assert leftover.stdout.strip() == ""


@pytest.mark.slow
def test_demo_creates_the_github_release_against_a_local_stand_in(tmp_path: Path) -> None:
    fake = FakeGitHub(repo="omi-dev/omi-openclaw").start()
    try:
        fake.add_tag("v0.3.0")  # GitHub has the tag once it is pushed there
        done = run_demo(tmp_path, **fake.env())
    finally:
        fake.stop()
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert not fake.violations, fake.violations
    assert "GitHub release: SKIPPED" not in output
    [release] = fake.releases
    assert release.tag_name == "v0.3.0" and release.name == "OMI v0.3.0"
    assert not release.draft and not release.prerelease
    assert "`omi status` shows how many notes are stored." in (release.body or "")
    assert sorted(asset.name for asset in release.assets) == [
        "omi_openclaw-0.3.0-py3-none-any.whl",
        "omi_openclaw-0.3.0.tar.gz",
    ]
    assert FAKE_TOKEN not in output
