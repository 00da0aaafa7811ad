"""Pure: the tag format a project uses, read from its existing tags, and tags read as versions.

A version tag is a prefix followed by a version that ``packaging`` parses and that has at least
``X.Y`` (``v1.2.0``, ``1.2.0``, ``release-1.2.0``); other tags (``nightly``, ``v1``) say nothing
about the format. Tags with more than one prefix are ambiguous: the user must say which is theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from packaging.version import InvalidVersion, Version

from ..errors import ConfigError

DEFAULT_FORMAT = "v{version}"
_VERSION_TAG = re.compile(r"^(?P<prefix>[A-Za-z_./-]*?)(?P<version>\d+\.\d+[0-9A-Za-z.+!-]*)$")


@dataclass(frozen=True)
class TagFormat:
    """The tag format in force and where it came from (said by ``versions`` and ``init``)."""

    format: str
    origin: str  # e.g. "set in [tool.release]", "inferred from tags v1.0.0, v1.1.0", "default"


def infer(tags: Iterable[str]) -> TagFormat:
    """The format the version tags share; the default when there are none; ConfigError when
    they use several prefixes."""
    by_prefix: dict[str, list[tuple[Version, str]]] = {}
    for tag in tags:
        match = _VERSION_TAG.match(tag)
        if match is None:
            continue
        try:
            parsed = Version(match["version"])
        except InvalidVersion:
            continue
        by_prefix.setdefault(match["prefix"], []).append((parsed, tag))
    if not by_prefix:
        return TagFormat(DEFAULT_FORMAT, "default: no version tags yet")
    if len(by_prefix) > 1:
        examples = ", ".join(max(found)[1] for found in by_prefix.values())
        formats = " or ".join(f'"{prefix}{{version}}"' for prefix in sorted(by_prefix))
        raise ConfigError(
            f"the tags use more than one format ({examples}): cannot tell which is the release tag",
            f"set tag-format = {formats} in [tool.release]",
        )
    ((prefix, found),) = by_prefix.items()
    newest = [tag for _, tag in sorted(found, reverse=True)[:2]]
    more = f" and {len(found) - len(newest)} more" if len(found) > len(newest) else ""
    return TagFormat(f"{prefix}{{version}}", f"inferred from tags {', '.join(newest)}{more}")


def version_of(tag_format: str, tag: str) -> Version | None:
    """The version ``tag`` names under ``tag_format``, or None when it is not such a tag."""
    before, _, after = tag_format.partition("{version}")
    if not tag.startswith(before) or not tag.endswith(after) or len(tag) <= len(before + after):
        return None
    text = tag[len(before) : len(tag) - len(after)]
    if not text[0].isdigit():  # packaging would read "v1.2.0" as 1.2.0: not under "{version}"
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def last_tag(
    tag_format: str, tags: Iterable[str], below: Version | None = None
) -> tuple[str, Version] | None:
    """The tag of the highest version (below ``below``, if given), with that version; None when
    no tag is such a version tag."""
    found = [
        (parsed, tag)
        for tag in tags
        if (parsed := version_of(tag_format, tag)) is not None and (below is None or parsed < below)
    ]
    if not found:
        return None
    parsed, tag = max(found)
    return tag, parsed
