"""The project's own checkers (format-check, lint, typecheck): detected, configured, run as rows,
and eased to WARN by ``advisory`` (release/checkers.py, release/checklist/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from release import checklist, config, proc
from release.checklist import quality
from release.errors import ConfigError
from tests.conftest import run_engine

BAD_FORMAT = "import os\nx  =  1\n"  # black and ruff format would rewrite it; ruff: unused import
BAD_TYPES = "def half(n: int) -> int:\n    return n / 2\n\n\nVALUE: str = half(4)\n"


def project(root: Path, tool_tables: str, release_table: str = "", code: str = "x = 1\n") -> Path:
    """A tiny project: one package whose __init__ holds ``code``, plus the given tool tables."""
    package = root / "src" / "tiny"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(code)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "tiny"\nversion = "1.0.0"\n\n'
        f"[tool.release]\n{release_table}\n{tool_tables}"
    )
    return root


def rows(root: Path, *items: checklist.Item) -> dict[str, checklist.Row]:
    cfg = config.load(root)
    found = checklist.run_items(checklist.Context(cfg), items)
    return {row.item: row for row in found}


CHECKS = (checklist.format_item, checklist.lint_item, checklist.typecheck_item)


@pytest.mark.parametrize(
    ("tables", "files", "expected"),
    [
        ("[tool.black]\nline-length = 100\n", {}, ("black", None, None)),
        ("[tool.ruff]\nline-length = 100\n", {}, (None, "ruff", None)),
        ("[tool.ruff.format]\nquote-style = 'single'\n", {}, ("ruff", "ruff", None)),
        ("", {"ruff.toml": "[format]\nindent-style = 'tab'\n"}, ("ruff", "ruff", None)),
        ("[tool.mypy]\nstrict = true\n", {}, (None, None, "mypy")),
        ("", {"mypy.ini": "[mypy]\nstrict = True\n"}, (None, None, "mypy")),
        ("", {"setup.cfg": "[mypy]\nstrict = True\n"}, (None, None, "mypy")),
        ("[tool.pyright]\ntypeCheckingMode = 'strict'\n", {}, (None, None, "pyright")),
        ("", {"pyrightconfig.json": "{}\n"}, (None, None, "pyright")),
        (
            "",
            {
                ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/psf/black\n"
                "  rev: 24.4.0\n  hooks:\n  - id: black\n"
            },
            ("black", None, None),
        ),
        (  # blacken-docs formats code in the docs with black: not the project's formatter
            "",
            {
                ".pre-commit-config.yaml": "repos:\n"
                "- repo: https://github.com/astral-sh/ruff-pre-commit\n  rev: v0.14.0\n  hooks:\n"
                "  - id: ruff-check\n  - id: ruff-format\n"
                "- repo: https://github.com/adamchainz/blacken-docs\n  rev: 1.20.0\n  hooks:\n"
                "  - id: blacken-docs\n    additional_dependencies: [black==25.9.0]\n"
            },
            ("ruff", "ruff", None),
        ),
        (
            "",
            {
                ".pre-commit-config.yaml": "repos:\n"
                "  - repo: https://github.com/psf/black-pre-commit-mirror\n"
                "    rev: 25.9.0\n    hooks:\n      - id: black-jupyter\n"
            },
            ("black", None, None),
        ),
        ("", {}, (None, None, None)),
    ],
)
def test_checkers_are_detected_from_the_projects_own_config(
    tmp_path: Path, tables: str, files: dict[str, str], expected: tuple[str | None, ...]
) -> None:
    root = project(tmp_path, tables)
    for name, text in files.items():
        (root / name).write_text(text)

    cfg = config.load(root)

    assert (cfg.format_check, cfg.lint, cfg.typecheck) == expected
    assert cfg.checkers_origin["typecheck"] == (
        "detected from the project's configuration"
        if expected[2]
        else "none found in the project's configuration"
    )


def test_release_table_overrides_what_is_detected(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "[tool.black]\n[tool.mypy]\n",
        'format-check = "ruff"\nlint = false\ntypecheck = "pyright"',
    )
    cfg = config.load(root)
    assert (cfg.format_check, cfg.lint, cfg.typecheck) == ("ruff", None, "pyright")
    assert cfg.checkers_origin == {
        "format-check": "set in [tool.release]",
        "lint": "set to false in [tool.release]",
        "typecheck": "set in [tool.release]",
    }


@pytest.mark.parametrize(
    ("setting", "in_message", "in_hint"),
    [
        ('typecheck = "pytype"', '"mypy" or "pyright" or false', "typecheck ="),
        ("format-check = true", "must be a string or false", "format-check"),
        ('lint = "flake8"', '"ruff" or false', "lint ="),
        ('advisory = ["mpy"]', "'mpy'", "mypy"),
        ("changelog = true", "must be a string or false", "changelog"),
    ],
)
def test_bad_checker_settings_are_refused_with_exit_2(
    tmp_path: Path, setting: str, in_message: str, in_hint: str
) -> None:
    root = project(tmp_path, "", setting)
    with pytest.raises(ConfigError) as caught:
        config.load(root)
    assert caught.value.exit_code == 2
    assert in_message in caught.value.message
    assert in_hint in caught.value.hint


def test_no_checker_configured_is_a_skipped_row_saying_why(tmp_path: Path) -> None:
    found = rows(project(tmp_path, ""), *CHECKS)
    assert {name: (row.status, row.reason) for name, row in found.items()} == {
        "format": ("SKIPPED", "no formatter: none found in the project's configuration"),
        "lint": ("SKIPPED", "no linter: none found in the project's configuration"),
        "typecheck": ("SKIPPED", "no type checker: none found in the project's configuration"),
    }


@pytest.mark.slow
def test_black_and_mypy_rows_pass_on_clean_code(tmp_path: Path) -> None:
    code = "def half(n: int) -> float:\n    return n / 2\n"
    found = rows(
        project(tmp_path, "[tool.black]\n[tool.mypy]\nstrict = true\n", code=code), *CHECKS
    )
    assert (found["black"].status, found["mypy"].status) == ("PASS", "PASS")
    assert found["lint"].status == "SKIPPED"


@pytest.mark.slow
def test_ruff_format_and_ruff_check_fail_on_debt_and_advisory_makes_them_warn(
    tmp_path: Path,
) -> None:
    tables = "[tool.ruff]\nline-length = 100\n[tool.ruff.format]\n"
    strict = rows(project(tmp_path / "strict", tables, code=BAD_FORMAT), *CHECKS)
    assert strict["ruff format"].status == "FAIL"
    assert strict["ruff format"].fix == "ruff format src"
    assert strict["ruff check"].status == "FAIL"
    assert strict["ruff check"].fix.startswith("ruff check --fix src")

    eased = rows(
        project(tmp_path / "eased", tables, 'advisory = ["ruff"]', code=BAD_FORMAT), *CHECKS
    )
    for name in ("ruff format", "ruff check"):
        assert eased[name].status == "WARN"
        assert eased[name].reason == "advisory: " + strict[name].reason


@pytest.mark.slow
def test_a_project_whose_ruff_config_fixes_gets_its_findings_reported_not_applied(
    tmp_path: Path,
) -> None:
    """``fix = true`` in [tool.ruff] makes a plain ``ruff check`` rewrite files: the lint row and
    ``lint`` would then change the project and report what was left (nothing) as a PASS."""
    root = project(tmp_path, "[tool.ruff]\nfix = true\n", code=BAD_FORMAT)
    module = root / "src" / "tiny" / "__init__.py"

    found = rows(root, checklist.lint_item)
    linted = run_engine(root, "lint")

    assert found["ruff check"].status == "FAIL"
    assert linted.returncode == 1
    assert "F401" in linted.stdout
    assert module.read_text() == BAD_FORMAT


@pytest.mark.slow
def test_a_rows_reason_is_the_checkers_verdict_not_a_warning_printed_after_it(
    tmp_path: Path,
) -> None:
    """mypy warns on stderr about a python_version it no longer supports, and ruff about hidden
    fixes; the rows used to show that last line instead of the verdict."""
    tables = '[tool.mypy]\npython_version = "3.7"\n[tool.ruff]\n'
    found = rows(project(tmp_path, tables), checklist.typecheck_item, checklist.lint_item)
    assert found["mypy"].status == "PASS"
    assert found["mypy"].reason.startswith("Success: no issues found"), found["mypy"].reason
    assert (found["ruff check"].status, found["ruff check"].reason) == (
        "PASS",
        "All checks passed!",
    )

    broken = project(tmp_path / "broken", tables, code=BAD_TYPES + "import os\n")
    found = rows(broken, checklist.typecheck_item, checklist.lint_item)
    assert found["mypy"].reason.startswith("Found 2 errors in 1 file"), found["mypy"].reason
    assert found["ruff check"].reason == "Found 1 error.", found["ruff check"].reason


@pytest.mark.slow
def test_a_finding_that_quotes_no_module_named_is_a_finding_not_a_missing_tool(
    tmp_path: Path,
) -> None:
    """ruff shows the source around each finding; a line of the project's own code saying "No
    module named …" made the row UNKNOWN ("ruff is not installed") on a project with debt."""
    code = 'import os\nMESSAGE = f"No module named {os.sep}"\nimport sys\n'
    found = rows(project(tmp_path, "[tool.ruff]\n", code=code), checklist.lint_item)
    assert (found["ruff check"].status, found["ruff check"].reason) == ("FAIL", "Found 2 errors.")


