"""towncrier's settings, read from where towncrier itself reads them.

towncrier (run from the project root, as ``bump`` runs it) takes ``towncrier.toml`` when the root
has one, and only otherwise ``pyproject.toml``; either way from its ``[tool.towncrier]`` table. A
``towncrier.toml`` wins even when pyproject.toml has a ``[tool.towncrier]`` table too: towncrier
then never looks at that one. When the settings name no ``package``, towncrier takes
``[project].name`` from pyproject.toml. Every question about towncrier's files (the news file, the
fragments' directory, their types) is answered here, so nox-release and towncrier never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import tomlkit

from .errors import ConfigError

CONFIG_FILE = "towncrier.toml"
DEFAULT_FILENAME = "NEWS.rst"  # towncrier's default news file
# towncrier's own fragment types, used when the settings define none.
DEFAULT_TYPES = ("feature", "bugfix", "doc", "removal", "misc")


@dataclass(frozen=True)
class TowncrierSettings:
    """The ``[tool.towncrier]`` table towncrier uses, and the file it came from."""

    source: Path  # towncrier.toml or pyproject.toml
    table: Mapping[str, Any] = field(default_factory=dict)
    project_name: str = ""  # [project].name: towncrier's fallback for ``package``

    @property
    def filename(self) -> str:
        """The news file, relative to the root (towncrier's ``filename``)."""
        return str(self.table.get("filename", DEFAULT_FILENAME))

    def fragment_dir(self, root: Path) -> Path:
        """Where the news fragments wait: ``directory``, else
        ``<package_dir>/<package>/newsfragments`` (towncrier's default)."""
        directory = self.table.get("directory")
        if directory is not None:
            return root / str(directory)
        package = self.table.get("package") or self.project_name
        return root / str(self.table.get("package_dir", ".")) / str(package) / "newsfragments"

    def fragment_types(self) -> tuple[str, ...]:
        """The fragment types towncrier knows: ``[tool.towncrier.fragment.X]`` tables, else the
        ``directory`` of each ``[[tool.towncrier.type]]``, else its defaults."""
        tables = self.table.get("fragment")
        if isinstance(tables, dict) and tables:
            return tuple(str(name) for name in tables)
        entries = self.table.get("type")
        if isinstance(entries, list) and entries:
            return tuple(str(entry["directory"]) for entry in entries)
        return DEFAULT_TYPES


def find(root: Path, pyproject: Mapping[str, Any]) -> TowncrierSettings | None:
    """The project's towncrier settings, or None when it does not use towncrier (no
    towncrier.toml, no ``[tool.towncrier]`` in ``pyproject``, the parsed pyproject.toml)."""
    project = pyproject.get("project")
    name = str(project.get("name", "")) if isinstance(project, dict) else ""
    config_file = root / CONFIG_FILE
    if config_file.is_file():
        table = _table(_parse(config_file), config_file)
        return _checked(TowncrierSettings(config_file, table, name))
    tool = pyproject.get("tool")
    if not isinstance(tool, dict) or "towncrier" not in tool:
        return None
    source = root / "pyproject.toml"
    return _checked(TowncrierSettings(source, _table(pyproject, source), name))


def _parse(path: Path) -> dict[str, Any]:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(
            f"{path.name} is not valid TOML: line {exc.line}, column {exc.col}",
            f"fix the syntax at {path.name}:{exc.line}:{exc.col} (towncrier reads it too)",
        ) from None


def _table(doc: Mapping[str, Any], source: Path) -> dict[str, Any]:
    tool = doc.get("tool", {})
    table = tool.get("towncrier", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(
            f"[tool.towncrier] in {source.name} is not a table",
            f"write it as a [tool.towncrier] section in {source.name}",
        )
    return table


def _checked(settings: TowncrierSettings) -> TowncrierSettings:
    """The settings, if the keys nox-release reads have the types towncrier needs."""
    where = settings.source.name
    for key in ("filename", "directory", "package", "package_dir"):
        value = settings.table.get(key)
        if value is not None and not isinstance(value, str):
            raise ConfigError(
                f"[tool.towncrier] {key} in {where} must be a string, not {value!r}",
                f'write it like {key} = "..." (a path relative to the project root)',
            )
    entries = settings.table.get("type", [])
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("directory"), str) for entry in entries
    ):
        raise ConfigError(
            f"[[tool.towncrier.type]] in {where}: every entry needs a directory (a string)",
            'write each as [[tool.towncrier.type]] with directory = "feature", name = "Features"',
        )
    return settings
