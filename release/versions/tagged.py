"""For a VCS-versioned project: does a build of the tagged tree carry the tag's version?

The committed HEAD is cloned into a scratch directory, the release tag is created *in the clone
only* (the user's repository is never touched), and the wheel built from it is read: its METADATA
``Version`` is what the index would receive. This is the version row of release-check for
setuptools-scm, hatch-vcs and pdm-backend ``scm`` projects.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import dist
from ..config import Config
from ..errors import CheckFailed
from ..git import Git


def wheel_version(wheel: Path) -> str:
    """The ``Version`` in the wheel's ``*.dist-info/METADATA``; a wheel without one is a bad build."""
    found = dist.wheel_metadata_version(wheel)
    if found is None:
        raise CheckFailed(
            f"{wheel.name} has no readable .dist-info/METADATA Version", dist.REBUILD_HINT
        )
    return found


def build_tagged_tree(cfg: Config, commit: str, version: str, outdir: Path) -> list[Path]:
    """Build ``commit`` as it builds once tagged ``cfg.tag(version)``: into ``outdir`` (emptied),
    from a scratch clone in which the tag is created; the user's repository gets no tag.

    For a VCS version this is the build publish uploads (commit, then this build, then the real
    tag): the files carry the version the tag makes, before anything irreversible happens.
    """
    git = Git(cfg.root)
    prefix = git.run("rev-parse", "--show-prefix").stdout.strip()  # the project inside the repo
    tag = cfg.tag(version)
    with tempfile.TemporaryDirectory(prefix="release-tagged-build-") as scratch:
        clone = Path(scratch) / "tree"
        git.run("clone", "--quiet", "--no-checkout", str(cfg.root), str(clone))
        inner = Git(clone)
        inner.run("checkout", "--quiet", "--detach", commit)
        if inner.commit_of(tag) is None:
            inner.run("tag", tag, commit)
        return dist.build(clone / prefix if prefix else clone, outdir)


def tagged_build_version(cfg: Config, version: str) -> str:
    """The version a wheel built from HEAD carries once HEAD is tagged ``cfg.tag(version)``."""
    with tempfile.TemporaryDirectory(prefix="release-tagged-dist-") as scratch:
        built = build_tagged_tree(cfg, Git(cfg.root).head(), version, Path(scratch) / "dist")
        wheels = [path for path in built if path.suffix == ".whl"]
        if not wheels:
            raise CheckFailed("the build of the tagged tree made no wheel", dist.REBUILD_HINT)
        return wheel_version(wheels[0])
