"""Installing with uv where it is on PATH: one native start-up instead of pip's Python one.

uv is only used where what it does is what pip would do, and is proven afterwards; anything else
(and any failure of uv) is left to pip (:mod:`.install`), which then decides and reports:

* :func:`install_wheel` -- a wheel *file* that declares no dependency for this environment: there
  is nothing to resolve, so the file alone is installed (``--no-deps --no-index``) and the
  machine's pip configuration, which only matters for finding dependencies, has nothing to change.
* :func:`install_release` -- ``project==version`` from one index, when that index lists a wheel of
  that version this Python can install: uv sees that index alone (``--no-config``, no ``UV_*``
  variable, ``--no-cache``, ``--no-deps``). Then the origin is proven from the files: the listed
  wheel this Python prefers (most specific tags first, as installers choose) is downloaded from the
  URL the index gives, its sha256 must be the one the index lists, and every file of it must be in
  the venv with the same bytes (the next compatible wheel is tried if not).
* :func:`install_dependencies` -- the dependencies of that installed release, from the index and
  the extra index alone (the same isolation), merged into one pool of versions as pip merges them.
  There is nothing to prove about where they came from: either index may serve them.
"""

from __future__ import annotations

import email.message
import email.parser
import hashlib
import io
import shutil
import zipfile
from pathlib import Path, PurePosixPath
from typing import Sequence
from urllib.parse import urlsplit, urlunsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.tags import sys_tags
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from .. import dist, index, proc
from ..errors import PackageIndexError
from ..version import same_version
from .checks import SmokeResult
from .venv import INSTALL_TIMEOUT, Venv, isolated_pip_env


def uv_binary() -> str | None:
    return shutil.which("uv")


def applicable(requires_dist: Sequence[str]) -> list[Requirement] | None:
    """The requirements (Requires-Dist lines) whose markers hold for the Python the engine runs
    (the smoke venvs are made from it), no extra requested; None if one cannot be parsed."""
    found = []
    for line in requires_dist:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            return None
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.append(requirement)
    return found


def _wheel_requires(wheel: Path) -> list[str] | None:
    """The Requires-Dist lines of the wheel's METADATA; None when it cannot be read."""
    headers = dist.wheel_metadata(wheel)
    return None if headers is None else list(headers.get_all("Requires-Dist") or [])


def _uv_install(
    uv: str, venv: Venv, args: Sequence[str | Path], *, deps: bool = False
) -> proc.Result:
    command: list[str | Path] = [uv, "pip", "install", "--python", venv.python, "--no-config"]
    command += ["--no-cache", *([] if deps else ["--no-deps"]), *args]
    return proc.run(
        command,
        env={**isolated_pip_env(), "UV_PYTHON_DOWNLOADS": "never"},
        cwd=venv.scratch,
        timeout=INSTALL_TIMEOUT,
    )


def install_wheel(venv: Venv, wheel: Path, what: str) -> SmokeResult | None:
    """The wheel file by uv when it declares no dependency here; None: leave it to pip."""
    uv = uv_binary()
    requires = _wheel_requires(wheel)
    if uv is None or requires is None or applicable(requires) != []:
        return None
    if not _uv_install(uv, venv, ["--no-index", wheel.resolve()]).ok:
        return None
    return SmokeResult(
        what,
        True,
        f"installed into a fresh venv with {venv.python} (uv; it declares no dependency)",
    )


NOT_LISTED = "not listed"
"""What :func:`install_release` answers when the index lists no file of that version (yet)."""


def install_release(
    venv: Venv, project: str, version: str, index_url: str, what: str
) -> SmokeResult | str | None:
    """``project==version`` from ``index_url`` alone by uv, its origin proven from the files.

    :data:`NOT_LISTED` when the index lists no file of that version (yet); None when uv cannot
    do it (not on PATH, no wheel listed, the index unreadable, uv failed): leave it to pip."""
    uv = uv_binary()
    if uv is None:
        return None
    try:
        files = _listed(index_url, project, version)
    except PackageIndexError:
        return None
    if not files:
        return NOT_LISTED
    wheels = _compatible([entry for entry in files if entry.filename.endswith(".whl")])
    if not wheels:
        return None  # no wheel for this Python: pip decides (and may build the sdist)
    if not _uv_install(uv, venv, ["--index-url", index_url, f"{project}=={version}"]).ok:
        return None
    return _prove(what, venv, project, version, wheels, index_url)


def install_dependencies(
    venv: Venv, project: str, version: str, index_url: str, extra_index_url: str | None, what: str
) -> SmokeResult | None:
    """The dependencies of the installed ``project==version`` by uv, from the index and the extra
    index only, as pip sees them (one pool of versions from both: ``unsafe-best-match``, not uv's
    default of the first index that has the name); None when uv is not on PATH or fails: pip
    then does it and reports why."""
    uv = uv_binary()
    if uv is None:
        return None
    args = ["--index-url", index_url]
    if extra_index_url:
        args += ["--extra-index-url", extra_index_url, "--index-strategy", "unsafe-best-match"]
    if not _uv_install(uv, venv, [*args, f"{project}=={version}"], deps=True).ok:
        return None
    return SmokeResult(what, True, "dependencies resolved (uv)")


