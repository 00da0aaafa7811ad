"""Is a many-wheel ``dist/`` exactly this release? Pure checks over file names and metadata.

A matrix release's ``dist/`` is gathered from CI's jobs: one sdist and a wheel per platform. Before
anything is uploaded it must hold one sdist, wheels that are all of this version, no two wheels
claiming the same tag (an index takes only the first; installers would pick either), tags that
``requires-python`` allows, no ``linux_*`` wheel (PyPI refuses them; auditwheel makes manylinux
ones), and every build the project asks for (:mod:`release.cibw`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from packaging.tags import Tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from . import cibw

_OS_NAMES = {"manylinux": "Linux", "musllinux": "Linux (musl)", "macosx": "macOS", "win": "Windows"}
_WINDOWS_ARCHS = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}

STALE = " (stale build)"  # a version problem of files built before the version changed


@dataclass(frozen=True)
class WheelMeta:
    """What a wheel's ``.dist-info/METADATA`` says (None: unreadable or absent)."""

    version: str | None
    requires_python: str | None = None


@dataclass
class WheelSet:
    """The verdict on one ``dist/``: the files, the problems, and the platform report."""

    sdist: str | None = None
    wheels: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing

    def report(self, asked_by: str) -> str:
        """The platforms found, and what ``asked_by`` (the config) wants but is not there."""
        lines = [f"{len(self.wheels)} wheel(s) and {'an' if self.sdist else 'no'} sdist"]
        lines += [f"  present: {line}" for line in self.present]
        if self.missing:
            lines.append(f"  missing ({len(self.missing)}, asked for by {asked_by}):")
            lines += [f"    {line}" for line in _grouped(self.missing)]
        return "\n".join(lines)


def is_attestation(name: str, dists: Sequence[str]) -> bool:
    """``<dist file>.<kind>.attestation``: what attestation tools write next to the files."""
    return name.endswith(".attestation") and any(name.startswith(d + ".") for d in dists)


def check(
    name: str,
    version: str,
    files: Sequence[str],
    metadata: Mapping[str, WheelMeta],
    config: cibw.WheelConfig,
    prefix: str,
) -> WheelSet:
    """Judge the file names ``files`` of ``dist/`` (wheels' METADATA in ``metadata``); ``prefix``
    is the distribution name as file names spell it (``cext_demo``)."""
    wanted = Version(version)
    result = WheelSet()
    sdists = [f for f in files if f.endswith(".tar.gz")]
    wheels = [f for f in files if f.endswith(".whl")]
    result.wheels = wheels
    result.problems += [
        f"{f} is not a distribution of this release"
        for f in files
        if f not in sdists and f not in wheels and not is_attestation(f, sdists + wheels)
    ]
    if len(sdists) != 1:
        listing = ", ".join(sdists) or "none"
        result.problems.append(f"{len(sdists)} sdists where exactly one is expected ({listing})")
    else:
        result.sdist = sdists[0]
    for sdist in sdists:
        result.problems += sdist_problems(sdist, name, wanted, prefix)
    if not wheels:
        result.problems.append(f"no wheel (expected {prefix}-{wanted}-*.whl)")
    owners: dict[Tag, str] = {}
    covered: set[str] = set()
    universe = cibw.all_builds(cibw.CPYTHONS)
    by_platform: dict[str, list[str]] = {}
    for wheel in wheels:
        try:
            dist_name, dist_version, _build, tags = parse_wheel_filename(wheel)
        except InvalidWheelFilename:
            result.problems.append(f"{wheel} is not a valid wheel file name")
            continue
        result.problems += identity_problems(wheel, str(dist_name), dist_version, name, wanted)
        meta = metadata.get(wheel, WheelMeta(None))
        if meta.version is None:
            result.problems.append(f"{wheel} has no readable .dist-info/METADATA with a Version")
        elif parsed_version(meta.version) != wanted:
            result.problems.append(f"{wheel} says Version: {meta.version} in its METADATA")
        requires = meta.requires_python or config.requires_python
        for tag in sorted(tags, key=str):
            if tag in owners:
                result.problems.append(f"{wheel} and {owners[tag]} both have the tag {tag}")
            owners.setdefault(tag, wheel)
        result.problems += _tag_problems(wheel, tags, requires)
        covered |= cibw.covered_builds(tags, universe)
        for platform, python in _labels(tags):
            by_platform.setdefault(platform, []).append(python)
    result.present = [
        f"{p}: {' '.join(sorted(set(v), key=_python_order))}"
        for p, v in sorted(by_platform.items())
    ]
    if any(tag.platform == "any" for wheel in wheels for tag in _tags(wheel)):
        return result  # a pure wheel serves every platform: nothing can be missing
    result.missing = [ident for ident in config.expected_builds() if ident not in covered]
    return result


