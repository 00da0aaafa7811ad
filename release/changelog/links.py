"""The compare links at the bottom of a CHANGELOG: where a new one goes, and what is wrong with them.

Pure: text and values in, edits or problems out.
"""

from __future__ import annotations

import re

from packaging.version import Version

from ..errors import ChangelogError
from .edits import Edit, Release, insert_after, insert_before
from .parse import UNRELEASED, Doc, Problem, Sec
from .scan import LABEL, Line, without_v

COMPARE = re.compile(r"(?P<base>\S+?)/compare/(?P<left>\S+?)\.\.\.(?P<right>\S+)")
TAG_LINK = re.compile(r"(?P<base>\S+?)/releases/tag/(?P<tag>\S+)")
TAG_VERSION = re.compile(r"\d[\w.!+]*$")


def link_base(doc: Doc) -> str | None:
    """The repository URL the compare links are built on, from an existing link."""
    unreleased = doc.unreleased_link()
    ordered = ([unreleased] if unreleased is not None else []) + doc.links
    for link in ordered:
        url = doc.url(link)
        match = COMPARE.fullmatch(url) or TAG_LINK.fullmatch(url)
        if match is not None:
            return match.group("base")
    return None


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


def link_edits(doc: Doc, release: Release, tag_format: str) -> list[Edit]:
    base = link_base(doc)
    if base is None:
        return []
    edits: list[Edit] = []
    tag = tag_name(tag_format, release.title)
    unreleased_link = doc.unreleased_link()
    if release.newest and unreleased_link is not None:
        compare = COMPARE.fullmatch(doc.url(unreleased_link))
        if compare is not None and compare.group("left") != tag:
            start = unreleased_link.match.start("url")
            edits.append((start + compare.start("left"), start + compare.end("left"), tag))
    elif release.newest and doc.unreleased() is not None and doc.links:
        unreleased = doc.unreleased()
        assert unreleased is not None
        label = LABEL.match(unreleased.head.text)
        written = label.group("label") if label is not None else UNRELEASED
        line = f"[{written}]: {base}/compare/{tag}...HEAD"
        first = next((link for link in doc.links if link.start >= doc.trailer), doc.links[0])
        edits.append(insert_before(first, line, doc.nl))
    if doc.link_for(release.version) is None:
        if release.older is not None:
            url = f"{base}/compare/{tag_name(tag_format, release.older.title)}...{tag}"
        else:
            url = f"{base}/releases/tag/{tag}"
        edits.append(_place_link(doc, release.version, f"[{release.title}]: {url}"))
    return edits


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
    problems: list[Problem] = []
    releases = doc.releases()
    by_version: dict[Version, Line] = {}
    for version, link in doc.version_links():
        if version in by_version:
            problems.append(
                Problem(
                    link.line,
                    f"link [{link.text}] is defined twice (first at line "
                    f"{by_version[version].line})",
                    "",
                )
            )
            continue
        by_version[version] = link
    known = {sec.version for sec in releases}
    for version, link in by_version.items():
        if version not in known:
            problems.append(Problem(link.line, f"link [{link.text}] has no section", ""))
    for index, sec in enumerate(releases):
        assert sec.version is not None
        own = by_version.get(sec.version)
        older = releases[index + 1] if index + 1 < len(releases) else None
        if own is None:
            if sec.date is not None or index > 0:  # only the newest may wait for its date
                problems.append(Problem(sec.head.line, f"[{sec.title}] has no link", ""))
            continue
        problems += _compare_problems(doc, own, sec, older)
    problems += _unreleased_link_problems(doc, releases)
    return problems


def _compare_problems(doc: Doc, link: Line, sec: Sec, older: Sec | None) -> list[Problem]:
    url = doc.url(link)
    compare = COMPARE.fullmatch(url)
    tag_link = TAG_LINK.fullmatch(url)
    right = compare.group("right") if compare else tag_link.group("tag") if tag_link else None
    if right is None:
        return []
    if not _names_version(right, doc, sec.title):
        return [Problem(link.line, f"link [{link.text}] points at {right}, not {sec.title}", "")]
    if compare is not None and older is not None:
        left = compare.group("left")
        if not _names_version(left, doc, older.title):
            return [
                Problem(
                    link.line,
                    f"link [{link.text}] compares from {left}, not from the previous release "
                    f"{older.title}",
                    "",
                )
            ]
    return []


def _unreleased_link_problems(doc: Doc, releases: list[Sec]) -> list[Problem]:
    unreleased = doc.unreleased()
    link = doc.unreleased_link()
    if link is None:
        if unreleased is not None and releases:
            return [Problem(unreleased.head.line, "there is no [Unreleased] link", "")]
        return []
    compare = COMPARE.fullmatch(doc.url(link))
    dated = [sec for sec in releases if sec.date is not None]
    if compare is None or not dated:
        return []
    newest = dated[0]
    if not _names_version(compare.group("left"), doc, newest.title):
        return [
            Problem(
                link.line,
                f"the [Unreleased] link compares from {compare.group('left')}, not from the "
                f"newest release {newest.title}",
                "",
            )
        ]
    return []
