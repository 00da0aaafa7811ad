"""Releasing a version in the text: promote Unreleased (or complete a hand-written section), then
add its compare link and its table row; mark a release yanked.

Pure: text in, edited text out.
"""

from __future__ import annotations

from typing import NamedTuple

from packaging.version import InvalidVersion, Version

from ..errors import ChangelogError
from .body import has_content
from .edits import Edit, Release, apply
from .links import link_edits, new_url, tag_name, unreleased_url
from .parse import RELEASE_HEADING, Doc, Sec
from .scan import is_iso_date
from .table import table_edits

# -- arguments --------------------------------------------------------------------------------------


def _version_argument(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        raise ChangelogError(
            f"'{version}' is not a version",
            "give a PEP 440 version such as 1.2.0 or 1.2.0rc1",
        ) from None


def _date_argument(date: str) -> None:
    if not is_iso_date(date):
        raise ChangelogError(
            f"the release date '{date}' is not a real ISO date", "give the date as YYYY-MM-DD"
        )


def _promote(
    doc: Doc, wanted: Version, date: str, allow_empty: bool, tag_format: str
) -> tuple[Release, Edit]:
    unreleased = doc.unreleased()
    if unreleased is None:
        raise ChangelogError(
            f"the changelog has no [Unreleased] section and no section for {wanted}",
            f"add '## [Unreleased]' with the changes above the newest release, "
            f"or write '## [{wanted}]' with them yourself",
        )
    releases = doc.releases()
    newest = releases[0] if releases else None
    if newest is not None and newest.date is None:
        raise ChangelogError(
            f"CHANGELOG line {newest.head.line}: [{newest.title}] has no date, so {wanted} "
            f"cannot be released above it",
            f"release {newest.title} first, or give its heading a date",
        )
    if newest is not None and newest.version is not None and not wanted > newest.version:
        raise ChangelogError(
            f"{wanted} is not newer than [{newest.title}] (CHANGELOG line {newest.head.line})",
            f"release a version above {newest.title}",
        )
    body = doc.body(unreleased)
    if not allow_empty and not has_content(body):
        raise ChangelogError(
            f"the [Unreleased] section (CHANGELOG line {unreleased.head.line}) is empty: "
            "nothing to release",
            "add the changes under '### Added', '### Changed' or '### Fixed', "
            "or pass --allow-empty to release without any",
        )
    older = newest
    style = _style(doc, newest or unreleased)
    title = style.v + str(wanted)
    release = Release(title, wanted, date, body, older, True)
    head = unreleased.head
    fresh = doc.text[head.start : head.end]
    link = None
    if unreleased.url is not None:
        current = doc.text[unreleased.url[0] : unreleased.url[1]]
        moved = unreleased_url(doc, current, release, tag_format) or current
        start, end = unreleased.url[0] - head.start, unreleased.url[1] - head.start
        fresh = fresh[:start] + moved + fresh[end:]
    if style.linked:
        link = new_url(doc, release, tag_format)
    label = f"[{title}]" if style.bracketed else title
    linked = f"({link})" if link is not None else ""
    heading = f"{fresh}{doc.nl}{doc.nl}## {label}{linked} {style.sep} {date}"
    return release, (head.start, head.end, heading)


class _Style(NamedTuple):
    """How the file writes a release heading: ``## [v1.2.0](<link>) - 2025-01-31`` or not."""

    bracketed: bool
    v: str  # "v" or "V" when the versions are written with it
    sep: str  # the dash between version and date
    linked: bool  # the heading holds the link


def _style(doc: Doc, model: Sec) -> _Style:
    """The style of ``model``, the newest release's heading (else the Unreleased one)."""
    match = RELEASE_HEADING.fullmatch(model.head.text)
    sep = match.group("sep") if match is not None and match.group("sep") else "-"
    v = model.title[0] if not model.unreleased and model.title[:1] in ("v", "V") else ""
    return _Style(model.bracketed, v, sep, model.url is not None)


def _complete(doc: Doc, sec: Sec, date: str, allow_empty: bool) -> tuple[Release, list[Edit]]:
    """A section the maintainer wrote (or a release partly applied): fill in what is missing."""
    assert sec.version is not None
    edits: list[Edit] = []
    body = doc.body(sec)
    if sec.date is None:
        if not allow_empty and not has_content(body):
            raise ChangelogError(
                f"the section [{sec.title}] (CHANGELOG line {sec.head.line}) is empty",
                "add the changes under '### Added', '### Changed' or '### Fixed', "
                "or pass --allow-empty to release without any",
            )
        heading = doc.text[sec.head.start : sec.head.end].rstrip(" \t#")
        edits.append((sec.head.start, sec.head.end, f"{heading} {_style(doc, sec).sep} {date}"))
    releases = doc.releases()
    newest = releases[0] is sec
    release = Release(sec.title, sec.version, sec.date or date, body, doc.older_than(sec), newest)
    return release, edits


def release(
    text: str,
    version: str,
    date: str,
    *,
    tag_format: str = "v{version}",
    summary: str | None = None,
    allow_empty: bool = False,
) -> str:
    """``text`` with ``version`` released on ``date``.

    The Unreleased section becomes ``## [version] - date`` below a fresh empty ``## [Unreleased]``;
    a section the maintainer already wrote for ``version`` is used instead (its date filled in when
    missing). The compare links and the version table get the new version when the file has them.
    Running it again changes nothing; a release partly applied is completed.
    """
    wanted = _version_argument(version)
    _date_argument(date)
    tag_name(tag_format, str(wanted))
    doc = Doc(text)
    doc.raise_first_problem()
    existing = doc.find(wanted)
    edits: list[Edit]
    if existing is None:
        promoted, heading = _promote(doc, wanted, date, allow_empty, tag_format)
        edits, entry = [heading], promoted
    else:
        entry, edits = _complete(doc, existing, date, allow_empty)
    edits += link_edits(doc, entry, tag_format)
    edits += table_edits(doc, entry, summary)
    return apply(text, edits)


def mark_yanked(text: str, version: str) -> str:
    """``text`` with ``version``'s heading ending in ``[YANKED]``; unchanged when it already does."""
    wanted = _version_argument(version)
    doc = Doc(text)
    doc.raise_first_problem()
    sec = doc.find(wanted)
    if sec is None:
        raise ChangelogError(
            f"the changelog has no section for {version}", "check the version to yank"
        )
    if sec.yanked:
        return text
    if sec.date is None:
        raise ChangelogError(
            f"[{sec.title}] (CHANGELOG line {sec.head.line}) has no date: it was never released",
            "only a released version can be yanked; check the version",
        )
    return apply(text, [(sec.date_end, sec.date_end, " [YANKED]")])
