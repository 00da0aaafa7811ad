"""Every problem of a CHANGELOG, as sentences naming the line.

Pure.
"""

from __future__ import annotations

from .body import has_content
from .links import link_problems
from .parse import Doc, Problem


def lint(text: str) -> list[str]:
    """Every problem found, as "line N: what is wrong" sentences; [] when the file is fine."""
    doc = Doc(text)
    problems = list(doc.problems)
    problems += _unreleased_problems(doc)
    if doc.links:
        problems += link_problems(doc)
    problems.sort(key=lambda problem: problem.line)
    return [f"line {problem.line}: {problem.message}" for problem in problems]


def _unreleased_problems(doc: Doc) -> list[Problem]:
    unreleased = doc.unreleased()
    if unreleased is None:
        first = doc.sections[0].head.line if doc.sections else 1
        return [Problem(first, "there is no [Unreleased] section", "")]
    if not has_content(doc.body(unreleased)):
        return [Problem(unreleased.head.line, "the [Unreleased] section is empty", "")]
    return []
