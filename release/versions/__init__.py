"""Every copy of the version a project carries, and the edits that set them all to a new one.

The authoritative copy comes from the project's version source (:mod:`.sources`: PEP 621, setuptools
``attr``/``file``, hatch ``path``, Poetry, PDM ``file``, flit); the other copies (:mod:`.copies`)
are ``__version__`` literals, ``version-files``, ``uv.lock``, CITATION.cff and Sphinx ``conf.py``.
For a VCS version (setuptools-scm, hatch-vcs, pdm-backend ``scm``) the git tag *is* the version:
there is no authoritative file, the current version is the last tag's and nothing is generated.

An edit replaces only the characters of the version inside its literal, so every other byte of the
file, the quote style and the line endings stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..files import read_text
from . import tags
from .copies import citation_date_site, other_sites
from .sources import VersionSource, resolve
from .text import Site, VersionCopy

__all__ = [
    "VersionCopy",
    "VersionSource",
    "VcsState",
    "current_version",
    "detect_source",
    "drift",
    "edits_for",
    "vcs_state",
    "version_copies",
]

NO_TAG_VERSION = "0.0.0"


@dataclass(frozen=True)
class VcsState:
    """What the tags say for a VCS-versioned project: the last version tag, if any."""

    last_tag: str | None
    last_version: str | None

    @property
    def current(self) -> str:
        return self.last_version or NO_TAG_VERSION


def detect_source(cfg: Config) -> VersionSource:
    """How the project declares its version (also ``cfg.version_source``)."""
    return resolve(cfg)[0]


def vcs_state(cfg: Config, known_tags: set[str] | None = None) -> VcsState:
    """The last version tag under the project's tag format that HEAD contains (as the VCS
    plugins see it: on a hotfix branch of 1.2.x that is 1.2.x, not a later 1.3.0)."""
    if known_tags is None:
        known_tags = _tags_of_head(cfg.root)
    found = tags.last_tag(cfg.tag_format, known_tags)
    if found is None:
        return VcsState(None, None)
    return VcsState(found[0], str(found[1]))


def _tags_of_head(root: Path) -> set[str]:
    from ..git import Git

    git = Git(root)
    if not git.is_repo():
        return set()
    merged = git.run("tag", "--merged", "HEAD", check=False)
    return set(merged.stdout.split()) if merged.ok else git.tags()


def current_version(cfg: Config) -> str:
    """The project's version: its authoritative copy, or for a VCS version the last tag's."""
    source, primary = resolve(cfg)
    if primary is None:
        return vcs_state(cfg).current
    return primary.copy.value


def version_copies(cfg: Config) -> list[VersionCopy]:
    """Every copy of the version, the authoritative one first (for VCS: only the file copies,
    possibly none)."""
    return [site.copy for site in _sites(cfg)]


def drift(copies: list[VersionCopy]) -> bool:
    """True when the copies do not all hold the same version (Sphinx's short form compared as
    X.Y)."""
    if not copies:
        return False
    reference = next((copy.value for copy in copies if copy.form == "full"), copies[0].value)
    return any(copy.value != copy.expected(reference) for copy in copies)


def edits_for(cfg: Config, new_version: str, date: str | None = None) -> dict[Path, str]:
    """The new full text of every file in which a copy of the version changes (and CITATION.cff's
    ``date-released`` with it, when ``date`` is given)."""
    by_path: dict[Path, list[tuple[Site, str]]] = {}
    for site in _sites(cfg):
        wanted = site.copy.expected(new_version)
        if site.copy.value != wanted:
            by_path.setdefault(site.copy.path, []).append((site, wanted))
    dated = citation_date_site(cfg) if date else None
    moved = dated is not None and dated.copy.path in by_path  # the date follows a version change
    if dated is not None and date is not None and moved and dated.copy.value != date:
        by_path.setdefault(dated.copy.path, []).append((dated, date))
    edits: dict[Path, str] = {}
    for path, sites in by_path.items():
        text = read_text(path)
        for site, wanted in sorted(sites, key=lambda pair: pair[0].start, reverse=True):
            text = text[: site.start] + wanted + text[site.end :]
        edits[path] = text
    return edits


def _sites(cfg: Config) -> list[Site]:
    source, primary = resolve(cfg)
    current = primary.copy.value if primary is not None else vcs_state(cfg).current
    sites = [primary] if primary is not None else []
    seen = {(site.copy.path, site.start) for site in sites}
    found = other_sites(cfg, source.generated, current)
    if source.is_vcs:
        found = _without_generated(cfg, found)
    for site in found:
        if (site.copy.path, site.start) not in seen:
            seen.add((site.copy.path, site.start))
            sites.append(site)
    return sites


_GENERATED_MARKS = ("generated by setuptools-scm", "generated by setuptools_scm", "don't track in")


def _without_generated(cfg: Config, sites: list[Site]) -> list[Site]:
    """For a VCS version, module copies that a build wrote (a version file named nowhere in the
    configuration, but git-ignored or carrying setuptools-scm's header) are not copies."""
    from ..git import Git

    modules = sorted({site.copy.path for site in sites if site.copy.kind == "module"})
    if not modules:
        return sites
    git = Git(cfg.root)
    ignored: set[Path] = set()
    if git.is_repo():
        listed = git.run("check-ignore", *(str(path) for path in modules), check=False)
        ignored = {Path(line).resolve() for line in listed.stdout.splitlines() if line}
    generated = {
        path
        for path in modules
        if path.resolve() in ignored or any(mark in read_text(path) for mark in _GENERATED_MARKS)
    }
    return [site for site in sites if site.copy.path not in generated]
