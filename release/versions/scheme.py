"""How many release numbers the project writes (``1.4.0`` or ``26.4``), read from its versions.

The current version says it first; when it is a patch release (``24.1.1``, written the same in
both schemes) the tags and the changelog's sections, newest first, say it (pip: ``24.1``). The
project is never asked to change: a project of two numbers is bumped, published and hotfixed in
two numbers.
"""

from __future__ import annotations

from typing import Iterable

from packaging.version import InvalidVersion, Version

from ..config import Config
from ..errors import ReleaseError, VersionError
from ..version import THREE, Scheme, parse_release_version, scheme_of
from . import tags


def scheme(
    cfg: Config, current: str | None, tag_names: Iterable[str], recorded: Iterable[str]
) -> Scheme:
    """The scheme of the project whose version is ``current``, with the tags ``tag_names`` and the
    changelog sections ``recorded``."""
    found: list[tuple[Version, str]] = []
    for tag in tag_names:
        parsed = tags.version_of(cfg.tag_format, tag)
        if parsed is not None:
            found.append((parsed, f"tag {tag}"))
    where = cfg.relative(cfg.changelog)
    for text in recorded:
        try:
            found.append((Version(text), f"{where} {text}"))
        except InvalidVersion:
            continue
    first: list[tuple[Version, str]] = []
    if current is not None:
        try:
            first.append((Version(current), current))
        except InvalidVersion:
            pass
    return scheme_of(first + sorted(found, key=lambda item: item[0], reverse=True))


def detect(cfg: Config) -> Scheme:
    """The project's scheme, read from its files and tags; what cannot be read says nothing."""
    from .. import history
    from ..git import Git
    from . import current_version

    try:
        current: str | None = current_version(cfg)
    except ReleaseError:
        current = None
    return scheme(cfg, current, Git(cfg.root).tags(), history.recorded_versions(cfg))


def release_version(cfg: Config, text: str) -> tuple[Version, str | None]:
    """:func:`parse_release_version` in the project's scheme: ``26.5`` is a release version of a
    project whose versions have two numbers (and the project is only read when it matters)."""
    try:
        return parse_release_version(text, THREE)
    except VersionError:
        found = detect(cfg)
        if found.parts == 3:
            raise
        return parse_release_version(text, found)