def test_a_tool_python_cannot_find_is_told_apart_by_its_own_message() -> None:
    def ended(stderr: str) -> proc.Result:
        return proc.Result(("python",), 1, "", stderr)

    assert quality._missing_tool("ruff", ended("/usr/bin/python: No module named ruff\n"))
    assert quality._missing_tool("ruff", ended("Traceback …\nImportError: No module named ruff"))
    assert not quality._missing_tool("ruff", ended("No module named ruff_helpers"))
    assert not quality._missing_tool("ruff", ended('x.py:2:1: MESSAGE = "No module named ruff" x'))


@pytest.mark.slow
def test_mypy_debt_fails_and_is_advisory_when_declared(tmp_path: Path) -> None:
    tables = "[tool.mypy]\nstrict = true\n"
    strict = rows(project(tmp_path / "strict", tables, code=BAD_TYPES), checklist.typecheck_item)
    assert strict["mypy"].status == "FAIL"
    assert "2 errors" in strict["mypy"].reason

    root = project(tmp_path / "eased", tables, 'advisory = ["mypy"]', code=BAD_TYPES)
    eased = rows(root, checklist.typecheck_item)
    assert eased["mypy"].status == "WARN"
    assert eased["mypy"].reason.startswith("advisory: ")
    assert strict["mypy"].fix.endswith("fix them, or add 'mypy' to advisory")
    assert eased["mypy"].fix == "nox -s typecheck shows the errors; fix them"  # it is already


