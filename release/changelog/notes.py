"""Questions a release asks of the CHANGELOG: its sections, a version's notes, what Unreleased holds.

Pure. These answer from what they can read of a file with problems elsewhere, except
:func:`parse`, which refuses such a file with a ChangelogError naming the line.
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

from ..errors import ChangelogError
from .body import outline_of, strip_body
from .links import link_base
from .parse import Doc, Section
from .scan import is_unreleased
from .table import find_table

BREAKING = re.compile(r"(?<![\w-])(?<!non )breaking(?!\w)", re.IGNORECASE)


def parse(text: str) -> list[Section]:
    """Every section, top to bottom; ChangelogError (naming the line) when the file has a problem.

    A heading must be ``## [Unreleased]`` (any case) or ``## [X.Y.Z] - YYYY-MM-DD``, optionally
    followed by ``[YANKED]``; the newest release may be written ``## [X.Y.Z]`` while it waits for
    its date. Versions must be unique and newest first; dates must be real ISO dates.
    """
    doc = Doc(text)
    doc.raise_first_problem()
    return [doc.section(sec) for sec in doc.sections]


def find(text: str, version: str) -> Section | None:
    """The section of ``version`` (compared in PEP 440 normal form), or of "Unreleased"."""
    doc = Doc(text)
    if is_unreleased(version):
        sec = doc.unreleased()
    else:
        try:
            wanted = Version(version)
        except InvalidVersion:
            return None
        sec = doc.find(wanted)
    return None if sec is None else doc.section(sec)


def unreleased_changes(text: str) -> dict[str, list[str]]:
    """Unreleased's categories (``### Added`` -> "Added") and their entries; {} when none.

    Entries are bullets (wrapped lines joined with spaces) or paragraphs; a category without
    entries is left out; entries above the first category are listed under "".
    """
    return changes(text, "Unreleased")


def changes(text: str, version: str) -> dict[str, list[str]]:
    """The categories and entries of ``version``'s section (or "Unreleased"); {} when none."""
    doc = Doc(text)
    if is_unreleased(version):
        sec = doc.unreleased()
    else:
        try:
            sec = doc.find(Version(version))
        except InvalidVersion:
            return {}
    if sec is None:
        return {}
    found: dict[str, list[str]] = {}
    for category in outline_of(doc.body(sec)):
        if category.entries:
            found.setdefault(category.name, []).extend(category.entries)
    return found


def is_breaking(text: str) -> bool:
    """An Unreleased entry (or its category) is marked breaking, e.g. "**BREAKING:**"."""
    doc = Doc(text)
    unreleased = doc.unreleased()
    if unreleased is None:
        return False
    for category in outline_of(doc.body(unreleased)):
        if category.entries and BREAKING.search(category.name):
            return True
        if any(BREAKING.search(name) for name in category.subsections):
            return True
        if any(BREAKING.search(entry) for entry in category.entries):
            return True
    return False


def is_released(text: str, version: str) -> bool:
    """``version`` has a dated section, and its link and table row when the file keeps those."""
    doc = Doc(text)
    try:
        wanted = Version(version)
    except InvalidVersion:
        return False
    sec = doc.find(wanted)
    if sec is None or sec.date is None:
        return False
    bottom_links = doc.links and not any(other.url is not None for other in doc.sections)
    if bottom_links and link_base(doc) is not None and doc.link_for(wanted) is None:
        return False
    table = find_table(doc)
    return table is None or table.row_for(doc, wanted, sec.title) is not None


def notes(text: str, version: str) -> str:
    """The body of ``version``'s section, without the blank lines and separators around it."""
    section = find(text, version)
    if section is None:
        raise ChangelogError(
            f"the changelog has no section for {version}",
            f"check the version, or add '## [{version}] - YYYY-MM-DD' with its changes",
        )
    return strip_body(section.body)
