"""The checklist, run as a user runs it (``python -m release check``) on copies of the sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from release import checklist, config
from tests.conftest import engine_env, git, replace_in, run_engine


def rows_of(report: Path) -> dict[str, dict[str, str]]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return {row["item"]: row for row in data["rows"]}


def check(project: Path, tmp_path: Path, *extra: str) -> tuple[int, str, dict[str, dict[str, str]]]:
    report = tmp_path / "check.json"
    done = run_engine(project, "check", "--json", str(report), *extra)
    return done.returncode, done.stdout + done.stderr, rows_of(report)


def commit_all(project: Path, message: str) -> None:
    git(project, "commit", "--quiet", "-am", message)
    git(project, "push", "--quiet", "origin", "main")


@pytest.mark.slow
def test_clean_sample_passes_with_a_truthful_table(sample_repo: Path, tmp_path: Path) -> None:
    code, output, rows = check(sample_repo, tmp_path)
    assert code == 0, output
    for item in ("release branch", "tests", "coverage", "mypy", "black", "build", "smoke"):
        assert rows[item]["status"] == "PASS", (item, rows[item])
    assert rows["tree clean, not behind remote"]["status"] == "PASS"
    assert "4 passed" in rows["tests"]["reason"]
    # No GitHub token here: the GitHub rows could not be checked, and say so.
    assert rows["CI of HEAD"]["status"] == "UNKNOWN"
    assert rows["critical issues"]["status"] == "UNKNOWN"
    # The sample has no runtime dependencies: nothing to audit, and the row says exactly that.
    assert rows["dependencies secure"]["status"] == "PASS"
    assert rows["dependencies secure"]["reason"] == (
        "no runtime dependencies ([project].dependencies is empty)"
    )
    assert "ready" in output


@pytest.mark.slow
def test_black_violation_fails(sample_repo: Path, tmp_path: Path) -> None:
    cli = sample_repo / "src" / "omi_openclaw" / "cli.py"
    replace_in(cli, "STATE_FILE = ", "STATE_FILE =  ")
    commit_all(sample_repo, "badly formatted")
    code, output, rows = check(sample_repo, tmp_path)
    assert code == 1, output
    assert rows["black"]["status"] == "FAIL"
    assert rows["black"]["fix"].startswith("black ")
    assert rows["tests"]["status"] == "PASS"


@pytest.mark.slow
def test_failing_test_fails_tests_row(sample_repo: Path, tmp_path: Path) -> None:
    test_file = sample_repo / "tests" / "test_cli.py"
    test_file.write_text(
        test_file.read_text() + "\n\ndef test_broken() -> None:\n    assert 1 == 2\n"
    )
    commit_all(sample_repo, "a failing test")
    code, output, rows = check(sample_repo, tmp_path)
    assert code == 1, output
    assert rows["tests"]["status"] == "FAIL"
    assert "1 failed" in rows["tests"]["reason"]


def test_tests_that_never_ran_say_why_and_leave_coverage_unknown(sample: Path) -> None:
    """A conftest that can't be imported stops pytest before any test (exit 4): the tests row
    quotes the error, and the coverage of that run (the imports only) is no verdict on the
    tests, so the row says it was not measured instead of asking for more tests."""
    (sample / "tests" / "conftest.py").write_text("import a_plugin_not_installed_here\n")

    rows = {
        row.item: row
        for row in checklist.run_items(
            checklist.Context(config.load(sample)), [checklist.tests_and_coverage_item]
        )
    }

    assert rows["tests"].status == "FAIL"
    assert rows["tests"].reason == (
        "pytest exited 4: ModuleNotFoundError: No module named 'a_plugin_not_installed_here'"
    )
    assert rows["coverage"].status == "UNKNOWN"
    assert rows["coverage"].reason == "not measured: the tests did not run (pytest exited 4)"
    assert "add tests" not in rows["coverage"].fix


@pytest.mark.parametrize("workers", [[], ["-p", "xdist", "-n", "2"]], ids=["one process", "xdist"])
def test_tests_that_import_another_copy_of_the_package_fail_the_tests_row(
    tmp_path: Path, workers: list[str]
) -> None:
    """A src layout's tests import whatever copy the environment offers (here one on pytest's
    ``pythonpath``; in a dev venv, a release installed from the index): passing, they prove
    nothing about the work tree."""
    root = tmp_path / "tiny"
    for top, value in (("src", "1"), ("other", "2")):
        (root / top / "tiny").mkdir(parents=True)
        (root / top / "tiny" / "__init__.py").write_text(f"VALUE = {value}\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_value.py").write_text(
        "import tiny\n\n\ndef test_value() -> None:\n    assert tiny.VALUE == 2\n"
    )
    args = ", ".join(f'"{arg}"' for arg in workers)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "tiny"\nversion = "1.0.0"\n\n'
        f"[tool.release]\ntest-args = [{args}]\n\n"
        '[tool.pytest.ini_options]\npythonpath = ["other"]\n'
    )
    cfg = config.load(root)

    rows = {
        row.item: row
        for row in checklist.run_items(checklist.Context(cfg), [checklist.tests_and_coverage_item])
    }

    assert rows["tests"].status == "FAIL"
    assert rows["tests"].reason.startswith(
        f"the tests imported tiny from {(root / 'other' / 'tiny').resolve()}, not from this work"
        " tree (src/tiny) (1 passed"
    )
    assert "pip install -e ." in rows["tests"].fix
    assert rows["coverage"].status == "UNKNOWN"

    (root / "pyproject.toml").write_text(  # the work tree's own copy: a plain failure
        (root / "pyproject.toml").read_text().replace('"other"', '"src"')
    )
    rows = {
        row.item: row
        for row in checklist.run_items(
            checklist.Context(config.load(root)), [checklist.tests_and_coverage_item]
        )
    }
    assert rows["tests"].status == "FAIL"
    assert rows["tests"].reason.startswith("1 failed")


def test_a_namespace_package_with_a_portion_in_the_work_tree_is_tested_here(tmp_path: Path) -> None:
    """``nsp`` has two portions, one elsewhere on the path first: the tests do import the work
    tree's (one of the package's places), so the row is the tests' own verdict."""
    root = tmp_path / "nsp-project"
    for top, module in (("other", "extra"), ("src", "mod")):
        (root / top / "nsp").mkdir(parents=True)
        (root / top / "nsp" / f"{module}.py").write_text("VALUE = 1\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_mod.py").write_text(
        "import nsp.mod\n\n\ndef test_value() -> None:\n    assert nsp.mod.VALUE == 1\n"
    )
    (root / "pyproject.toml").write_text(
        '[project]\nname = "nsp-project"\nversion = "1.0.0"\n\n'
        '[tool.release]\npackage = "nsp"\nsource = "src/nsp"\n\n'
        '[tool.pytest.ini_options]\npythonpath = ["other", "src"]\n'
    )

    rows = {
        row.item: row
        for row in checklist.run_items(
            checklist.Context(config.load(root)), [checklist.tests_and_coverage_item]
        )
    }

    assert (rows["tests"].status, rows["tests"].reason.split(" in ")[0]) == ("PASS", "1 passed")


