"""A news file towncrier builds (Markdown or reStructuredText): its release sections, read.

Pure. towncrier writes each release under a heading that names the version, in the style of its
template (``# name 1.2.0 (2025-01-31)``, or an underlined ``name 1.2.0 (2025-01-31)`` in rst);
a section runs to the next heading of the same level. nox-release only reads these files:
towncrier itself writes them (``towncrier build``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from packaging.version import InvalidVersion, Version

_MD_HEADING = re.compile(r"(#{1,6})[ \t]+(.*?)[ \t#]*")
_RST_UNDERLINE = re.compile(r"([=\-~^*+#\"'`:.])\1*[ \t]*")
_VERSION_TOKEN = re.compile(r"(?<![\w.])[vV]?\d+(?:\.\d+)+(?:[-_.]?[a-zA-Z]+\.?\d*)*(?![\w])")


class _Heading(NamedTuple):
    line: int  # the heading's line
    body: int  # the first line of its body
    level: str  # "#", "##", ... or the rst underline character
    version: Version | None


def _headings(lines: list[str]) -> list[_Heading]:
    found: list[_Heading] = []
    for index, line in enumerate(lines):
        md = _MD_HEADING.fullmatch(line)
        if md is not None:
            found.append(_Heading(index, index + 1, md.group(1), _version_in(md.group(2))))
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        underline = _RST_UNDERLINE.fullmatch(following)
        title = line.strip()
        if title and underline is not None and len(following.strip()) >= len(title):
            found.append(_Heading(index, index + 2, underline.group(1), _version_in(title)))
    return found


def _version_in(title: str) -> Version | None:
    for token in _VERSION_TOKEN.findall(title):
        try:
            return Version(token)
        except InvalidVersion:
            continue
    return None


def _releases(lines: list[str]) -> tuple[list[_Heading], list[_Heading]]:
    """Every heading, and the release headings: those at the level of the first one naming a
    version."""
    headings = _headings(lines)
    first = next((heading for heading in headings if heading.version is not None), None)
    if first is None:
        return headings, []
    level = [heading for heading in headings if heading.level == first.level]
    return headings, [heading for heading in level if heading.version is not None]


def versions(text: str) -> list[str]:
    """The versions the file has sections for, newest section first, in PEP 440 normal form."""
    _, releases = _releases(text.splitlines())
    return [str(heading.version) for heading in releases]


def section(text: str, version: str) -> str | None:
    """The body of ``version``'s section without the blank lines around it; None when absent."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        return None
    lines = text.splitlines()
    headings, releases = _releases(lines)
    own = next((heading for heading in releases if heading.version == wanted), None)
    if own is None:
        return None
    end = next((h.line for h in headings if h.line > own.line and h.level == own.level), len(lines))
    body = lines[own.body : end]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return "\n".join(body)


_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def section_date(text: str, version: str) -> str | None:
    """The YYYY-MM-DD date in the heading of ``version``'s section (towncrier's default titles
    carry the ``--date`` of the build); None without a section or a date in its heading."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        return None
    lines = text.splitlines()
    own = next((h for h in _releases(lines)[1] if h.version == wanted), None)
    found = _ISO_DATE.search(lines[own.line]) if own is not None else None
    return found.group(0) if found else None
