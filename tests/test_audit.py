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
