"""The changelog-dialect corpus (tests/projects/changelog-*/), each released end to end in a real git
repository with its tags: ``versions``, ``bump`` (the CHANGELOG edited in its own style, every other
byte kept), ``notes`` and release-check's changelog row."""

from __future__ import annotations

import difflib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from release import config, history
from release.checklist import Context, changelog_item

from .conftest import git, run_engine, snapshot

PROJECTS = Path(__file__).parent / "projects"
DATE = "2026-12-01"
ENTRY = "The `shape` command prints the project's shape."


@dataclass(frozen=True)
class Dialect:
    name: str
    tag: str | None  # the tag of the release before (None: never released)
    removed: tuple[str, ...]  # the CHANGELOG lines bump removes (line breaks left out)
    added: tuple[str, ...]  # and adds, in order
    row: str = "PASS"  # release-check's changelog row once released
    spec: str = "minor"
    version: str = "1.3.0"


GITLAB = "https://gitlab.com/example/gitlab-upper-v/-"
BITBUCKET = "https://bitbucket.org/example/bitbucket"
CODEBERG = "https://codeberg.org/example/codeberg"
HEADING = "https://github.com/example/heading-links"

DIALECTS = (
    Dialect(
        "changelog-heading-links",
        "1.2.0",
        (f"## [Unreleased]({HEADING}/compare/1.2.0...HEAD)",),
        (
            f"## [Unreleased]({HEADING}/compare/1.3.0...HEAD)",
            "",
            f"## [1.3.0]({HEADING}/compare/1.2.0...1.3.0) - {DATE}",
        ),
    ),
    Dialect("changelog-plain-headings", "v1.2.0", (), ("", f"## 1.3.0 - {DATE}")),
    Dialect(
        "changelog-gitlab-upper-v",
        "v1.2.0",
        (f"[UNRELEASED]: {GITLAB}/compare/v1.2.0...HEAD",),
        (
            "",
            f"## [v1.3.0] - {DATE}",
            f"[UNRELEASED]: {GITLAB}/compare/v1.3.0...HEAD",
            f"[v1.3.0]: {GITLAB}/compare/v1.2.0...v1.3.0",
        ),
    ),
    Dialect(
        "changelog-bitbucket",
        "v1.2.0",
        (f"[unreleased]: {BITBUCKET}/branches/compare/HEAD%0Dv1.2.0#diff",),
        (
            "",
            f"## [1.3.0] - {DATE}",
            f"[unreleased]: {BITBUCKET}/branches/compare/HEAD%0Dv1.3.0#diff",
            f"[1.3.0]: {BITBUCKET}/branches/compare/v1.3.0%0Dv1.2.0#diff",
        ),
    ),
    Dialect(
        "changelog-codeberg-missing-link",
        "v1.2.0",
        (f"[Unreleased]: {CODEBERG}/compare/v1.2.0...HEAD",),
        (
            "",
            f"## [1.3.0] - {DATE}",
            f"[Unreleased]: {CODEBERG}/compare/v1.3.0...HEAD",
            f"[1.3.0]: {CODEBERG}/compare/v1.2.0...v1.3.0",
        ),
        row="WARN",  # [1.1.0] has no link: said, never a refusal
    ),
    Dialect(
        "changelog-crlf",
        "v1.2.0",
        ("[Unreleased]: https://github.com/example/crlf/compare/v1.2.0...HEAD",),
        (
            "",
            f"## [1.3.0] - {DATE}",
            "[Unreleased]: https://github.com/example/crlf/compare/v1.3.0...HEAD",
            "[1.3.0]: https://github.com/example/crlf/compare/v1.2.0...v1.3.0",
        ),
    ),
    Dialect(
        "changelog-commits-main",
        None,
        ("[Unreleased]: https://github.com/example/commits-main/commits/main",),
        (
            f"## [0.1.0] - {DATE}",
            "",
            "[Unreleased]: https://github.com/example/commits-main/compare/v0.1.0...HEAD",
            "[0.1.0]: https://github.com/example/commits-main/commits/v0.1.0",
        ),
        spec="0.1.0",
        version="0.1.0",
    ),
)


def released_repo(name: str, tag: str | None, tmp_path: Path) -> Path:
    """The project committed on main (and tagged, in its own style, at its last release), then one
    more commit, as a project looks before its next release."""
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "The release before")
    if tag is not None:
        git(project, "tag", "-a", tag, "-m", f"Release {tag}")
    (project / "NEWS").write_text("the shape command\n", encoding="utf-8")
    git(project, "add", "NEWS")
    git(project, "commit", "--quiet", "-m", "Add the shape command")
    return project


