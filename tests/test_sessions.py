"""The nox layer: every session of INTERFACE.md exists, and sessions really run the engine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from release import proc
from tests.conftest import INTERFACE_SESSIONS as SESSIONS
from tests.conftest import REPO, git


def nox(
    cwd: Path, *args: str, timeout: float = 900, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **extra_env)
    env["PYTHONPATH"] = str(REPO)  # the noxfile imports release.sessions from this checkout
    # as the ``nox`` command starts it: without the project's directory first on sys.path
    return subprocess.run(
        proc.python_tool("nox", "--no-color", *args),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def test_every_interface_session_is_listed_with_a_description() -> None:
    done = nox(REPO, "-l")
    assert done.returncode == 0, done.stderr
    listed = dict(re.findall(r"^[*-] (\S+) -> (.+)$", done.stdout, re.MULTILINE))
    for name in SESSIONS:
        assert name in listed, f"{name} missing from nox -l"
        assert len(listed[name]) > 10


def test_release_steps_are_not_default() -> None:
    done = nox(REPO, "-l")
    selected = set(re.findall(r"^\* (\S+) ->", done.stdout, re.MULTILINE))
    # coverage is the test run (the suite once, under coverage); tests is there for posargs
    assert selected == {"mypy", "black", "coverage"}


@pytest.mark.slow
def test_a_session_refuses_unknown_arguments(sample: Path) -> None:
    done = nox(sample, "-s", "mypy", "--", "--strict")
    assert done.returncode != 0
    assert "mypy takes no arguments" in done.stderr + done.stdout


@pytest.mark.slow
def test_a_session_compiles_its_environment_where_python_writes_no_bytecode(sample: Path) -> None:
    """With PYTHONDONTWRITEBYTECODE set (many CI images set it), nothing the session runs writes
    bytecode: what is there was compiled as the environment was installed. pip compiles what it
    installs anyway; uv (nox's first choice of backend) only when asked, so uv it is here."""
    if shutil.which("uv") is None:
        pytest.skip("uv is not on PATH: nox would make the environment with virtualenv and pip")
    done = nox(sample, "-db", "uv", "-s", "black", PYTHONDONTWRITEBYTECODE="1")
    assert done.returncode == 0, done.stdout + done.stderr
    (site,) = (sample / ".nox" / "black").glob("lib/python*/site-packages")
    assert list(site.glob("tomlkit/__pycache__/api.cpython-*.pyc"))  # the engine's dependency
    assert list(site.glob("packaging/__pycache__/version.cpython-*.pyc"))


@pytest.mark.slow
def test_black_session_fails_on_a_violation(sample: Path) -> None:
    cli = sample / "src" / "omi_openclaw" / "cli.py"
    cli.write_text(cli.read_text().replace("STATE_FILE = ", "STATE_FILE  = "))
    done = nox(sample, "-s", "black")
    assert done.returncode != 0
    assert "would reformat" in done.stderr + done.stdout


@pytest.mark.slow
def test_release_check_session_on_the_sample(sample_repo: Path, tmp_path: Path) -> None:
    report = tmp_path / "check.json"
    (sample_repo / ".gitignore").write_text((sample_repo / ".gitignore").read_text() + ".nox/\n")
    # a release script of the project's own, as many keep: the session must run the engine
    (sample_repo / "release.py").write_text('raise SystemExit("the project\'s release.py ran")\n')
    git(sample_repo, "add", "release.py")
    git(sample_repo, "commit", "--quiet", "-am", "ignore .nox")
    git(sample_repo, "push", "--quiet", "origin", "main")
    done = nox(sample_repo, "-s", "release-check", "--", "--json", str(report))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "ready" in output
    assert report.is_file()
