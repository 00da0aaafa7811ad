"""The body of a section: its categories and entries, its summary, its text as release notes.

Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SUMMARY_LIMIT = 100

RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
BULLET = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*))?")


@dataclass
class _Category:
    name: str
    subsections: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)


def outline_of(body: str) -> list[_Category]:
    """The ``### `` categories of a section body, their ``####`` subsections and their entries.

    An entry is a top-level bullet (with its wrapped and nested lines) or a paragraph of text;
    entries above the first category belong to a category named "".
    """
    categories = [_Category("")]
    entry: list[str] | None = None
    blank_before = True
    in_fence = in_comment = False
    for raw in body.split("\n"):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if in_comment or stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            continue
        if not stripped:
            blank_before = True
            continue
        entry = _outline_line(categories, entry, line, blank_before)
        blank_before = False
    return [category for category in categories if category.name or category.entries]


def _outline_line(
    categories: list[_Category], entry: list[str] | None, line: str, blank_before: bool
) -> list[str] | None:
    """Add one non-blank line to the outline; return the entry that continues on later lines."""
    current = categories[-1]
    hashes = len(line) - len(line.lstrip("#"))
    if hashes and line[hashes : hashes + 1] in ("", " ", "\t"):
        name = line.strip("# \t")
        if hashes <= 3:
            categories.append(_Category(name))
        else:
            current.subsections.append(name)
        return None
    if RULE.fullmatch(line):
        return None
    bullet = BULLET.fullmatch(line)
    if bullet is not None:
        text = (bullet.group("text") or "").strip()
        current.entries.append(text)
        return [text]
    if entry is not None and (not blank_before or line[0] in " \t"):
        continued = line.strip()
        nested = BULLET.fullmatch(continued)
        if nested is not None:
            continued = (nested.group("text") or "").strip()
        entry.append(continued)
        current.entries[-1] = " ".join(part for part in entry if part)
        return entry
    current.entries.append(line.strip())
    return [line.strip()]


def has_content(body: str) -> bool:
    """The body holds an entry: more than headings, separators, comments and blank lines."""
    return any(category.entries for category in outline_of(body))


def summary_of(body: str) -> str:
    """The table summary of a release: its Added subsections, else its first Added entries."""
    outline = outline_of(body)
    added = [category for category in outline if category.name.lower() == "added"]
    items: list[str] = []
    for category in added:
        items.extend(category.subsections or category.entries)
    if not items:
        items = next((category.entries for category in outline if category.entries), [])
    return _shorten([" ".join(item.split()).rstrip(".") for item in items if item.strip()])


def _shorten(items: list[str]) -> str:
    """Join ``items`` with ", " in at most SUMMARY_LIMIT characters, ending in "…" when cut."""
    joined = ", ".join(items)
    if len(joined) <= SUMMARY_LIMIT:
        return joined
    kept: list[str] = []
    for item in items:
        candidate = ", ".join(kept + [item])
        if len(candidate) + 1 > SUMMARY_LIMIT:
            break
        kept.append(item)
    if kept:
        return ", ".join(kept) + "…"
    cut = items[0][: SUMMARY_LIMIT - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    for mark in ("`", "**"):  # do not leave a code span or bold text open
        if cut.count(mark) % 2:
            cut = cut[: cut.rindex(mark)]
    return cut.rstrip(" ,;:-") + "…"


def cell_text(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("\\\\|", "\\|")


def strip_body(body: str) -> str:
    spans: list[tuple[int, int]] = []  # (start, end of content) of each line
    position = 0
    for raw in body.split("\n"):
        spans.append((position, position + len(raw.rstrip("\r"))))
        position += len(raw) + 1
    content = [
        (start, end)
        for start, end in spans
        if body[start:end].strip() and not RULE.fullmatch(body[start:end])
    ]
    if not content:
        return ""
    first = next(start for start, end in spans if body[start:end].strip())
    return body[first : content[-1][1]]