@pytest.mark.slow
def test_coverage_below_threshold_fails(sample_repo: Path, tmp_path: Path) -> None:
    pyproject = sample_repo / "pyproject.toml"
    replace_in(pyproject, "[tool.release]\n", "[tool.release]\ncoverage-threshold = 99.5\n")
    commit_all(sample_repo, "a high bar")
    code, output, rows = check(sample_repo, tmp_path)
    assert code == 1, output
    assert rows["coverage"]["status"] == "FAIL"
    assert "< 99.5%" in rows["coverage"]["reason"]
    assert rows["tests"]["status"] == "PASS"


@pytest.mark.slow
def test_version_drift_fails_smoke_and_versions(sample_repo: Path, tmp_path: Path) -> None:
    init = sample_repo / "src" / "omi_openclaw" / "__init__.py"
    replace_in(init, '"0.2.0"', '"0.1.9"')
    test_file = sample_repo / "tests" / "test_cli.py"  # keep the sample's own tests green
    replace_in(test_file, "assert cli.__version__ ==", "assert cli.__version__ !=")
    commit_all(sample_repo, "a forgotten version")
    code, output, rows = check(sample_repo, tmp_path)
    assert code == 1, output
    assert rows["smoke"]["status"] == "FAIL"
    assert "0.1.9" in rows["smoke"]["reason"]
    assert rows["version copies"]["status"] == "FAIL"


