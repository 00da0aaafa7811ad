"""Building the distribution files and checking that ``dist/`` holds exactly this release.

``build`` owns its output directory: it empties it first, so a stale wheel of an earlier version can
never ride along with an upload. ``twine_check`` renders the metadata as PyPI will. ``check_dist`` is
the dist sanity check: it proves the directory holds one sdist and one wheel, both named as PEP 625
/ PEP 427 normalize them, for the version being released (``dist_problems`` lists what is off).
``build_dist`` does all three for a configured project.
"""

from __future__ import annotations

import email.message
import email.parser
import importlib.metadata
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from . import cibw, proc, pyproject, twinecli, wheelset
from .config import Config, file_prefix
from .errors import CheckFailed, ToolFailed, UsageError
from .output import Out

REBUILD_HINT = "run nox -s build to rebuild dist/ from the current version"
GATHER_HINT = (
    "gather the files of one run of the release workflow (every wheels job and the sdist job) into "
    "dist/; if some builds are not meant to be shipped, list the ones that are in [tool.release] "
    'wheel-builds (e.g. ["cp3*-manylinux_x86_64", "cp3*-win_amd64"])'
)
BUILD_TIMEOUT = 900.0
# build learned ``--installer uv`` in 1.2; older versions would reject the option.
_FIRST_BUILD_WITH_UV = Version("1.2")


@dataclass(frozen=True)
class DistFiles:
    """The files a release uploads: an sdist and a wheel, plus the other platforms' wheels of a
    platform-wheel project (release.matrixdist)."""

    sdist: Path
    wheel: Path
    more_wheels: tuple[Path, ...] = ()

    @property
    def all(self) -> tuple[Path, ...]:
        """sdist first, then the wheels: the order they are uploaded in."""
        return (self.sdist, self.wheel, *self.more_wheels)


def expected_names(name: str, version: str) -> tuple[str, str]:
    """The sdist name and the start of the wheel name (up to the tags) for ``name`` ``version``."""
    normalized = str(_version(version))
    prefix = file_prefix(name)
    return f"{prefix}-{normalized}.tar.gz", f"{prefix}-{normalized}-"


# sdist and wheel built in ONE isolated environment, through build's API (``python -m build
# --sdist --wheel`` makes and fills a second environment for the wheel). Each backend hook still
# runs in a fresh subprocess (pyproject_hooks), as PEP 517 asks of a frontend.
_BUILD_BOTH = """\
import os, sys
if sys.path and sys.path[0] in ("", os.getcwd()):  # the project, whose modules must not stand in
    del sys.path[0]
from build import BuildException, BuildBackendException, ProjectBuilder
from build.env import DefaultIsolatedEnv

installer, srcdir, outdir = sys.argv[1:4]
try:
    isolated = DefaultIsolatedEnv(installer=installer) if installer != "pip" else DefaultIsolatedEnv()
    with isolated as env:
        print(f"* isolated build environment ({installer})", flush=True)
        builder = ProjectBuilder.from_isolated_env(env, srcdir)
        env.install(builder.build_system_requires)
        for distribution in ("sdist", "wheel"):
            print(f"* getting the build dependencies for {distribution}", flush=True)
            env.install(builder.get_requires_for_build(distribution))
            print(f"* building the {distribution}", flush=True)
            print(builder.build(distribution, outdir), flush=True)
except (BuildException, BuildBackendException) as error:
    cause = getattr(error, "exception", None)
    backend_traceback = getattr(cause, "traceback", None)  # BackendUnavailable carries one
    if backend_traceback:
        print(str(backend_traceback).rstrip(), file=sys.stderr)
    print(f"ERROR {error}", file=sys.stderr)
    raise SystemExit(1)
"""


def build(project_dir: Path, outdir: Path) -> list[Path]:
    """Build sdist and wheel of ``project_dir`` into a freshly emptied ``outdir``."""
    project_dir = project_dir.resolve()
    outdir = outdir.resolve()
    if outdir == project_dir or outdir in project_dir.parents:
        raise UsageError(
            f"refusing to empty {outdir}: it contains the project being built",
            "build into a dedicated directory such as dist/",
        )
    proc.require_module("build", purpose="builds the sdist and the wheel (python -m build)")
    if outdir.exists():
        shutil.rmtree(outdir)
    installer = "uv" if _uv_installer_usable() else "pip"
    result = proc.run(
        [sys.executable, "-c", _BUILD_BOTH, installer, project_dir, outdir],
        cwd=project_dir,
        timeout=BUILD_TIMEOUT,
        what="build",
    )
    if not result.ok:
        raise ToolFailed(
            f"the build (build {_build_version()}, sdist and wheel) failed "
            f"(exit {result.returncode}):\n{result.tail(30)}",
            "fix the packaging error shown above (pyproject.toml, build backend) and re-run",
        )
    return sorted(path for path in outdir.iterdir() if path.is_file())