def diff_lines(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """The lines removed and added (without line breaks), and every line break kept as it was."""
    old = before.decode().splitlines(keepends=True)
    new = after.decode().splitlines(keepends=True)
    removed: list[str] = []
    added: list[str] = []
    for line in difflib.ndiff(old, new):
        if line.startswith("- "):
            removed.append(line[2:].rstrip("\r\n"))
        elif line.startswith("+ "):
            added.append(line[2:].rstrip("\r\n"))
    return removed, added


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda dialect: dialect.name)
def test_a_dialect_is_released_in_its_own_style(dialect: Dialect, tmp_path: Path) -> None:
    project = released_repo(dialect.name, dialect.tag, tmp_path)
    old = "0.1.0" if dialect.tag is None else "1.2.0"

    shown = run_engine(project, "versions")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert f"all 1 copies at {old}" in shown.stdout

    before = snapshot(project)
    bumped = run_engine(project, "bump", dialect.spec, "--date", DATE)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    after = snapshot(project)
    changed = {name for name in before if before[name] != after[name]}
    expected_changed = {"CHANGELOG.md"} | ({"pyproject.toml"} if old != dialect.version else set())
    assert changed == expected_changed
    removed, added = diff_lines(before["CHANGELOG.md"], after["CHANGELOG.md"])
    assert (tuple(removed), tuple(added)) == (dialect.removed, dialect.added)
    crlf = b"\r\n" in before["CHANGELOG.md"]
    assert after["CHANGELOG.md"].count(b"\n") == (
        after["CHANGELOG.md"].count(b"\r\n") if crlf else after["CHANGELOG.md"].count(b"\n")
    )
    if crlf:
        assert b"\n" not in after["CHANGELOG.md"].replace(b"\r\n", b"")

    again = run_engine(project, "bump", dialect.version, "--date", DATE)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nothing to do" in again.stdout
    assert snapshot(project) == after

    notes = run_engine(project, "notes", dialect.version)
    assert notes.returncode == 0, notes.stdout + notes.stderr
    assert notes.stdout == f"### Added\n\n- {ENTRY}\n"

    git(project, "commit", "--quiet", "-am", f"Release {dialect.version}")
    (row,) = changelog_item(Context(config.load(project, env={}), dialect.version))
    assert row.status == dialect.row, row
    if dialect.row == "WARN":
        assert row.reason == "line 22: [1.1.0] has no link"


def test_headings_that_are_not_keep_a_changelog_are_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    project = released_repo("changelog-not-kac", "v1.2.0", tmp_path)
    before = snapshot(project)

    bumped = run_engine(project, "bump", "minor", "--date", DATE)

    assert bumped.returncode == 2
    assert "CHANGELOG.md line 7: '## 1.2.0 (31st January, 2025)' is not a release heading" in (
        bumped.stderr
    )
    assert (
        "fix: write it as '## [1.2.0] - YYYY-MM-DD'; or, to keep CHANGELOG.md as it is, set "
        in (bumped.stderr)
    )
    assert "changelog = false in [tool.release]" in bumped.stderr
    assert snapshot(project) == before
    (row,) = changelog_item(Context(config.load(project, env={})))
    assert row.status == "FAIL"
    assert "line 7" in row.reason


def test_without_a_changelog_bump_writes_the_versions_only(tmp_path: Path) -> None:
    project = released_repo("changelog-none", "v1.2.0", tmp_path)
    before = snapshot(project)

    bumped = run_engine(project, "bump", "patch")

    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert "partly applied" not in bumped.stdout  # no changelog is no sign of a started bump
    after = snapshot(project)
    assert {name for name in before if before[name] != after[name]} == {"pyproject.toml"}
    assert not (project / "CHANGELOG.md").exists()
    notes = run_engine(project, "notes", "1.2.1")
    assert notes.returncode == 2
    assert "keeps no changelog (changelog = false" in notes.stderr
    (row,) = changelog_item(Context(config.load(project, env={}), "1.2.1"))
    assert (row.status, row.reason) == ("SKIPPED", "the project keeps none (changelog = false)")


