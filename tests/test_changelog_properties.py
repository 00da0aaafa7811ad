"""Property-based tests of release/changelog/ on random valid Keep a Changelog files.

The generator writes changelogs with random sections, categories, subsections, wrapped bullets,
free text (any Unicode), comments, code fences, separators, LF or CRLF, with or without compare
links, a version table and a final newline. The properties: release() changes only the lines it
must (taking them out gives back the original byte for byte), twice is once, the result is still
valid, and parse()/notes()/mark_yanked() agree with the text.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.version import Version

from release import changelog

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CATEGORIES = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security", "Testing"]
SAFE_WORDS = ["Fix", "Add", "The", "`code`", "**Bold**", "*em*", "Parser", "CLI", "Données"]


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    yanked: bool
    body: list[str]


@dataclass(frozen=True)
class Generated:
    """A generated changelog and what the generator knows about it."""

    text: str
    nl: str
    preamble: str
    label: str  # "Unreleased" or "unreleased", as written
    unreleased: list[str]  # body lines of Unreleased
    releases: list[Release]  # newest first
    base: str | None  # compare links' base, None without links
    tag_format: str
    table: tuple[int, bool] | None  # (columns, pipes at both ends)
    final_newline: bool

    def tag(self, version: str) -> str:
        return self.tag_format.format(version=version)

    def unreleased_link(self) -> str:
        assert self.base is not None
        left = self.tag(self.releases[0].version) if self.releases else "main"
        return f"[{self.label}]: {self.base}/compare/{left}...HEAD"


def free_text() -> st.SearchStrategy[str]:
    """A line of text that starts with a word, so it never looks like structure."""
    anything = st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n"),
        max_size=30,
    )
    return st.builds(
        lambda word, rest: f"{word} {rest}".rstrip(), st.sampled_from(SAFE_WORDS), anything
    )


# Strategies are built once: building one inside every draw cost most of these tests' time.
FREE_TEXT = free_text()
LINE_KINDS = st.sampled_from(
    ["category", "subsection", "bullet", "wrapped", "text", "rule", "blank", "comment", "fence"]
)
LINE_COUNTS = st.integers(0, 8)
CATEGORY = st.sampled_from(CATEGORIES)


@st.composite
def body_lines(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(LINE_COUNTS)):
        kind = draw(LINE_KINDS)
        if kind == "category":
            lines += ["", f"### {draw(CATEGORY)}"]
        elif kind == "subsection":
            lines.append(f"#### {draw(FREE_TEXT)}")
        elif kind == "bullet":
            lines.append(f"- {draw(FREE_TEXT)}")
        elif kind == "wrapped":
            lines += [f"* {draw(FREE_TEXT)}", f"  {draw(FREE_TEXT)}"]
        elif kind == "text":
            lines.append(draw(FREE_TEXT))
        elif kind == "rule":
            lines += ["", "---", ""]
        elif kind == "blank":
            lines.append("")
        elif kind == "comment":
            lines.append(f"<!-- {draw(FREE_TEXT)} -->")
        else:
            lines += [
                "```",
                "## [9.9.9] - inside a code block",
                "[9.9.9]: https://x.invalid",
                "```",
            ]
    return lines


_NUMBERS = st.integers(0, 20)
_PRE = st.one_of(
    st.just(""),
    st.builds(lambda k, n: f"{k}{n}", st.sampled_from(["a", "b", "rc"]), st.integers(1, 3)),
)
_VERSION_LISTS = st.lists(
    st.builds(lambda a, b, c, p: f"{a}.{b}.{c}{p}", _NUMBERS, _NUMBERS, _NUMBERS, _PRE),
    max_size=6,
)


@st.composite
def versions(draw: st.DrawFn) -> list[str]:
    """Distinct release versions, newest first, some of them pre-releases."""
    drawn = draw(_VERSION_LISTS)
    unique = {Version(v): v for v in drawn}
    return [unique[key] for key in sorted(unique, reverse=True)]


dates = st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)).map(str)


_NEWLINES = st.sampled_from(["\n", "\r\n"])
_LABELS = st.sampled_from(["Unreleased", "unreleased"])
_BOOLEANS = st.booleans()
_BASES = st.sampled_from(["https://github.com/o/r", "https://gitlab.com/g/p/-"])
_TAG_FORMATS = st.sampled_from(["v{version}", "{version}", "release-{version}"])
_TABLES = st.none() | st.tuples(st.integers(2, 4), st.booleans())
_PREAMBLES = st.lists(FREE_TEXT, max_size=3)


@st.composite
def changelogs(draw: st.DrawFn) -> Generated:
    nl = draw(_NEWLINES)
    label = draw(_LABELS)
    releases = [
        Release(version, draw(dates), draw(_BOOLEANS), draw(body_lines()))
        for version in draw(versions())
    ]
    has_links = draw(_BOOLEANS)
    generated = Generated(
        text="",
        nl=nl,
        preamble=nl.join(["# Changelog", "", *draw(_PREAMBLES), "", ""]),
        label=label,
        unreleased=draw(body_lines()),
        releases=releases,
        base=(draw(_BASES) if has_links else None),
        tag_format=draw(_TAG_FORMATS),
        table=draw(_TABLES),
        final_newline=draw(_BOOLEANS),
    )
    return dataclasses.replace(generated, text=render(generated, draw(_BOOLEANS)))


def render(g: Generated, rule_before_table: bool) -> str:
    lines = [f"## [{g.label}]", *g.unreleased]
    for release in g.releases:
        yanked = " [YANKED]" if release.yanked else ""
        lines += [f"## [{release.version}] - {release.date}{yanked}", *release.body]
    if g.base is not None:
        lines += ["", g.unreleased_link()]
        for index, release in enumerate(g.releases):
            tag = g.tag(release.version)
            if index + 1 < len(g.releases):
                older = g.tag(g.releases[index + 1].version)
                lines.append(f"[{release.version}]: {g.base}/compare/{older}...{tag}")
            else:
                lines.append(f"[{release.version}]: {first_release_link(g.base, tag)}")
    if g.table is not None:
        columns, pipes = g.table
        lines += ["", "---", ""] if rule_before_table else [""]
        lines += ["## Version Comparison", ""]
        names = ["Version", "Date", "Highlights", "Notes"][:columns]
        lines += [table_row(names, pipes), table_row(["---"] * columns, pipes)]
        for release in g.releases:
            lines.append(table_row([release.version, release.date, "Old", ""][:columns], pipes))
    text = g.preamble + g.nl.join(lines)
    return text + g.nl if g.final_newline else text


def table_row(cells: list[str], pipes: bool) -> str:
    inner = " | ".join(cells)
    return f"| {inner} |" if pipes else inner


def new_version(g: Generated, pre: str) -> str:
    major = max((Version(r.version).major for r in g.releases), default=0)
    return f"{major + 1}.0.0{pre}"


pre_releases = st.sampled_from(["", "", "rc1", "a2", "b1"])


# -- the properties --------------------------------------------------------------------------------


@SETTINGS
@given(changelogs())
def test_parse_finds_every_section_with_its_exact_body(g: Generated) -> None:
    sections = changelog.parse(g.text)

    assert [s.title for s in sections] == ["Unreleased"] + [r.version for r in g.releases]
    assert [s.date for s in sections[1:]] == [r.date for r in g.releases]
    assert [s.yanked for s in sections[1:]] == [r.yanked for r in g.releases]
    starts = line_starts(g.text, g.nl)
    assert starts[sections[0].line - 1] == len(g.preamble)
    for index, section in enumerate(sections):
        heading_end = g.text.find(g.nl, starts[section.line - 1])
        body_start = len(g.text) if heading_end < 0 else heading_end + len(g.nl)
        body_end = body_start + len(section.body)
        assert g.text[body_start:body_end] == section.body
        if index + 1 < len(sections):
            assert body_end == starts[sections[index + 1].line - 1]
        elif g.base is not None or g.table is not None:
            assert g.text[body_end:].lstrip("\r\n-").startswith(("[", "## Version Comparison"))
        else:
            assert body_end == len(g.text)


@SETTINGS
@given(changelogs(), pre_releases, dates)
def test_release_changes_only_its_lines_and_twice_is_once(g: Generated, pre: str, day: str) -> None:
    version = new_version(g, pre)

    released = changelog.release(g.text, version, day, tag_format=g.tag_format, allow_empty=True)

    assert released.startswith(g.preamble)
    assert released.endswith(g.nl) == g.text.endswith(g.nl)
    assert ("\r" in released.replace("\r\n", "")) is False
    if g.nl == "\r\n":
        assert "\n" not in released.replace("\r\n", "")
    assert take_out_release(g, released, version, day) == g.text
    again = changelog.release(released, version, day, tag_format=g.tag_format, allow_empty=True)
    assert again == released


@SETTINGS
@given(changelogs(), pre_releases, dates)
def test_release_gives_a_valid_released_changelog(g: Generated, pre: str, day: str) -> None:
    version = new_version(g, pre)

    released = changelog.release(g.text, version, day, tag_format=g.tag_format, allow_empty=True)

    before = changelog.parse(g.text)
    after = changelog.parse(released)
    assert after[0].title == "Unreleased" and after[0].body.strip(g.nl) == ""
    assert (after[1].title, after[1].date, after[1].body) == (version, day, before[0].body)
    assert [(s.title, s.date, s.body) for s in after[2:]] == [
        (s.title, s.date, s.body) for s in before[1:]
    ]
    assert changelog.is_released(released, version)
    assert not changelog.is_released(g.text, version)
    assert changelog.lint(released) == [f"line {after[0].line}: the [Unreleased] section is empty"]
    assert changelog.unreleased_changes(released) == {}


@SETTINGS
@given(changelogs())
def test_lint_of_a_generated_changelog_finds_nothing_but_an_empty_unreleased(g: Generated) -> None:
    problems = changelog.lint(g.text)
    line = changelog.parse(g.text)[0].line
    assert problems in ([], [f"line {line}: the [Unreleased] section is empty"])
    assert (problems == []) == bool(changelog.unreleased_changes(g.text))


@SETTINGS
@given(changelogs(), st.data())
def test_notes_is_the_body_less_surrounding_blank_lines_and_rules(
    g: Generated, data: st.DataObject
) -> None:
    section = data.draw(st.sampled_from(changelog.parse(g.text)))

    notes = changelog.notes(g.text, section.version or "Unreleased")

    head, found, tail = section.body.partition(notes) if notes else ("", "", section.body)
    assert found == notes
    assert head.strip() == ""
    assert all(line.strip() in ("", "---") for line in tail.split(g.nl))
    if notes:
        assert notes == notes.strip("\r\n") and notes.strip() != "---"


@SETTINGS
@given(changelogs(), st.data())
def test_mark_yanked_appends_to_one_heading_only(g: Generated, data: st.DataObject) -> None:
    if not g.releases:
        return
    release = data.draw(st.sampled_from(g.releases))

    yanked = changelog.mark_yanked(g.text, release.version)

    assert changelog.mark_yanked(yanked, release.version) == yanked
    old, new = g.text.split(g.nl), yanked.split(g.nl)
    changed = [index for index, (a, b) in enumerate(zip(old, new)) if a != b]
    assert len(old) == len(new)
    if release.yanked:
        assert changed == []
    else:
        assert [(old[i], new[i]) for i in changed] == [
            (
                f"## [{release.version}] - {release.date}",
                f"## [{release.version}] - {release.date} [YANKED]",
            )
        ]


# -- helpers ---------------------------------------------------------------------------------------


def line_starts(text: str, nl: str) -> list[int]:
    starts, position = [], 0
    for line in text.split(nl):
        starts.append(position)
        position += len(line) + len(nl)
    return starts


def first_release_link(base: str, tag: str) -> str:
    """A first release's link as each forge spells it (GitLab: its tag page)."""
    if base.endswith("/-"):
        return f"{base}/tags/{tag}"
    return f"{base}/releases/tag/{tag}"


