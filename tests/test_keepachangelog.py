"""A differential test: every well-formed CHANGELOG of the fixture corpus is read by keepachangelog
(2.0.0) and by our parser (release/changelog/), and both must find the same versions, dates and
entries. Files using a form keepachangelog is documented, or known, to misread are skipped with
that reason; the parse of those forms is covered by our own tests.

Why we read with our own parser and edit with our own code: see docs/changelog.md (keepachangelog's
writer regenerates the whole file; a release must keep every other byte).
"""

from __future__ import annotations

import re
from pathlib import Path

import keepachangelog
import pytest
from packaging.version import Version

from release import changelog

TESTS = Path(__file__).parent
CORPUS = sorted(
    [*TESTS.glob("projects/*/CHANGELOG.md"), *TESTS.glob("changelogs/*.md")],
    key=lambda path: path.relative_to(TESTS).as_posix(),
)

# What keepachangelog 2.0.0 reads differently from Keep a Changelog, each with a test of the text.
MISREADS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a '## ' line inside a code fence is a release to it", re.compile(r"^(```|~~~)", re.M)),
    ("a '[#12]: url' reference is a version to it", re.compile(r"^\[#", re.M)),
    (
        "a link inside a heading ('## [1.2.0](url)') becomes part of the version",
        re.compile(r"^## \[[^\]]*\]\(", re.M),
    ),
    (
        "every line is an entry: wrapped or nested bullets and paragraphs are split",
        re.compile(r"^(?:[ \t]+\S|[^-*#\[<\s|].*\n[^\n\s#\[-])", re.M),
    ),
    ("a '---' rule is an empty entry to it", re.compile(r"^-{3,}\s*$", re.M)),
    (
        "a table heading ('## Version ...') is a release to it",
        re.compile(r"^#+ .*[Vv]ersion", re.M),
    ),
    ("an HTML comment is an entry to it", re.compile(r"^<!--", re.M)),
    ("'####' subsections are entries to it", re.compile(r"^#### ", re.M)),
    (
        "its headings must read '## [version] - date' (towncrier and free-form headings differ)",
        re.compile(r"^## (?!\[|Unreleased\b|\d)|^# \S+ \d", re.M),
    ),
)


def misread(text: str) -> str | None:
    """Why keepachangelog would read ``text`` differently, or None (above the first ``## `` line
    both read nothing)."""
    first = 0 if text.startswith("## ") else text.find("\n## ") + 1
    sections = text[first:] if first or text.startswith("## ") else ""
    for reason, pattern in MISREADS:
        if pattern.search(sections):
            return reason
    return None


def theirs(path: Path) -> dict[str, tuple[str | None, dict[str, list[str]]]]:
    """keepachangelog's reading: version -> (date, {category: entries})."""
    read = keepachangelog.to_dict(str(path), show_unreleased=True)
    found: dict[str, tuple[str | None, dict[str, list[str]]]] = {}
    for key, release in read.items():
        metadata = release["metadata"]
        date = metadata.get("release_date")
        categories = {
            ("" if name == "uncategorized" else name): list(entries)
            for name, entries in release.items()
            if name != "metadata" and entries
        }
        version = "unreleased" if key == "unreleased" else str(Version(key))
        found[version] = (date.split(" ")[0] if date else None, categories)
    return found


def ours(text: str) -> dict[str, tuple[str | None, dict[str, list[str]]]]:
    found: dict[str, tuple[str | None, dict[str, list[str]]]] = {}
    for section in changelog.parse(text):
        key = section.version or "unreleased"
        categories = {
            name.lower(): entries
            for name, entries in changelog.changes(text, section.version or "Unreleased").items()
        }
        found[key] = (section.date, categories)
    return found


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.relative_to(TESTS).as_posix())
def test_keepachangelog_and_our_parser_read_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    reason = misread(text)
    if reason is not None:
        pytest.skip(f"keepachangelog misreads this file: {reason}")
    if changelog.lint(text) and changelog.review(text).errors:
        pytest.skip("not a well-formed Keep a Changelog file (our own tests cover its refusal)")

    assert ours(text) == theirs(path)


def test_the_corpus_is_mostly_compared_not_skipped() -> None:
    compared = [path for path in CORPUS if misread(path.read_text(encoding="utf-8")) is None]
    assert len(compared) >= 15, [path.as_posix() for path in compared]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("## [1.0.0] - 2025-01-01\n```\n## [9.9.9]\n```\n", "code fence"),
        ("## [1.0.0] - 2025-01-01\n- Fix (#12).\n\n[#12]: https://x.invalid/12\n", "[#12]"),
        ("## [1.0.0](https://x.invalid/c/0...1) - 2025-01-01\n", "inside a heading"),
        ("## [1.0.0] - 2025-01-01\n- A long entry\n  wrapped.\n", "wrapped"),
    ],
)
def test_each_skip_reason_is_a_real_misreading(text: str, reason: str, tmp_path: Path) -> None:
    """Each form skipped above really is read differently by keepachangelog."""
    path = tmp_path / "CHANGELOG.md"
    path.write_text(text, encoding="utf-8")
    assert reason in (misread(text) or "")
    try:
        assert ours(text) != theirs(path)
    except Exception as error:  # noqa: BLE001 - keepachangelog may also fail outright
        assert not isinstance(error, AssertionError), error