@pytest.mark.slow
def test_pyright_is_run_when_the_project_configures_it(tmp_path: Path) -> None:
    root = project(tmp_path, "[tool.pyright]\ntypeCheckingMode = 'strict'\n", code=BAD_TYPES)
    found = rows(root, checklist.typecheck_item)
    assert found["pyright"].status == "FAIL"
    assert "error" in found["pyright"].reason


@pytest.mark.slow
def test_the_format_lint_and_typecheck_commands_run_the_configured_tool(tmp_path: Path) -> None:
    root = project(tmp_path, "[tool.ruff]\n[tool.ruff.format]\n[tool.mypy]\n", code=BAD_FORMAT)

    formatted = run_engine(root, "format")
    linted = run_engine(root, "lint")
    typed = run_engine(root, "typecheck")

    assert formatted.returncode == 1
    assert "1 file would be reformatted" in formatted.stdout
    assert linted.returncode == 1
    assert "F401" in linted.stdout
    assert typed.returncode == 0, typed.stdout + typed.stderr
    # each says what it runs, as a user would type it
    heads = [done.stdout.splitlines()[0] for done in (formatted, linted, typed)]
    assert heads == [
        "ruff format (detected from the project's configuration): ruff format --check src",
        "ruff check (detected from the project's configuration): ruff check --no-fix src",
        "mypy (detected from the project's configuration): mypy src/tiny",
    ]


def test_a_command_for_a_job_without_checker_says_so_and_passes(tmp_path: Path) -> None:
    done = run_engine(project(tmp_path, ""), "typecheck")
    assert done.returncode == 0
    assert "no type checker: none found in the project's configuration" in done.stdout


@pytest.mark.slow
def test_the_sessions_run_the_samples_checkers(sample: Path) -> None:
    """The sample configures black and mypy, no linter: `format` and `typecheck` run those (and
    fail on a violation), `lint` says there is none."""
    from tests.test_sessions import nox

    cli = sample / "src" / "omi_openclaw" / "cli.py"
    cli.write_text(cli.read_text().replace("STATE_FILE = ", "STATE_FILE  = "))

    formatted = nox(sample, "-s", "format")
    linted = nox(sample, "-s", "lint")
    typed = nox(sample, "-s", "typecheck")

    assert formatted.returncode != 0
    assert "black (detected from the project's configuration)" in formatted.stdout
    assert "would reformat" in formatted.stdout + formatted.stderr
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "no linter: none found in the project's configuration" in linted.stdout
    assert typed.returncode == 0, typed.stdout + typed.stderr
    assert "mypy (detected from the project's configuration)" in typed.stdout
