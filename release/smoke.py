"""Smoke tests: install a built wheel, or the release from an index, in a brand-new venv and run it.

Two installs, two policies for pip's configuration:

* ``smoke_test`` installs a wheel *file*. Which file is installed is settled by its path, so the
  machine's pip configuration (mirrors, certificates, find-links, extra indexes) is kept: it is how
  the package's dependencies are normally found. Only variables that would send the install
  somewhere other than the fresh venv (``PIP_TARGET``, ``PIP_PREFIX``, ``PIP_USER``, ...) are dropped.
* ``install_from_index`` proves that the *index* serves the release, so pip sees nothing but that
  index: no configuration file, no ``PIP_*`` variable except transport settings (certificates,
  proxy, timeout) that change how pip connects, never where it looks. The project itself is
  installed from the index alone (``--no-deps``) and the install report must show the file came from
  there; dependencies are installed in a second step that may use the extra index.

Everything runs with the venv's ``bin`` first on PATH, without PYTHONPATH and from a scratch
directory, so the source tree can never be what gets imported. Venv and scratch directory are
removed afterwards, whatever happened.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urldefrag, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from . import index, proc
from .errors import CheckFailed, PackageIndexError, ToolFailed, UsageError

COMMAND_TIMEOUT = 120.0
INSTALL_TIMEOUT = 600.0
# pip learned ``--python`` (drive another interpreter's environment) in 22.3.
_FIRST_PIP_WITH_PYTHON_OPTION = Version("22.3")
# Variables that would make pip install somewhere other than the fresh venv.
_INSTALL_LOCATION_VARS = ("PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_USER", "PIP_EDITABLE")
# pip settings kept for the isolated index install: how to connect, not where to look.
_TRANSPORT_VARS = ("PIP_CERT", "PIP_CLIENT_CERT", "PIP_PROXY", "PIP_DEFAULT_TIMEOUT", "PIP_TIMEOUT")
# Variables that could make the venv's python import something other than the installed wheel.
_IMPORT_PATH_VARS = ("PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONSTARTUP")
_NOT_FOUND = re.compile(
    r"(?:No matching distribution found for|Could not find a version that satisfies the "
    r"requirement)\s+(\S+)"
)
_IMPORT_PROBE = """\
import importlib, json, sys
module = importlib.import_module(sys.argv[1])
version = getattr(module, "__version__", None)
print(json.dumps({"file": getattr(module, "__file__", None),
                  "version": None if version is None else str(version)}))
"""


@dataclass(frozen=True)
class SmokeResult:
    """One smoke check: what was tried, whether it passed, and the evidence."""

    what: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class _Venv:
    root: Path
    python: Path
    scratch: Path

    @property
    def bin_dir(self) -> Path:
        return self.python.parent


def venv_python(venv: Path) -> Path:
    """The interpreter of the venv at ``venv``."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def fresh_venv(where: Path) -> Path:
    """Create a brand-new venv at ``where`` (which must not exist yet) and return its python.

    uv creates it in a fraction of a second when it is on PATH, else ``python -m venv``. Either way it
    is based on the interpreter the engine runs in, and holds no pip: packages are installed with
    pip's ``--python`` option from outside (see ``_pip``).
    """
    if where.exists():
        raise UsageError(
            f"{where} already exists; a smoke test needs a brand-new venv",
            "remove the directory or choose another one",
        )
    uv = shutil.which("uv")
    if uv is not None:
        args: list[str | Path] = [uv, "venv", "--quiet", "--no-config", "--python", sys.executable]
        args.append(where)
        env = proc.clean_pip_env({"UV_PYTHON_DOWNLOADS": "never"})
    else:
        args = [sys.executable, "-m", "venv", "--without-pip", where]
        env = None
    proc.run(
        args,
        env=env,
        check=True,
        timeout=COMMAND_TIMEOUT,
        what="creating a venv",
        hint="check that the interpreter can create venvs (python -m venv) and re-run",
    )
    python = venv_python(where)
    if not python.exists():
        raise ToolFailed(f"the new venv at {where} has no {python.name}", "re-run; report a bug")
    return python


def _pip(python: Path) -> list[str | Path]:
    """A pip command line acting on the venv of ``python``.

    The engine's own pip with ``--python`` avoids installing pip into every fresh venv; when the
    engine has none (or one too old for ``--python``), the venv gets pip from ``ensurepip``, which
    needs no network.
    """
    if _engine_pip_usable():
        return [sys.executable, "-m", "pip", "--python", python]
    if proc.run([python, "-m", "pip", "--version"], timeout=COMMAND_TIMEOUT).ok:
        return [python, "-m", "pip"]
    proc.run(
        [python, "-m", "ensurepip", "--default-pip"],
        check=True,
        timeout=INSTALL_TIMEOUT,
        what="ensurepip",
        hint="install pip in the environment that runs the release (python -m ensurepip)",
    )
    return [python, "-m", "pip"]