def take_out_release(g: Generated, released: str, version: str, day: str) -> str:
    """``released`` with the lines release() inserts taken out and the ones it edits restored."""
    lines = released.split(g.nl)
    heading = lines.index(f"## [{version}] - {day}")
    assert lines[heading - 2 : heading] == [f"## [{g.label}]", ""]
    del lines[heading - 1 : heading + 1]
    if g.base is not None:
        tag = g.tag(version)
        if g.releases:
            link = f"[{version}]: {g.base}/compare/{g.tag(g.releases[0].version)}...{tag}"
        else:
            link = f"[{version}]: {first_release_link(g.base, tag)}"
        assert lines.count(link) == 1
        lines.remove(link)
        new_unreleased = f"[{g.label}]: {g.base}/compare/{tag}...HEAD"
        lines[lines.index(new_unreleased)] = g.unreleased_link()
    if g.table is not None:
        columns, pipes = g.table
        start = f"| {version} | {day} |" if pipes else f"{version} | {day}"
        rows = [line for line in lines if line.startswith(start)]
        assert len(rows) == 1
        cells = len(re.split(r"(?<!\\)\|", rows[0]))
        assert cells == columns + 2 if pipes else 2 <= cells <= columns
        lines.remove(rows[0])
    return g.nl.join(lines)
