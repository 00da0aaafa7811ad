"""The GitHub release of one version of the project: title, notes, pre-release and "Latest".

What publish's GitHub step and ``github-release`` call: the release of ``version`` gets the
configured title, the version's CHANGELOG section as its notes, GitHub's pre-release flag for a
PEP 440 pre-release, and the "Latest" mark only when no higher final version is tagged (a hotfix of
an older line must not take it from the newest release).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from packaging.version import InvalidVersion, Version

from ..config import Config
from ..errors import UsageError
from ..git import Git
from .model import Files, ReleaseReport, ReleaseState, is_prerelease
from .releases import GitHub


def tagged_versions(tags: Iterable[str], tag_format: str) -> list[Version]:
    """The versions named by ``tags`` that follow ``tag_format``; other tags are ignored."""
    prefix, _, suffix = tag_format.partition("{version}")
    pattern = re.compile(f"^{re.escape(prefix)}(.+){re.escape(suffix)}$")
    found = []
    for tag in tags:
        match = pattern.match(tag)
        if not match:
            continue
        try:
            found.append(Version(match.group(1)))
        except InvalidVersion:
            continue
    return found


def should_be_latest(version: str, tags: Iterable[str], tag_format: str) -> bool:
    """Whether the release of ``version`` should carry GitHub's "Latest" mark.

    Not for a pre-release (GitHub forbids it), nor when a higher final version is tagged.
    """
    if is_prerelease(version):
        return False
    mine = Version(version)
    return not any(
        other > mine and not other.is_prerelease for other in tagged_versions(tags, tag_format)
    )


def client(cfg: Config, env: Mapping[str, str] | None = None) -> GitHub:
    if not cfg.github_repo:
        raise UsageError(
            "github-repo is not set in [tool.release], so there is no GitHub release to make",
            'set github-repo = "owner/name" in [tool.release]',
        )
    return GitHub.from_env(cfg.github_repo, env)


def version_state(
    cfg: Config, version: str, files: Files, env: Mapping[str, str] | None = None
) -> ReleaseState:
    """The GitHub release of ``version``'s tag: missing / draft / published, files in place.

    ``files`` are the release's paths, or its record ``{file name: sha256}``.
    """
    return client(cfg, env).release_state(cfg.tag(version), files)


def publish_version(
    cfg: Config,
    version: str,
    files: Sequence[Path],
    notes: str,
    env: Mapping[str, str] | None = None,
) -> ReleaseReport:
    """Create or complete the GitHub release of ``version`` with ``files``; safe to re-run."""
    tags = Git(cfg.root).tags()
    return client(cfg, env).publish_release(
        tag=cfg.tag(version),
        title=cfg.title(version),
        body=notes,
        prerelease=is_prerelease(version),
        files=files,
        latest=should_be_latest(version, tags, cfg.tag_format),
        version=version,
    )
