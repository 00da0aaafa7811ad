"""Every copy of the version a project carries, and the edits that set them all to a new one.

The copies are ``[project].version`` in pyproject.toml (or the file a dynamic version points to:
setuptools ``attr``/``file``, hatch ``path``, flit's module), every module-level
``__version__ = "…"`` under the package source, and the configured ``version-files``.
``version-files`` adds to the automatic ``__version__`` scan (files it cannot find).

An edit replaces only the characters of the version inside its string literal, so every other byte
of the file, the quote style and the line endings stay as they were.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import tomlkit
import tomlkit.exceptions
from tomlkit.items import String

from .config import Config, parse_toml, plain
from .errors import ConfigError
from .files import read_text

# A version line in a version file: __version__ = "…", version = "…" (optionally annotated).
_VERSION_LINE = re.compile(
    r"^(?:__version__|version)[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*"
    r"(?P<quote>[\"'])(?P<value>[^\"'\r\n]*)(?P=quote)",
    re.MULTILINE,
)
# hatch's default: __version__ or VERSION (any case), an optional leading "v" is not the version.
_HATCH_LINE = re.compile(
    r"^(?:__version__|version)[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*"
    r"(?P<quote>[\"'])v?(?P<value>[^\"'\r\n]+)(?P=quote)",
    re.MULTILINE | re.IGNORECASE,
)
_MARK = "@@nox-release-version-mark@@"
_STATIC_HINT = (
    'add version = "0.1.0" under [project], or declare a dynamic version: '
    '[tool.setuptools.dynamic] version = {attr = "pkg.__version__"} or '
    '[tool.hatch.version] path = "src/pkg/__init__.py"'
)


@dataclass(frozen=True)
class VersionCopy:
    """One place that holds the version: ``path:line`` has ``value``."""

    path: Path
    line: int
    value: str
    kind: str  # "pyproject" | "module" | "version-file"


@dataclass(frozen=True)
class _Site:
    """Where a copy's value sits in its file's text: ``text[start:end] == copy.value``."""

    copy: VersionCopy
    start: int
    end: int


def current_version(cfg: Config) -> str:
    """The project's version: ``[project].version`` or the file its dynamic version comes from."""
    return _primary_site(cfg).copy.value


def version_copies(cfg: Config) -> list[VersionCopy]:
    """Every copy of the version, the authoritative one (pyproject or its dynamic source) first."""
    return [site.copy for site in _sites(cfg)]


def drift(copies: list[VersionCopy]) -> bool:
    """True when the copies do not all hold the same version."""
    return len({copy.value for copy in copies}) > 1


def edits_for(cfg: Config, new_version: str) -> dict[Path, str]:
    """The new full text of every file in which a copy of the version changes."""
    by_path: dict[Path, list[_Site]] = {}
    for site in _sites(cfg):
        if site.copy.value != new_version:
            by_path.setdefault(site.copy.path, []).append(site)
    edits: dict[Path, str] = {}
    for path, sites in by_path.items():
        text = read_text(path)
        for site in sorted(sites, key=lambda s: s.start, reverse=True):
            text = text[: site.start] + new_version + text[site.end :]
        edits[path] = text
    return edits


# --- finding the copies -------------------------------------------------------------------------


def _sites(cfg: Config) -> list[_Site]:
    primary = _primary_site(cfg)
    # The automatic scan always runs; version-files adds files it cannot find (docs/conf.py, ...).
    others = [site for path in _python_files(cfg.source) for site in _module_sites(cfg, path)]
    others += [site for path in cfg.version_files for site in _version_file_sites(cfg, path)]
    sites = [primary]
    seen = {(primary.copy.path, primary.start)}
    for site in others:
        if (site.copy.path, site.start) not in seen:
            seen.add((site.copy.path, site.start))
            sites.append(site)
    return sites


def _primary_site(cfg: Config) -> _Site:
    path = cfg.pyproject
    text = _read(path, cfg)
    doc = parse_toml(path, text)
    project = doc.get("project")
    if not isinstance(project, dict):
        raise ConfigError(f"{path.name} has no [project] table", _STATIC_HINT)
    dynamic = plain(project.get("dynamic", []))
    is_dynamic = isinstance(dynamic, list) and "version" in dynamic
    if "version" in project:
        if is_dynamic:
            raise ConfigError(
                f"{path.name} has [project] version and also lists version in [project] dynamic",
                "keep one: remove version from dynamic, or remove the static version",
            )
        return _pyproject_site(cfg, text)
    if not is_dynamic:
        raise ConfigError(f"{path.name} has no [project] version", _STATIC_HINT)
    return _dynamic_site(cfg, doc)


