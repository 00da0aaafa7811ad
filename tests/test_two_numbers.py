"""Projects whose versions have two release numbers (packaging's ``26.4``, pip's ``24.2``) keep them:
bump, notes, plan, hotfix and yank work in ``X.Y``; a three-number project is unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from release import config
from release.bump import BumpOptions, run_bump, run_notes, run_versions
from release.errors import VersionError
from release.publish import run_plan
from release.rollback import run_hotfix, run_yank
from tests.conftest import REPO, git, init_repo

DATE = "2026-11-30"
URL = "https://github.com/example/twonum"

PYPROJECT = """\
[build-system]
requires = ["flit_core >=3.12"]
build-backend = "flit_core.buildapi"

[project]
name = "twonum"
dynamic = ["version"]
description = "A project released as X.Y"
"""

CHANGELOG = f"""\
# Changelog

## [Unreleased]

### Added
- `twonum.ranges`.

## [26.4] - 2026-11-23

### Fixed
- A bug.

## [26.3] - 2026-08-03

### Added
- Markers.

[Unreleased]: {URL}/compare/26.4...HEAD
[26.4]: {URL}/compare/26.3...26.4
[26.3]: {URL}/releases/tag/26.3
"""


def two_number_project(
    root: Path, current: str = "26.4", tags: tuple[str, ...] = (), changelog: str = CHANGELOG
) -> Path:
    """A flit project at ``current`` with a Keep a Changelog file and the ``tags`` (no remote)."""
    (root / "twonum").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "twonum" / "__init__.py").write_text(
        f'"""Two numbers."""\n\n__version__ = "{current}"\n', encoding="utf-8"
    )
    (root / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    return init_repo(root, *tags)


def load(root: Path) -> config.Config:
    return config.load(root, env={})


def bump(root: Path, spec: str, *, dry_run: bool = False, pre: str | None = None) -> list[str]:
    printed: list[str] = []
    options = BumpOptions(pre=pre, date=DATE)
    cfg = load(root)
    tags = set(git(root, "tag", "--list").split())
    assert run_bump(cfg, spec, options, dry_run=dry_run, tags=tags, out=printed.append) == 0
    return printed


def version_in(root: Path) -> str:
    text = (root / "twonum" / "__init__.py").read_text(encoding="utf-8")
    return text.split('__version__ = "')[1].split('"')[0]


@pytest.mark.parametrize(
    ("spec", "pre", "expected"),
    [
        ("26.5", None, "26.5"),
        ("minor", None, "26.5"),
        ("major", None, "27.0"),
        ("minor", "rc", "26.5rc1"),
        ("auto", None, "26.5"),  # Added -> minor
        ("26.5rc1", None, "26.5rc1"),
    ],
)
def test_a_two_number_project_is_bumped_in_two_numbers(
    tmp_path: Path, spec: str, pre: str | None, expected: str
) -> None:
    root = two_number_project(tmp_path / "p", tags=("26.3", "26.4"))
    printed = bump(root, spec, pre=pre)
    assert printed[0] == f"bump 26.4 → {expected}"
    assert "  version scheme: 2 release numbers (from 26.4)" in printed
    assert version_in(root) == expected
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [Unreleased]\n\n## [{expected}] - {DATE}\n\n### Added" in text
    assert f"[Unreleased]: {URL}/compare/{expected}...HEAD\n" in text
    assert f"[{expected}]: {URL}/compare/26.4...{expected}\n" in text


def test_patch_says_it_writes_a_third_number(tmp_path: Path) -> None:
    root = two_number_project(tmp_path / "p", tags=("26.4",))
    printed = bump(root, "patch", dry_run=True)
    assert printed[:3] == [
        "bump 26.4 → 26.4.1",
        "  version scheme: 2 release numbers (from 26.4)",
        "  a patch release has a third number (26.4.1); for 26.5: bump minor (or bump 26.5)",
    ]
    assert version_in(root) == "26.4"


def test_a_pre_release_is_finished_in_two_numbers(tmp_path: Path) -> None:
    root = two_number_project(tmp_path / "p", current="26.5rc1")
    assert bump(root, "minor", pre="rc", dry_run=True)[0] == "bump 26.5rc1 → 26.5rc2"
    assert bump(root, "patch", dry_run=True)[0] == "bump 26.5rc1 → 26.5"


def test_after_a_patch_release_the_tags_keep_the_scheme(tmp_path: Path) -> None:
    """pip: 24.1, 24.1.1, then 24.2 (the changelog says 26.4; tags are newest)."""
    root = two_number_project(tmp_path / "p", current="26.4.1", tags=("26.4", "26.4.1"))
    printed = bump(root, "minor", dry_run=True)
    assert printed[:2] == [
        "bump 26.4.1 → 26.5",
        "  version scheme: 2 release numbers (from tag 26.4)",
    ]
    assert bump(root, "patch", dry_run=True)[0] == "bump 26.4.1 → 26.4.2"


def test_an_explicit_version_not_above_the_current_names_two_number_rules(tmp_path: Path) -> None:
    root = two_number_project(tmp_path / "p")
    with pytest.raises(VersionError) as raised:
        bump(root, "26.3")
    assert raised.value.hint.endswith("patch → 26.4.1, minor → 26.5, major → 27.0")


def test_one_number_is_refused_naming_both_forms(tmp_path: Path) -> None:
    root = two_number_project(tmp_path / "p")
    before = (root / "CHANGELOG.md").read_bytes()
    with pytest.raises(VersionError) as raised:
        bump(root, "27")
    assert raised.value.message == (
        "'27' has 1 release number, not 2 or 3 (X.Y or X.Y.Z); a release version is X.Y or X.Y.Z"
    )
    assert "26.5" in raised.value.hint
    assert (root / "CHANGELOG.md").read_bytes() == before


def test_a_three_number_project_still_refuses_x_y(tmp_path: Path) -> None:
    three = CHANGELOG.replace("26.4", "1.4.0").replace("26.3", "1.3.0")
    root = two_number_project(tmp_path / "p", current="1.4.0", tags=("1.4.0",), changelog=three)
    with pytest.raises(VersionError) as raised:
        bump(root, "1.5")
    assert raised.value.message == (
        "'1.5' has 2 release numbers, not 3 (X.Y.Z); a release version is X.Y.Z"
    )
    assert bump(root, "minor", dry_run=True)[:2] == [
        "bump 1.4.0 → 1.5.0",
        "  twonum/__init__.py:3  1.4.0 → 1.5.0",
    ]


def test_the_engine_cli_bumps_x_y_and_exits_2_on_bad_input(tmp_path: Path) -> None:
    root = two_number_project(tmp_path / "p", tags=("26.4",))

    def engine(*args: str) -> subprocess.CompletedProcess[str]:
        env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
        command = [sys.executable, "-m", "release", *args]
        return subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)

    done = engine("bump", "26.5", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "version scheme: 2 release numbers (from 26.4)" in done.stdout
    refused = engine("bump", "26.5.1.2")
    assert refused.returncode == 2
    assert "not 2 or 3 (X.Y or X.Y.Z)" in refused.stderr


def test_notes_plan_and_versions_take_x_y(tmp_path: Path) -> None:
    root = two_number_project(tmp_path / "p", tags=("26.3", "26.4"))
    printed: list[str] = []
    assert run_notes(load(root), "v26.4", out=printed.append) == 0
    assert "- A bug." in printed[0]
    bump(root, "26.5")
    git(root, "commit", "--quiet", "-am", "Release 26.5")
    printed = []
    assert run_plan(load(root), "26.5", out=printed.append) == 0
    assert printed[0] == "Release plan for twonum 26.5 (tag 26.5):"
    printed = []
    assert run_versions(load(root), out=printed.append) == 0
    assert printed[-1] == "all 1 copies at 26.5"


def test_a_hotfix_of_x_y_is_x_y_1(tmp_path: Path) -> None:
    root = two_number_project(tmp_path / "p")
    make_repo_tags(root, "26.3", "26.4")
    printed: list[str] = []
    assert run_hotfix(load(root), "26.3", out=printed.append) == 0
    assert git(root, "branch", "--show-current") == "hotfix/26.3.1"
    assert "nox -s publish -- 26.3.1" in printed[0]


def test_yank_marks_an_x_y_section(tmp_path: Path) -> None:
    root = two_number_project(tmp_path / "p")
    make_repo_tags(root, "26.4")
    printed: list[str] = []
    assert run_yank(load(root), "26.4", "broken wheel", mark_only=True, out=printed.append) == 0
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [26.4] - 2026-11-23 [YANKED]" in text


def make_repo_tags(root: Path, *tags: str) -> None:
    """Give ``root`` (already a repository) a bare remote and push ``tags`` to it."""
    remote = root.parent / "remote.git"
    git(root.parent, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    for tag in tags:
        git(root, "tag", tag)
    git(root, "push", "--quiet", "-u", "origin", "main", "--tags")


def test_the_next_version_publish_names_for_a_released_one_keeps_two_numbers(
    tmp_path: Path,
) -> None:
    from release.publish import Release
    from release.publish.preflight import next_version

    root = two_number_project(tmp_path / "twonum", tags=("26.3", "26.4"))

    assert next_version(Release(load(root), "26.4")) == "26.5"
    git(root, "tag", "26.5rc1")  # a pre-release out: its final release is next, in two numbers
    assert next_version(Release(load(root), "26.5rc1")) == "26.5"
