"""Finding the lines a CHANGELOG's structure depends on, in one pass over the text.

Pure. One regular-expression pass finds the few lines that matter (``#``/``##`` headings, version
reference links, code fences), as offsets into the text, so the work stays linear in its size.
"""

from __future__ import annotations

import bisect
import datetime
import re
from typing import NamedTuple

from packaging.version import Version

# The lines the structure depends on: "#"/"##" headings (with a fast path for the usual
# "## [X.Y.Z] - YYYY-MM-DD") and version reference links. Each pattern starts with a literal, so the
# regular-expression engine skips ahead to candidates; each alternative ends in a look-ahead group
# holding the line break, so ``match.lastindex`` says which one matched and where the line ends.
_HEADING_PATTERN = (
    r"#(?:# \[(?P<rlabel>[^\]\s]+)\] - (?P<rdate>\d{4}-\d{2}-\d{2})(?P<ryanked> \[YANKED\])?"
    r"(?=(?P<reol>\r?\n|\Z))"
    r"|(?P<hashes>#?)(?:[ \t]+(?P<title>[^\r\n]*))?(?=(?P<heol>\r?\n|\Z)))"
)
_LINK_PATTERN = (
    r"\[(?P<label>(?i:unreleased)|[vV]?\d[^\]\r\n]*)\]:[ \t]*(?P<url>\S*)[^\r\n]*"
    r"(?=(?P<leol>\r?\n|\Z))"
)
_FIRST_HEADING = re.compile(_HEADING_PATTERN)
_HEADINGS = re.compile("\n" + _HEADING_PATTERN)
RELEASE = _HEADINGS.groupindex["reol"]
_FIRST_LINK = re.compile(_LINK_PATTERN)
_LINKS = re.compile("\n" + _LINK_PATTERN)
_FENCES = ("```", "~~~")

LABEL = re.compile(r"\[(?P<label>[^\]]*)\]")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Line(NamedTuple):
    """A line that matters to the structure, as offsets into the text."""

    kind: str  # "h1", "h2" or "link"
    start: int  # first character of the line
    end: int  # end of its content, before the line break
    next: int  # first character of the following line (== end at the end of the file)
    line: int  # 1-based line number
    text: str  # heading title, or link label
    match: re.Match[str]


def fence_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the fenced code blocks; a fence opens at the start of a line."""
    marks: list[tuple[int, str]] = []
    for fence in _FENCES:
        found = text.find(fence)
        while found >= 0:
            line_start = text.rfind("\n", 0, found) + 1
            if not text[line_start:found].strip(" \t"):
                marks.append((line_start, fence))
            found = text.find(fence, found + 3)
    spans: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    for start, fence in sorted(marks):
        if opened is None:
            opened = (start, fence)
        elif fence == opened[1]:
            spans.append((opened[0], start))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(text)))
    return spans


def _matches(
    text: str, first: re.Pattern[str], later: re.Pattern[str], fences: list[tuple[int, int]]
) -> list[tuple[int, int, re.Match[str]]]:
    """(offset of the line, line number, match) of each line ``first``/``later`` match."""
    head = first.match(text)
    found = [] if head is None else [(0, 1, head)]
    line, counted = 1, 0
    count = text.count
    for match in later.finditer(text):
        start = match.start() + 1
        if fences and _in_fence(start, fences):
            continue
        line += count("\n", counted, start)
        counted = start
        found.append((start, line, match))
    return found


def _in_fence(offset: int, fences: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(fences, offset, key=lambda span: span[0])
    return index > 0 and fences[index - 1][0] < offset < fences[index - 1][1]


def heading_lines(text: str, fences: list[tuple[int, int]]) -> list[Line]:
    """The "#" and "##" headings outside code fences, in order."""
    found: list[Line] = []
    for start, line, match in _matches(text, _FIRST_HEADING, _HEADINGS, fences):
        end = match.end()
        if match.lastindex == RELEASE:
            title = text[start + 3 : end]
            found.append(Line("h2", start, end, match.end(RELEASE), line, title, match))
            continue
        title = (match.group("title") or "").strip()
        kind = "h2" if match.group("hashes") else "h1"
        found.append(Line(kind, start, end, match.end("heol"), line, title, match))
    return found


def link_lines(text: str, fences: list[tuple[int, int]]) -> list[Line]:
    """The reference links labelled Unreleased or a version, outside code fences, in order."""
    return [
        Line("link", start, match.end(), match.end("leol"), line, match.group("label"), match)
        for start, line, match in _matches(text, _FIRST_LINK, _LINKS, fences)
    ]


def known(version: Version | None) -> Version:
    """The version of a release section (which always has one)."""
    assert version is not None
    return version


def newline_of(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def is_unreleased(label: str) -> bool:
    return len(label) >= 10 and label.strip().lower() == "unreleased"


def real_date(date: str) -> bool:
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        return False
    return True


def is_iso_date(text: str) -> bool:
    """``text`` is a calendar day written YYYY-MM-DD (2026-02-30 and 2026-2-3 are not)."""
    return ISO_DATE.fullmatch(text) is not None and real_date(text)


def without_v(title: str) -> str:
    """A version title without a leading "v", as it goes into a tag."""
    return title[1:] if title[:1] in ("v", "V") else title


def table_follows(text: str, pos: int) -> bool:
    """The first non-blank line at ``pos`` looks like a Markdown table row."""
    for _ in range(4):
        newline = text.find("\n", pos)
        line = text[pos:] if newline < 0 else text[pos:newline]
        if line.strip():
            return "|" in line
        if newline < 0:
            return False
        pos = newline + 1
    return False