def _pyproject_site(cfg: Config, text: str) -> _Site:
    """Locate ``[project].version`` in the text: tomlkit renders the document with a marker as
    the value; the first byte that differs is where the value starts."""
    path = cfg.pyproject
    doc = parse_toml(path, text)
    item = doc["project"]["version"]
    if not isinstance(item, String):
        raise ConfigError(
            f"[project] version in {path.name} must be a string, not {plain(item)!r}",
            'write it in quotes, for example version = "0.1.0"',
        )
    value = str(item)
    doc["project"]["version"] = String(item.type, _MARK, _MARK, item.trivia)
    marked = doc.as_string()
    start = _common_prefix(text, marked)
    if text[start : start + len(value)] != value or not marked.startswith(_MARK, start):
        raise ConfigError(
            f"cannot locate [project] version in {path.name}",
            'write it as version = "X.Y.Z" on its own line under [project]',
        )
    copy = VersionCopy(path, _line_of(text, start), value, "pyproject")
    return _Site(copy, start, start + len(value))


def _dynamic_site(cfg: Config, doc: tomlkit.TOMLDocument) -> _Site:
    tool = plain(doc.get("tool", {}))
    tool = tool if isinstance(tool, dict) else {}
    setuptools_version = _dig(tool, "setuptools", "dynamic", "version")
    hatch_version = _dig(tool, "hatch", "version")
    backend = str(_dig(plain(doc.get("build-system", {})), "build-backend") or "")
    if isinstance(setuptools_version, dict):
        return _setuptools_site(cfg, setuptools_version)
    if isinstance(hatch_version, dict):
        return _hatch_site(cfg, hatch_version)
    if backend.startswith("flit_core"):
        return _module_attr_site(cfg, cfg.source / "__init__.py", "__version__", "flit")
    raise ConfigError(
        f"{cfg.pyproject.name} declares a dynamic version but no source this tool can write",
        _STATIC_HINT,
    )


def _setuptools_site(cfg: Config, table: dict[str, Any]) -> _Site:
    where = "[tool.setuptools.dynamic] version"
    if isinstance(table.get("attr"), str):
        module, _, attr = table["attr"].rpartition(".")
        if not module or not attr:
            raise ConfigError(
                f"{where} attr {table['attr']!r} is not module.attribute",
                'write it like attr = "pkg.__version__"',
            )
        return _module_attr_site(cfg, _find_module(cfg, module, where), attr, where)
    files = table.get("file")
    if isinstance(files, str) or (isinstance(files, list) and len(files) == 1):
        name = files if isinstance(files, str) else files[0]
        return _whole_file_site(cfg, cfg.root / str(name), where)
    raise ConfigError(
        f'{where} must be {{attr = "pkg.__version__"}} or {{file = "VERSION"}} (one file)',
        'write it like version = {attr = "pkg.__version__"}',
    )


def _hatch_site(cfg: Config, table: dict[str, Any]) -> _Site:
    where = "[tool.hatch.version]"
    source = table.get("source", "regex")
    if source != "regex":
        raise ConfigError(
            f"{where} takes the version from source {source!r}, not from a file this tool can write",
            'use a static [project] version, or [tool.hatch.version] path = "src/<pkg>/__init__.py"',
        )
    if not isinstance(table.get("path"), str):
        raise ConfigError(
            f"{where} has no path to the file that holds the version",
            f'set path = "src/<pkg>/__init__.py" in {where}',
        )
    path = cfg.root / table["path"]
    text = _read(path, cfg, where)
    pattern = table.get("pattern")
    if isinstance(pattern, str):
        match = _compile(pattern, where).search(text)
        group = "version"
    else:
        match = _HATCH_LINE.search(text)
        group = "value"
    if match is None or group not in match.groupdict():
        raise ConfigError(
            f"{cfg.relative(path)} (named by {where} path) has no version line",
            'add a line __version__ = "X.Y.Z" to it',
        )
    start, end = match.span(group)
    kind = "module" if path.suffix == ".py" else "version-file"
    return _Site(VersionCopy(path, _line_of(text, start), text[start:end], kind), start, end)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise ConfigError(
            f"{where} pattern is not a valid regular expression: {exc}",
            "fix the pattern (it needs a (?P<version>...) group)",
        ) from None


def _find_module(cfg: Config, module: str, where: str) -> Path:
    parts = module.split(".")
    bases = [cfg.root / "src", cfg.root, cfg.source.parent]
    tried: list[Path] = []
    for base in bases:
        for candidate in (
            base.joinpath(*parts).with_suffix(".py"),
            base.joinpath(*parts, "__init__.py"),
        ):
            if candidate.is_file():
                return candidate
            tried.append(candidate)
    raise ConfigError(
        f"{where} names module {module!r}, which is not in the project "
        f"(looked for {', '.join(cfg.relative(path) for path in tried[:4])})",
        "point attr at the module that assigns the version, for example pkg.__version__",
    )


