"""Example-based tests of release/changelog/: Keep a Changelog text in, values or text out."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import pytest

from release import changelog
from release.errors import ChangelogError
from release.demo import SAMPLE as SAMPLE_PROJECT

HERE = Path(__file__).parent
SAMPLE = (SAMPLE_PROJECT / "CHANGELOG.md").read_bytes().decode("utf-8")
KITCHEN_SINK = (HERE / "changelogs" / "kitchen-sink.md").read_bytes().decode("utf-8")
KITCHEN_SINK_RELEASED = (HERE / "changelogs" / "kitchen-sink.released.md").read_bytes().decode()
BASE = "https://github.com/omi-dev/omi-openclaw"
DAY = "2026-11-01"


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def sample_released() -> str:
    """The sample CHANGELOG with 0.3.0 released on DAY, edited by hand."""
    text = replace_once(SAMPLE, "## [Unreleased]\n", f"## [Unreleased]\n\n## [0.3.0] - {DAY}\n")
    text = replace_once(
        text,
        f"[Unreleased]: {BASE}/compare/v0.2.0...HEAD\n",
        f"[Unreleased]: {BASE}/compare/v0.3.0...HEAD\n"
        f"[0.3.0]: {BASE}/compare/v0.2.0...v0.3.0\n",
    )
    return replace_once(
        text,
        "|---------|------|------------|\n",
        "|---------|------|------------|\n"
        f"| 0.3.0 | {DAY} | `omi status` shows how many notes are stored… |\n",
    )


# small()'s compare links once 0.3.0 is released.
LINKS_WITH_0_3_0 = (
    f"[Unreleased]: {BASE}/compare/v0.3.0...HEAD\n"
    f"[0.3.0]: {BASE}/compare/v0.2.0...v0.3.0\n"
    f"[0.2.0]: {BASE}/compare/v0.1.0...v0.2.0\n"
    f"[0.1.0]: {BASE}/releases/tag/v0.1.0\n"
)


def small(unreleased: str = "### Added\n- Something new.\n", tail: str = "") -> str:
    """A small changelog: Unreleased, 0.2.0 and 0.1.0, compare links, then ``tail``."""
    return (
        "# Changelog\n\n"
        f"## [Unreleased]\n\n{unreleased}\n"
        "## [0.2.0] - 2024-02-01\n\n### Fixed\n- A bug.\n\n"
        "## [0.1.0] - 2024-01-01\n\n### Added\n- First.\n\n"
        f"[Unreleased]: {BASE}/compare/v0.2.0...HEAD\n"
        f"[0.2.0]: {BASE}/compare/v0.1.0...v0.2.0\n"
        f"[0.1.0]: {BASE}/releases/tag/v0.1.0\n{tail}"
    )


def error_of(call: Callable[..., object], *args: object, **kwargs: object) -> ChangelogError:
    with pytest.raises(ChangelogError) as caught:
        call(*args, **kwargs)
    assert caught.value.hint, "every error says what to do"
    return caught.value


# -- parse -----------------------------------------------------------------------------------------


def test_parse_reads_the_sample_sections_with_exact_bodies() -> None:
    sections = changelog.parse(SAMPLE)

    assert [(s.title, s.version, s.date, s.yanked, s.line) for s in sections] == [
        ("Unreleased", None, None, False, 8),
        ("0.2.0", "0.2.0", "2026-10-02", False, 17),
        ("0.1.0", "0.1.0", "2026-09-01", False, 25),
    ]
    assert sections[1].body == (
        "\n### Added\n- `omi init --data-dir` creates the data directory.\n\n"
        "### Changed\n- Notes are stored as JSON instead of plain text.\n\n"
    )
    # the last body ends where the link block starts: links and table are not release notes
    assert (
        sections[2].body == "\n### Added\n- First release: the `omi` command with `--version`.\n\n"
    )


def test_parse_kitchen_sink_ignores_headings_in_code_and_reads_yanked() -> None:
    sections = changelog.parse(KITCHEN_SINK)

    assert [(s.title, s.date, s.yanked) for s in sections] == [
        ("Unreleased", None, False),
        ("1.1.0", "2025-03-04", False),
        ("1.0.0", "2025-01-31", True),
        ("1.0.0rc1", "2025-01-10", False),
    ]
    assert "## [9.9.9] - this heading is inside a code block" in sections[0].body
    assert sections[0].body.endswith("```\n\n---\n\n")


def test_parse_accepts_lower_case_unreleased_and_an_undated_newest_release() -> None:
    text = "## [unreleased]\n\n## [1.1.0]\n- Hand-written.\n\n## [1.0.0] - 2024-01-01\n- Old.\n"

    sections = changelog.parse(text)

    assert [(s.title, s.version, s.date, s.line) for s in sections] == [
        ("Unreleased", None, None, 1),
        ("1.1.0", "1.1.0", None, 3),
        ("1.0.0", "1.0.0", "2024-01-01", 6),
    ]


def test_parse_gives_the_version_in_normal_form_and_the_title_as_written() -> None:
    (section,) = changelog.parse("## [1.0.0-RC.1] - 2024-01-01\n")
    assert (section.title, section.version) == ("1.0.0-RC.1", "1.0.0rc1")


def test_parse_of_an_empty_file_is_empty() -> None:
    assert changelog.parse("") == []
    assert changelog.parse("# Changelog\n\nNothing yet.") == []


@pytest.mark.parametrize(
    ("heading_lines", "line", "in_message", "in_hint"),
    [
        (["## 0.28.1 (6th December, 2024)"], 3, "not a release heading", "## [0.28.1] - YYYY"),
        (["## 1.0.0 (2024-01-01)"], 3, "not a release heading", "## [1.0.0] - 2024-01-01"),
        (["## Notes"], 3, "not a release heading", "free text"),
        (["## [1.0.0] 2024-01-01"], 3, "not a release heading", "' - '"),
        (["## [one] - 2024-01-01"], 3, "'[one]'", "PEP 440"),
        (["## [1.0.0] - 2024/01/02"], 3, "not an ISO date", "YYYY-MM-DD"),
        (["## [1.0.0] - January 2, 2024"], 3, "not an ISO date", "YYYY-MM-DD"),
        (["## [1.0.0] - 2023-02-29"], 3, "does not exist", "day or month"),
        (["## [1.0.0] - 2024-01-01", "## [1.0] - 2023-01-01"], 5, "second section", "merge"),
        (["## [1.0.0] - 2024-01-01", "## [1.1.0] - 2024-02-01"], 5, "not older", "newest first"),
        (["## [1.1.0] - 2024-02-01", "## [1.0.0]"], 5, "has no date", "YYYY-MM-DD"),
        (["## [Unreleased] - 2024-01-01"], 3, "Unreleased", "'## [Unreleased]'"),
        (["## [1.0.0] [YANKED]"], 3, "yanked release needs its date", "YYYY-MM-DD"),
    ],
)
def test_parse_refuses_a_bad_heading_naming_its_line(
    heading_lines: list[str], line: int, in_message: str, in_hint: str
) -> None:
    text = "# Changelog\n\n" + "".join(f"{heading}\n- Entry.\n" for heading in heading_lines)

    error = error_of(changelog.parse, text)

    assert f"line {line}:" in error.message
    assert in_message in error.message
    assert in_hint in error.hint


def test_parse_refuses_a_second_unreleased_and_one_below_a_release() -> None:
    twice = "## [Unreleased]\n\n## [unreleased]\n"
    below = "## [1.0.0] - 2024-01-01\n\n## [Unreleased]\n"

    assert "second [Unreleased]" in error_of(changelog.parse, twice).message
    error = error_of(changelog.parse, below)
    assert "line 3:" in error.message and "below [1.0.0]" in error.message


def test_parse_names_the_first_problem_of_several() -> None:
    text = "## [1.0.0] - 2024-13-01\n\n## Notes\n"
    assert "line 1:" in error_of(changelog.parse, text).message


def test_a_version_table_heading_without_links_ends_the_last_section() -> None:
    text = (
        "## [1.0.0] - 2024-01-01\n- First.\n\n"
        "## Version Comparison\n\n| Version | Date |\n|---|---|\n| 1.0.0 | 2024-01-01 |\n"
    )
    (section,) = changelog.parse(text)
    assert section.body == "- First.\n\n"


# -- find and notes --------------------------------------------------------------------------------


@pytest.mark.parametrize("asked", ["0.2.0", "v0.2.0", "0.2", "0.2.0.0"])
def test_find_compares_versions_in_normal_form(asked: str) -> None:
    section = changelog.find(SAMPLE, asked)
    assert section is not None and section.title == "0.2.0" and section.line == 17


def test_find_pre_release_spelled_another_way() -> None:
    section = changelog.find(KITCHEN_SINK, "1.0.0-rc.1")
    assert section is not None and section.title == "1.0.0rc1"


def test_find_unreleased_missing_and_invalid() -> None:
    unreleased = changelog.find(SAMPLE, "unreleased")
    assert unreleased is not None and unreleased.line == 8
    assert changelog.find(SAMPLE, "0.3.0") is None
    assert changelog.find(SAMPLE, "not a version") is None


def test_find_reads_around_a_problem_elsewhere_in_the_file() -> None:
    broken = SAMPLE.replace("## [0.1.0] - 2026-09-01", "## [0.1.0] - 2026-09-31")
    section = changelog.find(broken, "0.2.0")
    assert section is not None and section.date == "2026-10-02"


def test_notes_is_the_body_without_surrounding_blank_lines() -> None:
    assert changelog.notes(SAMPLE, "0.2.0") == (
        "### Added\n- `omi init --data-dir` creates the data directory.\n\n"
        "### Changed\n- Notes are stored as JSON instead of plain text."
    )


def test_notes_drops_a_trailing_separator_and_keeps_crlf_inside() -> None:
    assert changelog.notes(KITCHEN_SINK, "1.1.0") == (
        "### Fixed\n- Crash when the cache directory is a symlink."
    )
    crlf = KITCHEN_SINK.replace("\n", "\r\n")
    assert (
        changelog.notes(crlf, "1.1.0")
        == "### Fixed\r\n- Crash when the cache directory is a symlink."
    )


def test_notes_of_unreleased_of_an_empty_section_and_of_a_missing_version() -> None:
    assert changelog.notes(SAMPLE, "Unreleased").startswith("### Added\n- `omi status`")
    assert changelog.notes("## [1.0.0] - 2024-01-01\n\n\n## [0.1.0] - 2023-01-01\n", "1.0.0") == ""
    error = error_of(changelog.notes, SAMPLE, "9.9.9")
    assert "no section for 9.9.9" in error.message


# -- unreleased_changes and is_breaking ------------------------------------------------------------


def test_unreleased_changes_of_the_sample() -> None:
    assert changelog.unreleased_changes(SAMPLE) == {
        "Added": [
            "`omi status` shows how many notes are stored.",
            "`omi init` accepts an existing data directory and leaves it as it is.",
        ],
        "Fixed": ["`omi --version` printed the version of the previous release."],
    }


def test_unreleased_changes_joins_wrapped_lines_and_keeps_custom_categories() -> None:
    changes = changelog.unreleased_changes(KITCHEN_SINK)

    assert changes == {
        "": ["Some free text before the categories, written over two lines."],
        "Added": [
            "`tool sync --dry-run` shows what would change without changing it.",
            "Colour output, with `NO_COLOR` respected.",
            "**Compressed** archives (`.tar.zst`).",
        ],
        "Changed": [
            "The config file moved to `~/.config/tool/config.toml`; the old place still works "
            "and prints a warning. nested detail that belongs to the bullet above"
        ],
        "Testing": ["The suite runs against Python 3.13."],
    }


def test_unreleased_changes_leaves_out_empty_categories_comments_and_separators() -> None:
    text = small("### Added\n\n<!--\n- not this\n-->\n### Fixed\n---\n1. Numbered entry\n")
    assert changelog.unreleased_changes(text) == {"Fixed": ["Numbered entry"]}


def test_unreleased_changes_without_unreleased_or_entries() -> None:
    assert changelog.unreleased_changes("## [1.0.0] - 2024-01-01\n- Old.\n") == {}
    assert changelog.unreleased_changes(changelog.release(SAMPLE, "0.3.0", DAY)) == {}


@pytest.mark.parametrize(
    "entry",
    [
        "- **BREAKING:** the config file moved.",
        "- BREAKING CHANGE: drop Python 3.9.",
        "- Drop Python 3.9 (breaking).",
        "- Breaking: rename `--out`.",
        "- The `--out` option is gone;\n  this is breaking for scripts.",
    ],
)
def test_is_breaking_finds_a_marked_entry(entry: str) -> None:
    assert changelog.is_breaking(small(f"### Changed\n{entry}\n"))


@pytest.mark.parametrize(
    "entry",
    ["- A non-breaking change.", "- Non breaking, too.", "- Faster parsing.", "- Breakingly fast."],
)
def test_is_breaking_ignores_other_entries(entry: str) -> None:
    assert not changelog.is_breaking(small(f"### Changed\n{entry}\n"))


def test_is_breaking_by_category_and_only_in_unreleased() -> None:
    assert changelog.is_breaking(small("### Breaking changes\n- Removed `--out`.\n"))
    assert not changelog.is_breaking(small("### Breaking changes\n"))
    released_breaking = small().replace("- A bug.", "- **BREAKING:** a bug.")
    assert not changelog.is_breaking(released_breaking)
    assert not changelog.is_breaking("# Changelog\n")


# -- release ---------------------------------------------------------------------------------------


def test_release_of_the_sample_edits_exactly_heading_links_and_table() -> None:
    assert changelog.release(SAMPLE, "0.3.0", DAY) == sample_released()


def test_release_of_the_kitchen_sink_keeps_everything_else() -> None:
    assert changelog.release(KITCHEN_SINK, "1.2.0", "2025-04-01") == KITCHEN_SINK_RELEASED


def test_release_twice_is_release_once() -> None:
    once = changelog.release(SAMPLE, "0.3.0", DAY)
    assert changelog.release(once, "0.3.0", DAY) == once
    assert changelog.release(once, "0.3.0", "2027-01-01") == once  # the date written stays


def test_release_of_a_crlf_file_writes_crlf() -> None:
    crlf = SAMPLE.replace("\n", "\r\n")

    released = changelog.release(crlf, "0.3.0", DAY)

    assert released == sample_released().replace("\n", "\r\n")
    assert changelog.release(released, "0.3.0", DAY) == released


def test_release_keeps_a_missing_final_newline() -> None:
    text = SAMPLE.rstrip("\n")
    assert changelog.release(text, "0.3.0", DAY) == sample_released().rstrip("\n")


def test_release_appends_after_a_last_line_without_newline() -> None:
    text = (
        "## [Unreleased]\n- New.\n\n## [0.1.0] - 2024-01-01\n- Old.\n\n"
        f"[Unreleased]: {BASE}/compare/v0.1.0...HEAD\n[0.1.0]: {BASE}/releases/tag/v0.1.0"
    )
    table = (
        "## [Unreleased]\n- New.\n\n## [0.1.0] - 2024-01-01\n- Old.\n\n"
        "## Versions\n\n| Version | Date |\n|---|---|"
    )
    assert changelog.release(table, "0.2.0", DAY) == (
        f"## [Unreleased]\n\n## [0.2.0] - {DAY}\n- New.\n\n## [0.1.0] - 2024-01-01\n- Old.\n\n"
        f"## Versions\n\n| Version | Date |\n|---|---|\n| 0.2.0 | {DAY} |"
    )
    assert changelog.release(text, "0.2.0", DAY).endswith(
        f"[Unreleased]: {BASE}/compare/v0.2.0...HEAD\n"
        f"[0.2.0]: {BASE}/compare/v0.1.0...v0.2.0\n"
        f"[0.1.0]: {BASE}/releases/tag/v0.1.0"
    )


def test_release_keeps_lower_case_unreleased_and_the_compare_target() -> None:
    text = small().replace("[Unreleased]", "[unreleased]").replace("...HEAD", "...main")

    released = changelog.release(text, "0.3.0", DAY)

    assert f"## [unreleased]\n\n## [0.3.0] - {DAY}\n\n### Added\n" in released
    assert (
        f"[unreleased]: {BASE}/compare/v0.3.0...main\n"
        f"[0.3.0]: {BASE}/compare/v0.2.0...v0.3.0\n"
        f"[0.2.0]: {BASE}/compare/v0.1.0...v0.2.0\n"
    ) in released


def test_release_of_pre_releases_and_the_final_after_them() -> None:
    rc = changelog.release(small(), "1.0.0rc1", DAY)
    assert f"## [1.0.0rc1] - {DAY}" in rc
    assert f"[Unreleased]: {BASE}/compare/v1.0.0rc1...HEAD\n" in rc
    assert f"[1.0.0rc1]: {BASE}/compare/v0.2.0...v1.0.0rc1\n" in rc
    assert "rc1rc1" not in rc

    rc = rc.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n- Last fix.\n")
    final = changelog.release(rc, "1.0.0", "2026-11-15")
    assert f"[1.0.0]: {BASE}/compare/v1.0.0rc1...v1.0.0\n" in final
    assert changelog.parse(final)[1].title == "1.0.0"


def test_release_writes_the_version_in_normal_form() -> None:
    released = changelog.release(small(), "v1.0.0-RC.1", DAY)
    assert f"## [1.0.0rc1] - {DAY}" in released and "[1.0.0rc1]: " in released


def test_release_with_a_tag_format() -> None:
    released = changelog.release(small(), "0.3.0", DAY, tag_format="release-{version}")
    assert f"[Unreleased]: {BASE}/compare/release-0.3.0...HEAD\n" in released
    assert f"[0.3.0]: {BASE}/compare/release-0.2.0...release-0.3.0\n" in released


def test_first_release_links_to_its_tag() -> None:
    text = f"# Changelog\n\n## [Unreleased]\n- First.\n\n[Unreleased]: {BASE}/compare/main...HEAD\n"

    released = changelog.release(text, "0.1.0", DAY)

    assert released == (
        f"# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - {DAY}\n- First.\n\n"
        f"[Unreleased]: {BASE}/compare/v0.1.0...HEAD\n[0.1.0]: {BASE}/releases/tag/v0.1.0\n"
    )


def test_release_without_links_or_table_adds_none() -> None:
    text = "## [Unreleased]\n- New.\n\n## [0.1.0] - 2024-01-01\n- Old.\n"
    assert changelog.release(text, "0.2.0", DAY) == (
        f"## [Unreleased]\n\n## [0.2.0] - {DAY}\n- New.\n\n## [0.1.0] - 2024-01-01\n- Old.\n"
    )


def test_release_adds_a_missing_unreleased_link_above_the_others() -> None:
    text = small().replace(f"[Unreleased]: {BASE}/compare/v0.2.0...HEAD\n", "")

    released = changelog.release(text, "0.3.0", DAY)

    assert released.endswith(LINKS_WITH_0_3_0)


def test_release_uses_a_hand_written_dated_section() -> None:
    text = small("").replace(
        "## [0.2.0]", f"## [0.3.0] - {DAY}\n\n### Added\n- Hand-written.\n\n## [0.2.0]"
    )

    released = changelog.release(text, "0.3.0", "2030-01-01")

    assert released == text.replace(
        f"[Unreleased]: {BASE}/compare/v0.2.0...HEAD\n",
        f"[Unreleased]: {BASE}/compare/v0.3.0...HEAD\n[0.3.0]: {BASE}/compare/v0.2.0...v0.3.0\n",
    )


def test_release_fills_the_date_of_a_hand_written_section_without_unreleased() -> None:
    text = small().replace("## [Unreleased]\n\n### Added\n- Something new.\n\n", "")
    text = text.replace("## [0.2.0]", "## [0.3.0]\n\n### Fixed\n- By hand.\n\n## [0.2.0]")

    released = changelog.release(text, "0.3.0", DAY)

    assert f"## [0.3.0] - {DAY}\n\n### Fixed\n- By hand.\n" in released
    assert "## [Unreleased]" not in released
    assert f"[0.3.0]: {BASE}/compare/v0.2.0...v0.3.0\n" in released
    assert changelog.release(released, "0.3.0", DAY) == released


def test_release_completes_a_partly_applied_release() -> None:
    full = changelog.release(SAMPLE, "0.3.0", DAY)
    link = f"[0.3.0]: {BASE}/compare/v0.2.0...v0.3.0\n"
    row = f"| 0.3.0 | {DAY} | `omi status` shows how many notes are stored… |\n"
    old_unreleased = f"[Unreleased]: {BASE}/compare/v0.2.0...HEAD\n"
    new_unreleased = f"[Unreleased]: {BASE}/compare/v0.3.0...HEAD\n"

    assert changelog.release(replace_once(full, link, ""), "0.3.0", DAY) == full
    assert changelog.release(replace_once(full, row, ""), "0.3.0", DAY) == full
    assert (
        changelog.release(replace_once(full, new_unreleased, old_unreleased), "0.3.0", DAY) == full
    )


def test_release_completes_an_older_section_in_version_order() -> None:
    text = changelog.release(small(), "0.3.0", DAY)
    text = replace_once(text, f"[0.2.0]: {BASE}/compare/v0.1.0...v0.2.0\n", "")

    completed = changelog.release(text, "0.2.0", DAY)

    assert completed.endswith(LINKS_WITH_0_3_0)


@pytest.mark.parametrize(
    ("header", "separator", "first_row", "expected"),
    [
        ("| Version | Date |", "|---|---|", "| 0.2.0 | 2024-02-01 |", f"| 0.3.0 | {DAY} |"),
        (
            "| Version | Date | Summary | Notes |",
            "|---|---|---|---|",
            "| 0.2.0 | 2024-02-01 | Fixes | yes |",
            f"| 0.3.0 | {DAY} | Something new | |",
        ),
        (
            "Version | Highlights",
            "--- | ---",
            "0.2.0 | Fixes",
            "0.3.0 | Something new",
        ),
        (
            "| Release | When | What |",
            "|---|---|---|",
            "| `v0.2.0` | 2024-02-01 | Fixes |",
            f"| `v0.3.0` | {DAY} | Something new |",
        ),
        (
            "| Version | Date | Highlights |",
            "|---|---|---|",
            f"| [0.2.0]({BASE}/releases/tag/v0.2.0) | 2024-02-01 | Fixes |",
            f"| [0.3.0]({BASE}/releases/tag/v0.3.0) | {DAY} | Something new |",
        ),
        (
            "| Version | Date | Highlights |",
            "|---|---|---|",
            "| 0.2.0 (yanked) | 2024-02-01 | Fixes |",
            f"| 0.3.0 | {DAY} | Something new |",
        ),
    ],
)
def test_release_adds_a_table_row_in_the_table_style(
    header: str, separator: str, first_row: str, expected: str
) -> None:
    table = f"\n## Version Comparison\n\n{header}\n{separator}\n{first_row}\n"
    text = small(tail=table)

    released = changelog.release(text, "0.3.0", DAY)

    assert f"{separator}\n{expected}\n{first_row}\n" in released


def test_release_adds_the_first_row_of_an_empty_table() -> None:
    text = small(tail="\n## Version Comparison\n\n| Version | Date | Highlights |\n|--|--|--|\n")
    released = changelog.release(text, "0.3.0", DAY)
    assert released.endswith(f"|--|--|--|\n| 0.3.0 | {DAY} | Something new |\n")


def test_table_summary_from_the_argument_escaping_pipes() -> None:
    released = changelog.release(SAMPLE, "0.3.0", DAY, summary="Status | init\nfixes")
    assert f"| 0.3.0 | {DAY} | Status \\| init fixes |\n" in released


def test_table_summary_from_added_subsections() -> None:
    released = changelog.release(KITCHEN_SINK, "1.2.0", DAY)
    assert f"| {DAY} | Command line, Storage | |\n" in released


def test_table_summary_is_cut_at_100_characters_keeping_markdown() -> None:
    bullets = "".join(f"- **Feature {n}** with `code_{n}` and words.\n" for n in range(8))
    text = small(
        f"### Added\n{bullets}",
        tail="\n## Versions\n\n| Version | Date | Highlights |\n|---|---|---|\n",
    )

    released = changelog.release(text, "0.3.0", DAY)

    row = released.rstrip("\n").rsplit("\n", 1)[1]
    summary = row.split(" | ")[2].rstrip(" |")
    assert row.startswith(f"| 0.3.0 | {DAY} | ")
    assert len(summary) <= 100 and summary.endswith("…")
    assert summary.startswith("**Feature 0** with `code_0` and words, **Feature 1** with `code_1`")
    assert summary.count("`") % 2 == 0


def test_table_summary_of_one_long_entry_is_cut_at_a_word() -> None:
    entry = "- The `very` long entry " + "with many words " * 10 + "\n"
    text = small(
        f"### Added\n{entry}", tail="\n## Versions\n\n| Version | Date | Summary |\n|-|-|-|\n"
    )
    row = changelog.release(text, "0.3.0", DAY).rstrip("\n").rsplit("\n", 1)[1]
    summary = row.split(" | ")[2].rstrip(" |")
    assert len(summary) <= 100 and summary.endswith("…")
    kept = summary[:-1]
    assert entry[2:].startswith(kept) and entry[2 + len(kept)] == " "  # cut between words


def test_table_summary_does_not_leave_code_or_bold_open() -> None:
    entry = (
        "- Words "
        + "and more words " * 5
        + "**then a bold part `with code` that goes on and on**\n"
    )
    text = small(f"### Added\n{entry}", tail="\n## Versions\n\n| Version | Date | S |\n|-|-|-|\n")
    row = changelog.release(text, "0.3.0", DAY).rstrip("\n").rsplit("\n", 1)[1]
    summary = row.split(" | ")[2].rstrip(" |")
    assert summary == "Words " + "and more words " * 4 + "and more words…"


def test_table_summary_falls_back_to_other_categories() -> None:
    text = small(
        "### Fixed\n- Crash on start.\n", tail="\n## Versions\n\n| Version | Date | S |\n|-|-|-|\n"
    )
    assert f"| 0.3.0 | {DAY} | Crash on start |\n" in changelog.release(text, "0.3.0", DAY)


def test_release_of_an_empty_unreleased_needs_allow_empty() -> None:
    text = small("")

    error = error_of(changelog.release, text, "0.3.0", DAY)
    assert "empty" in error.message and "--allow-empty" in error.hint
    assert changelog.parse(text)[0].body == "\n\n"

    released = changelog.release(text, "0.3.0", DAY, allow_empty=True)
    assert f"## [Unreleased]\n\n## [0.3.0] - {DAY}\n\n\n## [0.2.0]" in released
    only_headings = small("### Added\n\n### Fixed\n")
    assert "empty" in error_of(changelog.release, only_headings, "0.3.0", DAY).message


def test_release_of_an_unreleased_heading_at_the_end_of_the_file() -> None:
    text = "# Changelog\n\n## [Unreleased]"
    assert changelog.release(text, "0.1.0", DAY, allow_empty=True) == (
        f"# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - {DAY}"
    )


@pytest.mark.parametrize(
    ("text", "version", "date", "in_message"),
    [
        ("## [0.1.0] - 2024-01-01\n- Old.\n", "0.2.0", DAY, "no [Unreleased] section"),
        (small(), "0.2.0", DAY, None),  # already released: fine, see below
        (small(), "0.1.5", DAY, "not newer than [0.2.0]"),
        (small(), "banana", DAY, "'banana' is not a version"),
        (small(), "0.3.0", "2026-02-30", "not a real ISO date"),
        (small(), "0.3.0", "01.11.2026", "not a real ISO date"),
        (small().replace("## [0.2.0] - 2024-02-01", "## [0.2.0]"), "0.3.0", DAY, "has no date"),
        (small().replace("2024-02-01", "2024-02-31"), "0.3.0", DAY, "line 8:"),
    ],
)
def test_release_refuses(text: str, version: str, date: str, in_message: str | None) -> None:
    if in_message is None:
        assert changelog.release(text, version, date) == text
        return
    assert in_message in error_of(changelog.release, text, version, date).message


@pytest.mark.parametrize("tag_format", ["v{}", "v{version}{other}", "plain"])
def test_release_refuses_a_tag_format_without_version(tag_format: str) -> None:
    error = error_of(changelog.release, small(), "0.3.0", DAY, tag_format=tag_format)
    assert "tag format" in error.message and "{version}" in error.hint


def test_release_is_fast_on_a_long_changelog() -> None:
    sections = "".join(
        f"## [{n // 100}.{n // 10 % 10}.{n % 10}] - 2024-01-01\n\n### Fixed\n- Fix {n}.\n\n"
        for n in range(4999, -1, -1)
    )
    text = f"## [Unreleased]\n- New.\n\n{sections}[Unreleased]: {BASE}/compare/v49.9.9...HEAD\n"

    began = time.perf_counter()
    released = changelog.release(text, "50.0.0", DAY)
    elapsed = time.perf_counter() - began

    assert f"[50.0.0]: {BASE}/compare/v49.9.9...v50.0.0\n" in released
    assert elapsed < 1.0, f"release() took {elapsed:.2f}s on 5,000 sections: quadratic work?"


# -- is_released -----------------------------------------------------------------------------------


def test_is_released_needs_section_date_link_and_row() -> None:
    released = sample_released()
    assert changelog.is_released(SAMPLE, "0.2.0")
    assert not changelog.is_released(SAMPLE, "0.3.0")
    assert changelog.is_released(released, "0.3.0")
    assert changelog.is_released(released, "v0.3.0")
    assert not changelog.is_released(
        released.replace(f"[0.3.0]: {BASE}/compare/v0.2.0...v0.3.0\n", ""), "0.3.0"
    )
    assert not changelog.is_released(released.replace(f"| 0.3.0 | {DAY} |", "| 0.2.9 |"), "0.3.0")
    assert not changelog.is_released(released.replace(f"## [0.3.0] - {DAY}", "## [0.3.0]"), "0.3.0")
    assert not changelog.is_released(SAMPLE, "banana")


def test_is_released_without_links_or_table_needs_only_the_dated_section() -> None:
    assert changelog.is_released("## [1.0.0] - 2024-01-01\n", "1.0.0")
    assert not changelog.is_released("## [1.0.0]\n", "1.0.0")


# -- lint ------------------------------------------------------------------------------------------


def test_lint_of_good_files_is_empty() -> None:
    assert changelog.lint(SAMPLE) == []
    assert changelog.lint(KITCHEN_SINK) == []
    assert changelog.lint(KITCHEN_SINK_RELEASED) == ["line 8: the [Unreleased] section is empty"]


def test_lint_lists_every_problem_in_line_order() -> None:
    text = (
        "## [Unreleased]\n- New.\n\n"  # 1
        "## [0.3.0] - 2024-03-01\n- C.\n\n"  # 4
        "## [0.2.0] - 2024-02-30\n- B.\n\n"  # 7
        "## [0.2.5] - 2024-01-15\n- B2.\n\n"  # 10
        "## [0.1.0] - 2024-01-01\n- A.\n\n"  # 13
        f"[Unreleased]: {BASE}/compare/v0.2.0...HEAD\n"  # 16
        f"[0.3.0]: {BASE}/compare/v0.1.0...v0.3.0\n"  # 17
        f"[0.2.5]: {BASE}/compare/v0.1.0...v0.2.5\n"  # 18
        f"[0.1.0]: {BASE}/releases/tag/v0.2.0\n"  # 19
        f"[0.0.1]: {BASE}/releases/tag/v0.0.1\n"  # 20
        f"[0.1.0]: {BASE}/releases/tag/v0.1.0\n"  # 21
    )

    problems = changelog.lint(text)

    assert problems == [
        "line 7: the date '2024-02-30' of '## [0.2.0] - 2024-02-30' does not exist",
        "line 7: [0.2.0] has no link",
        "line 10: [0.2.5] is below [0.2.0] (line 7) but is not older",
        "line 16: the [Unreleased] link compares from v0.2.0, not from the newest release 0.3.0",
        "line 17: link [0.3.0] compares from v0.1.0, not from the previous release 0.2.0",
        "line 19: link [0.1.0] points at v0.2.0, not 0.1.0",
        "line 20: link [0.0.1] has no section",
        "line 21: link [0.1.0] is defined twice (first at line 19)",
    ]


def test_lint_of_unreleased_missing_or_empty_and_links_missing() -> None:
    no_unreleased = "## [1.0.0] - 2024-01-01\n- A.\n"
    assert changelog.lint(no_unreleased) == ["line 1: there is no [Unreleased] section"]
    no_unreleased_link = small().replace(f"[Unreleased]: {BASE}/compare/v0.2.0...HEAD\n", "")
    assert changelog.lint(no_unreleased_link) == ["line 3: there is no [Unreleased] link"]
    assert changelog.lint(small("")) == ["line 3: the [Unreleased] section is empty"]


def test_lint_reports_parse_problems_as_lines() -> None:
    problems = changelog.lint("## [Unreleased]\n- A.\n\n## 1.0.0 (Jan 1)\n- B.\n")
    assert problems == ["line 4: '## 1.0.0 (Jan 1)' is not a release heading"]


# -- mark_yanked -----------------------------------------------------------------------------------


def test_mark_yanked_edits_only_the_heading_and_is_idempotent() -> None:
    yanked = changelog.mark_yanked(SAMPLE, "0.2.0")

    assert yanked == SAMPLE.replace(
        "## [0.2.0] - 2026-10-02\n", "## [0.2.0] - 2026-10-02 [YANKED]\n"
    )
    assert changelog.mark_yanked(yanked, "0.2.0") == yanked
    assert changelog.find(yanked, "0.2.0") == changelog.Section(
        "0.2.0", "0.2.0", "2026-10-02", True, changelog.parse(SAMPLE)[1].body, 17
    )
    assert changelog.lint(yanked) == []


def test_mark_yanked_keeps_crlf_and_trailing_spaces() -> None:
    text = "## [1.0.0] - 2024-01-01  \r\n- A.\r\n"
    assert changelog.mark_yanked(text, "1.0.0") == "## [1.0.0] - 2024-01-01 [YANKED]  \r\n- A.\r\n"


def test_mark_yanked_refuses_unknown_or_unreleased_versions() -> None:
    assert "no section for 9.0.0" in error_of(changelog.mark_yanked, SAMPLE, "9.0.0").message
    error = error_of(changelog.mark_yanked, "## [1.0.0]\n- A.\n", "1.0.0")
    assert "never released" in error.message
