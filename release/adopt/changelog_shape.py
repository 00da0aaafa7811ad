"""Pure: a one-line description of a Keep a Changelog file's own style, for ``init`` to say."""

from __future__ import annotations

import re

from .. import changelog

_HEADING_LINK = re.compile(r"^## \[[^\]\r\n]+\]\(", re.MULTILINE)
_HOSTS = (
    ("/-/compare/", "GitLab links"),
    ("bitbucket.org", "Bitbucket links"),
    ("codeberg.org", "Codeberg links"),
    ("github.com", "GitHub links"),
)


def describe(text: str) -> tuple[str, list[str]]:
    """(``"Keep a Changelog; links in headings, GitHub links, CRLF"``, the review's errors)."""
    traits = []
    if _HEADING_LINK.search(text):
        traits.append("links in headings")
    host = next((name for needle, name in _HOSTS if needle in text), None)
    if host:
        traits.append(host)
    if "\r\n" in text:
        traits.append("CRLF line endings")
    found = changelog.review(text)
    if found.warnings:
        traits.append(f"{len(found.warnings)} warning{'s' if len(found.warnings) != 1 else ''}")
    style = "Keep a Changelog" + (f"; {', '.join(traits)}" if traits else "")
    return style, found.errors
