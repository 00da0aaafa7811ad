"""The compare links at the bottom of a CHANGELOG: where a new one goes, and what is wrong with them.

Pure: text and values in, edits or problems out.
"""

from __future__ import annotations

import itertools
import re
from typing import Iterator, NamedTuple

from packaging.version import Version

from ..errors import ChangelogError
from .edits import Edit, Release, insert_after, insert_before
from .parse import UNRELEASED, Doc, Problem, Sec
from . import urls
from .scan import LABEL, Line, known, without_v

TAG_VERSION = re.compile(r"\d[\w.!+]*$")


def link_base(doc: Doc) -> str | None:
    """The repository URL the links are built on, from an existing link (bottom or heading)."""
    model = _model(doc, compare=True)
    return None if model is None else model.root


def tag_name(tag_format: str, title: str) -> str:
    try:
        tag = tag_format.format(version=without_v(title))
    except (KeyError, IndexError, ValueError):
        tag = ""
    if "{version}" not in tag_format or not tag:
        raise ChangelogError(
            f"tag format {tag_format!r} cannot name a tag",
            'use {version} as its only placeholder, e.g. "v{version}"',
        )
    return tag


class _Link(NamedTuple):
    url: str
    line: int
    label: str  # as written: "1.2.0", "v1.2.0", "Unreleased"


def section_url(doc: Doc, sec: Sec) -> _Link | None:
    """The URL a section links to (in its heading, else at the bottom) and where that is."""
    if sec.url is not None:
        return _Link(doc.text[sec.url[0] : sec.url[1]], sec.head.line, sec.title)
    link = doc.unreleased_link() if sec.unreleased else doc.link_for(known(sec.version))
    return None if link is None else _Link(doc.url(link), link.line, link.text)


def _release_refs(doc: Doc) -> Iterator[urls.RefUrl]:
    for sec in doc.releases():
        link = section_url(doc, sec)
        ref = None if link is None else urls.read(link.url)
        if ref is not None:
            yield ref


def _model(doc: Doc, *, compare: bool) -> urls.RefUrl | None:
    """A link of the file to shape new ones on: one that compares (``compare``) or names one ref,
    a version's own link first; else any link the file has. Stops at the first that fits."""
    fallback: urls.RefUrl | None = None
    for ref in _refs(doc):
        if (ref.old is not None) == compare:
            return ref
        fallback = fallback or ref
    return fallback


def _refs(doc: Doc) -> Iterator[urls.RefUrl]:
    """The links the file has, read: the releases' own, Unreleased's, then the bottom ones."""
    unreleased = doc.unreleased()
    sections = [*doc.releases(), *([unreleased] if unreleased is not None else [])]
    found = (section_url(doc, sec) for sec in sections)
    texts = (link.url for link in found if link is not None)
    for text in itertools.chain(texts, (doc.url(link) for link in doc.links)):
        ref = urls.read(text)
        if ref is not None:
            yield ref


def new_url(doc: Doc, release: Release, tag_format: str) -> str | None:
    """The link of ``release``: from the older release's tag to its own, or its own for a first."""
    tag = tag_name(tag_format, release.title)
    if release.older is not None:
        own = section_url(doc, release.older)
        previous = None if own is None else urls.read(own.url)
        if (
            previous is not None
            and previous.old is None
            and doc.older_than(release.older) is not None
            and not any(ref.old is not None for ref in _release_refs(doc))
        ):
            # The releases link one ref each, not only the first (attrs' "## [25.1.0](…/tree/
            # 25.1.0)"): the new one does too.
            return urls.single_url(previous, tag)
        model = _model(doc, compare=True)
        older = tag_name(tag_format, release.older.title)
        return None if model is None else urls.compare_url(model, older, tag)
    model = _model(doc, compare=False)
    return None if model is None else urls.single_url(model, tag)


def unreleased_url(doc: Doc, current: str, release: Release, tag_format: str) -> str | None:
    """The Unreleased link ``current`` once ``release`` is the newest: from its tag to HEAD."""
    ref = urls.read(current)
    if ref is None:
        return None
    tag = tag_name(tag_format, release.title)
    if ref.old is not None:
        return ref.with_refs(ref.new_ref, tag)
    model = _model(doc, compare=True) or ref
    return urls.compare_url(model, tag, urls.HEAD)


