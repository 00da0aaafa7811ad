"""What the project is, read from its files: its distribution name (``[project]``, Poetry or
setup.cfg) and the import package it releases (a src or a flat layout)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import ConfigError

__all__ = ["canonical_name", "dig_table", "discover_package", "package_hints", "project_name"]

_SEPARATORS = re.compile(r"[-_.]+")


def canonical_name(name: str) -> str:
    """The PEP 503 normalized name (``Omi_OpenClaw`` -> ``omi-openclaw``), as packaging's
    ``canonicalize_name`` returns it, without importing ``packaging.utils``: its wheel-tag
    machinery (platform, logging, sysconfig) is a tenth of an engine start."""
    return _SEPARATORS.sub("-", name).lower()


_NOT_PACKAGES = {
    "tests",
    "test",
    "docs",
    "doc",
    "benchmarks",
    "examples",
    "scripts",
    "build",
    "dist",
}


def _plain(value: Any) -> Any:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def package_hints(doc: Mapping[str, Any]) -> list[str]:
    """The packages the build backend's own configuration names (flit's module, Poetry's and
    hatch's packages, setuptools' packages, the module of a setuptools ``attr`` version or of a
    hatch / PDM version file): what the project releases when its layout has several."""
    tool = _plain(doc.get("tool", {}))
    tool = tool if isinstance(tool, dict) else {}
    hints: list[str] = []
    module = dig_table(tool, "flit", "module", "name")
    if isinstance(module, str):
        hints.append(module)
    for entry in dig_table(tool, "poetry", "packages") or []:
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            hints.append(entry["include"])
    for path in dig_table(tool, "hatch", "build", "targets", "wheel", "packages") or []:
        if isinstance(path, str):
            hints.append(Path(path).name)
    packages = dig_table(tool, "setuptools", "packages")
    hints += (
        [item for item in packages if isinstance(item, str)] if isinstance(packages, list) else []
    )
    attr = dig_table(tool, "setuptools", "dynamic", "version", "attr")
    if isinstance(attr, str):
        hints.append(attr.split(".")[0])
    for path in (
        dig_table(tool, "hatch", "version", "path"),
        dig_table(tool, "pdm", "version", "path"),
    ):
        if isinstance(path, str):
            parts = [part for part in Path(path).parts if part != "src"]
            hints += parts[:1] if len(parts) > 1 else []
    return [hint.replace("/", ".").split(".")[0] for hint in hints if hint]


def discover_package(root: Path, name: str, hints: Sequence[str] = ()) -> tuple[str, Path]:
    """The import package and its directory, from a src layout or a flat layout; with several
    candidates, the one named like the distribution, else the one the build configuration names."""
    wanted = canonical_name(name).replace("-", "_")
    for base in (root / "src", root):
        if not base.is_dir():
            continue
        candidates = sorted(
            child.name
            for child in base.iterdir()
            if child.is_dir()
            and (child / "__init__.py").is_file()
            and child.name not in _NOT_PACKAGES
            and not child.name.startswith((".", "_"))
        )
        if wanted in candidates:
            return wanted, base / wanted
        named = [hint for hint in dict.fromkeys(hints) if hint in candidates]
        if len(named) == 1:
            return named[0], base / named[0]
        if len(candidates) == 1:
            return candidates[0], base / candidates[0]
        if len(candidates) > 1:
            raise ConfigError(
                f"several packages found in {base.name if base != root else 'the project root'}: "
                + ", ".join(candidates),
                'set package = "<name>" in [tool.release] to say which one is released',
            )
    raise ConfigError(
        f"no Python package found for {name} (looked for src/<pkg>/__init__.py and <pkg>/__init__.py)",
        'set package = "<import name>" and source = "<dir>" in [tool.release]',
    )


def dig_table(table: Any, *keys: str) -> Any:
    for key in keys:
        table = table.get(key) if isinstance(table, dict) else None
    return table


def project_name(doc: Mapping[str, Any], root: Path | None = None) -> str:
    """The distribution name: ``[project] name``, ``[tool.poetry] name`` for Poetry projects, or
    setup.cfg's ``[metadata] name`` for setuptools projects without ``[project]``."""
    project = _plain(doc.get("project", {}))
    tool = _plain(doc.get("tool", {}))
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    for table in (project, poetry):
        if isinstance(table, dict) and isinstance(table.get("name"), str) and table["name"]:
            return str(table["name"])
    if root is not None and "project" not in doc:
        from .versions.setupcfg import metadata

        name = metadata(root).get("name", "").strip()
        if name:
            return name
    if root is not None and (root / "setup.py").is_file():
        raise ConfigError(
            "pyproject.toml has no [project] name and setup.cfg no [metadata] name: the name is "
            "in setup.py, which nox-release does not read (it would have to run it)",
            "name the project where both setuptools and nox-release read it: setup.cfg "
            "[metadata] name = <distribution name> (and version = attr: pkg.__version__); "
            "setup.py keeps working as it is",
        )
    raise ConfigError(
        "pyproject.toml has no [project] name (nor a [tool.poetry] name, nor setup.cfg [metadata] name)",
        'add a [project] table with name = "<distribution name>" (PEP 621)',
    )
