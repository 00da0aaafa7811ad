"""``init``: adopt nox-release in a project as it is, in a real git repository with tags."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from release import adopt
from release.adopt.proposal import NOX_IMPORT, add_table, noxfile_with_import

from .conftest import git, init_repo, run_engine, snapshot

PROJECTS = Path(__file__).parent / "projects"
yaml: Any = importlib.import_module("yaml")  # PyYAML, a test extra (no type stubs)


def repo_of(name: str, tmp_path: Path, *tags: str) -> Path:
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    return init_repo(project, *tags)


def release_table(project: Path) -> dict[str, object]:
    doc = tomlkit.parse((project / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(doc["tool"]["release"].unwrap())


def test_init_adopts_a_poetry_project_keeping_every_byte(tmp_path: Path) -> None:
    project = repo_of("poetry-static", tmp_path, "v1.2.0")
    git(project, "remote", "add", "origin", "git@github.com:example/shape-poetry.git")
    before = snapshot(project)
    done = run_engine(project, "init", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "version source: [tool.poetry] version in pyproject.toml (now 1.2.0)" in done.stdout
    assert "tag format: v{version} (inferred from tags v1.2.0)" in done.stdout
    after = snapshot(project)
    assert after["pyproject.toml"].startswith(before["pyproject.toml"])
    assert release_table(project) == {
        "tag-format": "v{version}",
        "github-repo": "example/shape-poetry",
    }
    assert after["noxfile.py"].decode().count(NOX_IMPORT) == 1
    assert set(after) - set(before) == {"noxfile.py"}
    assert "wrote pyproject.toml ([tool.release] added)" in done.stdout
    assert "wrote noxfile.py (new)" in done.stdout
    # the written configuration is valid: the project's commands read it
    assert run_engine(project, "versions").returncode == 0

    again = run_engine(project, "init", "--yes")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already has [tool.release]: left as it is" in again.stdout
    assert "nothing to write" in again.stdout
    assert snapshot(project) == after


def test_init_adds_the_import_to_an_existing_noxfile(tmp_path: Path) -> None:
    project = repo_of("hatch-static", tmp_path, "1.2.0")
    own = '"""My sessions."""\r\nimport nox\r\n\r\n\r\n@nox.session\r\ndef docs(session):\r\n    pass\r\n'
    (project / "noxfile.py").write_bytes(own.encode())
    done = run_engine(project, "init", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    text = (project / "noxfile.py").read_bytes().decode()
    assert text == own.replace("import nox\r\n", f"import nox\r\n{NOX_IMPORT}\r\n")
    assert "wrote noxfile.py (the sessions' import added)" in done.stdout
    assert release_table(project)["tag-format"] == "{version}"


def test_init_ci_writes_the_two_workflows_for_the_tag_format(tmp_path: Path) -> None:
    project = repo_of("setuptools-file", tmp_path, "release-1.1.0", "release-1.2.0")
    done = run_engine(project, "init", "--ci", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    release = yaml.safe_load((project / ".github/workflows/release.yml").read_text())
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    assert release[True]["push"]["tags"] == ["release-*"]  # YAML 1.1 reads "on" as True
    steps = [step.get("run", "") for step in release["jobs"]["publish"]["steps"]]
    assert 'echo "VERSION=${GITHUB_REF_NAME#release-}" >> "$GITHUB_ENV"' in steps
    assert ci["jobs"]["nox"]["strategy"]["matrix"]["python-version"][0] == "3.10"
    assert release_table(project)["publish-from"] == "ci"


def test_init_never_overwrites_a_workflow(tmp_path: Path) -> None:
    project = repo_of("hatch-vcs", tmp_path, "v1.2.0")
    workflows = project / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("name: mine\n")
    done = run_engine(project, "init", "--ci", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (workflows / "ci.yml").read_text() == "name: mine\n"
    assert ".github/workflows/ci.yml exists: left as it is" in done.stdout
    release = (workflows / "release.yml").read_text()
    assert "fetch-depth: 0" in release.split("build:")[1]  # the VCS build needs the tags
    assert "git tags (hatch-vcs)" in done.stdout


def test_existing_debt_is_proposed_as_advisory(tmp_path: Path) -> None:
    project = repo_of("hatch-static", tmp_path, "1.2.0")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.black]\nline-length = 100\n")
    (project / "shape_hatch_static/messy.py").write_text("x = {  'a':1 }\n")
    done = run_engine(project, "init", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "format-check: black" in done.stdout and "fails today" in done.stdout
    table = release_table(project)
    assert table["format-check"] == "black"
    assert table["advisory"] == ["black"]


def test_without_a_terminal_or_yes_nothing_is_written(tmp_path: Path) -> None:
    project = repo_of("pdm-file", tmp_path, "v1.2.0")
    before = snapshot(project)
    done = run_engine(project, "init", "--ci")
    assert done.returncode == 2
    assert "--yes" in done.stderr
    assert snapshot(project) == before


def test_answering_no_writes_nothing(tmp_path: Path) -> None:
    project = repo_of("flit-module", tmp_path, "v1.2.0")
    before = snapshot(project)
    asked: list[str] = []

    def ask(question: str) -> bool:
        asked.append(question)
        return False

    lines: list[str] = []
    assert adopt.run_init(project, ask=ask, out=lines.append) == 0
    assert asked and "nothing written" in lines
    assert snapshot(project) == before


def test_ambiguous_tags_exit_2_naming_tag_format(tmp_path: Path) -> None:
    project = repo_of("setuptools-static", tmp_path, "v1.1.0", "1.2.0")
    before = snapshot(project)
    done = run_engine(project, "init", "--yes")
    assert done.returncode == 2
    assert "tag-format" in done.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_add_table_keeps_every_byte_and_the_line_endings(newline: str) -> None:
    text = f'[project]{newline}name = "x"  # the name{newline}{newline}[tool.black]{newline}x = 1'
    new = add_table(text, {"tag-format": "v{version}", "changelog": False})
    assert new.startswith(text)
    assert new[len(text) :] == newline.join(
        [
            "",
            "",
            "[tool.release]",
            "# written by nox-release init; every key is optional",
            'tag-format = "v{version}"',
            "changelog = false",
            "",
        ]
    )
    assert tomlkit.parse(new)["tool"]["release"]["changelog"] is False


def test_noxfile_import_goes_after_the_leading_imports() -> None:
    assert noxfile_with_import(None) is not None
    text = '"""Doc."""\nfrom __future__ import annotations\n\nimport nox\n\nX = 1\n'
    assert noxfile_with_import(text) == text.replace("import nox\n", f"import nox\n{NOX_IMPORT}\n")
    assert noxfile_with_import(f"import nox\n{NOX_IMPORT}\n") is None
    assert noxfile_with_import("X = 1\n") == f"{NOX_IMPORT}\nX = 1\n"


def test_a_changelog_under_another_name_is_proposed_and_none_means_false(tmp_path: Path) -> None:
    project = repo_of("pdm-file", tmp_path, "v1.2.0")
    (project / "CHANGELOG.md").rename(project / "CHANGES.md")
    done = run_engine(project, "init", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert release_table(project)["changelog"] == "CHANGES.md"
    assert run_engine(project, "notes", "1.2.0").returncode == 0

    other = repo_of("flit-module", tmp_path, "v1.2.0")
    (other / "CHANGELOG.md").unlink()
    done = run_engine(other, "init", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert release_table(other)["changelog"] is False
    assert "bump writes versions" in done.stdout


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("changelog-crlf", "(Keep a Changelog; GitHub links, CRLF line endings)"),
        ("changelog-heading-links", "(Keep a Changelog; links in headings, GitHub links)"),
        ("changelog-codeberg-missing-link", "(Keep a Changelog; Codeberg links, 1 warning)"),
        ("changelog-not-kac", "CHANGELOG.md; bump cannot edit it: line 7: '## 1.2.0 (31st"),
        ("changelog-towncrier", "changelog: towncrier (CHANGELOG.md)"),
        ("towncrier-toml", "changelog: towncrier (CHANGES.rst)"),
    ],
)
def test_init_says_the_changelog_style_it_found(name: str, said: str, tmp_path: Path) -> None:
    project = repo_of(name, tmp_path)
    lines: list[str] = []
    assert adopt.run_init(project, ask=lambda _: False, out=lines.append) == 0
    assert any(said in line for line in lines), lines


@pytest.mark.parametrize("tag_format", ["v{version}", "{version}", "release-{version}"])
def test_actionlint_finds_nothing_in_the_generated_workflows(
    tag_format: str, tmp_path: Path
) -> None:
    from release.adopt.workflows import WorkflowInputs, workflow_files

    from .test_workflows import actionlint

    inputs = WorkflowInputs("shape-x", tag_format, ("tests", "format", "typecheck"), ">=3.11", True)
    paths = []
    for name, text in workflow_files(inputs).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    assert actionlint(paths, tmp_path) == []


SETEXT_HISTORY = """\
Release History
===============