def _compatible(wheels: list[index.IndexFile]) -> list[index.IndexFile]:
    """The wheels this Python can install (the venv's interpreter is the engine's own), the most
    specific first, as installers prefer them."""
    rank = {tag: position for position, tag in enumerate(sys_tags())}
    ranked = []
    for entry in wheels:
        positions = [rank[tag] for tag in parse_wheel_filename(entry.filename)[3] if tag in rank]
        if positions:
            ranked.append((min(positions), entry.filename, entry))
    return [entry for _, _, entry in sorted(ranked, key=lambda item: item[:2])]


def _listed(index_url: str, project: str, version: str) -> list[index.IndexFile]:
    """The files of ``project`` ``version`` the index lists (wheels and sdists)."""
    found = []
    for entry in index.list_files(index_url, project):
        try:
            if entry.filename.endswith(".whl"):
                name, listed, _build, _tags = parse_wheel_filename(entry.filename)
            else:
                name, listed = parse_sdist_filename(entry.filename)
        except (InvalidWheelFilename, InvalidSdistFilename):
            continue
        if name == canonicalize_name(project) and same_version(str(listed), version):
            found.append(entry)
    return found


def _installed(venv: Venv, project: str, version: str) -> Path | None:
    """The ``*.dist-info`` directory of ``project`` ``version`` in the venv."""
    for site in venv.site_packages():
        for dist_info in site.glob("*.dist-info"):
            headers = _headers(dist_info / "METADATA")
            if headers is None:
                continue
            name, found = headers.get("Name") or "", headers.get("Version") or ""
            if canonicalize_name(name) == canonicalize_name(project) and same_version(
                found, version
            ):
                return dist_info
    return None


def _headers(path: Path) -> email.message.Message | None:
    try:
        return email.parser.HeaderParser().parsestr(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _prove(
    what: str,
    venv: Venv,
    project: str,
    version: str,
    wheels: list[index.IndexFile],
    index_url: str,
) -> SmokeResult:
    """The installed files are those of one of ``wheels`` (tried in the installers' order of
    preference, so the first is almost always the one)."""
    dist_info = _installed(venv, project, version)
    if dist_info is None:
        return SmokeResult(what, False, f"uv installed no readable {project} {version} in the venv")
    problems = []
    for entry in wheels:
        problem = _same_files(entry, dist_info.parent, index_url)
        if problem is None:
            return SmokeResult(
                what,
                True,
                f"downloaded {index.display_url(entry.url)} (by uv; every file of that wheel "
                "is installed byte for byte)",
            )
        problems.append(f"{entry.filename}: {problem}")
    return SmokeResult(
        what,
        False,
        f"the installed files are not those of a wheel the index lists ({'; '.join(problems)})",
    )


def _same_files(entry: index.IndexFile, site: Path, index_url: str) -> str | None:
    """None when every file of the wheel at ``entry.url`` (whose sha256 is the listed one) is
    installed in ``site`` with the same bytes; else what differs."""
    try:
        data = index.download(_with_credentials(entry.url, index_url))
    except PackageIndexError as error:
        return error.message
    if entry.sha256 is not None and hashlib.sha256(data).hexdigest() != entry.sha256:
        return "its bytes do not have the sha256 the index lists"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return "not a zip archive"
    differing = []
    with archive:
        for member in archive.infolist():
            path = PurePosixPath(member.filename)
            if member.is_dir() or path.parts[0].endswith(".data") or _is_record(path):
                continue  # .data/ is installed elsewhere (scripts, headers); RECORD is rewritten
            installed = site.joinpath(*path.parts)
            try:
                same = installed.read_bytes() == archive.read(member)
            except OSError:
                same = False
            if not same:
                differing.append(member.filename)
    if differing:
        return f"{len(differing)} file(s) differ or are missing: {', '.join(differing[:5])}"
    return None


def _is_record(path: PurePosixPath) -> bool:
    return (
        len(path.parts) == 2
        and path.parts[0].endswith(".dist-info")
        and (path.name.startswith("RECORD"))
    )


def _with_credentials(url: str, index_url: str) -> str:
    """A file URL on the index's own host gets the index URL's credentials (a private index:
    its listing's links carry none); any other URL (PyPI's file CDN) is left as it is."""
    file, own = urlsplit(url), urlsplit(index_url)
    if own.username is None or file.username is not None:
        return url
    if (file.hostname, file.port) != (own.hostname, own.port):
        return url
    return urlunsplit((file.scheme, own.netloc, file.path, file.query, file.fragment))
