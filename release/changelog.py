"""Keep a Changelog (1.1.0) text in, values or edited text out.

Pure: no file, git or subprocess here. The editing functions return new text in which only the
lines they edit or insert differ; everything else is kept byte for byte: the newline style (LF or
CRLF, also used for inserted lines), custom categories (``### Testing``), ``####`` subsections,
``---`` separators, wrapped bullets, free text and a missing newline at the end of the file.

A CHANGELOG is read as three parts:

* the preamble: everything above the first ``## `` heading;
* the sections: each ``## [Unreleased]`` or ``## [X.Y.Z] - YYYY-MM-DD`` heading and the text below
  it, up to the next ``## `` heading or the trailer;
* the trailer: after the last section heading, from the first reference link of a version
  (``[1.0.0]: https://...``) or the first ``#``/``##`` heading naming "Version" above a table, to
  the end. It holds the compare links and the "Version Comparison" table.

Queries (:func:`find`, :func:`notes`, :func:`unreleased_changes`, :func:`is_breaking`,
:func:`is_released`) answer from what they can read of a file with problems elsewhere; the edits
(:func:`release`, :func:`mark_yanked`) and :func:`parse` refuse such a file with a ChangelogError
naming the line. :func:`lint` lists every problem.

The work is linear in the size of the file: one regular-expression pass finds the few lines that
matter (``#``/``##`` headings, version links, code fences) and an edit is a list of
``(start, end, replacement)`` spans applied in one join.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import re
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

from packaging.version import InvalidVersion, Version

from .errors import ChangelogError

__all__ = [
    "Section",
    "parse",
    "find",
    "unreleased_changes",
    "is_breaking",
    "release",
    "is_released",
    "notes",
    "lint",
    "mark_yanked",
]

UNRELEASED = "Unreleased"
SUMMARY_LIMIT = 100

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


# -- scanning --------------------------------------------------------------------------------------

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
_RELEASE = _HEADINGS.groupindex["reol"]
_FIRST_LINK = re.compile(_LINK_PATTERN)
_LINKS = re.compile("\n" + _LINK_PATTERN)
_FENCES = ("```", "~~~")

_RELEASE_HEADING = re.compile(
    r"\[(?P<label>[^\]]*)\]"
    r"(?:[ \t]+[-\u2013\u2014][ \t]+(?P<date>[^\[]+?))?"
    r"(?P<yanked>[ \t]+\[yanked\])?"
    r"[ \t]*(?:#+[ \t]*)?",
    re.IGNORECASE,
)
_LABEL = re.compile(r"\[(?P<label>[^\]]*)\]")
_VERSION_LIKE = re.compile(r"[vV]?\d+(?:\.\d+)+\S*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COMPARE = re.compile(r"(?P<base>\S+?)/compare/(?P<left>\S+?)\.\.\.(?P<right>\S+)")
_TAG_LINK = re.compile(r"(?P<base>\S+?)/releases/tag/(?P<tag>\S+)")
_TABLE_HEADING = re.compile(r"^#{1,6}[ \t]+[^\r\n]*?version", re.MULTILINE | re.IGNORECASE)
_TABLE_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_CELL_VERSION = re.compile(r"[vV]?\d+(?:\.\d+)*(?:[-_.]?[a-zA-Z]+\.?\d*)*")
_TAG_VERSION = re.compile(r"\d[\w.!+]*$")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_BULLET = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*))?")
_BREAKING = re.compile(r"(?<![\w-])(?<!non )breaking(?!\w)", re.IGNORECASE)


class _Line(NamedTuple):
    """A line that matters to the structure, as offsets into the text."""

    kind: str  # "h1", "h2" or "link"
    start: int  # first character of the line
    end: int  # end of its content, before the line break
    next: int  # first character of the following line (== end at the end of the file)
    line: int  # 1-based line number
    text: str  # heading title, or link label
    match: re.Match[str]


class _Sec(NamedTuple):
    """A section heading, interpreted, with the span of its body."""

    head: _Line
    end: int  # end of the body
    title: str
    version: Version | None
    date: str | None
    date_end: int  # offset just after the date in the heading, -1 without a date
    yanked: bool
    unreleased: bool


class _Problem(NamedTuple):
    line: int
    message: str
    hint: str


def _fence_spans(text: str) -> list[tuple[int, int]]:
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


def _headings(text: str, fences: list[tuple[int, int]]) -> list[_Line]:
    """The "#" and "##" headings outside code fences, in order."""
    found: list[_Line] = []
    for start, line, match in _matches(text, _FIRST_HEADING, _HEADINGS, fences):
        end = match.end()
        if match.lastindex == _RELEASE:
            title = text[start + 3 : end]
            found.append(_Line("h2", start, end, match.end(_RELEASE), line, title, match))
            continue
        title = (match.group("title") or "").strip()
        kind = "h2" if match.group("hashes") else "h1"
        found.append(_Line(kind, start, end, match.end("heol"), line, title, match))
    return found


def _links(text: str, fences: list[tuple[int, int]]) -> list[_Line]:
    """The reference links labelled Unreleased or a version, outside code fences, in order."""
    return [
        _Line("link", start, match.end(), match.end("leol"), line, match.group("label"), match)
        for start, line, match in _matches(text, _FIRST_LINK, _LINKS, fences)
    ]


def _known(version: Version | None) -> Version:
    """The version of a release section (which always has one)."""
    assert version is not None
    return version


def _newline(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _is_unreleased(label: str) -> bool:
    return len(label) >= 10 and label.strip().lower() == "unreleased"


def _real_date(date: str) -> bool:
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        return False
    return True


def _bare(title: str) -> str:
    """A version title without a leading "v", as it goes into a tag."""
    return title[1:] if title[:1] in ("v", "V") else title


def _table_follows(text: str, pos: int) -> bool:
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


class _Doc:
    """The structure of one CHANGELOG text: its sections, version links and problems."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nl = _newline(text)
        self._versions: dict[str, Version | None] = {}
        fences = _fence_spans(text)
        headings = _headings(text, fences)
        self.links = _links(text, fences)
        self.trailer = self._trailer_start(headings)
        self.problems: list[_Problem] = []
        self._problem_lines: set[int] = set()
        self._version_links: list[tuple[Version, _Line]] | None = None
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

    def _trailer_start(self, headings: list[_Line]) -> int:
        """Where the links and the version table begin, after the last section heading."""
        last = max(
            (item.start for item in headings if item.kind == "h2" and item.text.startswith("[")),
            default=-1,
        )
        first_link = next((link.start for link in self.links if link.start > last), len(self.text))
        for item in headings:
            if item.start > first_link:
                break
            if (
                item.start > last
                and not item.text.startswith("[")
                and "version" in item.text.lower()
                and _table_follows(self.text, item.next)
            ):
                return item.start
        return first_link

    def _sections(self, headings: list[_Line]) -> list[_Sec]:
        headings = [item for item in headings if item.start < self.trailer]
        sections = []
        for n, head in enumerate(headings):
            end = headings[n + 1].start if n + 1 < len(headings) else self.trailer
            sections.append(self._interpret(head, end))
        return sections

    def _interpret(self, head: _Line, end: int) -> _Sec:
        match = head.match
        if match.lastindex == _RELEASE:  # the usual "## [X.Y.Z] - YYYY-MM-DD": the fast path
            label, date = match.group("rlabel", "rdate")
            version = None if _is_unreleased(label) else self.version(label)
            if version is not None and _real_date(date):
                yanked = match.group("ryanked") is not None
                return _Sec(head, end, label, version, date, match.end("rdate"), yanked, False)
        return self._interpret_slowly(head, end)

    def _interpret_slowly(self, head: _Line, end: int) -> _Sec:
        title = head.text
        match = _RELEASE_HEADING.fullmatch(title)
        if match is None:
            return self._malformed(head, end)
        label = match.group("label").strip()
        date = match.group("date")
        yanked = match.group("yanked") is not None
        date_end = self._date_end(head, date)
        if _is_unreleased(label):
            if date is not None or yanked:
                self._problem(
                    head,
                    f"'## {title}': the Unreleased section has no date and cannot be yanked",
                    "write the heading as '## [Unreleased]', or put the version in the brackets",
                )
            return _Sec(head, end, UNRELEASED, None, None, -1, False, True)
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
        return _Sec(head, end, label, version, date, date_end, yanked, False)

    def _date_end(self, head: _Line, date: str | None) -> int:
        if date is None:
            return -1
        return self.text.rindex(date, head.start, head.end) + len(date)

    def _malformed(self, head: _Line, end: int) -> _Sec:
        title = head.text
        hint = _HEADING_HINT
        looks_like = _VERSION_LIKE.match(title)
        if looks_like is not None:
            found = _ISO_DATE.search(title, looks_like.end())
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
        label = _LABEL.match(title)
        unreleased = label is not None and _is_unreleased(label.group("label"))
        version = None if label is None else self.version(label.group("label").strip())
        if unreleased:
            return _Sec(head, end, UNRELEASED, None, None, -1, False, True)
        written = label.group("label").strip() if label is not None else title
        return _Sec(head, end, written, version, None, -1, False, False)

    def _valid_date(self, head: _Line, date: str) -> bool:
        if not _ISO_DATE.fullmatch(date):
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
        unreleased: _Sec | None = None
        previous: _Sec | None = None
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
        seen: dict[Version, _Sec] | None = None  # built at the first misordered version only
        for index, sec in enumerate(releases):
            version = _known(sec.version)
            previous = releases[index - 1] if index else None
            if previous is not None and not version < _known(previous.version):
                if seen is None:
                    seen = {}
                    for earlier in reversed(releases[:index]):
                        seen[_known(earlier.version)] = earlier
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

    def _misordered(self, sec: _Sec, previous: _Sec, first: _Sec | None) -> None:
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

    def _heading_ok(self, sec: _Sec) -> bool:
        return sec.head.line not in self._problem_lines

    def _problem(self, head: _Line, message: str, hint: str) -> None:
        self.problems.append(_Problem(head.line, message, hint))
        self._problem_lines.add(head.line)

    def raise_first_problem(self) -> None:
        if self.problems:
            first = min(self.problems, key=lambda problem: problem.line)
            raise ChangelogError(f"CHANGELOG line {first.line}: {first.message}", first.hint)

    # -- finding ------------------------------------------------------------------------------

    def unreleased(self) -> _Sec | None:
        return next((sec for sec in self.sections if sec.unreleased), None)

    def releases(self) -> list[_Sec]:
        """The sections of versions, newest first."""
        return self._releases

    def find(self, wanted: Version) -> _Sec | None:
        if self.problems:
            return next((sec for sec in self._releases if sec.version == wanted), None)
        low, high = 0, len(self._releases)  # newest first and unique: a binary search
        while low < high:
            middle = (low + high) // 2
            sec = self._releases[middle]
            version = _known(sec.version)
            if version == wanted:
                return sec
            if version > wanted:
                low = middle + 1
            else:
                high = middle
        return None

    def older_than(self, sec: _Sec) -> _Sec | None:
        """The release section right below ``sec``."""
        releases = self.releases()
        index = releases.index(sec)
        return releases[index + 1] if index + 1 < len(releases) else None

    def body(self, sec: _Sec) -> str:
        return self.text[sec.head.next : sec.end]

    def version_links(self) -> list[tuple[Version, _Line]]:
        """The links whose label is a version, with that version, in file order."""
        if self._version_links is None:
            self._version_links = []
            for link in self.links:
                version = None if _is_unreleased(link.text) else self.version(link.text.strip())
                if version is not None:
                    self._version_links.append((version, link))
        return self._version_links

    def link_for(self, wanted: Version) -> _Line | None:
        return next((link for version, link in self.version_links() if version == wanted), None)

    def unreleased_link(self) -> _Line | None:
        return next((link for link in self.links if _is_unreleased(link.text)), None)

    def url(self, link: _Line) -> str:
        return link.match.group("url")

    def link_base(self) -> str | None:
        """The repository URL the compare links are built on, from an existing link."""
        unreleased = self.unreleased_link()
        ordered = ([unreleased] if unreleased is not None else []) + self.links
        for link in ordered:
            url = self.url(link)
            match = _COMPARE.fullmatch(url) or _TAG_LINK.fullmatch(url)
            if match is not None:
                return match.group("base")
        return None

    def table(self) -> _Table | None:
        for match in _TABLE_HEADING.finditer(self.text, self.trailer):
            table = _Table.read(self, match.start())
            if table is not None:
                return table
        return None

    def section(self, sec: _Sec) -> Section:
        return Section(
            title=sec.title,
            version=None if sec.version is None else str(sec.version),
            date=sec.date,
            yanked=sec.yanked,
            body=self.body(sec),
            line=sec.head.line,
        )


