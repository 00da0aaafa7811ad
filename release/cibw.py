"""Which wheels a matrix release must ship, in cibuildwheel's own terms (pure).

A *build* is what cibuildwheel calls a build identifier: ``cp312-manylinux_x86_64``,
``cp311-macosx_arm64``, ``cp313-win_amd64``. The builds a release must ship are the CPython
versions that ``requires-python`` allows, on the platforms and architectures the generated
workflow's runners build (``[tool.cibuildwheel] archs``, per platform too), kept by
``[tool.cibuildwheel] build`` and left out by ``skip`` — or, when set, exactly the builds that
``[tool.release] wheel-builds`` selects (the same glob syntax). A wheel *covers* builds: a
``cp311-abi3`` wheel covers every CPython from 3.11 on, a ``py3-none-any`` wheel every build.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag

#: The CPython versions cibuildwheel 3 builds by default (PyPy and free-threading are opt-in).
CPYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")

LINUX, MACOS, WINDOWS = "linux", "macos", "windows"
#: cibuildwheel's architecture names per platform, in the order reports list them.
ARCHS: dict[str, tuple[str, ...]] = {
    LINUX: ("x86_64", "i686", "aarch64", "ppc64le", "s390x", "armv7l", "riscv64"),
    MACOS: ("x86_64", "arm64", "universal2"),
    WINDOWS: ("AMD64", "x86", "ARM64"),
}
#: What ``archs = "auto"`` (the default) and the other keywords mean on the generated workflow's
#: runners: an x86_64 Linux runner (x86_64 + i686), an Intel and an Apple-silicon macOS runner
#: (each builds its native arch), a 64-bit Windows runner (AMD64 + x86).
_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "auto": {LINUX: ("x86_64", "i686"), MACOS: ("x86_64", "arm64"), WINDOWS: ("AMD64", "x86")},
    "auto64": {LINUX: ("x86_64",), MACOS: ("x86_64", "arm64"), WINDOWS: ("AMD64",)},
    "auto32": {LINUX: ("i686",), MACOS: (), WINDOWS: ("x86",)},
    "native": {LINUX: ("x86_64",), MACOS: ("x86_64", "arm64"), WINDOWS: ("AMD64",)},
    "all": ARCHS,
}
_WINDOWS_PLATFORMS = {"AMD64": "win_amd64", "x86": "win32", "ARM64": "win_arm64"}

_MANYLINUX = re.compile(r"^manylinux(?:_\d+_\d+|1|2010|2014)_(?P<arch>.+)$")
_MUSLLINUX = re.compile(r"^musllinux_\d+_\d+_(?P<arch>.+)$")
_MACOSX = re.compile(r"^macosx_\d+_\d+_(?P<arch>.+)$")
_CPYTHON = re.compile(r"^cp(?P<major>\d)(?P<minor>\d+)$")


def platform_ids(platform: str, arch: str) -> tuple[str, ...]:
    """The platform part of cibuildwheel's build identifiers for one platform and arch."""
    if platform == LINUX:
        return (f"manylinux_{arch}", f"musllinux_{arch}")
    if platform == MACOS:
        return (f"macosx_{arch}",)
    return (_WINDOWS_PLATFORMS[arch],)


def python_allowed(requires_python: str | None, version: str) -> bool:
    """Whether some release of Python ``version`` (``3.11``) satisfies ``requires_python``."""
    if not requires_python:
        return True
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True  # the build backend rejects it; nothing to narrow here
    return any(spec.contains(f"{version}.{patch}", prereleases=True) for patch in (0, 99))


def _words(value: Any) -> list[str]:
    """cibuildwheel options take a space/comma separated string or a TOML list."""
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, (list, tuple)):
        return [word for item in value for word in str(item).replace(",", " ").split()]
    return []


@dataclass(frozen=True)
class Runner:
    """One job of the wheel matrix: a GitHub-hosted runner and the archs cibuildwheel builds on it."""

    label: str
    platform: str
    archs: tuple[str, ...]
    qemu: bool = False


# (runner label, platform, archs it builds, needs QEMU); the first runner of a platform that can
# build an arch gets it.
_RUNNERS = (
    ("ubuntu-latest", LINUX, ("x86_64", "i686"), False),
    ("ubuntu-24.04-arm", LINUX, ("aarch64", "armv7l"), False),
    ("ubuntu-latest", LINUX, ("ppc64le", "s390x", "riscv64"), True),
    ("macos-15-intel", MACOS, ("x86_64",), False),
    ("macos-14", MACOS, ("arm64", "universal2"), False),
    ("windows-latest", WINDOWS, ("AMD64", "x86"), False),
    ("windows-11-arm", WINDOWS, ("ARM64",), False),
)


