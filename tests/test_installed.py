"""The wheel alone works: nox-release built, installed in a fresh venv outside the checkout, runs
``nox -s demo`` from an empty folder and ``nox -s release-check`` on a copy of the sample it ships.

Dependencies (nox, build, twine, the sessions' tools) come from the normal package index; the
checkout is nowhere on the path: no PYTHONPATH, every command runs outside it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from release import proc, smoke
from tests.conftest import REPO, git, make_repo, run_captured, tree_copy


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = run_captured(args, cwd, env, timeout=1800)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


@pytest.mark.slow
def test_the_installed_wheel_runs_the_demo_and_the_checklist(tmp_path: Path) -> None:
    tree = tree_copy(tmp_path / "tree")
    build = [sys.executable, "-m", "build", "--wheel", "--no-isolation"]
    _run([*build, "--outdir", tmp_path / "dist", tree], tmp_path, dict(os.environ))
    shutil.rmtree(tree)
    (wheel,) = (tmp_path / "dist").glob("nox_release-*.whl")

    python = smoke.fresh_venv(tmp_path / "venv")
    env = proc.clean_pip_env()  # no pip configuration: the normal index, nothing else
    env.pop("PYTHONPATH", None)
    env["PATH"] = os.pathsep.join([str(python.parent), env["PATH"]])
    env["VIRTUAL_ENV"] = str(tmp_path / "venv")
    uv = shutil.which("uv")
    # uv takes --python after the subcommand; pip only before it.
    if uv:
        install: list[str | Path] = [uv, "pip", "install", "--python", python]
    else:
        install = [sys.executable, "-m", "pip", "--python", python, "install"]
    _run([*install, wheel], tmp_path, env)
    where = _run([python, "-c", "import release; print(release.__file__)"], tmp_path, env)
    assert REPO not in Path(where.strip()).parents

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "noxfile.py").write_text("import release.sessions  # noqa: F401\n", encoding="utf-8")
    output = _run([python.parent / "nox", "--no-color", "-s", "demo"], empty, env)
    assert f"nox-release from {wheel}" in output
    assert "Released omi-openclaw 0.3.0 end to end" in output

    shipped = Path(where.strip()).parent / "sample"
    project = tmp_path / "omi"
    shutil.copytree(shipped, project, ignore=shutil.ignore_patterns("__pycache__"))
    ignore = project / ".gitignore"
    ignore.write_text(ignore.read_text(encoding="utf-8") + ".nox/\n", encoding="utf-8")
    make_repo(project, tmp_path / "origin.git")
    assert git(project, "status", "--porcelain") == ""
    output = _run([python.parent / "nox", "--no-color", "-s", "release-check"], project, env)
    assert f"nox-release from {wheel}" in output
    assert "ready" in output