# -- the version table -----------------------------------------------------------------------------


def _split_cells(row: str) -> list[str]:
    inner = row.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _first_cell(row: str) -> str:
    inner = row.lstrip()
    if inner.startswith("|"):
        inner = inner[1:]
    return inner.split("|", 1)[0].strip()


class _Row(NamedTuple):
    start: int
    end: int
    next: int
    first_cell: str


@dataclass
class _Table:
    """A Markdown table whose first column holds versions, under a heading naming "Version".

    Its data rows are read lazily: inserting at the top reads only the first one.
    """

    text: str
    header_text: str
    header: list[str]
    template: str  # the row whose style new rows copy: the first data row, else the header
    separator: _Row
    has_rows: bool

    @classmethod
    def read(cls, doc: _Doc, heading: int) -> _Table | None:
        rows = list(itertools.islice(_table_lines(doc.text, heading), 3))
        if len(rows) < 2 or not _TABLE_SEPARATOR.fullmatch(doc.text[rows[1].start : rows[1].end]):
            return None
        header_text = doc.text[rows[0].start : rows[0].end]
        header = _split_cells(header_text)
        first = rows[2] if len(rows) > 2 else None
        first_is_version = first is not None and _cell_version(doc, first.first_cell) is not None
        if "version" not in header[0].lower() and not first_is_version:
            return None
        template = header_text if first is None else doc.text[first.start : first.end]
        return cls(doc.text, header_text, header, template, rows[1], first is not None)

    def rows(self) -> Iterator[_Row]:
        return _table_lines(self.text, self.separator.start, started=True)

    def row_for(self, doc: _Doc, wanted: Version, title: str) -> _Row | None:
        start = self.separator.next
        if not any(self.text.find(form, start) >= 0 for form in _spellings(wanted, title)):
            return None  # the version is nowhere in the table: no need to read every row
        return next(
            (row for row in self.rows() if _cell_version(doc, row.first_cell) == wanted), None
        )

    def insertion_point(self, doc: _Doc, wanted: Version) -> tuple[_Row, bool]:
        """The row to insert next to, and whether the new row goes before it."""
        last = self.separator
        for row in self.rows():
            version = _cell_version(doc, row.first_cell)
            if version is not None and version < wanted:
                return row, True
            last = row
        return last, False

    def columns(self) -> tuple[int | None, int | None]:
        """The indexes of the date column and the summary column (None when absent)."""
        template = _split_cells(self.template)
        date_column = next(
            (
                n
                for n, name in enumerate(self.header)
                if n > 0 and any(word in name.lower() for word in ("date", "released", "when"))
            ),
            None,
        )
        if date_column is None and self.has_rows:
            date_column = next(
                (n for n, cell in enumerate(template) if n > 0 and _ISO_DATE.fullmatch(cell)),
                None,
            )
        summary_column = next(
            (n for n in range(1, len(self.header)) if n != date_column),
            None,
        )
        return date_column, summary_column

    def format_row(self, cells: list[str]) -> str:
        """A row of ``cells``, indented like the first row, with pipes at the ends like the header
        (data rows may end in an empty cell, which makes their own ends ambiguous)."""
        indent = self.template[: len(self.template) - len(self.template.lstrip())]
        header = self.header_text.strip()
        opening = header.startswith("|")
        closing = header.endswith("|") and not header.endswith("\\|")
        if not closing:  # empty cells at the end are left out: Markdown pads them
            while len(cells) > 1 and not cells[-1]:
                cells = cells[:-1]
        inner = "|".join(f" {cell} " if cell else " " for cell in cells)
        if not opening:
            inner = inner[1:]
        if not closing:
            inner = inner[:-1]
        return indent + ("|" if opening else "") + inner + ("|" if closing else "")

    def version_cell(self, title: str) -> str:
        """``title`` decorated the way the first row decorates its version (``[x]``, ``**x**``)."""
        if not self.has_rows:
            return title
        cell = _split_cells(self.template)[0]
        match = _CELL_VERSION.search(cell)
        if match is None:
            return title
        old = match.group()
        if old[:1] in ("v", "V") and title[:1] not in ("v", "V"):
            title = old[0] + title
        rest = cell.replace(old, "")
        if re.fullmatch(r"[\[\]*_`~]*(?:\(\S*\))?[\]*_`~]*", rest):
            return cell.replace(old, title)
        return title


