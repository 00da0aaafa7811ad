"""The "Version Comparison" table: a Markdown table whose first column holds versions.

Pure. Its data rows are read lazily: inserting at the top reads only the first one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Iterator, NamedTuple

from packaging.version import Version

from .body import cell_text, summary_of
from .edits import Edit, Release, insert_after, insert_before
from .parse import Doc
from .scan import ISO_DATE, without_v

TABLE_HEADING = re.compile(r"^#{1,6}[ \t]+[^\r\n]*?version", re.MULTILINE | re.IGNORECASE)
TABLE_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
CELL_VERSION = re.compile(r"[vV]?\d+(?:\.\d+)*(?:[-_.]?[a-zA-Z]+\.?\d*)*")


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


class Row(NamedTuple):
    start: int
    end: int
    next: int
    first_cell: str


@dataclass
class Table:
    """A Markdown table whose first column holds versions, under a heading naming "Version".

    Its data rows are read lazily: inserting at the top reads only the first one.
    """

    text: str
    header_text: str
    header: list[str]
    template: str  # the row whose style new rows copy: the first data row, else the header
    separator: Row
    has_rows: bool

    @classmethod
    def read(cls, doc: Doc, heading: int) -> Table | None:
        rows = list(itertools.islice(_table_lines(doc.text, heading), 3))
        if len(rows) < 2 or not TABLE_SEPARATOR.fullmatch(doc.text[rows[1].start : rows[1].end]):
            return None
        header_text = doc.text[rows[0].start : rows[0].end]
        header = _split_cells(header_text)
        first = rows[2] if len(rows) > 2 else None
        first_is_version = first is not None and _cell_version(doc, first.first_cell) is not None
        if "version" not in header[0].lower() and not first_is_version:
            return None
        template = header_text if first is None else doc.text[first.start : first.end]
        return cls(doc.text, header_text, header, template, rows[1], first is not None)

    def rows(self) -> Iterator[Row]:
        return _table_lines(self.text, self.separator.start, started=True)

    def row_for(self, doc: Doc, wanted: Version, title: str) -> Row | None:
        start = self.separator.next
        if not any(self.text.find(form, start) >= 0 for form in _spellings(wanted, title)):
            return None  # the version is nowhere in the table: no need to read every row
        return next(
            (row for row in self.rows() if _cell_version(doc, row.first_cell) == wanted), None
        )

    def insertion_point(self, doc: Doc, wanted: Version) -> tuple[Row, bool]:
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
                (n for n, cell in enumerate(template) if n > 0 and ISO_DATE.fullmatch(cell)),
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
        match = CELL_VERSION.search(cell)
        if match is None:
            return title
        old = match.group()
        if old[:1] in ("v", "V") and title[:1] not in ("v", "V"):
            title = old[0] + title
        rest = cell.replace(old, "")
        if re.fullmatch(r"[\[\]*_`~]*(?:\(\S*\))?[\]*_`~]*", rest):
            return cell.replace(old, title)
        return title


def _table_lines(text: str, after: int, started: bool = False) -> Iterator[Row]:
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
            yield Row(pos, end, following, _first_cell(line))
        else:
            return
        pos = following


def _spellings(version: Version, title: str) -> set[str]:
    """Ways a table may write ``version``: as titled, normalized, with 2 or 3 release numbers."""
    forms = {title, without_v(title), str(version)}
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


def _cell_version(doc: Doc, cell: str) -> Version | None:
    match = CELL_VERSION.search(cell)
    return None if match is None else doc.version(match.group())


def find_table(doc: Doc) -> Table | None:
    """The version table of the trailer, if the file has one."""
    for match in TABLE_HEADING.finditer(doc.text, doc.trailer):
        table = Table.read(doc, match.start())
        if table is not None:
            return table
    return None


def table_edits(doc: Doc, release: Release, summary: str | None) -> list[Edit]:
    table = find_table(doc)
    if table is None or table.row_for(doc, release.version, release.title) is not None:
        return []
    cells = [""] * len(table.header)
    cells[0] = table.version_cell(release.title)
    date_column, summary_column = table.columns()
    if date_column is not None:
        cells[date_column] = release.date
    if summary_column is not None:
        cells[summary_column] = cell_text(
            summary if summary is not None else summary_of(release.body)
        )
    row = table.format_row(cells)
    anchor, before = table.insertion_point(doc, release.version)
    if before:
        return [insert_before(anchor, row, doc.nl)]
    return [insert_after(anchor, row, doc.nl)]
