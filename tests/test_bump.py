"""``bump`` end to end on copies of the sample project: plan, refuse, write, resume."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from release import config, files
from release.bump import (
    BumpOptions,
    BumpPlan,
    apply,
    plan_bump,
    release_date,
    run_bump,
    run_notes,
    run_versions,
)
from release.errors import ChangelogError, NothingToRelease, UsageError, VersionError
from release.pyproject import version_copies
from tests.conftest import failing_replace, replace_in, snapshot

DATE = "2026-11-01"
UNRELEASED_BODY = """\
### Added
- `omi status` shows how many notes are stored.
- `omi init` accepts an existing data directory and leaves it as it is.

### Fixed
- `omi --version` printed the version of the previous release.
"""

CHANGED = [
    "CHANGELOG.md",
    "pyproject.toml",
    "src/omi_openclaw/__init__.py",
    "src/omi_openclaw/cli.py",
]


def load(root: Path) -> config.Config:
    return config.load(root, env={})


def set_unreleased(root: Path, body: str) -> None:
    replace_in(root / "CHANGELOG.md", UNRELEASED_BODY, body)


def bumped(
    sample: Path, spec: str = "0.3.0", *, dry_run: bool = False, **options: object
) -> list[str]:
    """Run ``run_bump`` on ``sample`` and return what it printed."""
    printed: list[str] = []
    chosen = BumpOptions(date=DATE, **options)  # type: ignore[arg-type]
    code = run_bump(load(sample), spec, chosen, dry_run=dry_run, out=printed.append)
    assert code == 0
    return printed


def test_bump_sets_every_copy_and_promotes_the_changelog(sample: Path) -> None:
    before = snapshot(sample)
    printed = bumped(sample)
    after = snapshot(sample)
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == CHANGED
    assert {copy.value for copy in version_copies(load(sample))} == {"0.3.0"}
    changelog = (sample / "CHANGELOG.md").read_text()
    assert f"## [Unreleased]\n\n## [0.3.0] - {DATE}\n\n{UNRELEASED_BODY}" in changelog
    assert (
        "[Unreleased]: https://github.com/omi-dev/omi-openclaw/compare/v0.3.0...HEAD\n"
        "[0.3.0]: https://github.com/omi-dev/omi-openclaw/compare/v0.2.0...v0.3.0\n"
    ) in changelog
    assert f"| 0.3.0 | {DATE} |" in changelog
    assert changelog.index("| 0.3.0 |") < changelog.index("| 0.2.0 |")
    assert "  pyproject.toml:7  0.2.0 → 0.3.0" in printed
    assert "  src/omi_openclaw/cli.py:10  0.2.0 → 0.3.0" in printed


def test_the_bumped_program_reports_the_new_version(sample: Path) -> None:
    """The original bug: pyproject said 0.3.0 and ``omi --version`` said 0.2.0."""
    bumped(sample)
    done = subprocess.run(
        [sys.executable, "-c", "from omi_openclaw import cli; cli.main(['--version'])"],
        cwd=sample,
        env={**os.environ, "PYTHONPATH": str(sample / "src")},
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == "omi 0.3.0"


def test_bump_twice_is_bump_once(sample: Path) -> None:
    bumped(sample)
    once = snapshot(sample)
    printed = bumped(sample)
    assert snapshot(sample) == once
    assert printed[-1] == "nothing to do"
    plan = plan_bump(load(sample), "0.3.0", BumpOptions(date="2027-01-01"))
    assert plan.already_done and plan.edits == {}


def full_plan(sample: Path) -> BumpPlan:
    return plan_bump(load(sample), "0.3.0", BumpOptions(date=DATE))


@pytest.mark.parametrize(
    "already",
    [
        subset
        for size in (1, 2, 3)
        for subset in itertools.combinations(
            CHANGED,
            size,
        )
    ],
    ids="+".join,
)
def test_a_partly_applied_bump_is_completed_not_duplicated(
    sample: Path, tmp_path: Path, already: tuple[str, ...]
) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(sample, reference)
    apply(full_plan(reference))
    full = full_plan(sample)
    files.write_together({sample / name: full.edits[sample / name] for name in already})

    plan = full_plan(sample)
    assert not plan.already_done
    assert sorted(path.relative_to(sample).as_posix() for path in plan.edits) == sorted(
        set(name for name in snapshot(reference) if name in CHANGED) - set(already)
    )
    apply(plan)
    assert snapshot(sample) == snapshot(reference)
    assert full_plan(sample).already_done


def test_a_hand_edited_pyproject_gets_its_modules_completed(sample: Path) -> None:
    """The issue: pyproject bumped by hand, ``__version__`` left behind in two modules."""
    replace_in(sample / "pyproject.toml", 'version = "0.2.0"', 'version = "0.3.0"')
    printed = bumped(sample)
    assert "  completing the bump to 0.3.0, which was partly applied" in printed
    assert {copy.value for copy in version_copies(load(sample))} == {"0.3.0"}
    assert "## [0.3.0] - 2026-11-01" in (sample / "CHANGELOG.md").read_text()


@pytest.mark.parametrize(
    ("body", "options", "expected"),
    [
        (UNRELEASED_BODY, {}, "0.3.0"),
        ("### Fixed\n- a crash.\n", {}, "0.2.1"),
        ("### Security\n- CVE fixed.\n", {}, "0.2.1"),
        ("### Removed\n- the old flag.\n", {}, "0.3.0"),
        ("### Changed\n- **BREAKING:** new data format.\n", {}, "0.3.0"),
        ("### Fixed\n- a crash.\n", {"pre": "rc"}, "0.2.1rc1"),
    ],
)
def test_auto_follows_the_decision_matrix(
    sample: Path, body: str, options: dict[str, str], expected: str
) -> None:
    set_unreleased(sample, body)
    plan = plan_bump(load(sample), "auto", BumpOptions(date=DATE, **options))  # type: ignore[arg-type]
    assert plan.version == expected


def test_auto_with_major_on_zero(sample: Path) -> None:
    set_unreleased(sample, "### Removed\n- the old flag.\n")
    replace_in(
        sample / "pyproject.toml", "[tool.release]\n", "[tool.release]\nmajor-on-zero = true\n"
    )
    assert plan_bump(load(sample), "auto", BumpOptions(date=DATE)).version == "1.0.0"


@pytest.mark.parametrize("body", ["", "### Documentation\n- clearer README.\n"])
def test_auto_with_nothing_to_release_writes_nothing(sample: Path, body: str) -> None:
    set_unreleased(sample, body)
    before = snapshot(sample)
    with pytest.raises(NothingToRelease) as caught:
        run_bump(load(sample), "auto", BumpOptions(date=DATE), out=lambda line: None)
    assert caught.value.exit_code == 1
    assert "no release needed" in caught.value.message
    assert snapshot(sample) == before


def test_a_release_candidate_sequence(sample: Path) -> None:
    bumped(sample, "minor", pre="rc")
    assert plan_bump(load(sample), "0.3.0rc1").already_done
    replace_in(
        sample / "CHANGELOG.md", "## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n- rc fix.\n"
    )
    bumped(sample, "minor", pre="rc")
    assert {copy.value for copy in version_copies(load(sample))} == {"0.3.0rc2"}
    bumped(sample, "minor", allow_empty=True, summary="Status and init")
    changelog = (sample / "CHANGELOG.md").read_text()
    headings = [line for line in changelog.splitlines() if line.startswith("## [")]
    assert headings[:4] == [
        "## [Unreleased]",
        f"## [0.3.0] - {DATE}",
        f"## [0.3.0rc2] - {DATE}",
        f"## [0.3.0rc1] - {DATE}",
    ]
    assert f"| 0.3.0 | {DATE} | Status and init |" in changelog
    assert {copy.value for copy in version_copies(load(sample))} == {"0.3.0"}


def test_a_non_normal_spelling_is_normalised_with_a_note(sample: Path) -> None:
    printed = bumped(sample, "v0.3.0")
    assert "  v0.3.0 written as 0.3.0 (PEP 440 normal form)" in printed
    assert {copy.value for copy in version_copies(load(sample))} == {"0.3.0"}


def test_dry_run_prints_the_diff_and_writes_nothing(sample: Path) -> None:
    before = snapshot(sample)
    printed = "\n".join(bumped(sample, dry_run=True))
    assert snapshot(sample) == before
    assert '-version = "0.2.0"\n+version = "0.3.0"' in printed
    assert "+++ b/src/omi_openclaw/cli.py" in printed
    assert f"+## [0.3.0] - {DATE}" in printed
    assert printed.endswith("dry run: nothing written")


@pytest.mark.parametrize(
    ("spec", "tags", "says"),
    [
        ("0.1.0", (), "not greater than the current version 0.2.0"),
        ("0.1.9", (), "not greater than the current version 0.2.0"),
        ("0.2.0rc1", (), "not greater than the current version 0.2.0"),
        ("0.3.0", ("v0.3.0",), "already tagged (v0.3.0)"),
        ("patch", ("v0.2.1",), "0.2.1 is already tagged"),
    ],
)
def test_versions_that_are_not_new_are_refused(
    sample: Path, spec: str, tags: tuple[str, ...], says: str
) -> None:
    before = snapshot(sample)
    with pytest.raises(VersionError) as caught:
        run_bump(load(sample), spec, BumpOptions(date=DATE), tags=tags, out=lambda line: None)
    assert says in caught.value.message
    assert caught.value.hint
    assert snapshot(sample) == before


def test_a_version_older_than_a_changelog_section_is_refused(sample: Path) -> None:
    replace_in(
        sample / "CHANGELOG.md",
        "## [0.2.0] - 2026-10-02",
        "## [0.4.0] - 2026-10-20\n\n### Fixed\n- x.\n\n## [0.2.0] - 2026-10-02",
    )
    with pytest.raises(VersionError) as caught:
        plan_bump(load(sample), "0.3.0", BumpOptions(date=DATE))
    assert caught.value.message == "0.3.0 is older than 0.4.0 in CHANGELOG.md"


def test_a_tag_on_a_partly_applied_bump_is_refused(sample: Path) -> None:
    replace_in(sample / "pyproject.toml", 'version = "0.2.0"', 'version = "0.3.0"')
    with pytest.raises(VersionError) as caught:
        plan_bump(load(sample), "0.3.0", BumpOptions(date=DATE), tags={"v0.3.0"})
    assert "only partly applied" in caught.value.message
    assert "release a newer version: patch → 0.3.1" in caught.value.hint  # never "tag -d"


def test_a_tag_on_a_fully_applied_bump_is_fine(sample: Path) -> None:
    bumped(sample)
    assert plan_bump(load(sample), "0.3.0", tags={"v0.3.0", "v0.2.0"}).already_done


def test_pre_with_an_explicit_version_is_refused(sample: Path) -> None:
    with pytest.raises(UsageError) as caught:
        plan_bump(load(sample), "0.3.0", BumpOptions(pre="rc"))
    assert "0.3.0rc1" in caught.value.hint


@pytest.mark.parametrize("date", ["2026-13-01", "2026-02-30", "02/10/2026", "2026-2-3", "today"])
def test_a_bad_date_is_refused(sample: Path, date: str) -> None:
    with pytest.raises(UsageError) as caught:
        plan_bump(load(sample), "0.3.0", BumpOptions(date=date))
    assert "YYYY-MM-DD" in caught.value.message


def test_the_default_date_is_today() -> None:
    import datetime

    assert release_date(None) == datetime.date.today().isoformat()
    assert release_date("2026-02-28") == "2026-02-28"


@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), KeyboardInterrupt()], ids=repr
)
@pytest.mark.parametrize("fail_on", [2, 4])
def test_an_interrupted_bump_leaves_every_file_identical(
    sample: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, fail_on: int
) -> None:
    before = snapshot(sample)
    monkeypatch.setattr("release.files.os.replace", failing_replace(fail_on, error))
    with pytest.raises(type(error)):
        run_bump(load(sample), "0.3.0", BumpOptions(date=DATE), out=lambda line: None)
    assert snapshot(sample) == before
    monkeypatch.undo()
    bumped(sample)  # and a re-run then does the whole bump
    assert {copy.value for copy in version_copies(load(sample))} == {"0.3.0"}


def test_crlf_files_stay_crlf(sample: Path) -> None:
    for name in ("CHANGELOG.md", "pyproject.toml", "src/omi_openclaw/cli.py"):
        path = sample / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    bumped(sample)
    for name in ("CHANGELOG.md", "pyproject.toml", "src/omi_openclaw/cli.py"):
        data = (sample / name).read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n"), name
    assert b'version = "0.3.0"\r\n' in (sample / "pyproject.toml").read_bytes()


def test_run_versions_lists_the_copies_and_fails_on_drift(sample: Path) -> None:
    printed: list[str] = []
    assert run_versions(load(sample), out=printed.append) == 0
    assert printed == [
        "version source: [project] version in pyproject.toml",
        "tag format: v{version} (default: no version tags yet)",
        "pyproject.toml:7  0.2.0  (pyproject)",
        "src/omi_openclaw/__init__.py:3  0.2.0  (module)",
        "src/omi_openclaw/cli.py:10  0.2.0  (module)",
        "all 3 copies at 0.2.0",
    ]
    replace_in(sample / "src/omi_openclaw/cli.py", '"0.2.0"', '"0.1.0"')
    printed.clear()
    assert run_versions(load(sample), out=printed.append) == 1
    assert "src/omi_openclaw/cli.py:10  0.1.0  (module)" in printed
    assert "drift: the copies disagree (0.1.0, 0.2.0)" in printed


def test_run_notes(sample: Path) -> None:
    printed: list[str] = []
    assert run_notes(load(sample), "v0.2.0", out=printed.append) == 0
    assert printed == [
        "### Added\n- `omi init --data-dir` creates the data directory.\n\n"
        "### Changed\n- Notes are stored as JSON instead of plain text."
    ]
    with pytest.raises(ChangelogError) as caught:
        run_notes(load(sample), "0.9.0", out=printed.append)
    assert "no section for 0.9.0" in caught.value.message
    assert "0.2.0, 0.1.0" in caught.value.hint


def test_a_missing_changelog(sample: Path) -> None:
    (sample / "CHANGELOG.md").unlink()
    with pytest.raises(ChangelogError) as caught:
        plan_bump(load(sample), "0.3.0", BumpOptions(date=DATE))
    assert "CHANGELOG.md does not exist" in caught.value.message