dev
---

- The `shape` command prints the project's shape.

1.2.0 (2025-01-31)
------------------

- First release.
"""
DATED_IN_WORDS = """\
# Changelog

## 1.2.0 (31 January, 2025)

- First release.
"""
VERSION_WORD = """\
# Changes

## Version 1.2.0

Released 2025-01-31

- First release.
"""


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("HISTORY.md", SETEXT_HISTORY, "line 1: no '## [Unreleased]' or '## [X.Y.Z] - YYYY-MM-DD'"),
        ("CHANGELOG.md", DATED_IN_WORDS, "line 3: '## 1.2.0 (31 January, 2025)' is not a release"),
        ("CHANGES.md", VERSION_WORD, "line 3: '## Version 1.2.0' is not a release heading"),
    ],
)
def test_a_changelog_bump_cannot_edit_is_proposed_as_false_and_bump_then_works(
    name: str, text: str, problem: str, tmp_path: Path
) -> None:
    project = tmp_path / "hatch-static"
    shutil.copytree(PROJECTS / "hatch-static", project)
    (project / "CHANGELOG.md").unlink()
    (project / name).write_text(text)
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Initial commit")
    git(project, "tag", "v1.2.0")

    refused = run_engine(project, "bump", "patch")
    assert refused.returncode == 2
    assert f"error: {name} {problem}" in refused.stderr
    assert f"or, to keep {name} as it is, set changelog = false in [tool.release]" in refused.stderr

    done = run_engine(project, "init", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"  changelog: {name}; bump cannot edit it: {problem}" in done.stdout
    assert (
        "so changelog = false is proposed: nox-release leaves the changelog to you" in done.stdout
    )
    assert release_table(project)["changelog"] is False
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "adopt nox-release")
    bumped = run_engine(project, "bump", "patch", "--date", "2026-12-01")
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert (project / name).read_text() == text
    assert '__version__: str = "1.2.1"' in (project / "shape_hatch_static/__init__.py").read_text()
