"""The "dependencies secure" row audits the project's own runtime dependencies (release/runtime_deps.py,
release/checklist/dependencies.py), at the versions installed here, not the release tools."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from release import checklist, config, runtime_deps


def project(root: Path, dependencies: list[str]) -> Path:
    (root / "tiny").mkdir(parents=True)
    (root / "tiny" / "__init__.py").write_text("")
    listed = ", ".join(f'"{dep}"' for dep in dependencies)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "tiny-audited"\nversion = "1.0.0"\ndependencies = [{listed}]\n'
    )
    return root


def pinned(name: str) -> str:
    return f"{name}=={importlib.metadata.version(name)}"


def test_the_closure_of_the_projects_dependencies_at_their_installed_versions(
    tmp_path: Path,
) -> None:
    # hypothesis needs sortedcontainers; its [cli] extra adds click, black and rich (and theirs);
    # nothing else installed here (pytest, pip-audit, mypy, ...) belongs to the project.
    cfg = config.load(project(tmp_path, ["hypothesis>=6", "tomlkit", "pytz; python_version<'3'"]))

    found = runtime_deps.collect(cfg)

    assert found.source == "[project].dependencies"
    assert found.missing == []
    assert found.pinned == sorted(
        [pinned("hypothesis"), pinned("sortedcontainers"), pinned("tomlkit")]
    )


def test_extras_are_followed(tmp_path: Path) -> None:
    # pypiserver and its passlib extra are test dependencies: installed wherever the suite runs
    cfg = config.load(project(tmp_path, ["pypiserver[passlib]"]))
    names = {line.split("==")[0] for line in runtime_deps.collect(cfg).pinned}
    assert {"pypiserver", "passlib"} <= names
    assert "pytest" not in names


def test_a_dependency_not_installed_here_is_unknown_not_pass(tmp_path: Path) -> None:
    cfg = config.load(project(tmp_path, ["tomlkit", "surely-not-installed-dist>=1"]))

    (row,) = checklist.run_items(checklist.Context(cfg), [checklist.audit_item])

    assert row.status == "UNKNOWN"
    assert "surely-not-installed-dist" in row.reason


def test_no_runtime_dependencies_is_said(tmp_path: Path) -> None:
    cfg = config.load(project(tmp_path, []))
    (row,) = checklist.run_items(checklist.Context(cfg), [checklist.audit_item])
    assert (row.status, row.reason) == (
        "PASS",
        "no runtime dependencies ([project].dependencies is empty)",
    )


def test_the_audit_cannot_reach_its_database_here_and_never_passes(tmp_path: Path) -> None:
    cfg = config.load(project(tmp_path, ["tomlkit", "packaging"]))

    (row,) = checklist.run_items(checklist.Context(cfg), [checklist.audit_item])

    # Only loopback is reachable here: pip-audit can audit nothing, and the row says so.
    assert row.status == "UNKNOWN"
    assert "could not check any of the 2 runtime dependencies" in row.reason


def test_dependencies_for_other_pythons_only_are_named_not_taken_for_none(tmp_path: Path) -> None:
    cfg = config.load(project(tmp_path, ["pytz; python_version < '3'"]))

    found = runtime_deps.collect(cfg)
    audit, outdated = checklist.run_items(
        checklist.Context(cfg), [checklist.audit_item, checklist.outdated_item]
    )

    assert (found.pinned, found.direct, found.elsewhere) == ([], [], ["pytz"])
    assert (audit.status, audit.reason) == (
        "WARN",
        "nothing to audit on this Python: for other Pythons or platforms only: pytz",
    )
    assert (outdated.status, outdated.reason) == (
        "PASS",
        "no dependency applies to this Python (for other Pythons or platforms only: pytz)",
    )


def test_a_direct_dependency_not_installed_here_leaves_freshness_unknown(tmp_path: Path) -> None:
    """pip list --outdated lists installed packages only: one not installed is never "late"."""
    cfg = config.load(project(tmp_path, ["tomlkit", "surely-not-installed-dist>=1"]))

    (row,) = checklist.run_items(checklist.Context(cfg), [checklist.outdated_item])

    assert (row.status, row.reason) == (
        "UNKNOWN",
        "not installed here, so their versions are unknown: surely-not-installed-dist",
    )


def test_a_poetry_projects_dependencies_are_its_tool_poetry_table(tmp_path: Path) -> None:
    (tmp_path / "tiny").mkdir()
    (tmp_path / "tiny" / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "tiny-poetry"\nversion = "1.0.0"\ndescription = ""\n'
        'authors = ["A <a@example.invalid>"]\n\n'
        '[tool.poetry.dependencies]\npython = "^3.8"\ntomlkit = "^0.12"\n'
        'surely-not-installed-extra = { version = "^1", optional = true }\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    )
    cfg = config.load(tmp_path)

    found = runtime_deps.collect(cfg)  # what both rows start from

    assert found.source == "[tool.poetry.dependencies]"
    assert (found.pinned, found.direct, found.missing) == ([pinned("tomlkit")], ["tomlkit"], [])


def test_a_release_of_the_same_name_installed_from_an_index_is_not_the_project(
    tmp_path: Path,
) -> None:
    """tomlkit is installed here from the index (a dependency of the tools): a work tree of a
    project named tomlkit declares its own dependencies, which that release's metadata may not."""
    assert importlib.metadata.distribution("tomlkit").read_text("direct_url.json") is None
    (tmp_path / "tomlkit").mkdir()
    (tmp_path / "tomlkit" / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "tomlkit"\nversion = "9.0.0"\ndependencies = ["packaging"]\n'
    )

    found = runtime_deps.collect(config.load(tmp_path))

    assert found.source == "[project].dependencies"
    assert found.direct == ["packaging"]
