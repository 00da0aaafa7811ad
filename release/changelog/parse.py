"""Reading a CHANGELOG's structure: its sections, their headings, and what is wrong with them.

Pure. A CHANGELOG is read as three parts:

* the preamble: everything above the first ``## `` heading;
* the sections: each ``## [Unreleased]`` or ``## [X.Y.Z] - YYYY-MM-DD`` heading and the text below
  it, up to the next ``## `` heading or the trailer;
* the trailer: after the last section heading, from the first reference link of a version
  (``[1.0.0]: https://...``) or the first ``#``/``##`` heading naming "Version" above a table, to
  the end. It holds the compare links and the "Version Comparison" table.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import NamedTuple

from packaging.version import InvalidVersion, Version

from ..errors import ChangelogError
from .scan import (
    ISO_DATE,
    LABEL,
    RELEASE,
    Line,
    fence_spans,
    heading_lines,
    is_unreleased,
    known,
    link_lines,
    newline_of,
    real_date,
    table_follows,
)

UNRELEASED = "Unreleased"

# "[1.2.0]", "[1.2.0](<compare link>)", or the bare "1.2.0" / "Unreleased"; then " - <date>".
RELEASE_HEADING = re.compile(
    r"(?:\[(?P<label>[^\]]*)\](?:\((?P<url>[^)\s]*)\))?|(?P<plain>[^\s\[\]()]+))"
    r"(?:[ \t]+(?P<sep>[-\u2013\u2014])[ \t]+(?P<date>[^\[]+?))?"
    r"(?P<yanked>[ \t]+\[yanked\])?"
    r"[ \t]*(?:#+[ \t]*)?",
    re.IGNORECASE,
)
VERSION_LIKE = re.compile(r"[vV]?\d+(?:\.\d+)+[^\s(\[]*")
_PLAIN_LABEL = re.compile(r"(?P<label>[^\s\[\]()]+)")
_SECTION_LIKE = re.compile(r"\[|(?i:unreleased)(?![\w-])|[vV]?\d")


def section_like(title: str) -> bool:
    """The heading names a section (Unreleased or a version), bracketed or not."""
    return _SECTION_LIKE.match(title) is not None


_HEADING_HINT = "write '## [Unreleased]' or '## [X.Y.Z] - YYYY-MM-DD' (Keep a Changelog)"


@dataclass(frozen=True)
class Section:
    """One ``## `` section of the CHANGELOG."""

    title: str  # "Unreleased", or the version as written in the heading ("0.3.0")
    version: str | None  # the version in PEP 440 normal form; None for Unreleased
    date: str | None  # "YYYY-MM-DD", or None (Unreleased, or a release awaiting its date)
    yanked: bool  # the heading ends with [YANKED]
    body: str  # the exact text between the heading line and the next section / the trailer
    line: int  # 1-based line number of the heading


class Sec(NamedTuple):
    """A section heading, interpreted, with the span of its body."""

    head: Line
    end: int  # end of the body
    title: str
    version: Version | None
    date: str | None
    date_end: int  # offset just after the date in the heading, -1 without a date
    yanked: bool
    unreleased: bool
    url: tuple[int, int] | None = None  # the offsets of a link in the heading: [1.2.0](url)
    bracketed: bool = True  # "[1.2.0]", not "1.2.0"


class Problem(NamedTuple):
    line: int
    message: str
    hint: str
    warning: bool = False  # worth saying, never a reason to refuse


