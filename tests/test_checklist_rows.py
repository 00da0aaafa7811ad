"""The checklist's coverage and work-tree rows on projects that are not the sample.

- coverage: a project whose own ``[tool.coverage.report] fail_under`` (80) is not met (~62 %):
  ``coverage json`` exits 2 but writes the report, and the row still reports the percentage;
- release-check changes nothing in the project: a setuptools project (which writes ``build/`` and
  ``*.egg-info`` next to its sources when built in place) is byte-for-byte the same afterwards,
  ignored files included; the tree row sees the tree as the user left it.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pytest

from release import checklist, config, tools
from tests.conftest import REPO, engine_env, git, make_repo, run_captured, run_engine, snapshot

pytestmark = pytest.mark.slow  # runs pytest under coverage, builds, creates venvs

PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "cov62"
version = "0.1.0"
description = "a project a little under its own coverage bar"
readme = "README.md"
requires-python = ">=3.10"

[project.optional-dependencies]
test = ["pytest>=8"]

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
pythonpath = ["src"]

[tool.coverage.run]
source = ["src/cov62"]

[tool.coverage.report]
fail_under = 80

[tool.release]
coverage-threshold = 50
"""

MODULE = """\
__version__ = "0.1.0"


def covered(x: int) -> str:
    label = "n"
    if x > 0:
        label = "positive"
        return label
    return "not positive"


def uncovered(x: int) -> str:
    y = x * 2
    z = y + 1
    if z > 10:
        return "big"
    return "small"
"""

TEST = """\
from cov62 import covered


def test_covered() -> None:
    assert covered(1) == "positive"
    assert covered(0) == "not positive"
"""

CHANGELOG = """\
# Changelog

## [Unreleased]

### Added
- `uncovered()`.

## [0.1.0] - 2026-01-01

### Added
- First release.
"""


def write_project(root: Path) -> Path:
    (root / "src" / "cov62").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "README.md").write_text("# cov62\n\nA fixture project.\n", encoding="utf-8")
    (root / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    (root / "src" / "cov62" / "__init__.py").write_text(MODULE, encoding="utf-8")
    (root / "tests" / "test_cov.py").write_text(TEST, encoding="utf-8")
    (root / ".gitignore").write_text("build/\n*.egg-info/\n__pycache__/\n", encoding="utf-8")
    return root


@pytest.fixture
def cov62(tmp_path: Path) -> Path:
    return make_repo(write_project(tmp_path / "cov62"), tmp_path / "cov62.git")


def test_coverage_under_the_projects_own_fail_under_is_still_measured(cov62: Path) -> None:
    cfg = config.load(cov62)
    outcome = tools.coverage(cfg)

    assert outcome.tests.ok
    assert outcome.percent is not None and 60 < outcome.percent < 65
    assert outcome.fail_under == 80
    rows = checklist.tests_and_coverage_item(checklist.Context(cfg))
    coverage_row = next(row for row in rows if row.item == "coverage")
    assert coverage_row.status == "PASS"  # coverage-threshold is 50 here
    assert coverage_row.reason == (
        "61.5% of 13 statements ≥ 50%; below the project's own [tool.coverage.report] "
        "fail_under (80%)"
    )


def test_the_projects_tests_keep_their_temporary_dirs_out_of_the_users_pytest_root(
    cov62: Path, tmp_path: Path
) -> None:
    """pytest prunes the oldest numbered dirs of its temporary root at the end of a run: the
    checklist's run uses a root of its own, so the user's /tmp/pytest-of-USER is not touched."""
    seen = tmp_path / "seen.txt"
    (cov62 / "tests" / "test_where.py").write_text(
        "def test_where(tmp_path):\n" f"    open({str(seen)!r}, 'w').write(str(tmp_path))\n",
        encoding="utf-8",
    )
    outcome = tools.coverage(config.load(cov62))

    assert outcome.tests.ok, outcome.tests.tail(20)
    where = Path(seen.read_text(encoding="utf-8"))
    assert where.is_relative_to(Path(tempfile.gettempdir()))
    assert where.parts[len(Path(tempfile.gettempdir()).parts)].startswith("release-coverage-")
    assert not where.exists()  # the scratch dir went with the run


def test_coverage_command_reports_both_bars_when_ours_is_missed(cov62: Path) -> None:
    pyproject = cov62 / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            "coverage-threshold = 50", "coverage-threshold = 70"
        ),
        encoding="utf-8",
    )
    done = run_engine(cov62, "coverage")
    assert done.returncode == 1
    assert (
        "coverage 61.5% of 13 statements is below coverage-threshold 70%; below the project's "
        "own [tool.coverage.report] fail_under (80%)"
    ) in done.stderr
    assert "no coverage data" not in done.stdout + done.stderr


def test_release_check_changes_nothing_in_a_setuptools_project(cov62: Path, tmp_path: Path) -> None:
    (cov62 / "noxfile.py").write_text("import release.sessions  # noqa: F401\n", encoding="utf-8")
    git(cov62, "add", "noxfile.py")
    git(cov62, "commit", "-qm", "noxfile")
    git(cov62, "push", "-q", "origin", "main")
    before = snapshot(cov62)
    head = git(cov62, "rev-parse", "HEAD")
    env = engine_env()
    env["PYTHONPATH"] = str(REPO)  # the noxfile imports release.sessions from this checkout

    # the session installs the project (-e .) and runs the engine's check in that environment
    nox = [sys.executable, "-m", "nox", "--no-color", "--envdir", str(tmp_path / "nox")]
    done = run_captured(nox + ["-s", "release-check"], cov62, env, timeout=900)

    output = done.stdout + done.stderr
    build_line = next(line for line in output.splitlines() if line.startswith("build "))
    assert "PASS" in build_line, output
    assert "tree clean, not behind remote  PASS" in output, output
    # nox itself imports noxfile.py, and Python keeps its bytecode beside it (the suite lets
    # Python write bytecode, as a user's machine does): that one file is nox's, not ours.
    after = {path: data for path, data in snapshot(cov62).items() if not _noxfile_cache(path)}
    assert sorted(set(after) - set(before)) == [], output
    assert after == before
    assert git(cov62, "rev-parse", "HEAD") == head
    ignored = git(cov62, "status", "--porcelain", "--ignored").splitlines()
    assert [line for line in ignored if line != "!! __pycache__/"] == []


def _noxfile_cache(path: str) -> bool:
    return re.fullmatch(r"__pycache__/noxfile\.cpython-\d+\.pyc", path) is not None


def test_the_tree_row_sees_the_tree_before_the_other_items_run(cov62: Path) -> None:
    """An item that writes into the work tree (as an in-place build does) cannot make the tree
    row fail: the row looked first."""
    cfg = config.load(cov62)

    def writes_into_the_tree(ctx: checklist.Context) -> list[checklist.Row]:
        (ctx.cfg.root / "stray-output.txt").write_text("written by a tool\n", encoding="utf-8")
        return [checklist.Row("writer", checklist.PASS, "wrote a file")]

    items = (writes_into_the_tree, checklist.tree_item)
    rows = checklist.run_items(checklist.Context(cfg), items)
    tree = next(row for row in rows if row.item == "tree clean, not behind remote")
    assert tree.status == "PASS", tree
    assert (cov62 / "stray-output.txt").is_file()
