"""Installing what is smoke-tested into a fresh venv, under two policies for pip's configuration:

* :func:`install_wheel` installs a wheel *file*. Which file is installed is settled by its path, so
  the machine's pip configuration (mirrors, certificates, find-links, extra indexes) is kept: it is
  how the package's dependencies are normally found. Only variables that would send the install
  somewhere other than the fresh venv (``PIP_TARGET``, ``PIP_PREFIX``, ``PIP_USER``, ...) are dropped.
* :func:`install_release` proves that the *index* serves the release, so pip sees nothing but that
  index: no configuration file, no ``PIP_*`` variable except transport settings (certificates,
  proxy, timeout) that change how pip connects, never where it looks. The project itself is
  installed from the index alone (``--no-deps``) and the install report must show the file came from
  there; :func:`install_dependencies` then installs its dependencies, which may use the extra index.

Where uv is on PATH it does these installs faster, in the cases where it provably does the same
(see :mod:`.uvinstall`); everything else, and anything uv fails at, is pip, as above.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import time
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import urldefrag, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .. import index, proc
from ..errors import PackageIndexError
from ..version import same_version
from . import uvinstall
from .checks import SmokeResult
from .venv import INSTALL_TIMEOUT, Venv, isolated_pip_env, machine_pip_env, pip

_NOT_FOUND = re.compile(
    r"(?:No matching distribution found for|Could not find a version that satisfies the "
    r"requirement)\s+(\S+)"
)


def _pip_install(
    venv: Venv, what: str, args: Sequence[str | Path], env: Mapping[str, str]
) -> proc.Result:
    """``pip install --progress-bar off ARGS`` into the venv, from its scratch directory."""
    return proc.run(
        [*pip(venv.python), "install", "--no-input", "--progress-bar", "off", *args],
        env=env,
        cwd=venv.scratch,
        timeout=INSTALL_TIMEOUT,
        what=what,
    )


def _pip_failed(what: str, result: proc.Result, lines: int = 25) -> SmokeResult:
    return SmokeResult(what, False, f"pip failed (exit {result.returncode}): {result.tail(lines)}")


def install_wheel(venv: Venv, wheel: Path) -> SmokeResult:
    """Install the wheel file, its dependencies found the way the machine's pip finds them."""
    what = f"install {wheel.name}"
    fast = uvinstall.install_wheel(venv, wheel, what)
    if fast is not None:
        return fast
    result = _pip_install(venv, what, [wheel.resolve()], machine_pip_env())
    if not result.ok:
        return _pip_failed(what, result, 15)
    return SmokeResult(what, True, f"installed into a fresh venv with {venv.python}")


def install_release(
    venv: Venv, project: str, version: str, index_url: str, timeout: float
) -> SmokeResult:
    """``project==version`` from ``index_url`` alone, without dependencies, proven to come from there.

    A freshly uploaded file can take a while to show on an index (CDN caches), so a "no such
    version" answer (the index's listing, or pip's) is retried with backoff until ``timeout``
    seconds have passed.
    """
    what = f"install {project}=={version} from {index.display_url(index_url)}"
    deadline = time.monotonic() + timeout
    delay = 1.0
    attempts = 0
    report = venv.scratch / "pip-report.json"
    while True:
        attempts += 1
        fast = uvinstall.install_release(venv, project, version, index_url, what)
        if isinstance(fast, SmokeResult):
            return fast
        if fast == uvinstall.NOT_LISTED:
            last = f"the index lists no file of {project} {version}"
        else:
            args: list[str | Path] = ["--no-cache-dir", "--no-deps", "--index-url", index_url]
            args += ["--report", report, f"{project}=={version}"]
            result = _pip_install(venv, what, args, isolated_pip_env())
            if result.ok:
                return prove_origin(what, report, project, version, index_url)
            if not _project_missing(result.output, project):
                return _pip_failed(what, result)
            last = result.tail(3)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return SmokeResult(
                what,
                False,
                f"{project} {version} was still not on the index after {timeout:.0f} s "
                f"({attempts} attempts): {last}",
            )
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 10.0)


def _project_missing(output: str, project: str) -> bool:
    """True when pip failed because ``project`` itself (not a dependency) has no such version."""
    for match in _NOT_FOUND.finditer(output):
        try:
            requirement = Requirement(match.group(1))
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) == canonicalize_name(project):
            return True
    return False


def prove_origin(
    what: str, report: Path, project: str, version: str, index_url: str
) -> SmokeResult:
    """From pip's install report: the project's file was downloaded from ``index_url``."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        items = data["install"]
        item = next(
            entry
            for entry in items
            if canonicalize_name(entry["metadata"]["name"]) == canonicalize_name(project)
        )
        url = str(item["download_info"]["url"])
        installed_version = str(item["metadata"]["version"])
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return SmokeResult(
            what, False, f"pip's install report {report.name} does not name {project}"
        )
    if not same_version(installed_version, version):
        return SmokeResult(what, False, f"pip installed {installed_version}, not {version}")
    if not _served_by(url, project, index_url):
        return SmokeResult(
            what, False, f"the file came from {index.display_url(url)}, not the index"
        )
    return SmokeResult(what, True, f"downloaded {index.display_url(url)}")


def _served_by(url: str, project: str, index_url: str) -> bool:
    """The file is on the index's own host, or is a file the index lists (PyPI's file CDN)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    if urlsplit(url).netloc == urlsplit(index_url).netloc:
        return True
    try:
        listed = index.list_files(index_url, project)
    except PackageIndexError:
        return False
    return urldefrag(url)[0] in {urldefrag(file.url)[0] for file in listed}


def install_dependencies(
    venv: Venv, project: str, version: str, index_url: str, extra_index_url: str | None
) -> SmokeResult:
    """The dependencies of the installed release, from the index (and the extra index, if any).

    A release whose installed METADATA declares no requirement for this environment (no
    Requires-Dist, or only ones whose markers do not apply here) has nothing to install: pip is
    not started for it."""
    what = f"install the dependencies of {project} {version}"
    declared = declared_requirements(venv, project)
    if declared == []:
        return SmokeResult(
            what, True, "none to install (its METADATA declares none for this environment)"
        )
    fast = uvinstall.install_dependencies(venv, project, version, index_url, extra_index_url, what)
    if fast is not None:
        return fast
    extra = ["--extra-index-url", extra_index_url] if extra_index_url else []
    args = ["--no-cache-dir", "--index-url", index_url, *extra, f"{project}=={version}"]
    result = _pip_install(venv, what, args, isolated_pip_env())
    if not result.ok:
        return _pip_failed(what, result)
    return SmokeResult(what, True, "dependencies resolved")


def declared_requirements(venv: Venv, project: str) -> list[Requirement] | None:
    """The Requires-Dist of ``project`` as installed in the venv that apply to the venv's Python
    (the engine's own: the venv is made from it), extras not requested; None when the venv holds no
    readable METADATA of it (the caller then lets pip find out)."""
    found = [
        dist
        for dist in importlib.metadata.distributions(path=[str(p) for p in venv.site_packages()])
        if canonicalize_name(dist.metadata["Name"] or "") == canonicalize_name(project)
    ]
    if len(found) != 1:
        return None
    return uvinstall.applicable(found[0].requires or [])