def test_without_a_changelog_a_version_from_git_tags_has_nothing_to_write(
    tmp_path: Path,
) -> None:
    """The tag is the version and there is no changelog: bump says so, not that the version
    "is already applied"."""
    project = tmp_path / "pdm-scm"
    shutil.copytree(PROJECTS / "pdm-scm", project)
    (project / "CHANGELOG.md").unlink()
    with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write("\n[tool.release]\nchangelog = false\n")
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "The release before")
    git(project, "tag", "-a", "v1.2.0", "-m", "Release v1.2.0")
    before = snapshot(project)

    bumped = run_engine(project, "bump", "patch")

    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert bumped.stdout.splitlines() == [
        "bump 1.2.0 → 1.2.1",
        "  the version comes from git tags (pdm-backend): no version file is written; the tag"
        " v1.2.1 makes 1.2.1",
        "nothing to write: the project keeps no changelog (changelog = false)",
    ]
    assert snapshot(project) == before


def test_a_towncrier_project_is_built_by_towncrier(tmp_path: Path) -> None:
    project = released_repo("changelog-towncrier", "v1.2.0", tmp_path)
    cfg = config.load(project, env={})
    assert cfg.changelog_kind == "towncrier"
    (waiting,) = changelog_item(Context(cfg))
    assert (waiting.status, waiting.reason) == ("PASS", "towncrier: 1 news fragment(s) waiting")

    dry = run_engine(project, "bump", "auto", "--date", DATE, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "auto: minor release" in dry.stdout
    assert f"would run: python -m towncrier build --version 1.3.0 --date {DATE} --yes" in dry.stdout

    bumped = run_engine(project, "bump", "auto", "--date", DATE)

    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    text = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"# changelog-towncrier 1.3.0 ({DATE})" in text
    assert not (project / "changelog.d" / "+shape.feature.md").exists()
    assert 'version = "1.3.0"' in (project / "pyproject.toml").read_text(encoding="utf-8")
    notes = run_engine(project, "notes", "1.3.0")
    assert notes.returncode == 0, notes.stdout + notes.stderr
    assert notes.stdout == f"## Features\n\n- {ENTRY}\n"
    old_notes = run_engine(project, "notes", "1.2.0")
    assert old_notes.stdout == "## Features\n\n- First release.\n"
    again = run_engine(project, "bump", "1.3.0", "--date", DATE)
    assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout + again.stderr
    git(project, "commit", "--quiet", "-am", "Release 1.3.0")
    (row,) = changelog_item(Context(config.load(project, env={}), "1.3.0"))
    assert (row.status, row.reason) == ("PASS", "towncrier built the 1.3.0 section of CHANGELOG.md")


@pytest.mark.parametrize("name", ["CHANGES.md", "HISTORY.md", "docs/changelog.md"])
def test_the_changelog_file_is_found_under_its_common_names(name: str, tmp_path: Path) -> None:
    project = tmp_path / "named"
    shutil.copytree(PROJECTS / "changelog-plain-headings", project)
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / "CHANGELOG.md").rename(project / name)

    cfg = config.load(project, env={})

    assert cfg.changelog == project / name
    assert cfg.changelog_kind == "keep-a-changelog"


SECURITY_TYPES = """
[[tool.towncrier.type]]
directory = "security"
name = "Security"
showcontent = true

[[tool.towncrier.type]]
directory = "feature"
name = "Features"
showcontent = true
"""


def test_a_security_release_reads_the_notes_of_every_kind_of_changelog(tmp_path: Path) -> None:
    """publish --security asks the History, whichever kind: towncrier's 'security' fragments
    before the bump and its built section after it; Markdown and reStructuredText headings; no
    changelog at all has no notes to check."""
    project = released_repo("changelog-towncrier", "v1.2.0", tmp_path)
    with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write(SECURITY_TYPES)
    assert history.History.read(config.load(project, env={})).security_notes("1.3.0") == (
        False,
        ENTRY,
    )
    fragment = project / "changelog.d" / "+escape.security.md"
    fragment.write_text("Escape note titles (CVE-2026-12345).\n", encoding="utf-8")
    notes = history.History.read(config.load(project, env={})).security_notes("1.3.0")
    assert notes is not None and notes[0] and "CVE-2026-12345" in notes[1]

    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Note the security fix")
    bumped = run_engine(project, "bump", "1.3.0", "--date", DATE)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    notes = history.History.read(config.load(project, env={})).security_notes("1.3.0")
    assert notes is not None and notes[0] and "## Security" in notes[1]
    assert "CVE-2026-12345" in notes[1]

    none = released_repo("changelog-none", "v1.2.0", tmp_path / "none")
    assert history.History.read(config.load(none, env={})).security_notes("1.2.1") is None
    assert history.has_security_heading("Security\n--------\n\n- Escape titles.\n")
    assert history.has_security_heading("### Security\n- Escape titles.")
    assert not history.has_security_heading("### Fixed\n- Security of titles.\nSecurity\n")
