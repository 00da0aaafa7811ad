"""The CHANGELOG dialects nox-release reads and edits in their own style (release/changelog/).

Each test releases a file written in one dialect and checks the exact lines that change: every
other byte stays, and the new lines are written the way the file writes its own.
"""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from release import changelog
from release.errors import ChangelogError

DAY = "2025-02-02"


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines ``after`` removed from and added to ``before`` (line breaks kept)."""
    removed: list[str] = []
    added: list[str] = []
    for line in difflib.ndiff(before.splitlines(True), after.splitlines(True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


HEADING_LINKS = """\
# Changelog

## [Unreleased](https://github.com/o/r/compare/1.2.0...HEAD)

### Added
- A new thing.

## [1.2.0](https://github.com/o/r/compare/1.1.0...1.2.0) - 2025-01-31

### Fixed
- A bug.

## [1.1.0](https://github.com/o/r/releases/tag/1.1.0) - 2024-12-01

- The first release.
"""


def test_compare_links_inside_headings_are_moved_on_and_the_new_heading_gets_one() -> None:
    released = changelog.release(HEADING_LINKS, "1.3.0", DAY, tag_format="{version}")

    removed, added = changed_lines(HEADING_LINKS, released)
    assert removed == ["## [Unreleased](https://github.com/o/r/compare/1.2.0...HEAD)\n"]
    assert added == [
        "## [Unreleased](https://github.com/o/r/compare/1.3.0...HEAD)\n",
        "\n",
        "## [1.3.0](https://github.com/o/r/compare/1.2.0...1.3.0) - 2025-02-02\n",
    ]
    assert changelog.notes(released, "1.3.0") == "### Added\n- A new thing."
    assert changelog.review(released).errors == []
    assert changelog.release(released, "1.3.0", DAY, tag_format="{version}") == released


def test_a_heading_link_naming_the_wrong_tag_is_an_error() -> None:
    wrong = HEADING_LINKS.replace("compare/1.1.0...1.2.0", "compare/1.0.0...1.2.0")
    assert changelog.review(wrong).errors == [
        "line 8: link [1.2.0] compares from 1.0.0, not from the previous release 1.1.0"
    ]


@pytest.mark.parametrize(
    ("unreleased", "release_heading", "expected"),
    [
        ("## Unreleased", "## 1.2.0 - 2025-01-31", "## 1.3.0 - 2025-02-02"),
        ("## [UNRELEASED]", "## [1.2.0] - 2025-01-31", "## [1.3.0] - 2025-02-02"),
        ("## [unreleased]", "## [v1.2.0] - 2025-01-31", "## [v1.3.0] - 2025-02-02"),
        ("## [Unreleased]", "## [1.2.0] \u2013 2025-01-31", "## [1.3.0] \u2013 2025-02-02"),
        ("## Unreleased", "## v1.2.0 - 2025-01-31", "## v1.3.0 - 2025-02-02"),
    ],
)
def test_headings_are_written_in_the_style_of_the_file(
    unreleased: str, release_heading: str, expected: str
) -> None:
    text = f"# Changelog\n\n{unreleased}\n\n- New.\n\n{release_heading}\n\n- Old.\n"

    released = changelog.release(text, "1.3.0", DAY)

    removed, added = changed_lines(text, released)
    assert (removed, added) == ([], ["\n", f"{expected}\n"])
    assert [s.title for s in changelog.parse(released)][0] == "Unreleased"
    assert changelog.find(released, "1.3.0") is not None
    assert changelog.release(released, "1.3.0", DAY) == released


FORGES = {
    "gitlab": (
        "https://gitlab.com/g/p/-/compare/v1.2.0...HEAD",
        "https://gitlab.com/g/p/-/compare/v1.1.0...v1.2.0",
        "https://gitlab.com/g/p/-/compare/v1.3.0...HEAD",
        "https://gitlab.com/g/p/-/compare/v1.2.0...v1.3.0",
    ),
    "bitbucket": (
        "https://bitbucket.org/o/r/branches/compare/HEAD%0Dv1.2.0",
        "https://bitbucket.org/o/r/branches/compare/v1.2.0%0Dv1.1.0#diff",
        "https://bitbucket.org/o/r/branches/compare/HEAD%0Dv1.3.0",
        "https://bitbucket.org/o/r/branches/compare/v1.3.0%0Dv1.2.0#diff",
    ),
    "codeberg": (
        "https://codeberg.org/o/r/compare/v1.2.0...HEAD",
        "https://codeberg.org/o/r/compare/v1.1.0...v1.2.0",
        "https://codeberg.org/o/r/compare/v1.3.0...HEAD",
        "https://codeberg.org/o/r/compare/v1.2.0...v1.3.0",
    ),
    "gitea": (
        "https://gitea.example.org/o/r/compare/v1.2.0..HEAD",
        "https://gitea.example.org/o/r/compare/v1.1.0..v1.2.0",
        "https://gitea.example.org/o/r/compare/v1.3.0..HEAD",
        "https://gitea.example.org/o/r/compare/v1.2.0..v1.3.0",
    ),
}


@pytest.mark.parametrize("forge", sorted(FORGES))
def test_bottom_links_keep_each_forges_shape(forge: str) -> None:
    unreleased, v120, moved, v130 = FORGES[forge]
    text = (
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.2.0] - 2025-01-31\n\n- Old.\n\n"
        "## [1.1.0] - 2024-12-01\n\n- Older.\n\n"
        f"[Unreleased]: {unreleased}\n[1.2.0]: {v120}\n"
    )

    released = changelog.release(text, "1.3.0", DAY)

    removed, added = changed_lines(text, released)
    assert removed == [f"[Unreleased]: {unreleased}\n"]
    assert added == [
        "\n",
        "## [1.3.0] - 2025-02-02\n",
        f"[Unreleased]: {moved}\n",
        f"[1.3.0]: {v130}\n",
    ]
    # [1.1.0] has no link: a warning, and it did not stop the release.
    assert changelog.review(released) == changelog.Review(
        errors=[],
        warnings=["line 3: the [Unreleased] section is empty", "line 13: [1.1.0] has no link"],
    )


@pytest.mark.parametrize(
    ("unreleased_link", "moved", "first"),
    [
        (
            "https://github.com/o/r/commits/main",
            "https://github.com/o/r/compare/v0.1.0...HEAD",
            "https://github.com/o/r/commits/v0.1.0",
        ),
        (
            "https://gitlab.com/g/p/-/commits/main",
            "https://gitlab.com/g/p/-/compare/v0.1.0...HEAD",
            "https://gitlab.com/g/p/-/commits/v0.1.0",
        ),
        (
            "https://github.com/o/r/compare/v0.0.0...HEAD",
            "https://github.com/o/r/compare/v0.1.0...HEAD",
            "https://github.com/o/r/releases/tag/v0.1.0",
        ),
    ],
)
def test_a_first_release_gets_a_link_in_the_files_style(
    unreleased_link: str, moved: str, first: str
) -> None:
    text = f"# Changelog\n\n## [Unreleased]\n\n- First.\n\n[Unreleased]: {unreleased_link}\n"

    released = changelog.release(text, "0.1.0", DAY)

    assert released.endswith(f"[Unreleased]: {moved}\n[0.1.0]: {first}\n")
    assert changelog.review(released).errors == []


def test_a_first_release_in_a_file_that_links_in_headings() -> None:
    text = "# Changelog\n\n## [Unreleased](https://github.com/o/r/commits/main)\n\n- First.\n"

    released = changelog.release(text, "0.1.0", DAY)

    assert released == (
        "# Changelog\n\n## [Unreleased](https://github.com/o/r/compare/v0.1.0...HEAD)\n\n"
        "## [0.1.0](https://github.com/o/r/commits/v0.1.0) - 2025-02-02\n\n- First.\n"
    )


def test_crlf_files_keep_crlf_in_every_new_line() -> None:
    text = HEADING_LINKS.replace("\n", "\r\n")

    released = changelog.release(text, "1.3.0", DAY, tag_format="{version}")

    assert released.count("\n") == released.count("\r\n")
    assert released.replace("\r\n", "\n") == changelog.release(
        HEADING_LINKS, "1.3.0", DAY, tag_format="{version}"
    )


@pytest.mark.parametrize(
    ("heading", "hint"),
    [
        ("## 0.28.1 (6th December, 2024)", "## [0.28.1] - YYYY-MM-DD"),
        ("## Version 2.0 - 2024-01-01", "## [Unreleased]"),
        ("## [1.1.0](https://github.com/o/r/compare/1.0.0...1.1.0) (2024-01-01)", "' - '"),
    ],
)
def test_headings_that_are_not_keep_a_changelog_are_refused_naming_the_first(
    heading: str, hint: str
) -> None:
    text = f"# Changelog\n\n## Unreleased\n\n- New.\n\n{heading}\n\n- Old.\n\n## 0.1 (later)\n"

    with pytest.raises(ChangelogError) as caught:
        changelog.release(text, "3.0.0", DAY)

    assert caught.value.exit_code == 2
    assert caught.value.message.startswith(f"CHANGELOG line 7: '{heading}'")
    assert hint in caught.value.hint


def test_heading_links_to_one_ref_each_stay_one_ref() -> None:
    """attrs-style: releases link their own tree, Unreleased compares: the new release links its
    own tree too."""
    text = (
        "## [Unreleased](https://github.com/o/r/compare/25.1.0...HEAD)\n\n- New.\n\n"
        "## [25.1.0](https://github.com/o/r/tree/25.1.0) - 2025-01-25\n\n- A.\n\n"
        "## [24.3.0](https://github.com/o/r/tree/24.3.0) - 2024-12-16\n\n- B.\n"
    )

    released = changelog.release(text, "25.2.0", DAY, tag_format="{version}")

    assert released.startswith(
        "## [Unreleased](https://github.com/o/r/compare/25.2.0...HEAD)\n\n"
        "## [25.2.0](https://github.com/o/r/tree/25.2.0) - 2025-02-02\n\n- New.\n"
    )
    assert changelog.review(released).errors == []


# -- every dialect, generated ----------------------------------------------------------------------

FORGE_LINKS = {
    # forge: (compare old...new, first release, Unreleased from a tag)
    "github": ("{root}/compare/{old}...{new}", "{root}/releases/tag/{new}", "HEAD"),
    "gitlab": ("{root}/-/compare/{old}...{new}", "{root}/-/tags/{new}", "HEAD"),
    "bitbucket": ("{root}/branches/compare/{new}%0D{old}", "{root}/src/{new}", "HEAD"),
    "codeberg": ("{root}/compare/{old}...{new}", "{root}/releases/tag/{new}", "main"),
}
ROOTS = {
    "github": "https://github.com/o/r",
    "gitlab": "https://gitlab.com/g/sub/p",
    "bitbucket": "https://bitbucket.org/o/r",
    "codeberg": "https://codeberg.org/o/r",
}


@st.composite
def dialect_files(draw: st.DrawFn) -> tuple[str, str, str]:
    """(a CHANGELOG in a random dialect with 1-6 releases, its next version, the expected heading)."""
    bracketed = draw(st.booleans())
    v = draw(st.sampled_from(["", "v"]))
    sep = draw(st.sampled_from(["-", "\u2013"]))
    label = draw(st.sampled_from(["Unreleased", "UNRELEASED", "unreleased"]))
    links = draw(st.sampled_from(["none", "bottom", "heading"]))
    forge = draw(st.sampled_from(sorted(FORGE_LINKS)))
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    count = draw(st.integers(min_value=1, max_value=6))
    versions = [f"{major}.0.0" for major in range(count, 0, -1)]
    compare, first, head = FORGE_LINKS[forge]
    root = ROOTS[forge]

    def url(index: int) -> str:
        new = "v" + versions[index]
        if index + 1 == len(versions):
            return first.format(root=root, new=new)
        return compare.format(root=root, old="v" + versions[index + 1], new=new)

    unreleased_url = compare.format(root=root, old="v" + versions[0], new=head)
    if links == "heading" or bracketed:
        top = f"[{label}]" if links != "heading" else f"[{label}]({unreleased_url})"
    else:
        top = label
    lines = ["# Changelog", "", f"## {top}", "", "### Added", "", "- Something new.", ""]
    for index, version in enumerate(versions):
        title = v + version
        heading = f"[{title}]" if bracketed or links == "heading" else title
        if links == "heading":
            heading += f"({url(index)})"
        lines += [f"## {heading} {sep} 2024-0{index % 9 + 1}-01", "", f"- Change {version}.", ""]
    if links == "bottom":
        lines.append(f"[{label}]: {unreleased_url}")
        lines += [f"[{v}{version}]: {url(index)}" for index, version in enumerate(versions)]
    text = nl.join(lines) + nl
    new = f"{count + 1}.0.0"
    title = v + new
    heading = f"[{title}]" if bracketed or links == "heading" else title
    if links == "heading":
        heading += f"({compare.format(root=root, old='v' + versions[0], new='v' + new)})"
    return text, new, f"## {heading} {sep} {DAY}"


@settings(max_examples=150, deadline=None)
@given(dialect_files())
def test_every_generated_dialect_is_released_in_its_own_style(case: tuple[str, str, str]) -> None:
    text, version, heading = case
    nl = "\r\n" if "\r\n" in text else "\n"

    released = changelog.release(text, version, DAY)

    removed, added = changed_lines(text, released)
    assert f"{heading}{nl}" in added
    assert len(removed) <= 1 and len(added) <= 4  # the Unreleased link, heading, blank, link
    if nl == "\r\n":
        assert "\n" not in released.replace("\r\n", "")
    assert changelog.review(released).errors == []
    assert changelog.notes(released, version) == f"### Added{nl}{nl}- Something new."
    assert changelog.release(released, version, DAY) == released


def test_towncrier_sections_are_read_in_markdown_and_rst() -> None:
    from release.changelog import towncrier

    rst = (
        "Changelog\n=========\n\n.. towncrier release notes start\n\n"
        "proj 1.3.0 (2025-02-02)\n=======================\n\nFeatures\n--------\n\n"
        "- New thing. (#12)\n\n\nproj 1.2.0 (2025-01-31)\n=======================\n\n"
        "Bugfixes\n--------\n\n- Old fix.\n"
    )
    markdown = (
        "# Changelog\n\n<!-- towncrier release notes start -->\n\n"
        "## [1.3.0](https://github.com/o/r/tree/1.3.0) - 2025-02-02\n\n### Added\n\n- New.\n\n"
        "## [1.2.0](https://github.com/o/r/tree/1.2.0) - 2025-01-31\n\n### Fixed\n\n- Old.\n"
    )

    assert towncrier.versions(rst) == ["1.3.0", "1.2.0"]
    assert towncrier.section(rst, "1.3.0") == "Features\n--------\n\n- New thing. (#12)"
    assert towncrier.section(rst, "1.2.0") == "Bugfixes\n--------\n\n- Old fix."
    assert towncrier.versions(markdown) == ["1.3.0", "1.2.0"]
    assert towncrier.section(markdown, "1.3") == "### Added\n\n- New."
    assert towncrier.section(markdown, "1.1.0") is None
