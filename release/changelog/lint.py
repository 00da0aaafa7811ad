"""Every problem of a CHANGELOG, as sentences naming the line.

Pure.
"""

from __future__ import annotations

from typing import NamedTuple

from .body import has_content
from .links import link_problems
from .parse import Doc, Problem


class Review(NamedTuple):
    """The problems of a CHANGELOG as "line N: what is wrong" sentences."""

    errors: list[str]  # the file is wrong: release-check fails
    warnings: list[str]  # worth fixing, never a reason to refuse (an older release without link)


def review(text: str) -> Review:
    """Every problem found, errors apart from warnings."""
    problems = _problems(text)
    return Review(
        [f"line {item.line}: {item.message}" for item in problems if not item.warning],
        [f"line {item.line}: {item.message}" for item in problems if item.warning],
    )


def unreadable(text: str) -> Problem | None:
    """What stops ``bump`` from editing the file whatever version it releases (what its reader,
    :class:`Doc`, refuses first), or a file without one Keep a Changelog section to promote;
    None when bump can edit it."""
    doc = Doc(text)
    if doc.problems:
        return min(doc.problems, key=lambda problem: problem.line)
    if not doc.sections:
        return Problem(
            1,
            "no '## [Unreleased]' or '## [X.Y.Z] - YYYY-MM-DD' heading (Keep a Changelog) to edit",
            "add '## [Unreleased]' with the changes above the releases, each release headed "
            "'## [X.Y.Z] - YYYY-MM-DD'",
        )
    return None


def lint(text: str) -> list[str]:
    """Every problem found (errors and warnings), as "line N: what is wrong" sentences; [] when
    the file is fine."""
    return [f"line {problem.line}: {problem.message}" for problem in _problems(text)]


def _problems(text: str) -> list[Problem]:
    doc = Doc(text)
    problems = list(doc.problems)
    problems += _unreleased_problems(doc)
    problems += link_problems(doc)
    problems.sort(key=lambda problem: problem.line)
    return problems


def _unreleased_problems(doc: Doc) -> list[Problem]:
    unreleased = doc.unreleased()
    if unreleased is None:
        first = doc.sections[0].head.line if doc.sections else 1
        return [Problem(first, "there is no [Unreleased] section", "")]
    if not has_content(doc.body(unreleased)):
        # Right after a release it is: a warning (bump refuses to release an empty one).
        empty = "the [Unreleased] section is empty"
        return [Problem(unreleased.head.line, empty, "", warning=True)]
    return []
