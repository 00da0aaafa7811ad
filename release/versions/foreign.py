"""``__version__`` literals that may be a module's own version rather than a copy of the project's.

A module deep in the package can carry a ``__version__`` of its own: a backport of a stdlib module
(urllib3's ``util/ssl_match_hostname.py`` says ``3.5.0.1``), a bundled single-file library. The
scan cannot tell it from a copy of the project's version that went stale, so it is not skipped
(a stale copy in ``cli.py`` must still be caught and set by ``bump``); instead, when such a literal
disagrees with the project's version and is no version the project has had (a tag, a changelog
section: then it is a stale copy), every message about it names the ``exclude`` entry that leaves
it out, and ``init`` proposes that entry.

Not a candidate, ever: the authoritative copy, files named in ``version-files``, and the package's
own version modules at its top (``__init__``, ``__version__``, ``_version``, ``version``,
``__about__``, ``about``): a ``__version__`` there that disagrees is the project's, stale.
"""

from __future__ import annotations

from pathlib import Path

from packaging.version import InvalidVersion, Version

from ..config import Config
from .text import VersionCopy

VERSION_MODULES = frozenset(
    {"__init__", "__version__", "_version", "version", "__about__", "about"}
)


def own_version_candidates(
    cfg: Config, copies: list[VersionCopy], reference: str | None
) -> list[VersionCopy]:
    """The scanned module copies that disagree with ``reference`` (the version source's version)
    and could be their module's own version: not one the project has had either (a tag, a
    changelog section), which would make it a stale copy. [] without a reference."""
    if reference is None:
        return []
    declared = {path.resolve() for path in cfg.version_files}
    primary = copies[0] if copies and not cfg.version_source.is_vcs else None
    found = [
        copy
        for copy in copies
        if copy is not primary
        and copy.kind == "module"
        and copy.value != copy.expected(reference)
        and copy.path.resolve() not in declared
        and not _is_version_module(cfg, copy.path)
    ]
    if not found:
        return []
    had = versions_had(cfg)
    return [copy for copy in found if _parsed(copy.value) not in had]


def versions_had(cfg: Config) -> set[Version]:
    """The versions the project's tags (under its tag format) and changelog name."""
    from ..git import Git
    from ..history import recorded_versions
    from .tags import version_of

    had = {version_of(cfg.tag_format, tag) for tag in Git(cfg.root).tags()}
    had |= {_parsed(value) for value in recorded_versions(cfg)}
    return {version for version in had if version is not None}


def _parsed(value: str) -> Version | None:
    try:
        return Version(value)
    except InvalidVersion:
        return None


def _is_version_module(cfg: Config, path: Path) -> bool:
    source = cfg.source if cfg.source.is_dir() else cfg.source.parent
    return path.parent.resolve() == source.resolve() and path.stem in VERSION_MODULES


def exclude_line(cfg: Config, found: list[VersionCopy]) -> str:
    """``exclude = [...]`` as it reads once ``found`` is added to the project's own globs."""
    globs = list(cfg.exclude)
    for copy in found:
        glob = cfg.relative(copy.path)
        if glob not in globs:
            globs.append(glob)
    return "exclude = [" + ", ".join(f'"{glob}"' for glob in globs) + "]"


def exclude_advice(cfg: Config, found: list[VersionCopy], reference: str) -> str:
    """The sentence offering ``exclude`` for ``found`` (the candidates, as copies)."""
    where = ", ".join(f"{cfg.relative(copy.path)}:{copy.line} ({copy.value})" for copy in found)
    own, it = (
        ("is its module's own version", "it")
        if len(found) == 1
        else ("are their modules' own versions", "them")
    )
    return (
        f"if {where} {own} (a bundled or backported module), not a copy of {reference}, "
        f"leave {it} out: add {exclude_line(cfg, found)} to [tool.release]"
    )