def _table_lines(text: str, after: int, started: bool = False) -> Iterator[_Row]:
    """The rows of the table below the line at ``after``: below a heading, the header,
    separator and data rows; below the separator (``started``), the data rows."""
    pos = text.find("\n", after)
    if pos < 0:
        return
    pos += 1
    while pos < len(text):
        newline = text.find("\n", pos)
        following = len(text) if newline < 0 else newline + 1
        end = following if newline < 0 else (newline - 1 if text[newline - 1] == "\r" else newline)
        line = text[pos:end]
        if not line.strip():
            if started:
                return
        elif "|" in line:
            started = True
            yield _Row(pos, end, following, _first_cell(line))
        else:
            return
        pos = following


def _spellings(version: Version, title: str) -> set[str]:
    """Ways a table may write ``version``: as titled, normalized, with 2 or 3 release numbers."""
    forms = {title, _bare(title), str(version)}
    if version.epoch == 0:
        release = ".".join(map(str, version.release))
        rest = str(version)[len(release) :]
        numbers = list(version.release)
        while len(numbers) > 2 and numbers[-1] == 0:
            numbers.pop()
            forms.add(".".join(map(str, numbers)) + rest)
        while len(numbers) < 3:
            numbers.append(0)
            forms.add(".".join(map(str, numbers)) + rest)
    return forms


