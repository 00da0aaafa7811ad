"""The bad-input corpus: ``python -m release bump …`` refuses each case and writes nothing.

Each case (``tests/bad_input/*.toml``, format in its README) breaks one thing in a copy of the
sample project. The refusal must exit 2 (1 for ``nothing_to_release/``), name the problem on
stderr with a ``fix:`` hint, and leave every file byte-identical.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from release.demo import SAMPLE
import tomlkit

from tests.conftest import engine_env, git, run_engine

HERE = Path(__file__).parent
CORPUS = HERE / "bad_input"


@dataclass(frozen=True)
class Case:
    name: str
    about: str
    args: list[str]
    expect: list[str]
    tags: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    edits: list[dict[str, str]] = field(default_factory=list)
    write: dict[str, str] = field(default_factory=dict)


def load_cases(folder: Path) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.toml")):
        data: dict[str, Any] = tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
        cases.append(
            Case(
                name=path.stem,
                about=data["about"],
                args=data["args"],
                expect=data["expect"],
                tags=data.get("tags", []),
                remove=data.get("remove", []),
                edits=data.get("edit", []),
                write=data.get("write", {}),
            )
        )
    return cases


REFUSED = load_cases(CORPUS)
NOTHING_TO_RELEASE = load_cases(CORPUS / "nothing_to_release")


def hashes(root: Path) -> dict[str, str]:
    """The SHA-256 of every file under ``root``, .git included."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def prepare(case: Case, root: Path) -> Path:
    """A copy of the sample with the case's breakage applied."""
    project = root / "omi"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for edit in case.edits:
        path = project / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert edit["old"] in text, f"{case.name}: the text to replace is not in {edit['file']}"
        path.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8")
    for name, text in case.write.items():
        (project / name).write_text(text, encoding="utf-8")
    for name in case.remove:
        (project / name).unlink()
    if case.tags:
        git(project, "init", "--quiet", "-b", "main")
        git(project, "add", "-A")
        git(project, "commit", "--quiet", "-m", "sample")
        for tag in case.tags:
            git(project, "tag", tag)
    return project


def run_release(project: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = engine_env(PYTHONDONTWRITEBYTECODE="1")
    return run_engine(project, *args, env=env, timeout=60)


def check_refused(case: Case, tmp_path: Path, exit_code: int) -> None:
    project = prepare(case, tmp_path)
    before = hashes(project)
    done = run_release(project, case.args)
    assert done.returncode == exit_code, done.stdout + done.stderr
    for expected in case.expect:
        assert expected in done.stderr, f"{expected!r} not in stderr:\n{done.stderr}"
    assert "fix: " in done.stderr
    assert "Traceback" not in done.stderr
    assert hashes(project) == before


def test_the_corpus_is_big_enough() -> None:
    assert len(REFUSED) >= 30
    assert len({case.name.split("-")[0] for case in REFUSED}) >= 5


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.name)
def test_bad_input_is_refused_with_exit_2_and_nothing_written(case: Case, tmp_path: Path) -> None:
    check_refused(case, tmp_path, exit_code=2)


@pytest.mark.parametrize("case", NOTHING_TO_RELEASE, ids=lambda case: case.name)
def test_nothing_to_release_exits_1_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    check_refused(case, tmp_path, exit_code=1)


def test_the_unbroken_sample_is_bumped_by_the_same_command(tmp_path: Path) -> None:
    """The control case: without a breakage, the corpus's command line does write the bump."""
    project = prepare(Case("control", "nothing broken", [], []), tmp_path)
    before = hashes(project)
    done = run_release(project, ["bump", "0.3.0", "--date", "2026-11-01"])
    assert done.returncode == 0, done.stderr
    after = hashes(project)
    assert sorted(name for name in after if after[name] != before.get(name)) == [
        "CHANGELOG.md",
        "pyproject.toml",
        "src/omi_openclaw/__init__.py",
        "src/omi_openclaw/cli.py",
    ]
