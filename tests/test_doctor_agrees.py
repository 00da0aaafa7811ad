"""``doctor`` gives publish's preflight answer for the version a maintainer would release next:
the release in progress (bumped, committed or not, not tagged), else the next version.

Real git with a bare remote, a real index on loopback, GitHub faked on loopback (CI green)."""

from __future__ import annotations

from pathlib import Path

from release import bump, config, publish
from tests.conftest import git, make_repo
from tests.fake_github import FakeGitHub
from tests.test_cext_release import make_project as make_cext_project
from tests.test_doctor import diagnose, green, healthy

__all__ = ["healthy"]  # the fixture, used by name


def test_a_release_in_progress_is_the_one_doctor_checks(
    sample_repo: Path, healthy: FakeGitHub
) -> None:
    """The sample's 0.2.0 has a dated section: 0.2.1 is next. Once bumped (uncommitted, then
    committed), 0.2.1 stays the release doctor checks; once tagged, 0.2.2 is."""
    green(healthy, sample_repo)
    code, report = diagnose(sample_repo)
    assert code == 0 and "0.2.1: the next version (0.2.0 was released)" in report, report

    cfg = config.load(sample_repo)
    bump.run_bump(cfg, "patch", bump.BumpOptions(date="2026-12-03"), out=lambda _: None)
    code, report = diagnose(sample_repo)
    assert code == 0, report
    assert "0.2.1: not released yet" in report
    assert "nothing doctor checks would stop the release of 0.2.1" in report
    assert "0.2.2" not in report and "is empty" not in report

    git(sample_repo, "commit", "--quiet", "-am", "Release version 0.2.1")
    green(healthy, sample_repo)
    code, report = diagnose(sample_repo)
    assert code == 0, report
    assert "unpushed" not in report and "0.2.2" not in report
    # publish agrees: its preflight for 0.2.1 finds nothing
    publish.preflight(publish.Release(cfg, "0.2.1"), run_checklist=False, out=lambda _: None)

    git(sample_repo, "tag", "v0.2.1")
    git(sample_repo, "push", "--quiet", "origin", "main", "v0.2.1")
    code, report = diagnose(sample_repo)
    assert code == 1
    assert "0.2.2: the next version (0.2.1 was released)" in report
    assert "already on origin" not in report
    assert "the [Unreleased] section (CHANGELOG line 8) is empty" in report  # publish 0.2.2's


PDM_SCM = """\
[build-system]
requires = ["pdm-backend"]
build-backend = "pdm.backend"

[project]
name = "doc-vcs"
dynamic = ["version"]
requires-python = ">=3.10"

[tool.pdm.version]
source = "scm"
"""


def vcs_repo(tmp_path: Path, release: str) -> Path:
    """A pdm-backend project whose version is the git tag, v1.0.0 pushed to a bare origin."""
    project = tmp_path / "doc-vcs"
    (project / "src" / "doc_vcs").mkdir(parents=True)
    (project / "src" / "doc_vcs" / "__init__.py").write_text('"""doc-vcs."""\n')
    (project / "pyproject.toml").write_text(PDM_SCM + f"\n[tool.release]\n{release}\n")
    changelog = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Colours.\n\n"
    (project / "CHANGELOG.md").write_text(changelog + "## [1.0.0] - 2026-01-02\n\n- First.\n")
    make_repo(project, tmp_path / "origin.git")
    git(project, "tag", "v1.0.0")
    git(project, "push", "--quiet", "origin", "v1.0.0")
    return project


def test_a_vcs_version_without_changelog_is_not_stuck_on_its_last_tag(
    tmp_path: Path, healthy: FakeGitHub
) -> None:
    project = vcs_repo(tmp_path, "changelog = false")
    code, report = diagnose(project)
    assert code == 0, report
    assert "1.0.1: the next version (no version above the last tag v1.0.0 is pending)" in report
    assert "already on origin" not in report


def test_a_vcs_version_bumped_in_its_changelog_is_the_release_in_progress(
    tmp_path: Path, healthy: FakeGitHub
) -> None:
    project = vcs_repo(tmp_path, 'changelog = "CHANGELOG.md"')
    bump.run_bump(config.load(project), "minor", out=lambda _: None)
    code, report = diagnose(project)
    assert code == 0, report
    assert "1.1.0: not released yet" in report and "1.0.1" not in report


def test_checks_publish_runs_are_reported_and_the_slow_ones_named(
    sample_repo: Path, healthy: FakeGitHub
) -> None:
    module = sample_repo / "src" / "omi_openclaw" / "spacing.py"
    module.write_text("x=1\n")  # black would reformat it
    git(sample_repo, "add", "-A")
    git(sample_repo, "commit", "--quiet", "-m", "Add spacing")
    git(sample_repo, "push", "--quiet", "origin", "main")
    green(healthy, sample_repo)
    code, report = diagnose(sample_repo)
    assert code == 1
    assert "preflight       FAIL     black: FAIL" in report
    assert "not run         SKIPPED  mypy, dependencies secure, dependencies up to date" in report


def test_platform_wheels_need_publish_from_ci_as_publish_says(tmp_path: Path) -> None:
    root = make_cext_project(tmp_path)
    code, report = diagnose(root)
    assert code == 1
    assert "cext-demo ships platform wheels" in report and 'publish-from = "ci"' in report