def _build_version() -> str:
    try:
        return importlib.metadata.version("build")
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _uv_installer_usable() -> bool:
    """True when build can install its isolated build environment with uv (much faster)."""
    if shutil.which("uv") is None:
        return False
    try:
        return Version(importlib.metadata.version("build")) >= _FIRST_BUILD_WITH_UV
    except (importlib.metadata.PackageNotFoundError, InvalidVersion):
        return False


def twine_check(files: Sequence[Path]) -> None:
    """``twine check --strict``: the metadata and README render the way PyPI will show them."""
    if not files:
        raise UsageError("twine check was given no files", REBUILD_HINT)
    proc.require_module("twine", purpose="checks the metadata PyPI will render (twine check)")
    result = twinecli.run(["--no-color", "check", "--strict", *files], what="twine check")
    if not result.ok:
        raise ToolFailed(
            f"twine check --strict found problems:\n{result.tail(30)}",
            "fix the metadata or README markup it names (pyproject.toml), then " + REBUILD_HINT,
        )


def build_dist(
    cfg: Config, outdir: Path, *, source: Path | None = None, out: Out = print
) -> DistFiles:
    """Build sdist and wheel of ``source`` (default: the work tree) into a fresh ``outdir``, then
    twine-check them and prove they are this release."""
    if cfg.version_source.is_vcs:
        out(f"building {cfg.name} (version from git tags, {cfg.version_source.tool}) into {outdir}")
    else:
        out(f"building {cfg.name} {pyproject.current_version(cfg)} into {outdir}")
    build(source or cfg.root, outdir)
    files = check_dist(
        outdir, cfg.name, built_version(cfg, outdir), built_from=cfg.version_source.description
    )
    twine_check(files.all)
    return files


def built_version(cfg: Config, outdir: Path) -> str:
    """The version the files in ``outdir`` must carry: the project's version, or for a VCS
    version (the tag is the version) the one the build of that tree made, read from its wheel."""
    if cfg.version_source.is_vcs:
        wheels = sorted(outdir.glob("*.whl")) if outdir.is_dir() else []
        found = wheel_metadata_version(wheels[0]) if len(wheels) == 1 else None
        if found is not None:
            return found
    return pyproject.current_version(cfg)


def check_dist(
    outdir: Path,
    name: str,
    version: str,
    *,
    matrix: cibw.WheelConfig | None = None,
    asked_by: str = "the project's configuration",
    built_from: str | None = None,
) -> DistFiles:
    """The dist sanity check: the sdist and wheel of ``name`` ``version`` in ``outdir``, or
    CheckFailed listing everything that is off. With ``matrix`` (a platform-wheel project's CI
    dist/): the sdist and every platform's wheel, each build ``matrix`` asks for (``asked_by`` says
    where that comes from in the report of the platforms present and missing). ``built_from``:
    the files were built just now from a tree whose version lives there (the version source's
    description), so a wrong version is the build reading it elsewhere, never a stale build."""
    _version(version)
    if not outdir.is_dir():
        raise CheckFailed(f"{outdir} does not exist: nothing has been built", REBUILD_HINT)
    files = sorted(path for path in outdir.iterdir() if not path.name.startswith("."))
    report, hint = "", REBUILD_HINT
    if matrix is None:
        problems = dist_problems(files, name, version)
    else:
        verdict = matrix_verdict(files, name, version, matrix)
        problems = list(verdict.problems)
        if verdict.missing:
            problems.append(f"{len(verdict.missing)} build(s) asked for are missing (see below)")
        report, hint = "\n" + verdict.report(asked_by), GATHER_HINT
    if built_from is not None and any(problem.endswith(wheelset.STALE) for problem in problems):
        problems = [problem.replace(wheelset.STALE, " (built just now)") for problem in problems]
        hint = (
            f"the build backend does not read the version from {built_from}: list the file it "
            "reads the version from in [tool.release] version-files "
            "('python -m release versions' shows where the version is read)"
        )
    if problems:
        listing = ", ".join(path.name for path in files) or "nothing"
        raise CheckFailed(
            f"{outdir} is not a clean build of {name} {version} (it holds {listing}):\n  - "
            + "\n  - ".join(problems)
            + report,
            hint,
        )
    wheels = [path for path in files if path.name.endswith(".whl")]
    return DistFiles(
        sdist=next(path for path in files if path.name.endswith(".tar.gz")),
        wheel=wheels[0],
        more_wheels=tuple(wheels[1:]),
    )


