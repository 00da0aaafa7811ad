"""Smoke tests: install a built wheel, or the release from an index, in a brand-new venv and run it.

By job: :mod:`.venv` makes the venv and the environments, :mod:`.install` installs into it (a wheel
file, or the release from one index), :mod:`.checks` runs the checks (import, smoke commands).
The venv and its scratch directory are removed afterwards, whatever happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .. import dist
from ..config import Config
from ..errors import UsageError
from ..output import Out, result_lines
from ..version import same_version
from .checks import Expected, SmokeResult, check_smoke, parse_commands, prints_version, run_checks
from .install import install_dependencies, install_release, install_wheel
from .venv import COMMAND_TIMEOUT, fresh_venv, scratch_venv

__all__ = [
    "SmokeResult",
    "check_smoke",
    "fresh_venv",
    "install_from_index",
    "prints_version",
    "same_version",
    "smoke_dist",
    "smoke_test",
]


def smoke_test(
    wheel: Path,
    *,
    package: str | None,
    version: str,
    commands: Sequence[str],
    command_timeout: float = COMMAND_TIMEOUT,
) -> list[SmokeResult]:
    """Install ``wheel`` in a brand-new venv and run the smoke checks; the venv is removed after."""
    parse_commands(commands)
    if not wheel.is_file():
        raise UsageError(f"{wheel} does not exist", "run nox -s build first")
    with scratch_venv("release-smoke-") as venv:
        installed = install_wheel(venv, wheel)
        if not installed.ok:
            return [installed]
        expected = Expected(package, version, commands)
        return [installed, *run_checks(venv, expected, command_timeout)]


def install_from_index(
    *,
    project: str,
    version: str,
    index_url: str,
    extra_index_url: str | None,
    package: str | None,
    commands: Sequence[str],
    timeout: float = 120.0,
) -> list[SmokeResult]:
    """Install ``project==version`` from ``index_url`` alone into a fresh venv, then smoke-test it
    (see :mod:`.install` for why the index is all pip sees)."""
    parse_commands(commands)
    with scratch_venv("release-verify-") as venv:
        installed = install_release(venv, project, version, index_url, timeout)
        if not installed.ok:
            return [installed]
        deps = install_dependencies(venv, project, version, index_url, extra_index_url)
        if not deps.ok:
            return [installed, deps]
        return [installed, deps, *run_checks(venv, Expected(package, version, commands))]


def smoke_dist(
    cfg: Config, outdir: Path, *, out: Out = print, indent: str = ""
) -> list[SmokeResult]:
    """Install the wheel in ``outdir`` into a brand-new venv and run the project's smoke checks;
    ``indent`` starts every line printed (a publish step's lines are indented under its title)."""
    version = dist.built_version(cfg, outdir)
    files = dist.check_dist(outdir, cfg.name, version)
    out(f"{indent}smoke-testing {files.wheel.name} in a brand-new venv")
    results = smoke_test(
        files.wheel, package=cfg.package, version=version, commands=cfg.smoke_commands
    )
    out(result_lines(results, indent + "  "))
    check_smoke(results)
    return results