class Doc:
    """The structure of one CHANGELOG text: its sections, version links and problems."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nl = newline_of(text)
        self._versions: dict[str, Version | None] = {}
        fences = fence_spans(text)
        headings = heading_lines(text, fences)
        self.links = link_lines(text, fences)
        self.trailer = self._trailer_start(headings)
        self.problems: list[Problem] = []
        self._problem_lines: set[int] = set()
        self._version_links: list[tuple[Version, Line]] | None = None
        self._link_index: dict[Version, Line] | None = None
        self.sections = self._sections([item for item in headings if item.kind == "h2"])
        self._releases = [
            sec for sec in self.sections if sec.version is not None and not sec.unreleased
        ]
        self._check_sections()

    # -- reading ------------------------------------------------------------------------------

    def version(self, text: str) -> Version | None:
        """``text`` as a Version (None when it is not one), parsed once per document."""
        try:
            return self._versions[text]
        except KeyError:
            pass
        try:
            parsed: Version | None = Version(text)
        except InvalidVersion:
            parsed = None
        self._versions[text] = parsed
        return parsed

    def _trailer_start(self, headings: list[Line]) -> int:
        """Where the links and the version table begin, after the last section heading."""
        last = max(
            (item.start for item in headings if item.kind == "h2" and section_like(item.text)),
            default=-1,
        )
        first_link = next((link.start for link in self.links if link.start > last), len(self.text))
        for item in headings:
            if item.start > first_link:
                break
            if (
                item.start > last
                and not section_like(item.text)
                and "version" in item.text.lower()
                and table_follows(self.text, item.next)
            ):
                return item.start
        return first_link

    def _sections(self, headings: list[Line]) -> list[Sec]:
        headings = [item for item in headings if item.start < self.trailer]
        sections = []
        for n, head in enumerate(headings):
            end = headings[n + 1].start if n + 1 < len(headings) else self.trailer
            sections.append(self._interpret(head, end))
        return sections

    def _interpret(self, head: Line, end: int) -> Sec:
        match = head.match
        if match.lastindex == RELEASE:  # the usual "## [X.Y.Z] - YYYY-MM-DD": the fast path
            label, date = match.group("rlabel", "rdate")
            version = None if is_unreleased(label) else self.version(label)
            if version is not None and real_date(date):
                yanked = match.group("ryanked") is not None
                return Sec(head, end, label, version, date, match.end("rdate"), yanked, False)
        return self._interpret_slowly(head, end)

    def _interpret_slowly(self, head: Line, end: int) -> Sec:
        title = head.text
        match = RELEASE_HEADING.fullmatch(title)
        plain = None if match is None else match.group("plain")
        if match is None or (plain is not None and not section_like(plain)):
            return self._malformed(head, end)
        label = (plain or match.group("label")).strip()
        date = match.group("date")
        yanked = match.group("yanked") is not None
        date_end = self._date_end(head, date)
        url: tuple[int, int] | None = None
        if match.group("url") is not None:
            at = self.text.index(title, head.start, head.end)
            url = (at + match.start("url"), at + match.end("url"))
        bracketed = plain is None
        if is_unreleased(label):
            if date is not None or yanked:
                self._problem(
                    head,
                    f"'## {title}': the Unreleased section has no date and cannot be yanked",
                    "write the heading as '## [Unreleased]', or put the version in the brackets",
                )
            return Sec(head, end, UNRELEASED, None, None, -1, False, True, url, bracketed)
        version = self.version(label)
        if version is None:
            self._problem(
                head,
                f"'[{label}]' in '## {title}' is not a version",
                "put a PEP 440 version (e.g. 1.2.0) or Unreleased in the brackets",
            )
        if date is not None and not self._valid_date(head, date):
            date, date_end = None, -1
        if yanked and date is None:
            self._problem(head, f"'## {title}': a yanked release needs its date", _HEADING_HINT)
        return Sec(head, end, label, version, date, date_end, yanked, False, url, bracketed)

    def _date_end(self, head: Line, date: str | None) -> int:
        if date is None:
            return -1
        return self.text.rindex(date, head.start, head.end) + len(date)

    def _malformed(self, head: Line, end: int) -> Sec:
        title = head.text
        hint = _HEADING_HINT
        looks_like = VERSION_LIKE.match(title)
        if looks_like is not None:
            found = ISO_DATE.search(title, looks_like.end())
            date = found.group() if found is not None else "YYYY-MM-DD"
            hint = f"write it as '## [{looks_like.group()}] - {date}'"
        elif title.startswith("["):
            hint = (
                "write the version in brackets, then ' - ' and the ISO date, and ' [YANKED]' "
                "at the end for a yanked release: '## [1.2.0] - 2025-01-31'"
            )
        else:
            hint += "; free text goes inside a section or above the first '## ' heading"
        self._problem(head, f"'## {title}' is not a release heading", hint)
        label = LABEL.match(title) or _PLAIN_LABEL.match(title)
        unreleased = label is not None and is_unreleased(label.group("label"))
        version = None if label is None else self.version(label.group("label").strip())
        if unreleased:
            return Sec(head, end, UNRELEASED, None, None, -1, False, True)
        written = label.group("label").strip() if label is not None else title
        return Sec(head, end, written, version, None, -1, False, False)

    def _valid_date(self, head: Line, date: str) -> bool:
        if not ISO_DATE.fullmatch(date):
            self._problem(
                head,
                f"the date '{date}' of '## {head.text}' is not an ISO date (YYYY-MM-DD)",
                "write the date as YYYY-MM-DD, e.g. 2025-01-31",
            )
            return False
        try:
            datetime.date.fromisoformat(date)
        except ValueError:
            self._problem(
                head,
                f"the date '{date}' of '## {head.text}' does not exist",
                "correct the day or month",
            )
            return False
        return True

    def _check_sections(self) -> None:
        unreleased: Sec | None = None
        previous: Sec | None = None
        for sec in self.sections:
            if sec.unreleased:
                if unreleased is not None:
                    self._problem(
                        sec.head,
                        f"a second [Unreleased] section (the first is at line "
                        f"{unreleased.head.line})",
                        "merge the two into one '## [Unreleased]' at the top",
                    )
                elif previous is not None:
                    self._problem(
                        sec.head,
                        f"[Unreleased] is below [{previous.title}] (line {previous.head.line})",
                        "move '## [Unreleased]' above every release section",
                    )
                unreleased = unreleased or sec
            elif sec.version is not None:
                previous = sec
        self._check_versions()

    def _check_versions(self) -> None:
        """Versions newest first, each once; only the newest may wait for its date."""
        releases = self._releases
        seen: dict[Version, Sec] | None = None  # built at the first misordered version only
        for index, sec in enumerate(releases):
            version = known(sec.version)
            previous = releases[index - 1] if index else None
            if previous is not None and not version < known(previous.version):
                if seen is None:
                    seen = {}
                    for earlier in reversed(releases[:index]):
                        seen[known(earlier.version)] = earlier
                self._misordered(sec, previous, seen.get(version))
            if seen is not None:
                seen.setdefault(version, sec)
            if previous is not None and sec.date is None and self._heading_ok(sec):
                self._problem(
                    sec.head,
                    f"'## {sec.head.text}' has no date",
                    f"write it as '## [{sec.title}] - YYYY-MM-DD'; only the newest release may "
                    "wait for its date (bump fills it in)",
                )

    def _misordered(self, sec: Sec, previous: Sec, first: Sec | None) -> None:
        if first is not None:
            self._problem(
                sec.head,
                f"version {sec.title} has a second section (the first is at line "
                f"{first.head.line})",
                "merge the two sections into one",
            )
        else:
            self._problem(
                sec.head,
                f"[{sec.title}] is below [{previous.title}] (line {previous.head.line}) "
                "but is not older",
                "keep the sections newest first: move the newer one up",
            )

    def _heading_ok(self, sec: Sec) -> bool:
        return sec.head.line not in self._problem_lines

    def _problem(self, head: Line, message: str, hint: str) -> None:
        self.problems.append(Problem(head.line, message, hint))
        self._problem_lines.add(head.line)

    def raise_first_problem(self) -> None:
        if self.problems:
            first = min(self.problems, key=lambda problem: problem.line)
            raise ChangelogError(f"CHANGELOG line {first.line}: {first.message}", first.hint)

    # -- finding ------------------------------------------------------------------------------

    def unreleased(self) -> Sec | None:
        return next((sec for sec in self.sections if sec.unreleased), None)

    def releases(self) -> list[Sec]:
        """The sections of versions, newest first."""
        return self._releases

    def find(self, wanted: Version) -> Sec | None:
        if self.problems:
            return next((sec for sec in self._releases if sec.version == wanted), None)
        low, high = 0, len(self._releases)  # newest first and unique: a binary search
        while low < high:
            middle = (low + high) // 2
            sec = self._releases[middle]
            version = known(sec.version)
            if version == wanted:
                return sec
            if version > wanted:
                low = middle + 1
            else:
                high = middle
        return None

    def older_than(self, sec: Sec) -> Sec | None:
        """The release section right below ``sec``."""
        releases = self.releases()
        index = releases.index(sec)
        return releases[index + 1] if index + 1 < len(releases) else None

    def body(self, sec: Sec) -> str:
        return self.text[sec.head.next : sec.end]

    def version_links(self) -> list[tuple[Version, Line]]:
        """The links whose label is a version, with that version, in file order."""
        if self._version_links is None:
            self._version_links = []
            for link in self.links:
                version = None if is_unreleased(link.text) else self.version(link.text.strip())
                if version is not None:
                    self._version_links.append((version, link))
        return self._version_links

    def link_for(self, wanted: Version) -> Line | None:
        """The first link labelled ``wanted`` (looked up in a table built once)."""
        if self._link_index is None:
            self._link_index = {}
            for version, link in self.version_links():
                self._link_index.setdefault(version, link)
        return self._link_index.get(wanted)

    def unreleased_link(self) -> Line | None:
        return next((link for link in self.links if is_unreleased(link.text)), None)

    def url(self, link: Line) -> str:
        return link.match.group("url")

    def section(self, sec: Sec) -> Section:
        return Section(
            title=sec.title,
            version=None if sec.version is None else str(sec.version),
            date=sec.date,
            yanked=sec.yanked,
            body=self.body(sec),
            line=sec.head.line,
        )