def link_edits(doc: Doc, release: Release, tag_format: str) -> list[Edit]:
    """The bottom links' edits: the Unreleased link moves on, the release gets its link."""
    if not doc.links or all(urls.read(doc.url(link)) is None for link in doc.links):
        return []
    edits: list[Edit] = []
    unreleased_link = doc.unreleased_link()
    unreleased = doc.unreleased()
    if release.newest and unreleased_link is not None:
        current = doc.url(unreleased_link)
        moved = unreleased_url(doc, current, release, tag_format)
        if moved is not None and moved != current:
            edits.append(
                (unreleased_link.match.start("url"), unreleased_link.match.end("url"), moved)
            )
    elif release.newest and unreleased is not None and unreleased.url is None:
        label = LABEL.match(unreleased.head.text)
        written = label.group("label") if label is not None else UNRELEASED
        model = _model(doc, compare=True)
        assert model is not None
        tag = tag_name(tag_format, release.title)
        line = f"[{written}]: {urls.compare_url(model, tag, urls.HEAD)}"
        first = next((link for link in doc.links if link.start >= doc.trailer), doc.links[0])
        edits.append(insert_before(first, line, doc.nl))
    if doc.link_for(release.version) is None and not _linked_in_headings(doc):
        url = new_url(doc, release, tag_format)
        if url is not None:
            edits.append(_place_link(doc, release.version, f"[{release.title}]: {url}"))
    return edits


def _linked_in_headings(doc: Doc) -> bool:
    return any(sec.url is not None for sec in doc.sections)


def _place_link(doc: Doc, wanted: Version, line: str) -> Edit:
    """Insert a version link in version order: above the next older one, else below a newer."""
    older: tuple[Version, Line] | None = None
    newer: tuple[Version, Line] | None = None
    for version, link in doc.version_links():
        if version < wanted and (older is None or version > older[0]):
            older = (version, link)
        if version > wanted and (newer is None or version < newer[0]):
            newer = (version, link)
    if older is not None:
        return insert_before(older[1], line, doc.nl)
    if newer is not None:
        return insert_after(newer[1], line, doc.nl)
    unreleased_link = doc.unreleased_link()
    if unreleased_link is not None:
        return insert_after(unreleased_link, line, doc.nl)
    return insert_before(doc.links[0], line, doc.nl)


def _names_version(tag: str, doc: Doc, title: str) -> bool:
    """``tag`` (a ref in a compare link) names the version ``title``."""
    bare = without_v(title)
    if tag.endswith(bare):
        before = tag[: len(tag) - len(bare)]
        if not before or not (before[-1].isdigit() or before[-1] == "."):
            return True
    match = TAG_VERSION.search(tag)
    return match is not None and doc.version(match.group()) == doc.version(bare)


def link_problems(doc: Doc) -> list[Problem]:
    """What is wrong with the links; a section without a link is only a warning."""
    if not doc.links and not _linked_in_headings(doc):
        return []
    problems: list[Problem] = []
    releases = doc.releases()
    by_version: dict[Version, Line] = {}
    for version, link in doc.version_links():
        if version in by_version:
            first = by_version[version].line
            problems.append(
                Problem(
                    link.line, f"link [{link.text}] is defined twice (first at line {first})", ""
                )
            )
            continue
        by_version[version] = link
    known_versions = {sec.version for sec in releases}
    for version, link in by_version.items():
        if version not in known_versions:
            problems.append(Problem(link.line, f"link [{link.text}] has no section", ""))
    for index, sec in enumerate(releases):
        own = section_url(doc, sec)
        older = releases[index + 1] if index + 1 < len(releases) else None
        if own is None:
            if sec.date is not None or index > 0:  # only the newest may wait for its date
                problems.append(_no_link(sec))
            continue
        problems += _compare_problems(doc, own, sec, older)
    problems += _unreleased_link_problems(doc, releases)
    return problems


def _no_link(sec: Sec) -> Problem:
    return Problem(
        sec.head.line,
        f"[{sec.title}] has no link",
        "add its compare link, like the other releases' (a warning: nothing refuses it)",
        warning=True,
    )


def _compare_problems(doc: Doc, own: _Link, sec: Sec, older: Sec | None) -> list[Problem]:
    url, line = own.url, own.line
    ref = urls.read(url)
    if ref is None:
        return []
    label = f"link [{own.label}]"
    if not _names_version(ref.new_ref, doc, sec.title):
        return [Problem(line, f"{label} points at {ref.new_ref}, not {sec.title}", "")]
    old = ref.old_ref
    if old is not None and older is not None and not _names_version(old, doc, older.title):
        return [
            Problem(
                line,
                f"{label} compares from {old}, not from the previous release " f"{older.title}",
                "",
            )
        ]
    return []


def _unreleased_link_problems(doc: Doc, releases: list[Sec]) -> list[Problem]:
    unreleased = doc.unreleased()
    if unreleased is None:
        return []
    own = section_url(doc, unreleased)
    if own is None:
        if releases:
            return [
                Problem(unreleased.head.line, "there is no [Unreleased] link", "", warning=True)
            ]
        return []
    ref = urls.read(own[0])
    dated = [sec for sec in releases if sec.date is not None]
    if ref is None or ref.old_ref is None or not dated:
        return []
    newest = dated[0]
    if not _names_version(ref.old_ref, doc, newest.title):
        return [
            Problem(
                own[1],
                f"the [Unreleased] link compares from {ref.old_ref}, not from the newest "
                f"release {newest.title}",
                "",
            )
        ]
    return []