def test_tree_item_reports_dirty_and_behind(sample_repo: Path, tmp_path: Path) -> None:
    cfg = config.load(sample_repo, env={})
    ctx = checklist.Context(cfg)
    (sample_repo / "notes.txt").write_text("scratch")
    [row] = checklist.tree_item(ctx)
    assert row.status == "FAIL" and "notes.txt" in row.reason
    (sample_repo / "notes.txt").unlink()
    # Another clone pushes a commit: we are behind.
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(tmp_path / "origin.git"), str(other))
    (other / "README.md").write_text("changed elsewhere\n")
    git(other, "commit", "--quiet", "-am", "elsewhere")
    git(other, "push", "--quiet", "origin", "main")
    [row] = checklist.tree_item(ctx)
    assert row.status == "FAIL" and "behind" in row.reason
    assert row.fix == "git pull origin"


def test_tree_item_unknown_when_remote_unreachable(sample_repo: Path) -> None:
    git(sample_repo, "remote", "set-url", "origin", str(sample_repo.parent / "gone.git"))
    [row] = checklist.tree_item(checklist.Context(config.load(sample_repo, env={})))
    assert row.status == "UNKNOWN"


def test_branch_item(sample_repo: Path) -> None:
    ctx = checklist.Context(config.load(sample_repo, env={}))
    assert checklist.branch_item(ctx)[0].status == "PASS"
    git(sample_repo, "switch", "--quiet", "-c", "feature")
    row = checklist.branch_item(ctx)[0]
    assert row.status == "FAIL" and row.fix == "git switch main"
    git(sample_repo, "switch", "--quiet", "-c", "hotfix/0.2.1")
    assert checklist.branch_item(ctx)[0].status == "PASS"


def test_a_crashing_item_becomes_a_fail_row(sample: Path) -> None:
    def broken_item(ctx: checklist.Context) -> list[checklist.Row]:
        raise RuntimeError("boom")

    rows = checklist.run_items(checklist.Context(config.load(sample, env={})), [broken_item])
    assert rows == [checklist.Row("broken", "FAIL", "RuntimeError: boom", "report this as a bug")]


def test_strict_makes_unknown_fail() -> None:
    rows = [checklist.Row("a", "PASS", ""), checklist.Row("b", "UNKNOWN", "offline")]
    assert checklist.failed(rows, strict=False) == []
    assert [row.item for row in checklist.failed(rows, strict=True)] == ["b"]


@pytest.mark.slow
def test_step_summary_and_markdown(sample_repo: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    report = tmp_path / "r.json"
    done = run_engine(
        sample_repo,
        "check",
        "--json",
        str(report),
        env=engine_env(GITHUB_STEP_SUMMARY=str(summary)),
    )
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Release checklist")
    assert text.count("\n| ") == len(rows_of(report)) + 1  # header + one line a row
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_tag_checkout_in_ci_is_on_the_release_branch(sample_repo: Path) -> None:
    """CI runs release-check on a tag: a detached HEAD that origin/main contains."""
    git(sample_repo, "tag", "-a", "v0.2.0", "-m", "r")
    (sample_repo / "later.txt").write_text("later\n")
    git(sample_repo, "add", "later.txt")
    git(sample_repo, "commit", "--quiet", "-m", "later")
    git(sample_repo, "push", "--quiet", "origin", "main")
    git(sample_repo, "switch", "--quiet", "--detach", "v0.2.0")
    ctx = checklist.Context(config.load(sample_repo, env={}))
    assert checklist.branch_item(ctx)[0].status == "PASS"
    assert checklist.tree_item(ctx)[0].status == "PASS"
    # A detached commit that was never pushed is not.
    (sample_repo / "local.txt").write_text("local\n")
    git(sample_repo, "add", "local.txt")
    git(sample_repo, "commit", "--quiet", "-m", "local only")
    assert checklist.branch_item(ctx)[0].status == "FAIL"
    assert checklist.tree_item(ctx)[0].status == "FAIL"


@pytest.mark.slow
def test_a_readme_pypi_cannot_render_fails_the_build_row_and_the_smoke_test_still_runs(
    sample_repo: Path,
) -> None:
    """twine check and the smoke test run side by side on the built files: both rows report."""
    (sample_repo / "README.rst").write_text("Title\n=====\n\n.. nosuchdirective::\n")
    pyproject = sample_repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('readme = "README.md"', 'readme = "README.rst"')
    )
    git(sample_repo, "add", "README.rst")
    commit_all(sample_repo, "an RST README")
    build_row, smoke_row = checklist.package_item(
        checklist.Context(config.load(sample_repo, env={}))
    )
    assert build_row.item == "build" and build_row.status == "FAIL"
    assert "twine check --strict found problems" in build_row.reason
    assert smoke_row.item == "smoke" and smoke_row.status == "PASS", smoke_row
