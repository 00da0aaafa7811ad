"""release-check's version row for a computed version (hatch ``code`` with an expression, PDM
``call``, a version source plugin): nox-release edits the file named in ``version-files``, and the
build reads the version through the project's own code. The row proves that the build follows
that file: a scratch copy of the tree gets another version written there and is built; its wheel
must carry that version. Otherwise a bump would write a version the release's files never carry.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from packaging.version import InvalidVersion, Version

from . import config, dist, versions
from .checklist import FAIL, PASS, Row
from .checklist.quality import copy_of_the_tree
from .config import Config
from .errors import ReleaseError
from .files import write_together
from .version import same_version
from .versions import tagged

ROW = "version copies"


def probe_version(current: str) -> str:
    """A version the tree does not hold yet: the next micro release of ``current``."""
    try:
        release = Version(current).release
    except InvalidVersion:
        return "0.0.1"
    major, minor, micro = (list(release) + [0, 0])[:3]
    return f"{major}.{minor}.{micro + 1}"


def computed_version_row(cfg: Config, copies: int, current: str) -> Row:
    """PASS when a build of the tree with ``version-files`` set to another version carries it."""
    source = cfg.version_source.description
    probe = probe_version(current)
    fix = (
        f"the build does not take the version from {source}: list the file it reads the "
        "version from first in [tool.release] version-files"
    )
    with tempfile.TemporaryDirectory(prefix="release-computed-") as scratch:
        try:
            tree = copy_of_the_tree(cfg, Path(scratch) / "src")
            copy = config.load(tree, env={})
            write_together(versions.edits_for(copy, probe))
            built = dist.build(tree, Path(scratch) / "dist")
            wheel = next(path for path in built if path.suffix == ".whl")
            carried = tagged.wheel_version(wheel)
        except (ReleaseError, StopIteration) as error:
            said = error.message.splitlines()[0] if isinstance(error, ReleaseError) else "no wheel"
            return Row(ROW, FAIL, f"the build with version {probe} written failed: {said}", fix)
    if same_version(carried, probe):
        return Row(
            ROW,
            PASS,
            f"{copies} copies, all {current}; the build follows them ({probe} written, {probe} "
            "built)",
        )
    return Row(ROW, FAIL, f"with {probe} written, the build still makes {carried}", fix)