def _engine_pip_usable() -> bool:
    if importlib.util.find_spec("pip") is None:
        return False
    try:
        return Version(importlib.metadata.version("pip")) >= _FIRST_PIP_WITH_PYTHON_OPTION
    except (importlib.metadata.PackageNotFoundError, InvalidVersion):
        return False


def _machine_pip_env() -> dict[str, str]:
    """The machine's environment, minus what would redirect an install away from the venv."""
    return {key: value for key, value in os.environ.items() if key not in _INSTALL_LOCATION_VARS}


def _isolated_pip_env() -> dict[str, str]:
    """No pip configuration at all except how to connect (certificates, proxy, timeout)."""
    transport = {key: os.environ[key] for key in _TRANSPORT_VARS if key in os.environ}
    return proc.clean_pip_env(transport)


def _run_env(venv: _Venv) -> dict[str, str]:
    """The environment of the smoke checks: venv first on PATH, no way back to the source tree."""
    env = {key: value for key, value in os.environ.items() if key not in _IMPORT_PATH_VARS}
    env["PATH"] = os.pathsep.join([str(venv.bin_dir), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv.root)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _make_venv(base: Path) -> _Venv:
    scratch = base / "scratch"
    scratch.mkdir()
    root = base / "venv"
    return _Venv(root=root, python=fresh_venv(root), scratch=scratch)


def smoke_test(
    wheel: Path,
    *,
    package: str | None,
    version: str,
    commands: Sequence[str],
    command_timeout: float = COMMAND_TIMEOUT,
) -> list[SmokeResult]:
    """Install ``wheel`` in a brand-new venv and run the smoke checks; the venv is removed after."""
    argvs = parse_commands(commands)
    if not wheel.is_file():
        raise UsageError(f"{wheel} does not exist", "run nox -s build first")
    base = Path(tempfile.mkdtemp(prefix="release-smoke-"))
    try:
        venv = _make_venv(base)
        installed = _install_wheel(venv, wheel)
        if not installed.ok:
            return [installed]
        return [installed, *_checks(venv, package, version, commands, argvs, command_timeout)]
    finally:
        shutil.rmtree(base, ignore_errors=True)


def parse_commands(commands: Sequence[str]) -> list[list[str]]:
    """Each smoke command split like a shell would; bad quoting is bad input, found before work."""
    argvs = []
    for command in commands:
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise UsageError(
                f"smoke command {command!r} cannot be split: {exc}",
                "fix its quoting in [tool.release] smoke-commands",
            ) from exc
        if not argv:
            raise UsageError(
                "an empty smoke command", "remove it from [tool.release] smoke-commands"
            )
        argvs.append(argv)
    return argvs


def _install_wheel(venv: _Venv, wheel: Path) -> SmokeResult:
    what = f"install {wheel.name}"
    result = proc.run(
        [*_pip(venv.python), "install", "--no-input", "--progress-bar", "off", wheel.resolve()],
        env=_machine_pip_env(),
        cwd=venv.scratch,
        timeout=INSTALL_TIMEOUT,
        what=what,
    )
    if not result.ok:
        return SmokeResult(what, False, f"pip failed (exit {result.returncode}): {result.tail(15)}")
    return SmokeResult(what, True, f"installed into a fresh venv with {venv.python}")


def _checks(
    venv: _Venv,
    package: str | None,
    version: str,
    commands: Sequence[str],
    argvs: Sequence[Sequence[str]],
    timeout: float,
) -> list[SmokeResult]:
    results = []
    if package:
        results.append(_check_import(venv, package, version))
    for command, argv in zip(commands, argvs):
        results.append(_run_command(venv, command, argv, version, timeout))
    return results


def _check_import(venv: _Venv, package: str, version: str) -> SmokeResult:
    what = f"import {package}"
    result = proc.run(
        [venv.python, "-I", "-c", _IMPORT_PROBE, package],
        env=_run_env(venv),
        cwd=venv.scratch,
        timeout=COMMAND_TIMEOUT,
        what=what,
    )
    if not result.ok:
        return SmokeResult(what, False, f"import failed: {result.tail(10)}")
    try:
        probe: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return SmokeResult(what, False, f"unexpected output: {result.tail(5)}")
    location = probe.get("file")
    if location and not _inside(Path(location), venv.root):
        return SmokeResult(what, False, f"imported from {location}, not from the venv's wheel")
    found = probe.get("version")
    where = f" ({location})" if location else ""
    if found is None:
        return SmokeResult(what, True, f"imports{where}; it defines no __version__")
    if not same_version(found, version):
        return SmokeResult(what, False, f"__version__ is {found}, expected {version}{where}")
    return SmokeResult(what, True, f"__version__ {found}{where}")


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _in_bin_dir(program: str, venv: _Venv) -> bool:
    """The program lives in the venv's bin dir (its python is a symlink out: do not resolve it)."""
    return Path(os.path.abspath(program)).parent.resolve() == venv.bin_dir.resolve()


def same_version(found: str, expected: str) -> bool:
    """Equal as PEP 440 versions (``1.0rc1`` == ``1.0.0-rc1``), else as strings."""
    try:
        return Version(found) == Version(expected)
    except InvalidVersion:
        return found.strip() == expected.strip()


def prints_version(output: str, version: str) -> bool:
    """True when ``version`` (or ``v`` + version) appears in ``output`` as a whole token: 0.2.0 is
    in "omi v0.2.0" but not in "0.2.01" or "10.2.0"."""
    pattern = rf"(?<![\w.+-])v?{re.escape(version)}(?![\w+-]|\.\w)"
    return re.search(pattern, output) is not None


def _run_command(
    venv: _Venv, what: str, argv: Sequence[str], version: str, timeout: float
) -> SmokeResult:
    argv = [part.replace("{tmp}", str(venv.scratch)) for part in argv]
    env = _run_env(venv)
    program = shutil.which(argv[0], path=env["PATH"])
    if program is None or not _in_bin_dir(program, venv):
        elsewhere = f" (only {program}, outside the venv)" if program else ""
        return SmokeResult(
            what,
            False,
            f"{argv[0]} is not installed in the venv{elsewhere}: "
            "is it still declared in [project.scripts]?",
        )
    try:
        result = proc.run([program, *argv[1:]], env=env, cwd=venv.scratch, timeout=timeout)
    except ToolFailed as exc:
        return SmokeResult(what, False, exc.message)
    output = result.output
    if not result.ok:
        return SmokeResult(what, False, f"exit {result.returncode}: {result.tail(10)}")
    if "--version" in argv and not prints_version(output, version):
        return SmokeResult(what, False, f"printed {output.strip()[:200]!r}, expected {version}")
    return SmokeResult(what, True, output.strip().splitlines()[0][:200] if output.strip() else "")


def check_smoke(results: Sequence[SmokeResult]) -> None:
    """CheckFailed listing every failed item with its evidence."""
    failed = [result for result in results if not result.ok]
    if not results:
        raise CheckFailed("no smoke check ran", "configure [tool.release] smoke-commands")
    if failed:
        raise CheckFailed(
            f"{len(failed)} of {len(results)} smoke checks failed:\n"
            + "\n".join(f"  - {result.what}: {result.detail}" for result in failed),
            "fix the package (versions, entry points, dependencies), rebuild and re-run",
        )


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
    """Install ``project==version`` from ``index_url`` alone into a fresh venv, then smoke-test it.

    A freshly uploaded file can take a while to show on an index (CDN caches), so a "no such
    version" answer is retried with backoff until ``timeout`` seconds have passed.
    """
    argvs = parse_commands(commands)
    base = Path(tempfile.mkdtemp(prefix="release-verify-"))
    try:
        venv = _make_venv(base)
        installed = _install_from_index(venv, project, version, index_url, timeout)
        if not installed.ok:
            return [installed]
        deps = _install_dependencies(venv, project, version, index_url, extra_index_url)
        if not deps.ok:
            return [installed, deps]
        checks = _checks(venv, package, version, commands, argvs, COMMAND_TIMEOUT)
        return [installed, deps, *checks]
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _install_from_index(
    venv: _Venv, project: str, version: str, index_url: str, timeout: float
) -> SmokeResult:
    what = f"install {project}=={version} from {index.display_url(index_url)}"
    deadline = time.monotonic() + timeout
    delay = 1.0
    attempts = 0
    report = venv.scratch / "pip-report.json"
    while True:
        attempts += 1
        result = proc.run(
            [
                *_pip(venv.python),
                "install",
                "--no-cache-dir",
                "--no-deps",
                "--progress-bar",
                "off",
                "--index-url",
                index_url,
                "--report",
                report,
                f"{project}=={version}",
            ],
            env=_isolated_pip_env(),
            cwd=venv.scratch,
            timeout=INSTALL_TIMEOUT,
            what=what,
        )
        if result.ok:
            return _prove_origin(what, report, project, version, index_url)
        if not _project_missing(result.output, project):
            return SmokeResult(
                what, False, f"pip failed (exit {result.returncode}): {result.tail()}"
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return SmokeResult(
                what,
                False,
                f"{project} {version} was still not on the index after {timeout:.0f} s "
                f"({attempts} attempts): {result.tail(3)}",
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


def _prove_origin(
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


def _install_dependencies(
    venv: _Venv, project: str, version: str, index_url: str, extra_index_url: str | None
) -> SmokeResult:
    what = f"install the dependencies of {project} {version}"
    extra = ["--extra-index-url", extra_index_url] if extra_index_url else []
    result = proc.run(
        [
            *_pip(venv.python),
            "install",
            "--no-cache-dir",
            "--progress-bar",
            "off",
            "--index-url",
            index_url,
            *extra,
            f"{project}=={version}",
        ],
        env=_isolated_pip_env(),
        cwd=venv.scratch,
        timeout=INSTALL_TIMEOUT,
        what=what,
    )
    if not result.ok:
        return SmokeResult(what, False, f"pip failed (exit {result.returncode}): {result.tail()}")
    return SmokeResult(what, True, "dependencies resolved")
