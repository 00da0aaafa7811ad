"""Pure helpers that locate a version inside a file's text, so an edit replaces only its characters.

A :class:`Site` is the span of one copy's value: ``text[start:end] == copy.value``. Everything here
takes text and returns spans; nothing reads or writes files.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from tomlkit.items import String

from ..config import parse_toml, plain
from ..errors import ConfigError

_MARK = "@@nox-release-version-mark@@"


@dataclass(frozen=True)
class VersionCopy:
    """One place that holds the version: ``path:line`` has ``value``.

    ``form`` is ``"full"`` for a whole version, ``"major.minor"`` for Sphinx's short ``version``.
    """

    path: Path
    line: int
    value: str
    kind: str  # "pyproject" | "module" | "version-file" | "uv.lock" | "citation" | "sphinx"
    form: str = "full"

    def expected(self, version: str) -> str:
        """What this copy holds when the project is at ``version``."""
        if self.form == "major.minor":
            return short_version(version)
        return version


@dataclass(frozen=True)
class Site:
    """Where a copy's value sits in its file's text: ``text[start:end] == copy.value``."""

    copy: VersionCopy
    start: int
    end: int


def short_version(version: str) -> str:
    """``1.2.3`` -> ``1.2`` (Sphinx's ``version``); the text itself when it has no two parts."""
    from packaging.version import InvalidVersion, Version

    try:
        release = Version(version).release
    except InvalidVersion:
        return version
    return ".".join(str(part) for part in (list(release) + [0])[:2])


def toml_string_site(path: Path, text: str, keys: Sequence[str], kind: str, shown: str) -> Site:
    """The span of the string at ``keys`` (e.g. project.version) in the TOML ``text``.

    tomlkit renders the document with a marker as the value; the first byte that differs is where
    the value starts, so comments, quoting and layout never confuse the search. The answer depends
    on the arguments alone (the text is given), so the last few are kept: a release asks it about
    the same pyproject.toml a dozen times, and each answer is a full parse.
    """
    return _toml_string_site(path, text, tuple(keys), kind, shown)


@functools.lru_cache(maxsize=16)
def _toml_string_site(path: Path, text: str, keys: tuple[str, ...], kind: str, shown: str) -> Site:
    doc = parse_toml(path, text)
    container: Any = doc
    for key in keys[:-1]:
        container = container[key]
    item = container[keys[-1]]
    if not isinstance(item, String):
        raise ConfigError(
            f"{shown} in {path.name} must be a string, not {plain(item)!r}",
            'write it in quotes, for example version = "0.1.0"',
        )
    value = str(item)
    container[keys[-1]] = String(item.type, _MARK, _MARK, item.trivia)
    marked = doc.as_string()
    start = common_prefix(text, marked)
    if text[start : start + len(value)] != value or not marked.startswith(_MARK, start):
        raise ConfigError(
            f"cannot locate {shown} in {path.name}",
            f'write it as version = "X.Y.Z" on its own line in {shown.rsplit(" ", 1)[0]}',
        )
    copy = VersionCopy(path, line_of(text, start), value, kind)
    return Site(copy, start, start + len(value))


def assignment_sites(
    path: Path, text: str, name: str, shown: str, kind: str = "module"
) -> Iterator[Site]:
    """Module-level ``name = "…"`` assignments (top-level statements only, via ``ast``)."""
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise ConfigError(
            f"{shown} is not valid Python (line {exc.lineno}): {exc.msg}",
            "fix the syntax error; the version copies are found by parsing every module",
        ) from None
    starts = line_starts(text)
    for node in tree.body:
        value = _assigned_string(node, name)
        if value is None:
            continue
        site = _literal_site(path, text, starts, value, kind)
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


def _literal_site(
    path: Path, text: str, starts: list[int], node: ast.Constant, kind: str
) -> Site | None:
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
    return Site(VersionCopy(path, node.lineno, value, kind), start, start + len(value))


def regex_sites(
    path: Path, text: str, pattern: re.Pattern[str], group: str, kind: str
) -> list[Site]:
    """Every match of ``pattern`` in ``text``, the copy being the named ``group``."""
    sites = []
    for match in pattern.finditer(text):
        start, end = match.span(group)
        sites.append(Site(VersionCopy(path, line_of(text, start), match[group], kind), start, end))
    return sites


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins, splitting the way Python's tokenizer does."""
    return [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]


def _offset(text: str, starts: list[int], lineno: int, byte_col: int) -> int:
    """``ast`` positions count UTF-8 bytes within the line; turn one into a text offset."""
    line_start = starts[lineno - 1]
    line_end = starts[lineno] if lineno < len(starts) else len(text)
    line = text[line_start:line_end].encode("utf-8")
    return line_start + len(line[:byte_col].decode("utf-8", errors="ignore"))


def line_of(text: str, offset: int) -> int:
    return len(line_starts(text[:offset]))


def common_prefix(left: str, right: str) -> int:
    limit = min(len(left), len(right))
    index = 0
    while index < limit and left[index] == right[index]:
        index += 1
    return index


def dig(table: Any, *keys: str) -> Any:
    """``table[k1][k2]…`` or None where a level is missing or not a table."""
    for key in keys:
        if not isinstance(table, dict):
            return None
        table = table.get(key)
    return table
