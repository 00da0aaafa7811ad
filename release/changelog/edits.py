"""Edits as ``(start, end, replacement)`` spans of the text, applied in one join.

Pure. Only the spans change: every other byte of the text is kept.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from packaging.version import Version

from .parse import Sec

Edit = tuple[int, int, str]


class _Span(Protocol):
    """A line of the text: where it starts, ends, and where the next one starts."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def next(self) -> int: ...


def apply(text: str, edits: list[Edit]) -> str:
    """Replace each ``(start, end)`` span by its text; spans at one offset keep their order."""
    pieces: list[str] = []
    position = 0
    for start, end, replacement in sorted(edits, key=lambda edit: edit[0]):
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def insert_before(line: _Span, new: str, nl: str) -> Edit:
    return (line.start, line.start, new + nl)


def insert_after(line: _Span, new: str, nl: str) -> Edit:
    if line.next == line.end:  # the last line of a file without a final newline
        return (line.end, line.end, nl + new)
    return (line.next, line.next, new + nl)


class Release(NamedTuple):
    """The release being written: its section (or the Unreleased one it is promoted from)."""

    title: str
    version: Version
    date: str
    body: str
    older: Sec | None  # the release right below it
    newest: bool  # no release above it
