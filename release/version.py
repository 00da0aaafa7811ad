"""Release versions: parsing, the bump rules and the Version Decision Matrix.

Pure functions over :class:`packaging.version.Version`; nothing here reads files or runs tools.
A release version is ``X.Y.Z`` with an optional pre-release (``a``/``b``/``rc``) and an optional
``.devN`` segment; a project whose versions have two release numbers (packaging's ``26.4``, pip's
``24.2``: its :class:`Scheme`) releases ``X.Y`` as well, and writes a patch release ``X.Y.Z``.
Epochs, post-releases and local versions are refused: they are not something a release made by
bumping should ever produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from packaging.version import InvalidVersion, Version

from .errors import VersionError

RULES = ("major", "minor", "patch")
PRE_KINDS = ("a", "b", "rc")

_FORM_HINT = "write the version as X.Y.Z, optionally with a pre-release: 1.4.0, 1.4.0rc1, 1.4.0b2"
_TWO_HINT = (
    "write the version as X.Y (X.Y.Z for a patch release), optionally with a pre-release: "
    "26.5, 26.5rc1, 26.4.1"
)

# Changelog categories (Keep a Changelog) and the part of the version each one bumps.
_MINOR_CATEGORIES = frozenset({"added"})
_MAJOR_CATEGORIES = frozenset({"removed"})
_DOC_CATEGORIES = frozenset({"documentation", "docs", "doc"})


@dataclass(frozen=True)
class Scheme:
    """How many release numbers a project writes: 3 (``1.4.0``) or 2 (``26.4``; a patch release
    there is ``26.4.1``), and the version that showed it."""

    parts: int = 3
    source: str = "the default"

    def describe(self) -> str:
        return f"version scheme: {self.parts} release numbers (from {self.source})"


THREE = Scheme()


def scheme_of(versions: Iterable[tuple[Version, str]]) -> Scheme:
    """The scheme of a project's ``versions`` (each with where it was seen), the current one first,
    then the others newest first. The first that is not a patch release decides: ``X.Y`` -> 2,
    ``X.Y.0`` -> 3; a patch release (``X.Y.Z``, Z > 0) is written the same in both and says
    nothing, nor does a version of one or four numbers. Nothing decides -> 3."""
    for parsed, where in versions:
        if len(parsed.release) == 2:
            return Scheme(2, where)
        if len(parsed.release) == 3 and parsed.micro == 0:
            return Scheme(3, where)
    return THREE


def same_version(found: str, expected: str) -> bool:
    """Equal as PEP 440 versions (``1.0rc1`` == ``1.0.0-rc1``), else as strings."""
    try:
        return Version(found) == Version(expected)
    except InvalidVersion:
        return found.strip() == expected.strip()


def parse_release_version(text: str, scheme: Scheme = THREE) -> tuple[Version, str | None]:
    """The release version ``text`` names, and a note when it was not written in normal form.

    ``v0.3.0`` and SemVer's ``1.0.0-rc.1`` are accepted and normalised (``0.3.0``, ``1.0.0rc1``);
    the note says so, because the tag and the files will carry the normal form. ``X.Y.Z`` is
    always a release version; ``X.Y`` only in a project of two release numbers (``scheme``).
    """
    stripped = text.strip()
    if not stripped:
        raise VersionError("no version given", _FORM_HINT)
    try:
        parsed = Version(stripped)
    except InvalidVersion:
        raise VersionError(f"'{text}' is not a version", _FORM_HINT) from None
    _check_release_form(text, parsed, scheme)
    normal = str(parsed)
    note = None
    if normal != stripped:
        note = f"{stripped} written as {normal} (PEP 440 normal form)"
    return parsed, note


def _check_release_form(text: str, parsed: Version, scheme: Scheme) -> None:
    allowed = (2, 3) if scheme.parts == 2 else (3,)
    form, hint = ("X.Y.Z", _FORM_HINT) if scheme.parts == 3 else ("X.Y or X.Y.Z", _TWO_HINT)
    problem = None
    if parsed.epoch != 0:
        problem = f"has an epoch ({parsed.epoch}!)"
    elif parsed.local is not None:
        problem = f"has a local segment (+{parsed.local})"
    elif parsed.post is not None:
        problem = f"is a post-release (.post{parsed.post})"
    elif len(parsed.release) not in allowed:
        parts = len(parsed.release)
        expected = " or ".join(map(str, allowed))
        problem = f"has {parts} release number{'s' if parts != 1 else ''}, not {expected} ({form})"
    if problem is not None:
        raise VersionError(f"'{text}' {problem}; a release version is {form}", hint)


def parse_current_version(text: str, where: str) -> Version:
    """The version a project has now; any PEP 440 version is accepted (it was released already)."""
    try:
        return Version(text.strip())
    except InvalidVersion:
        raise VersionError(
            f"the current version '{text}' in {where} is not a PEP 440 version",
            f"correct it in {where}: it must be a PEP 440 version such as 0.2.0",
        ) from None


def next_patch(version: Version | str) -> str:
    """X.Y.(Z+1): the release that follows X.Y.Z when X.Y.Z cannot be used (again)."""
    v = version if isinstance(version, Version) else Version(version)
    return f"{v.major}.{v.minor}.{v.micro + 1}"


def next_version(
    current: Version, rule: str | None, pre: str | None, scheme: Scheme = THREE
) -> Version:
    """The version after ``current`` under ``rule`` (major/minor/patch) and/or ``pre`` (a/b/rc).

    On a pre-release, a rule whose release is the one being prepared finishes it
    (``0.4.0rc2`` + minor or patch -> ``0.4.0``); with ``pre`` it advances the pre-release
    (``0.4.0rc1`` + ``--pre rc`` -> ``0.4.0rc2``) and refuses to go backwards (``--pre b``).
    In a scheme of two numbers, major and minor make ``X.Y`` (``26.4`` -> ``27.0``, ``26.5``) and
    patch adds the third number (``26.4.1``), as such projects write their patch releases.
    """
    if rule is not None and rule not in RULES:
        raise VersionError(f"unknown bump rule '{rule}'", "use one of: major, minor, patch")
    if pre is not None and pre not in PRE_KINDS:
        raise VersionError(f"unknown pre-release kind '{pre}'", "use one of: a, b, rc")
    if rule is None and pre is None:
        raise VersionError(
            "no version, rule or pre-release kind given",
            "give a version (0.3.0), a rule (major, minor, patch, auto) or --pre rc",
        )
    if rule is None:
        if not _is_prerelease(current):
            raise VersionError(
                f"--pre {pre} alone needs a pre-release to continue, and {current} is a final release",
                f"say which part to bump as well, for example: minor --pre {pre}",
            )
        target = _release_of(current, scheme)
    else:
        target = _target_release(current, rule, scheme)
    if pre is None:
        return target
    if _release_of(current, scheme) == target:
        return _advance_prerelease(current, pre, scheme)
    return Version(f"{target}{pre}1")


def _is_prerelease(version: Version) -> bool:
    return version.pre is not None or version.dev is not None


def _release_of(version: Version, scheme: Scheme) -> Version:
    """The final release ``version`` is (a pre-release) of, in the scheme's numbers; a patch
    release keeps its three."""
    major, minor, patch = _three(version)
    if scheme.parts == 2 and len(version.release) < 3:
        return Version(f"{major}.{minor}")
    return Version(f"{major}.{minor}.{patch}")


def _three(version: Version) -> tuple[int, int, int]:
    padded = (tuple(version.release) + (0, 0, 0))[:3]
    return padded[0], padded[1], padded[2]


def _target_release(current: Version, rule: str, scheme: Scheme) -> Version:
    """The final release ``rule`` leads to; a pre-release of that very release is finished."""
    major, minor, patch = _three(current)
    if _is_prerelease(current) and len(current.release) <= 3:
        finishes = {
            "patch": True,
            "minor": patch == 0,
            "major": minor == 0 and patch == 0,
        }
        if finishes[rule]:
            return _release_of(current, scheme)
    zero = "" if scheme.parts == 2 else ".0"
    if rule == "major":
        return Version(f"{major + 1}.0{zero}")
    if rule == "minor":
        return Version(f"{major}.{minor + 1}{zero}")
    return Version(f"{major}.{minor}.{patch + 1}")


def _advance_prerelease(current: Version, pre: str, scheme: Scheme) -> Version:
    """The next pre-release of ``current``'s release: same kind +1, a later kind from 1."""
    release = _release_of(current, scheme)
    if current.pre is None:  # a .devN of the final release: any pre-release comes after it
        return Version(f"{release}{pre}1")
    kind, number = current.pre
    if PRE_KINDS.index(pre) < PRE_KINDS.index(kind):
        raise VersionError(
            f"--pre {pre} after {current} would go backwards ({release}{pre}1 < {current})",
            f"use --pre {kind} for the next {kind}, or a rule without --pre to finish {release}",
        )
    if pre != kind:
        return Version(f"{release}{pre}1")
    if current.dev is not None:  # 1.0.0rc1.dev3 -> 1.0.0rc1
        return Version(f"{release}{kind}{number}")
    return Version(f"{release}{kind}{number + 1}")


def decide(
    changes: Mapping[str, list[str]], breaking: bool, current: Version, major_on_zero: bool
) -> str | None:
    """The Version Decision Matrix: which part of ``current`` the Unreleased changes bump.

    Removed or breaking -> major (below 1.0.0: minor, unless ``major_on_zero``); Added -> minor;
    any other category with entries (Fixed, Security, Changed, Deprecated, ...) -> patch;
    only documentation entries, or nothing -> None (no release needed).
    """
    categories = {name.strip().lower() for name, entries in changes.items() if entries}
    if breaking or categories & _MAJOR_CATEGORIES:
        if current.major == 0 and not major_on_zero:
            return "minor"
        return "major"
    if categories & _MINOR_CATEGORIES:
        return "minor"
    if categories - _DOC_CATEGORIES:
        return "patch"
    return None
