"""The project's own directory never stands in for the engine's or its tools' dependencies.

``python -m`` puts the working directory first on ``sys.path``. A flat-layout project named like
one of them (tomlkit, which the engine imports; click, which black imports) would be imported in
their place, and its bytecode written into the project's tree.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from release import checklist, config, proc
from tests.conftest import run_engine

IMPOSTOR = 'raise ImportError("the project\'s own {name} was imported")\n__version__ = "1.0.0"\n'


def flat_project(root: Path, package: str, tool_tables: str = "") -> Path:
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text(IMPOSTOR.format(name=package))
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{package}"\nversion = "1.0.0"\n\n{tool_tables}'
    )
    return root


def test_the_engine_imports_its_own_dependencies_not_the_projects_package(
    tmp_path: Path,
) -> None:
    project = flat_project(tmp_path / "tomlkit", "tomlkit")

    done = run_engine(project, "versions")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "1.0.0" in done.stdout
    assert not (project / "tomlkit" / "__pycache__").exists()


def test_the_checkers_import_their_own_dependencies_not_the_projects_package(
    tmp_path: Path,
) -> None:
    project = flat_project(tmp_path / "click", "click", "[tool.black]\n")

    (row,) = checklist.run_items(checklist.Context(config.load(project)), [checklist.format_item])

    assert (row.item, row.status, row.reason) == (
        "black",
        "PASS",
        "1 file would be left unchanged.",
    )
    assert not (project / "click" / "__pycache__").exists()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="PYTHONSAFEPATH is Python 3.11's")
def test_a_tool_started_off_the_project_path_keeps_the_users_pythonpath_under_safepath(
    tmp_path: Path,
) -> None:
    """With PYTHONSAFEPATH set, ``python -c`` puts no "" first: the first entry is the user's."""
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "probe_module.py").write_text("print('imported from PYTHONPATH')\n")
    env = dict(os.environ, PYTHONSAFEPATH="1", PYTHONPATH=str(tmp_path / "first"))

    done = proc.run(proc.python_tool("probe_module"), cwd=tmp_path, env=env)

    assert (done.returncode, done.stdout.strip()) == (0, "imported from PYTHONPATH"), done.stderr