@dataclass(frozen=True)
class WheelConfig:
    """The project's wheel selection: ``[tool.cibuildwheel]`` and ``requires-python``."""

    requires_python: str | None = None
    build: tuple[str, ...] = ("*",)
    skip: tuple[str, ...] = ()
    archs: Mapping[str, tuple[str, ...]] | None = None
    wheel_builds: tuple[str, ...] | None = None

    @classmethod
    def from_pyproject(
        cls, pyproject: Mapping[str, Any], wheel_builds: Sequence[str] | None = None
    ) -> WheelConfig:
        project = pyproject.get("project")
        tool = pyproject.get("tool")
        table = tool.get("cibuildwheel") if isinstance(tool, Mapping) else None
        table = table if isinstance(table, Mapping) else {}
        requires = table.get("project-requires-python")
        if not isinstance(requires, str) and isinstance(project, Mapping):
            requires = project.get("requires-python")
        build, skip = _words(table.get("build", "*")) or ["*"], _words(table.get("skip", ""))
        archs: dict[str, tuple[str, ...]] = {}
        for platform in ARCHS:
            own = table.get(platform)
            own = own if isinstance(own, Mapping) else {}
            skip += _words(own.get("skip", ""))
            words = _words(own.get("archs", table.get("archs", "auto"))) or ["auto"]
            archs[platform] = _resolve_archs(platform, words)
        return cls(
            requires_python=requires if isinstance(requires, str) else None,
            build=tuple(build),
            skip=tuple(skip),
            archs=archs,
            wheel_builds=tuple(wheel_builds) if wheel_builds is not None else None,
        )

    def platform_archs(self, platform: str) -> tuple[str, ...]:
        """The archs built for ``platform`` (with wheel-builds: every arch, filtered per build)."""
        if self.wheel_builds is not None:
            return ARCHS[platform]
        archs = self.archs or {}
        return archs.get(platform, _KEYWORDS["auto"][platform])

    def pythons(self) -> list[str]:
        return [v for v in CPYTHONS if python_allowed(self.requires_python, v)]

    def expected_builds(self) -> list[str]:
        """Every build identifier the release must ship, in report order."""
        found = []
        for platform in ARCHS:
            for arch in self.platform_archs(platform):
                for pid in platform_ids(platform, arch):
                    for version in self.pythons():
                        ident = f"cp{version.replace('.', '')}-{pid}"
                        if self._keeps(ident):
                            found.append(ident)
        return found

    def _keeps(self, ident: str) -> bool:
        if self.wheel_builds is not None:
            return _selected(ident, self.wheel_builds)
        return _selected(ident, self.build) and not _selected(ident, self.skip)

    def runners(self) -> list[Runner]:
        """The wheel matrix's jobs: one per runner that has archs to build."""
        jobs = []
        for label, platform, archs, qemu in _RUNNERS:
            wanted = [
                arch
                for arch in self.platform_archs(platform)
                if arch in archs and any(self._keeps_any(platform, arch))
            ]
            if wanted:
                jobs.append(Runner(label, platform, tuple(wanted), qemu))
        return jobs

    def _keeps_any(self, platform: str, arch: str) -> Iterable[bool]:
        for pid in platform_ids(platform, arch):
            for version in self.pythons():
                yield self._keeps(f"cp{version.replace('.', '')}-{pid}")


def _resolve_archs(platform: str, words: Sequence[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for word in words:
        names = _KEYWORDS[word][platform] if word in _KEYWORDS else (word,)
        chosen += [name for name in names if name in ARCHS[platform] and name not in chosen]
    return tuple(chosen)


def _selected(ident: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(ident, pattern) for pattern in patterns)


def platform_id(platform_tag: str) -> str | None:
    """cibuildwheel's platform name for a wheel platform tag; None for ``linux_*`` and unknowns.

    ``manylinux_2_17_x86_64`` and ``manylinux2014_x86_64`` are both ``manylinux_x86_64``.
    """
    for pattern, family in ((_MANYLINUX, "manylinux"), (_MUSLLINUX, "musllinux")):
        match = pattern.match(platform_tag)
        if match:
            return f"{family}_{match['arch']}"
    match = _MACOSX.match(platform_tag)
    if match:
        return f"macosx_{match['arch']}"
    if platform_tag in _WINDOWS_PLATFORMS.values():
        return platform_tag
    return None


def cpython_version(interpreter: str) -> str | None:
    """``cp311`` → ``3.11``; None for other interpreters."""
    match = _CPYTHON.match(interpreter)
    return f"{match['major']}.{match['minor']}" if match else None


def covered_builds(tags: Iterable[Tag], universe: Sequence[str]) -> set[str]:
    """The build identifiers of ``universe`` that a wheel with ``tags`` serves."""
    covered: set[str] = set()
    for tag in tags:
        for ident in universe:
            python, _, pid = ident.partition("-")
            if _tag_serves(tag, python, pid):
                covered.add(ident)
    return covered


def _tag_serves(tag: Tag, python: str, pid: str) -> bool:
    if tag.platform != "any" and platform_id(tag.platform) != pid:
        return False
    if tag.interpreter.startswith("py"):
        return True
    if tag.interpreter == python:
        return True
    if tag.abi == "abi3":
        mine, wanted = cpython_version(tag.interpreter), cpython_version(python)
        if mine and wanted:
            return tuple(map(int, wanted.split("."))) >= tuple(map(int, mine.split(".")))
    return False


def all_builds(pythons: Sequence[str]) -> list[str]:
    """Every CPython build identifier cibuildwheel knows for ``pythons``, in report order."""
    return [
        f"cp{version.replace('.', '')}-{pid}"
        for platform in ARCHS
        for arch in ARCHS[platform]
        for pid in platform_ids(platform, arch)
        for version in pythons
    ]
