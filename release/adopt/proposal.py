"""Pure: the text ``init`` writes. The ``[tool.release]`` table appended to pyproject.toml (every
other byte kept), and the noxfile import (a new noxfile, or one line added to the existing one)."""

from __future__ import annotations

import ast
from typing import Any, Mapping

import tomlkit

NOX_IMPORT = "import release.sessions  # noqa: F401  (registers every nox-release session)"
NEW_NOXFILE = f'''\
"""nox sessions: the release sessions of nox-release (``nox -l`` lists them)."""

{NOX_IMPORT}
'''


def render_table(values: Mapping[str, Any], newline: str = "\n") -> str:
    """``[tool.release]`` with ``values``, as TOML text."""
    table = tomlkit.table()
    table.add(tomlkit.comment("written by nox-release init; every key is optional"))
    for key, value in values.items():
        table[key] = value
    doc = tomlkit.document()
    doc["tool"] = tomlkit.table(is_super_table=True)
    doc["tool"]["release"] = table
    return doc.as_string().replace("\n", newline)


def add_table(text: str, values: Mapping[str, Any]) -> str:
    """``text`` (a pyproject.toml without ``[tool.release]``) with the table appended: every
    byte of ``text`` stays, its line endings are used for the new lines."""
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text if not text or text.endswith(("\n", "\r")) else text + newline
    separator = newline if body.strip() else ""
    return body + separator + render_table(values, newline)


def noxfile_with_import(text: str | None) -> str | None:
    """The noxfile with the sessions imported; None when it already imports them.

    An existing noxfile gets the import line after its leading imports, so its own sessions, defined
    further down, win over a nox-release session of the same name.
    """
    if text is None:
        return NEW_NOXFILE
    if "release.sessions" in text:
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = None
    after = 0
    for node in tree.body if tree is not None else []:
        is_docstring = (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (is_docstring and after == 0):
            after = node.end_lineno or node.lineno
            continue
        break
    if after and not lines[after - 1].endswith(("\n", "\r")):
        lines[after - 1] += newline
    lines.insert(after, NOX_IMPORT + newline)
    return "".join(lines)
