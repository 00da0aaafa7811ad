"""Where a release's files come from: a build of the release commit, or the bytes already tested.

:func:`build_at` builds from a clean checkout of the release commit (a local clone in which the
release tag exists, so VCS version plugins see the version) with ``SOURCE_DATE_EPOCH`` set to the
commit's time and the sdist normalized (release/sdist.py), so a rebuild of the same commit gives
the same bytes, in this clone or another. :func:`release_files` gives
the files the tag's record names, taken from ``dist/`` when it holds them, else downloaded from
the test index, else rebuilt, and always checked against the record's sha256.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .. import dist, index, sdist
from ..errors import StepFailed
from ..git import Git
from ..output import STEP_INDENT, Out
from .state import Release


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def build_commit(git: Git, commit: str, tag: str, outdir: Path) -> list[Path]:
    """sdist and wheel of ``commit`` (a clean checkout with ``tag`` on it) into ``outdir``
    (emptied first), with ``SOURCE_DATE_EPOCH`` the commit's time and the sdist normalized
    (release/sdist.py): the same commit gives the same bytes in any clone."""
    epoch = git.commit_time(commit)
    with tempfile.TemporaryDirectory(prefix="release-build-") as scratch:
        source = git.clone_at(commit, Path(scratch) / "src", tag=tag)
        with _source_date(epoch):
            built = dist.build(source, outdir)
    for path in built:
        if path.name.endswith(".tar.gz"):
            place(sdist.normalized(path, epoch), path)
    return built


def build_at(release: Release, commit: str, outdir: Path) -> dist.DistFiles:
    """sdist and wheel of ``commit`` into ``outdir`` (emptied first), twine-checked, named for
    the version being released."""
    build_commit(release.git, commit, release.tag, outdir)
    built_from = release.cfg.version_source.description
    files = dist.check_dist(outdir, release.cfg.name, release.version, built_from=built_from)
    dist.twine_check(files.all)
    return files


def place(data: bytes, dest: Path) -> Path:
    """Write ``data`` to ``dest`` atomically (a kill leaves the old file or none)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
    os.replace(tmp, dest)
    return dest


def upload_order(names: list[str]) -> list[str]:
    """sdist first, then the wheel(s): the order files are uploaded in."""
    return sorted(names, key=lambda name: (name.endswith(".whl"), name))


def release_files(release: Release, out: Out, *, download_from: str | None) -> list[Path]:
    """The recorded files, as paths in ``dist/`` holding exactly the recorded bytes."""
    wanted = release.recorded_files()
    if not wanted:
        raise StepFailed(
            f"the tag {release.tag} records no files",
            "re-run publish: the tag step records the build before any upload",
        )
    found: dict[str, Path] = {}
    for name, sha in wanted.items():
        path = release.dist_dir / name
        if path.is_file() and index.sha256_of(path) == sha:
            found[name] = path
    missing = [name for name in wanted if name not in found]
    if missing and download_from is not None:
        listed = {
            entry.filename: entry
            for entry in index.list_files(download_from, release.cfg.project_name)
        }
        for name in missing:
            entry = listed.get(name)
            if entry is None:
                continue
            data = index.download(entry.url)
            if hashlib.sha256(data).hexdigest() != wanted[name]:
                raise StepFailed(
                    f"{name} on {index.display_url(download_from)} is not the file recorded in "
                    f"the tag {release.tag} (sha256 differs)",
                    "the index serves other bytes under that name: PyPI never accepts a name "
                    "twice, so these cannot be replaced; report it to the index's admins",
                )
            found[name] = place(data, release.dist_dir / name)
            out(f"{STEP_INDENT}{name}: the tested bytes, from {index.display_url(download_from)}")
    missing = [name for name in wanted if name not in found]
    if missing:
        found.update(_rebuild(release, missing, out))
    return [found[name] for name in upload_order(list(wanted))]


def _rebuild(release: Release, names: list[str], out: Out) -> dict[str, Path]:
    commit = release.release_commit()
    assert commit is not None
    wanted = release.recorded_files()
    found: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="release-rebuild-") as scratch:
        built = build_at(release, commit, Path(scratch) / "dist")
        by_name = {path.name: path for path in built.all}
        for name in names:
            path = by_name.get(name)
            if path is None or index.sha256_of(path) != wanted[name]:
                raise StepFailed(
                    f"rebuilding {name} from {release.tag} ({commit[:12]}) does not give the "
                    "bytes recorded in the tag: this build is not reproducible",
                    "re-run publish in the clone that built the release (its dist/ holds the "
                    "files), or once they are on the test index",
                )
            release.dist_dir.mkdir(parents=True, exist_ok=True)
            dest = release.dist_dir / name
            shutil.copyfile(path, dest)
            found[name] = dest
            out(f"{STEP_INDENT}{name}: rebuilt from {release.tag}, same sha256 as recorded")
    return found