def _cell_version(doc: _Doc, cell: str) -> Version | None:
    match = _CELL_VERSION.search(cell)
    return None if match is None else doc.version(match.group())


# -- the body of a section -------------------------------------------------------------------------


@dataclass
class _Category:
    name: str
    subsections: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)


def _outline(body: str) -> list[_Category]:
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
    if _RULE.fullmatch(line):
        return None
    bullet = _BULLET.fullmatch(line)
    if bullet is not None:
        text = (bullet.group("text") or "").strip()
        current.entries.append(text)
        return [text]
    if entry is not None and (not blank_before or line[0] in " \t"):
        continued = line.strip()
        nested = _BULLET.fullmatch(continued)
        if nested is not None:
            continued = (nested.group("text") or "").strip()
        entry.append(continued)
        current.entries[-1] = " ".join(part for part in entry if part)
        return entry
    current.entries.append(line.strip())
    return [line.strip()]


def _has_content(body: str) -> bool:
    """The body holds an entry: more than headings, separators, comments and blank lines."""
    return any(category.entries for category in _outline(body))


def _summary(body: str) -> str:
    """The table summary of a release: its Added subsections, else its first Added entries."""
    outline = _outline(body)
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


def _cell_text(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("\\\\|", "\\|")


# -- arguments -------------------------------------------------------------------------------------


def _version_argument(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        raise ChangelogError(
            f"'{version}' is not a version",
            "give a PEP 440 version such as 1.2.0 or 1.2.0rc1",
        ) from None


def _date_argument(date: str) -> None:
    try:
        valid = bool(_ISO_DATE.fullmatch(date)) and bool(datetime.date.fromisoformat(date))
    except ValueError:
        valid = False
    if not valid:
        raise ChangelogError(
            f"the release date '{date}' is not a real ISO date", "give the date as YYYY-MM-DD"
        )


def _tag(tag_format: str, title: str) -> str:
    try:
        tag = tag_format.format(version=_bare(title))
    except (KeyError, IndexError, ValueError):
        tag = ""
    if "{version}" not in tag_format or not tag:
        raise ChangelogError(
            f"tag format {tag_format!r} cannot name a tag",
            'use {version} as its only placeholder, e.g. "v{version}"',
        )
    return tag


# -- editing ---------------------------------------------------------------------------------------

_Edit = tuple[int, int, str]


def _apply(text: str, edits: list[_Edit]) -> str:
    """Replace each ``(start, end)`` span by its text; spans at one offset keep their order."""
    pieces: list[str] = []
    position = 0
    for start, end, replacement in sorted(edits, key=lambda edit: edit[0]):
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _insert_before(line: _Line | _Row, new: str, nl: str) -> _Edit:
    return (line.start, line.start, new + nl)


def _insert_after(line: _Line | _Row, new: str, nl: str) -> _Edit:
    if line.next == line.end:  # the last line of a file without a final newline
        return (line.end, line.end, nl + new)
    return (line.next, line.next, new + nl)


class _Release(NamedTuple):
    """The release being written: its section (or the Unreleased one it is promoted from)."""

    title: str
    version: Version
    date: str
    body: str
    older: _Sec | None  # the release right below it
    newest: bool  # no release above it


def _promote(doc: _Doc, wanted: Version, date: str, allow_empty: bool) -> tuple[_Release, _Edit]:
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
    if not allow_empty and not _has_content(body):
        raise ChangelogError(
            f"the [Unreleased] section (CHANGELOG line {unreleased.head.line}) is empty: "
            "nothing to release",
            "add the changes under '### Added', '### Changed' or '### Fixed', "
            "or pass --allow-empty to release without any",
        )
    head = unreleased.head
    fresh = doc.text[head.start : head.end] + doc.nl + doc.nl
    edit = (head.start, head.end, f"{fresh}## [{wanted}] - {date}")
    return _Release(str(wanted), wanted, date, body, newest, True), edit


def _complete(doc: _Doc, sec: _Sec, date: str, allow_empty: bool) -> tuple[_Release, list[_Edit]]:
    """A section the maintainer wrote (or a release partly applied): fill in what is missing."""
    assert sec.version is not None
    edits: list[_Edit] = []
    body = doc.body(sec)
    if sec.date is None:
        if not allow_empty and not _has_content(body):
            raise ChangelogError(
                f"the section [{sec.title}] (CHANGELOG line {sec.head.line}) is empty",
                "add the changes under '### Added', '### Changed' or '### Fixed', "
                "or pass --allow-empty to release without any",
            )
        edits.append((sec.head.start, sec.head.end, f"## [{sec.title}] - {date}"))
    releases = doc.releases()
    newest = releases[0] is sec
    release = _Release(sec.title, sec.version, sec.date or date, body, doc.older_than(sec), newest)
    return release, edits


def _link_edits(doc: _Doc, release: _Release, tag_format: str) -> list[_Edit]:
    base = doc.link_base()
    if base is None:
        return []
    edits: list[_Edit] = []
    tag = _tag(tag_format, release.title)
    unreleased_link = doc.unreleased_link()
    if release.newest and unreleased_link is not None:
        compare = _COMPARE.fullmatch(doc.url(unreleased_link))
        if compare is not None and compare.group("left") != tag:
            start = unreleased_link.match.start("url")
            edits.append((start + compare.start("left"), start + compare.end("left"), tag))
    elif release.newest and doc.unreleased() is not None and doc.links:
        unreleased = doc.unreleased()
        assert unreleased is not None
        label = _LABEL.match(unreleased.head.text)
        written = label.group("label") if label is not None else UNRELEASED
        line = f"[{written}]: {base}/compare/{tag}...HEAD"
        first = next((link for link in doc.links if link.start >= doc.trailer), doc.links[0])
        edits.append(_insert_before(first, line, doc.nl))
    if doc.link_for(release.version) is None:
        if release.older is not None:
            url = f"{base}/compare/{_tag(tag_format, release.older.title)}...{tag}"
        else:
            url = f"{base}/releases/tag/{tag}"
        edits.append(_place_link(doc, release.version, f"[{release.title}]: {url}"))
    return edits


def _place_link(doc: _Doc, wanted: Version, line: str) -> _Edit:
    """Insert a version link in version order: above the next older one, else below a newer."""
    older: tuple[Version, _Line] | None = None
    newer: tuple[Version, _Line] | None = None
    for version, link in doc.version_links():
        if version < wanted and (older is None or version > older[0]):
            older = (version, link)
        if version > wanted and (newer is None or version < newer[0]):
            newer = (version, link)
    if older is not None:
        return _insert_before(older[1], line, doc.nl)
    if newer is not None:
        return _insert_after(newer[1], line, doc.nl)
    unreleased_link = doc.unreleased_link()
    if unreleased_link is not None:
        return _insert_after(unreleased_link, line, doc.nl)
    return _insert_before(doc.links[0], line, doc.nl)


def _table_edits(doc: _Doc, release: _Release, summary: str | None) -> list[_Edit]:
    table = doc.table()
    if table is None or table.row_for(doc, release.version, release.title) is not None:
        return []
    cells = [""] * len(table.header)
    cells[0] = table.version_cell(release.title)
    date_column, summary_column = table.columns()
    if date_column is not None:
        cells[date_column] = release.date
    if summary_column is not None:
        cells[summary_column] = _cell_text(
            summary if summary is not None else _summary(release.body)
        )
    row = table.format_row(cells)
    anchor, before = table.insertion_point(doc, release.version)
    if before:
        return [_insert_before(anchor, row, doc.nl)]
    return [_insert_after(anchor, row, doc.nl)]


# -- the public functions --------------------------------------------------------------------------


def parse(text: str) -> list[Section]:
    """Every section, top to bottom; ChangelogError (naming the line) when the file has a problem.

    A heading must be ``## [Unreleased]`` (any case) or ``## [X.Y.Z] - YYYY-MM-DD``, optionally
    followed by ``[YANKED]``; the newest release may be written ``## [X.Y.Z]`` while it waits for
    its date. Versions must be unique and newest first; dates must be real ISO dates.
    """
    doc = _Doc(text)
    doc.raise_first_problem()
    return [doc.section(sec) for sec in doc.sections]


def find(text: str, version: str) -> Section | None:
    """The section of ``version`` (compared in PEP 440 normal form), or of "Unreleased"."""
    doc = _Doc(text)
    if _is_unreleased(version):
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
    doc = _Doc(text)
    unreleased = doc.unreleased()
    if unreleased is None:
        return {}
    changes: dict[str, list[str]] = {}
    for category in _outline(doc.body(unreleased)):
        if category.entries:
            changes.setdefault(category.name, []).extend(category.entries)
    return changes


def is_breaking(text: str) -> bool:
    """An Unreleased entry (or its category) is marked breaking, e.g. "**BREAKING:**"."""
    doc = _Doc(text)
    unreleased = doc.unreleased()
    if unreleased is None:
        return False
    for category in _outline(doc.body(unreleased)):
        if category.entries and _BREAKING.search(category.name):
            return True
        if any(_BREAKING.search(name) for name in category.subsections):
            return True
        if any(_BREAKING.search(entry) for entry in category.entries):
            return True
    return False


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
    _tag(tag_format, str(wanted))
    doc = _Doc(text)
    doc.raise_first_problem()
    existing = doc.find(wanted)
    edits: list[_Edit]
    if existing is None:
        promoted, heading = _promote(doc, wanted, date, allow_empty)
        edits, entry = [heading], promoted
    else:
        entry, edits = _complete(doc, existing, date, allow_empty)
    edits += _link_edits(doc, entry, tag_format)
    edits += _table_edits(doc, entry, summary)
    return _apply(text, edits)


def is_released(text: str, version: str) -> bool:
    """``version`` has a dated section, and its link and table row when the file keeps those."""
    doc = _Doc(text)
    try:
        wanted = Version(version)
    except InvalidVersion:
        return False
    sec = doc.find(wanted)
    if sec is None or sec.date is None:
        return False
    if doc.link_base() is not None and doc.link_for(wanted) is None:
        return False
    table = doc.table()
    return table is None or table.row_for(doc, wanted, sec.title) is not None


def notes(text: str, version: str) -> str:
    """The body of ``version``'s section, without the blank lines and separators around it."""
    section = find(text, version)
    if section is None:
        raise ChangelogError(
            f"the changelog has no section for {version}",
            f"check the version, or add '## [{version}] - YYYY-MM-DD' with its changes",
        )
    return _strip_body(section.body)


def _strip_body(body: str) -> str:
    spans: list[tuple[int, int]] = []  # (start, end of content) of each line
    position = 0
    for raw in body.split("\n"):
        spans.append((position, position + len(raw.rstrip("\r"))))
        position += len(raw) + 1
    content = [
        (start, end)
        for start, end in spans
        if body[start:end].strip() and not _RULE.fullmatch(body[start:end])
    ]
    if not content:
        return ""
    first = next(start for start, end in spans if body[start:end].strip())
    return body[first : content[-1][1]]


def mark_yanked(text: str, version: str) -> str:
    """``text`` with ``version``'s heading ending in ``[YANKED]``; unchanged when it already does."""
    wanted = _version_argument(version)
    doc = _Doc(text)
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
    return _apply(text, [(sec.date_end, sec.date_end, " [YANKED]")])


# -- lint ------------------------------------------------------------------------------------------


def lint(text: str) -> list[str]:
    """Every problem found, as "line N: what is wrong" sentences; [] when the file is fine."""
    doc = _Doc(text)
    problems = list(doc.problems)
    problems += _unreleased_problems(doc)
    if doc.links:
        problems += _link_problems(doc)
    problems.sort(key=lambda problem: problem.line)
    return [f"line {problem.line}: {problem.message}" for problem in problems]


def _unreleased_problems(doc: _Doc) -> list[_Problem]:
    unreleased = doc.unreleased()
    if unreleased is None:
        first = doc.sections[0].head.line if doc.sections else 1
        return [_Problem(first, "there is no [Unreleased] section", "")]
    if not _has_content(doc.body(unreleased)):
        return [_Problem(unreleased.head.line, "the [Unreleased] section is empty", "")]
    return []


def _names_version(tag: str, doc: _Doc, title: str) -> bool:
    """``tag`` (a ref in a compare link) names the version ``title``."""
    bare = _bare(title)
    if tag.endswith(bare):
        before = tag[: len(tag) - len(bare)]
        if not before or not (before[-1].isdigit() or before[-1] == "."):
            return True
    match = _TAG_VERSION.search(tag)
    return match is not None and doc.version(match.group()) == doc.version(bare)


def _link_problems(doc: _Doc) -> list[_Problem]:
    problems: list[_Problem] = []
    releases = doc.releases()
    by_version: dict[Version, _Line] = {}
    for version, link in doc.version_links():
        if version in by_version:
            problems.append(
                _Problem(
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
            problems.append(_Problem(link.line, f"link [{link.text}] has no section", ""))
    for index, sec in enumerate(releases):
        assert sec.version is not None
        own = by_version.get(sec.version)
        older = releases[index + 1] if index + 1 < len(releases) else None
        if own is None:
            if sec.date is not None or index > 0:  # only the newest may wait for its date
                problems.append(_Problem(sec.head.line, f"[{sec.title}] has no link", ""))
            continue
        problems += _compare_problems(doc, own, sec, older)
    problems += _unreleased_link_problems(doc, releases)
    return problems


def _compare_problems(doc: _Doc, link: _Line, sec: _Sec, older: _Sec | None) -> list[_Problem]:
    url = doc.url(link)
    compare = _COMPARE.fullmatch(url)
    tag_link = _TAG_LINK.fullmatch(url)
    right = compare.group("right") if compare else tag_link.group("tag") if tag_link else None
    if right is None:
        return []
    if not _names_version(right, doc, sec.title):
        return [_Problem(link.line, f"link [{link.text}] points at {right}, not {sec.title}", "")]
    if compare is not None and older is not None:
        left = compare.group("left")
        if not _names_version(left, doc, older.title):
            return [
                _Problem(
                    link.line,
                    f"link [{link.text}] compares from {left}, not from the previous release "
                    f"{older.title}",
                    "",
                )
            ]
    return []


def _unreleased_link_problems(doc: _Doc, releases: list[_Sec]) -> list[_Problem]:
    unreleased = doc.unreleased()
    link = doc.unreleased_link()
    if link is None:
        if unreleased is not None and releases:
            return [_Problem(unreleased.head.line, "there is no [Unreleased] link", "")]
        return []
    compare = _COMPARE.fullmatch(doc.url(link))
    dated = [sec for sec in releases if sec.date is not None]
    if compare is None or not dated:
        return []
    newest = dated[0]
    if not _names_version(compare.group("left"), doc, newest.title):
        return [
            _Problem(
                link.line,
                f"the [Unreleased] link compares from {compare.group('left')}, not from the "
                f"newest release {newest.title}",
                "",
            )
        ]
    return []
