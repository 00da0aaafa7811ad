"""What the release of a tag is made of: the files it must carry, its state, what a run did.

Plain data, no HTTP: :mod:`release.github.releases` fills these in.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from packaging.version import InvalidVersion, Version

from ..errors import StepFailed

_MEDIA_TYPES = (
    (".tar.gz", "application/gzip"),
    (".whl", "application/zip"),
    (".zip", "application/zip"),
    (".attestation", "application/json"),
    (".asc", "application/pgp-signature"),
)

MISSING, DRAFT, PUBLISHED = "missing", "draft", "published"


def media_type(name: str) -> str:
    """The Content-Type an asset named ``name`` is uploaded with."""
    lowered = name.lower()
    for suffix, kind in _MEDIA_TYPES:
        if lowered.endswith(suffix):
            return kind
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def is_prerelease(version: str) -> bool:
    """Whether ``version`` is an alpha, beta, release candidate or dev release (PEP 440)."""
    try:
        return Version(version).is_prerelease
    except InvalidVersion:
        return False


@dataclass(frozen=True)
class LocalFile:
    """A file the release must carry: its name and what identifies its bytes.

    ``path`` and ``size`` are known for a file on disk; a release record (name and sha256 only)
    has neither, and is compared by digest.
    """

    name: str
    sha256: str
    size: int | None = None
    path: Path | None = None

    @classmethod
    def read(cls, path: Path) -> LocalFile:
        if not path.is_file():
            raise StepFailed(
                f"{path} does not exist, so it cannot be attached to the GitHub release",
                "build the distributions first (nox -s build) and re-run",
            )
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return cls(path.name, digest.hexdigest(), path.stat().st_size, path)


Files = Sequence[Path] | Mapping[str, str]


def local_files(files: Files) -> dict[str, LocalFile]:
    """Paths on disk, or a record ``{file name: sha256}``, as the files a release must carry."""
    if isinstance(files, Mapping):
        return {name: LocalFile(name, sha.lower()) for name, sha in files.items()}
    local: dict[str, LocalFile] = {}
    for path in files:
        item = LocalFile.read(Path(path))
        if item.name in local:
            raise StepFailed(
                f"two files named {item.name} were given for the GitHub release",
                "attach each distribution file once",
            )
        local[item.name] = item
    return local


@dataclass(frozen=True)
class ReleaseState:
    """Where the GitHub release of ``tag`` stands, compared with the files it must carry."""

    tag: str
    status: str  # MISSING, DRAFT or PUBLISHED
    url: str = ""
    immutable: bool = False
    present: tuple[str, ...] = ()  # attached, same bytes
    missing: tuple[str, ...] = ()  # not attached (or an upload that never finished)
    differing: tuple[str, ...] = ()  # attached with other bytes

    @property
    def complete(self) -> bool:
        """Published, with every file attached and the same bytes: nothing left to do."""
        return self.status == PUBLISHED and not self.missing and not self.differing

    @property
    def stuck(self) -> bool:
        """Published immutable without all its files: GitHub will never accept them now."""
        return self.status == PUBLISHED and self.immutable and bool(self.missing or self.differing)

    def describe(self) -> str:
        if self.status == MISSING:
            return f"no GitHub release for {self.tag}"
        parts = [f"GitHub release {self.tag}: {self.status}"]
        if self.immutable:
            parts.append("immutable")
        if self.present:
            parts.append(f"{len(self.present)} asset(s) in place")
        if self.missing:
            parts.append("missing " + ", ".join(self.missing))
        if self.differing:
            parts.append("other bytes in " + ", ".join(self.differing))
        return ", ".join(parts)


@dataclass(frozen=True)
class ReleaseReport:
    """What ``publish_release`` did; a re-run that changed nothing has only ``unchanged`` assets."""

    tag: str
    url: str
    created: bool = False
    published: bool = False
    latest: bool = False
    updated: tuple[str, ...] = ()
    uploaded: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    replaced_broken: tuple[str, ...] = ()

    def summary(self) -> str:
        parts = ["created" if self.created else "found"]
        if self.updated:
            parts.append("updated " + ", ".join(self.updated))
        if self.uploaded:
            parts.append(f"uploaded {len(self.uploaded)} asset(s)")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} asset(s) already there")
        if self.published:
            parts.append("published" + ("" if self.latest else " (not marked latest)"))
        return f"GitHub release {self.tag}: {', '.join(parts)} — {self.url}"

    def __str__(self) -> str:
        return self.summary()
