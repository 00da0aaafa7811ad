"""The project's distribution files: build them, check them, smoke-test them (config-aware glue
over :mod:`release.dist` and :mod:`release.smoke`)."""

from __future__ import annotations

from pathlib import Path

from . import dist, pyproject, smoke
from .config import Config
from .output import Out, result_lines


def build_dist(
    cfg: Config, outdir: Path, *, source: Path | None = None, out: Out = print
) -> dist.DistFiles:
    """Build sdist and wheel of ``source`` (default: the work tree) into a fresh ``outdir``."""
    if cfg.version_source.is_vcs:
        out(f"building {cfg.name} (version from git tags, {cfg.version_source.tool}) into {outdir}")
    else:
        out(f"building {cfg.name} {pyproject.current_version(cfg)} into {outdir}")
    dist.build(source or cfg.root, outdir)
    files = dist.check_dist(outdir, cfg.name, built_version(cfg, outdir))
    dist.twine_check(files.all)
    return files


def smoke_dist(cfg: Config, outdir: Path, *, out: Out = print) -> list[smoke.SmokeResult]:
    """Install the wheel in ``outdir`` into a brand-new venv and run the smoke checks."""
    version = built_version(cfg, outdir)
    files = dist.check_dist(outdir, cfg.name, version)
    out(f"smoke-testing {files.wheel.name} in a brand-new venv")
    results = smoke.smoke_test(
        files.wheel, package=cfg.package, version=version, commands=cfg.smoke_commands
    )
    out(result_lines(results))
    smoke.check_smoke(results)
    return results


def built_version(cfg: Config, outdir: Path) -> str:
    """The version the files in ``outdir`` must carry: the project's version, or for a VCS
    version (the tag is the version) the one the build of that tree made, read from its wheel."""
    if cfg.version_source.is_vcs:
        wheels = sorted(outdir.glob("*.whl")) if outdir.is_dir() else []
        if len(wheels) == 1:
            from .versions.tagged import wheel_version

            return wheel_version(wheels[0])
    return pyproject.current_version(cfg)
