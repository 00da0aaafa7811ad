"""Platform-wheel projects on disk: their wheel plan (:mod:`release.compiled`), the builds they
ask for (:mod:`release.cibw`), and which dist sanity check (:func:`release.dist.check_dist`, with or
without the many-wheel rules) a release's ``dist/`` gets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import cibw, compiled, dist
from .config import Config, plain, read_pyproject


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


def dist_files(
    cfg: Config, outdir: Path, version: str, *, gathered: bool = True, twine: bool = False
) -> dist.DistFiles:
    """The files a release of ``version`` uploads from ``outdir``, after the dist sanity that fits:
    a platform-wheel project's ``gathered`` dist/ (CI's jobs) holds an sdist and every platform's
    wheels; any other dist/ (a pure project's, or a local build) one sdist and one wheel."""
    matrix = wheel_config(cfg) if gathered and wheel_plan(cfg).matrix else None
    files = dist.check_dist(outdir, cfg.name, version, matrix=matrix, asked_by=asked_by(cfg))
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
    """What a platform-wheel project's ``outdir`` holds and lacks (the check's report)."""
    files = sorted(path for path in outdir.iterdir() if not path.name.startswith("."))
    verdict = dist.matrix_verdict(files, cfg.name, version, wheel_config(cfg))
    return verdict.report(asked_by(cfg))
