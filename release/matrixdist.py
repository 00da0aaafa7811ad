"""Platform-wheel projects on disk: their wheel plan, and the check of a many-wheel ``dist/``.

The effects (reading pyproject.toml, setup.py and the wheels' METADATA, running twine) around the
pure :mod:`release.compiled`, :mod:`release.cibw` and :mod:`release.wheelset`.
"""

from __future__ import annotations

import email.parser
import zipfile
from pathlib import Path
from typing import Any

from . import cibw, compiled, dist, wheelset
from .config import Config, plain, read_pyproject
from .errors import CheckFailed, UsageError

CI_HINT = (
    "the other platforms' wheels are built by the release workflow's cibuildwheel jobs "
    "(nox-release init --ci writes it)"
)


def _pyproject(cfg: Config) -> dict[str, Any]:
    data = plain(read_pyproject(cfg.pyproject))
    return data if isinstance(data, dict) else {}


def wheel_plan(cfg: Config) -> compiled.WheelPlan:
    """Matrix or single, from ``[tool.release] wheels`` or from the project's build files."""
    setup_py = cfg.root / "setup.py"
    text = setup_py.read_text(encoding="utf-8", errors="replace") if setup_py.is_file() else None
    return compiled.wheel_plan(_pyproject(cfg), text, cfg.wheels)


def wheel_config(cfg: Config) -> cibw.WheelConfig:
    return cibw.WheelConfig.from_pyproject(_pyproject(cfg), cfg.wheel_builds)


def asked_by(cfg: Config) -> str:
    """Where the list of expected builds comes from, for reports."""
    if cfg.wheel_builds is not None:
        return "[tool.release] wheel-builds"
    return "requires-python and [tool.cibuildwheel] build/skip/archs"


def wheel_meta(wheel: Path) -> wheelset.WheelMeta:
    """``Version`` and ``Requires-Python`` from the wheel's ``*.dist-info/METADATA``."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = [
                member
                for member in archive.namelist()
                if member.count("/") == 1 and member.endswith(".dist-info/METADATA")
            ]
            if len(names) != 1:
                return wheelset.WheelMeta(None)
            text = archive.read(names[0]).decode("utf-8", errors="replace")
    except (OSError, zipfile.BadZipFile):
        return wheelset.WheelMeta(None)
    headers = email.parser.HeaderParser().parsestr(text)
    version, requires = headers.get("Version"), headers.get("Requires-Python")
    return wheelset.WheelMeta(
        version.strip() if version else None, requires.strip() if requires else None
    )


def judge(cfg: Config, outdir: Path, version: str) -> wheelset.WheelSet:
    """The verdict on ``outdir`` for ``version``, without raising."""
    if not outdir.is_dir():
        raise CheckFailed(f"{outdir} does not exist: nothing was gathered", CI_HINT)
    files = sorted(path.name for path in outdir.iterdir() if not path.name.startswith("."))
    metadata = {name: wheel_meta(outdir / name) for name in files if name.endswith(".whl")}
    try:
        return wheelset.check(cfg.name, version, files, metadata, wheel_config(cfg))
    except ValueError as error:  # an invalid version
        raise UsageError(f"{version!r} is not a valid version: {error}", "use a PEP 440 version")


def check_matrix_dist(
    cfg: Config, outdir: Path, version: str, *, twine: bool = True
) -> dist.DistFiles:
    """The release's files in ``outdir`` (sdist, then the wheels by name), after every check and
    (``twine``) ``twine check --strict`` on all of them; CheckFailed listing every problem."""
    verdict = judge(cfg, outdir, version)
    report = verdict.report(asked_by(cfg))
    if not verdict.ok:
        problems = "".join(f"\n  - {problem}" for problem in verdict.problems)
        raise CheckFailed(
            f"{outdir} is not a complete release of {cfg.name} {version}:{problems}\n{report}",
            "gather the files of one run of the release workflow (every wheels job and the sdist "
            "job) into dist/; if some builds are not meant to be shipped, list the ones that are "
            'in [tool.release] wheel-builds (e.g. ["cp3*-manylinux_x86_64", "cp3*-win_amd64"])',
        )
    assert verdict.sdist is not None
    wheels = [outdir / wheel for wheel in sorted(verdict.wheels)]
    files = dist.DistFiles(outdir / verdict.sdist, wheels[0], tuple(wheels[1:]))
    if twine:
        dist.twine_check(files.all)
    return files


def dist_files(
    cfg: Config, outdir: Path, version: str, *, gathered: bool = True, twine: bool = False
) -> dist.DistFiles:
    """The files a release of ``version`` uploads from ``outdir``, after the dist sanity that fits:
    a platform-wheel project's ``gathered`` dist/ (CI's jobs) holds an sdist and every platform's
    wheels; any other dist/ (a pure project's, or a local build) one sdist and one wheel."""
    if gathered and wheel_plan(cfg).matrix:
        return check_matrix_dist(cfg, outdir, version, twine=twine)
    files = dist.check_dist(outdir, cfg.name, version)
    if twine:
        dist.twine_check(files.all)
    return files


def local_build_note(cfg: Config) -> str | None:
    """For a platform-wheel project: what a local build leaves to CI (None for a pure project)."""
    plan = wheel_plan(cfg)
    if not plan.matrix:
        return None
    builds = wheel_config(cfg).expected_builds()
    return (
        f"this machine's wheel only: the {len(builds)} platform builds asked for by "
        f"{asked_by(cfg)} are built in CI by cibuildwheel ({plan.describe()})"
    )


def report(cfg: Config, outdir: Path, version: str) -> str:
    """What ``outdir`` holds and lacks, for a matrix project (the check's report)."""
    return judge(cfg, outdir, version).report(asked_by(cfg))