def _tags(wheel: str) -> frozenset[Tag]:
    try:
        return parse_wheel_filename(wheel)[3]
    except InvalidWheelFilename:
        return frozenset()


def sdist_problems(sdist: str, name: str, wanted: Version, prefix: str) -> list[str]:
    """What is off with the sdist file name ``sdist`` for ``name`` ``wanted``."""
    try:
        dist_name, dist_version = parse_sdist_filename(sdist)
    except InvalidSdistFilename:
        return [f"{sdist} is not a valid sdist file name (expected {prefix}-{wanted}.tar.gz)"]
    problems = identity_problems(sdist, str(dist_name), dist_version, name, wanted)
    if not problems and sdist != f"{prefix}-{wanted}.tar.gz":
        problems.append(f"{sdist} is not named as PEP 625 requires: {prefix}-{wanted}.tar.gz")
    return problems


def identity_problems(
    filename: str, dist_name: str, dist_version: Version, name: str, wanted: Version
) -> list[str]:
    problems = []
    if canonicalize_name(dist_name) != canonicalize_name(name):
        problems.append(f"{filename} belongs to {dist_name}, not {name}")
    if dist_version != wanted:
        problems.append(f"{filename} is version {dist_version}, not {wanted}{STALE}")
    return problems


def _tag_problems(wheel: str, tags: frozenset[Tag], requires_python: str | None) -> list[str]:
    problems = []
    for platform in sorted({tag.platform for tag in tags}):
        if platform.startswith("linux_"):
            problems.append(
                f"{wheel} is a plain {platform} wheel, which PyPI refuses: CI's cibuildwheel "
                "repairs Linux wheels with auditwheel into manylinux/musllinux ones"
            )
    for interpreter in sorted({tag.interpreter for tag in tags if tag.abi != "abi3"}):
        python = cibw.cpython_version(interpreter) or _pypy_version(interpreter)
        if python and not cibw.python_allowed(requires_python, python):
            problems.append(
                f"{wheel} is built for Python {python} ({interpreter}), which requires-python "
                f"{requires_python!s} excludes"
            )
    return problems


def _pypy_version(interpreter: str) -> str | None:
    if interpreter.startswith("pp") and interpreter[2:].isdigit() and len(interpreter) > 3:
        return f"{interpreter[2]}.{interpreter[3:]}"
    return None


def _labels(tags: frozenset[Tag]) -> set[tuple[str, str]]:
    """(human platform name, python tag) for each tag: ``("macOS arm64", "cp311")``."""
    labels = set()
    for tag in tags:
        python = tag.interpreter if tag.abi != "abi3" else f"{tag.interpreter}-abi3"
        labels.add((_platform_label(tag.platform), python))
    return labels


def _platform_label(platform_tag: str) -> str:
    if platform_tag == "any":
        return "any platform"
    pid = cibw.platform_id(platform_tag)
    if pid is None:
        return platform_tag
    family, _, arch = pid.partition("_")
    if family.startswith("win"):  # cibuildwheel's own arch names: AMD64, x86, ARM64
        family, arch = "win", _WINDOWS_ARCHS[pid]
    return f"{_OS_NAMES.get(family, family)} {arch}"


def _python_order(python: str) -> tuple[int, str]:
    version = cibw.cpython_version(python.split("-")[0])
    return (int(version.split(".")[1]) if version else 0, python)


def _grouped(builds: Sequence[str]) -> list[str]:
    """``cp311-win32 cp312-win32`` → ``Windows x86: cp311 cp312`` (in the builds' order)."""
    groups: dict[str, list[str]] = {}
    for ident in builds:
        python, _, pid = ident.partition("-")
        tag = {"win32": "win32", "win_amd64": "win_amd64", "win_arm64": "win_arm64"}.get(pid)
        label = _platform_label(tag or _platform_tag_of(pid))
        groups.setdefault(label, []).append(python)
    return [f"{label}: {' '.join(pythons)}" for label, pythons in groups.items()]


def _platform_tag_of(pid: str) -> str:
    """A representative wheel platform tag for a cibuildwheel platform id (for labels only)."""
    family, _, arch = pid.partition("_")
    version = {"manylinux": "2_17", "musllinux": "1_2", "macosx": "11_0"}.get(family, "")
    return f"{family}_{version}_{arch}" if version else pid


def parsed_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None