def _module_attr_site(cfg: Config, path: Path, attr: str, where: str) -> _Site:
    text = _read(path, cfg, where)
    site = next(_assignment_sites(path, text, attr, cfg.relative(path)), None)
    if site is not None:
        return site
    raise ConfigError(
        f"{cfg.relative(path)} (the version source of {where}) has no module-level "
        f'{attr} = "X.Y.Z"',
        f'add {attr} = "X.Y.Z" at the top level of {cfg.relative(path)}',
    )


def _whole_file_site(cfg: Config, path: Path, where: str) -> _Site:
    text = _read(path, cfg, where)
    value = text.strip()
    if not value or "\n" in value or "\r" in value:
        raise ConfigError(
            f"{cfg.relative(path)} (named by {where}) must hold just the version",
            "write only the version in it, for example 0.1.0",
        )
    start = text.index(value)
    copy = VersionCopy(path, _line_of(text, start), value, "version-file")
    return _Site(copy, start, start + len(value))


def _version_file_sites(cfg: Config, path: Path) -> list[_Site]:
    where = "[tool.release] version-files"
    text = _read(path, cfg, where)
    sites = []
    for match in _VERSION_LINE.finditer(text):
        start, end = match.span("value")
        copy = VersionCopy(path, _line_of(text, start), match["value"], "version-file")
        sites.append(_Site(copy, start, end))
    if not sites:
        raise ConfigError(
            f'{cfg.relative(path)} (listed in {where}) has no __version__ = "…" or '
            'version = "…" line',
            f"add such a line to {cfg.relative(path)}, or remove it from version-files",
        )
    return sites


def _python_files(source: Path) -> list[Path]:
    if source.is_file():
        return [source] if source.suffix == ".py" else []
    return sorted(
        path
        for path in source.rglob("*.py")
        if not any(
            part.startswith(".") or part == "__pycache__" for part in path.relative_to(source).parts
        )
    )


def _module_sites(cfg: Config, path: Path) -> list[_Site]:
    return list(_assignment_sites(path, read_text(path), "__version__", cfg.relative(path)))


def _assignment_sites(path: Path, text: str, name: str, shown: str) -> Iterator[_Site]:
    """Module-level ``name = "…"`` assignments (top-level statements only, via ``ast``)."""
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise ConfigError(
            f"{shown} is not valid Python (line {exc.lineno}): {exc.msg}",
            "fix the syntax error; the version copies are found by parsing every module",
        ) from None
    starts = _line_starts(text)
    for node in tree.body:
        value = _assigned_string(node, name)
        if value is None:
            continue
        site = _literal_site(path, text, starts, value)
        if site is not None:
            yield site


def _assigned_string(node: ast.stmt, name: str) -> ast.Constant | None:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    else:
        return None
    named = any(isinstance(target, ast.Name) and target.id == name for target in targets)
    value = node.value
    if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value
    return None


def _literal_site(path: Path, text: str, starts: list[int], node: ast.Constant) -> _Site | None:
    """The span of the string's value inside its literal (``"0.2.0"`` -> ``0.2.0``)."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    begin = _offset(text, starts, node.lineno, node.col_offset)
    finish = _offset(text, starts, node.end_lineno, node.end_col_offset)
    literal = text[begin:finish]
    value = str(node.value)
    inner = literal.find(value) if value else -1
    if inner < 0 or literal.count(value) != 1:
        return None  # escapes or an implicit concatenation: not a plain version literal
    start = begin + inner
    return _Site(VersionCopy(path, node.lineno, value, "module"), start, start + len(value))


# --- helpers ------------------------------------------------------------------------------------


def _line_starts(text: str) -> list[int]:
    """Offsets where each line begins, splitting the way Python's tokenizer does."""
    return [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]


def _offset(text: str, starts: list[int], lineno: int, byte_col: int) -> int:
    """``ast`` positions count UTF-8 bytes within the line; turn one into a text offset."""
    line_start = starts[lineno - 1]
    line_end = starts[lineno] if lineno < len(starts) else len(text)
    line = text[line_start:line_end].encode("utf-8")
    return line_start + len(line[:byte_col].decode("utf-8", errors="ignore"))


def _line_of(text: str, offset: int) -> int:
    return len(_line_starts(text[:offset]))


def _common_prefix(left: str, right: str) -> int:
    limit = min(len(left), len(right))
    index = 0
    while index < limit and left[index] == right[index]:
        index += 1
    return index


def _read(path: Path, cfg: Config, where: str = "") -> str:
    try:
        return read_text(path)
    except FileNotFoundError:
        named = f" (named by {where})" if where else ""
        raise ConfigError(
            f"{cfg.relative(path)}{named} does not exist",
            "create it, or correct the path in pyproject.toml",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{cfg.relative(path)} is not UTF-8 text", "save it as UTF-8") from None


def _dig(table: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(table, dict):
            return None
        table = table.get(key)
    return table