def matrix_verdict(
    files: Sequence[Path], name: str, version: str, matrix: cibw.WheelConfig
) -> wheelset.WheelSet:
    """A many-wheel ``dist/`` listing judged by :func:`release.wheelset.check`."""
    metadata = {path.name: wheel_meta(path) for path in files if path.name.endswith(".whl")}
    names = [path.name for path in files]
    return wheelset.check(name, version, names, metadata, matrix, file_prefix(name))


def dist_problems(files: Sequence[Path], name: str, version: str) -> list[str]:
    """Everything that keeps ``files`` (a ``dist/`` listing) from being exactly one sdist and one
    wheel of ``name`` ``version``; empty when they are."""
    wanted = _version(version)
    sdists = [path for path in files if path.name.endswith(".tar.gz")]
    wheels = [path for path in files if path.name.endswith(".whl")]
    problems = [
        f"{path.name} is not a distribution of this release"
        for path in files
        if path not in sdists
        and path not in wheels
        and not wheelset.is_attestation(path.name, [p.name for p in sdists + wheels])
    ]
    sdist_name, wheel_prefix = expected_names(name, version)
    problems += _count_problems("sdist", sdists, sdist_name)
    problems += _count_problems("wheel", wheels, wheel_prefix + "*.whl")
    for sdist in sdists:
        problems += wheelset.sdist_problems(sdist.name, name, wanted, file_prefix(name))
    for wheel in wheels:
        problems += _wheel_problems(wheel, name, wanted)
    return problems


def _version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion as exc:
        raise UsageError(f"{text!r} is not a valid version", "use a PEP 440 version") from exc


def _count_problems(kind: str, found: Sequence[Path], expected: str) -> list[str]:
    if not found:
        return [f"no {kind} (expected {expected})"]
    if len(found) > 1:
        return [f"{len(found)} {kind}s where one is expected: {', '.join(p.name for p in found)}"]
    return []


def _wheel_problems(path: Path, name: str, wanted: Version) -> list[str]:
    prefix = expected_names(name, str(wanted))[1]
    try:
        dist_name, dist_version, _build, _tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename:
        return [f"{path.name} is not a valid wheel file name (expected {prefix}*.whl)"]
    problems = wheelset.identity_problems(path.name, dist_name, dist_version, name, wanted)
    if problems:
        return problems
    if not path.name.startswith(prefix):
        return [f"{path.name} is not named as PEP 427 requires: {prefix}*.whl"]
    metadata_version = wheel_metadata_version(path)
    if metadata_version is None:
        return [f"{path.name} has no readable .dist-info/METADATA with a Version"]
    if wheelset.parsed_version(metadata_version) != wanted:
        return [f"{path.name} says Version: {metadata_version} in its METADATA, not {wanted}"]
    return []


def wheel_metadata_version(wheel: Path) -> str | None:
    """The ``Version`` field of the wheel's ``*.dist-info/METADATA``; None when unreadable."""
    return wheel_meta(wheel).version


def wheel_metadata(wheel: Path) -> email.message.Message | None:
    """The headers of the wheel's ``*.dist-info/METADATA``; None when unreadable (not a zip
    file, or no single METADATA at the top)."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = [
                member
                for member in archive.namelist()
                if member.count("/") == 1 and member.endswith(".dist-info/METADATA")
            ]
            if len(names) != 1:
                return None
            text = archive.read(names[0]).decode("utf-8", errors="replace")
    except (OSError, zipfile.BadZipFile):
        return None
    return email.parser.HeaderParser().parsestr(text)


def wheel_meta(wheel: Path) -> wheelset.WheelMeta:
    """``Version`` and ``Requires-Python`` from the wheel's ``*.dist-info/METADATA``."""
    headers = wheel_metadata(wheel)
    if headers is None:
        return wheelset.WheelMeta(None)
    version, requires = headers.get("Version"), headers.get("Requires-Python")
    return wheelset.WheelMeta(
        version.strip() if version else None, requires.strip() if requires else None
    )
