"""Release version parsing, the bump rules and the Version Decision Matrix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from release.errors import VersionError
from release.version import Scheme, decide, next_version, parse_release_version, scheme_of


@pytest.mark.parametrize(
    "text", ["0.3.0", "1.0.0rc1", "0.4.0.dev2", "1.0.0a1", "1.0.0b2", "1.0.0rc1.dev2", "10.20.30"]
)
def test_normal_release_versions_parse_without_note(text: str) -> None:
    parsed, note = parse_release_version(text)
    assert str(parsed) == text
    assert note is None


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("v0.3.0", "0.3.0"),
        ("1.0.0-rc.1", "1.0.0rc1"),
        ("1.0.0-alpha.1", "1.0.0a1"),
        ("1.0.0-beta.2", "1.0.0b2"),
        ("1.0.0RC1", "1.0.0rc1"),
    ],
)
def test_other_spellings_are_normalised_with_a_note(text: str, normal: str) -> None:
    parsed, note = parse_release_version(text)
    assert str(parsed) == normal
    assert note == f"{text} written as {normal} (PEP 440 normal form)"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0.3", "2 release numbers"),
        ("0.3.0.0", "4 release numbers"),
        ("3", "1 release number,"),
        ("latest", "is not a version"),
        ("", "no version given"),
        ("   ", "no version given"),
        ("../x", "is not a version"),
        ("0.3.0+local", "local segment"),
        ("0.3.0.post1", "post-release"),
        ("1.0.0-1", "post-release"),
        ("1!0.3.0", "epoch"),
        ("0.3.x", "is not a version"),
    ],
)
def test_malformed_versions_are_refused_with_a_hint(text: str, says: str) -> None:
    with pytest.raises(VersionError) as caught:
        parse_release_version(text)
    assert says in caught.value.message
    assert "X.Y.Z" in caught.value.hint
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("current", "rule", "pre", "expected"),
    [
        ("0.3.0", "patch", None, "0.3.1"),
        ("0.3.0", "minor", None, "0.4.0"),
        ("0.3.7", "major", None, "1.0.0"),
        ("1.2.3", "minor", None, "1.3.0"),
        ("0.3.0", "minor", "rc", "0.4.0rc1"),
        ("0.4.0rc1", None, "rc", "0.4.0rc2"),
        ("0.4.0rc2", "minor", None, "0.4.0"),
        ("0.4.0rc2", "patch", None, "0.4.0"),
        ("0.4.0rc2", "major", None, "1.0.0"),
        ("1.0.0rc2", "major", None, "1.0.0"),
        ("0.4.1rc1", "minor", None, "0.5.0"),
        ("0.4.1rc1", "patch", None, "0.4.1"),
        ("0.4.0a3", None, "b", "0.4.0b1"),
        ("0.4.0b1", None, "rc", "0.4.0rc1"),
        ("0.4.0rc1", "minor", "rc", "0.4.0rc2"),
        ("0.4.0.dev2", None, "a", "0.4.0a1"),
        ("0.4.0.dev2", "minor", None, "0.4.0"),
        ("1.0.0rc1.dev3", None, "rc", "1.0.0rc1"),
        ("0.3.0", "major", "a", "1.0.0a1"),
        ("0.2", "patch", None, "0.2.1"),
    ],
)
def test_next_version(current: str, rule: str | None, pre: str | None, expected: str) -> None:
    assert str(next_version(Version(current), rule, pre)) == expected


def test_the_rc_sequence_of_the_brief() -> None:
    steps = [("minor", "rc"), (None, "rc"), ("minor", None)]
    seen = ["0.3.0"]
    for rule, pre in steps:
        seen.append(str(next_version(Version(seen[-1]), rule, pre)))
    assert seen == ["0.3.0", "0.4.0rc1", "0.4.0rc2", "0.4.0"]


def test_pre_release_kind_cannot_go_backwards() -> None:
    with pytest.raises(VersionError) as caught:
        next_version(Version("0.4.0rc1"), None, "b")
    assert "backwards" in caught.value.message
    assert "--pre rc" in caught.value.hint


def test_pre_alone_needs_a_pre_release_to_continue() -> None:
    with pytest.raises(VersionError) as caught:
        next_version(Version("0.3.0"), None, "rc")
    assert "final release" in caught.value.message
    assert "minor --pre rc" in caught.value.hint


@pytest.mark.parametrize(("rule", "pre"), [(None, None), ("huge", None), ("minor", "beta")])
def test_bad_rule_or_kind_is_refused(rule: str | None, pre: str | None) -> None:
    with pytest.raises(VersionError):
        next_version(Version("0.3.0"), rule, pre)


versions = st.builds(
    lambda major, minor, patch, pre: Version(f"{major}.{minor}.{patch}{pre}"),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.sampled_from(["", "a1", "b2", "rc1", "rc3", ".dev1", "rc1.dev2"]),
)


@given(versions, st.sampled_from(["major", "minor", "patch"]), st.sampled_from([None, "a", "rc"]))
def test_a_bump_always_moves_forward_to_a_valid_release_version(
    current: Version, rule: str, pre: str | None
) -> None:
    try:
        bumped = next_version(current, rule, pre)
    except VersionError as error:
        assert "backwards" in error.message and pre == "a"
        return
    assert bumped > current
    assert parse_release_version(str(bumped)) == (bumped, None)


TWO = Scheme(2, "26.4")


@pytest.mark.parametrize(
    ("current", "rule", "pre", "expected"),
    [
        ("26.4", "minor", None, "26.5"),
        ("26.4", "major", None, "27.0"),
        ("26.4", "patch", None, "26.4.1"),
        ("26.4", "minor", "rc", "26.5rc1"),
        ("26.4", "major", "b", "27.0b1"),
        ("26.5rc1", "minor", "rc", "26.5rc2"),
        ("26.5rc1", None, "rc", "26.5rc2"),
        ("26.5rc1", "minor", None, "26.5"),
        ("26.5rc1", "patch", None, "26.5"),
        ("27.0rc1", "major", None, "27.0"),
        ("26.5.dev1", "minor", None, "26.5"),
        ("24.1.1", "minor", None, "24.2"),
        ("24.1.1", "patch", None, "24.1.2"),
        ("24.1.1rc1", "patch", None, "24.1.1"),
    ],
)
def test_next_version_in_two_numbers(
    current: str, rule: str | None, pre: str | None, expected: str
) -> None:
    assert str(next_version(Version(current), rule, pre, TWO)) == expected


@pytest.mark.parametrize("text", ["26.5", "26.5rc1", "26.4.1", "26.5.0"])
def test_two_number_project_releases_x_y_and_x_y_z(text: str) -> None:
    assert str(parse_release_version(text, TWO)[0]) == text


@pytest.mark.parametrize("text", ["26", "26.5.0.1"])
def test_two_number_project_refuses_other_lengths_naming_its_forms(text: str) -> None:
    with pytest.raises(VersionError) as caught:
        parse_release_version(text, TWO)
    assert "not 2 or 3 (X.Y or X.Y.Z)" in caught.value.message
    assert caught.value.hint.startswith("write the version as X.Y (X.Y.Z for a patch release)")


@pytest.mark.parametrize(
    ("seen", "parts", "source"),
    [
        (["26.4", "26.3"], 2, "26.4"),
        (["26.0rc1"], 2, "26.0rc1"),
        (["1.4.0", "1.3"], 3, "1.4.0"),
        (["24.1.1", "24.1", "24.0.9"], 2, "24.1"),
        (["1.2.3", "1.2.0"], 3, "1.2.0"),
        (["1.2.3"], 3, "the default"),
        (["5", "1.2.3.4"], 3, "the default"),
        ([], 3, "the default"),
    ],
)
def test_the_scheme_is_the_first_version_that_is_not_a_patch_release(
    seen: list[str], parts: int, source: str
) -> None:
    assert scheme_of((Version(text), text) for text in seen) == Scheme(parts, source)


two_number_versions = st.builds(
    lambda major, minor, pre: Version(f"{major}.{minor}{pre}"),
    st.integers(0, 30),
    st.integers(0, 30),
    st.sampled_from(["", "a1", "b2", "rc1", ".dev1", "rc1.dev2"]),
)


@given(
    two_number_versions,
    st.sampled_from(["major", "minor", "patch"]),
    st.sampled_from([None, "a", "rc"]),
)
def test_a_two_number_bump_moves_forward_keeping_x_y_but_for_patch(
    current: Version, rule: str, pre: str | None
) -> None:
    try:
        bumped = next_version(current, rule, pre, TWO)
    except VersionError as error:
        assert "backwards" in error.message and pre == "a"
        return
    assert bumped > current
    assert parse_release_version(str(bumped), TWO) == (bumped, None)
    if rule != "patch" or current.is_prerelease:
        assert len(bumped.release) == 2


def _changes(**categories: list[str]) -> dict[str, list[str]]:
    return dict(categories)


@pytest.mark.parametrize(
    ("changes", "breaking", "current", "major_on_zero", "expected"),
    [
        (_changes(Removed=["old flag"]), False, "1.2.3", False, "major"),
        (_changes(Fixed=["x"]), True, "1.2.3", False, "major"),
        (_changes(Removed=["old flag"]), False, "0.2.0", False, "minor"),
        (_changes(Fixed=["x"]), True, "0.2.0", False, "minor"),
        (_changes(Removed=["old flag"]), False, "0.2.0", True, "major"),
        (_changes(Added=["a"], Fixed=["b"]), False, "1.2.3", False, "minor"),
        (_changes(Added=["a"]), False, "0.2.0", False, "minor"),
        (_changes(Fixed=["b"]), False, "1.2.3", False, "patch"),
        (_changes(Security=["cve"]), False, "1.2.3", False, "patch"),
        (_changes(Changed=["c"]), False, "1.2.3", False, "patch"),
        (_changes(Deprecated=["d"]), False, "1.2.3", False, "patch"),
        (_changes(Documentation=["typo"], Fixed=["b"]), False, "1.2.3", False, "patch"),
        (_changes(Documentation=["typo"]), False, "1.2.3", False, None),
        (_changes(Docs=["typo"]), False, "1.2.3", False, None),
        (_changes(Added=[], Fixed=[]), False, "1.2.3", False, None),
        ({}, False, "1.2.3", False, None),
        ({"added": ["lower case"]}, False, "1.2.3", False, "minor"),
    ],
)
def test_decision_matrix(
    changes: dict[str, list[str]],
    breaking: bool,
    current: str,
    major_on_zero: bool,
    expected: str | None,
) -> None:
    assert decide(changes, breaking, Version(current), major_on_zero) == expected
