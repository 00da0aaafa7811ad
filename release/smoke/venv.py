"""Brand-new venvs for smoke tests, pip acting on them, and the environments their commands run in.

A venv is based on the interpreter the engine runs in and holds no pip: packages are installed with
the engine's pip, run by the venv's interpreter (what ``pip --python`` does, without its extra
Python start-up). Everything a smoke check runs has the
venv's ``bin`` first on PATH, no PYTHONPATH and a scratch directory as cwd, so the source tree can
never be what gets imported. :func:`scratch_venv` removes venv and scratch directory afterwards,
whatever happened.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from packaging.version import InvalidVersion, Version

from .. import proc
from ..errors import ToolFailed, UsageError

COMMAND_TIMEOUT = 120.0
INSTALL_TIMEOUT = 600.0
# pip learned ``--python`` (drive another interpreter's environment) in 22.3.
_FIRST_PIP_WITH_PYTHON_OPTION = Version("22.3")
# Variables that would make pip install somewhere other than the fresh venv.
_INSTALL_LOCATION_VARS = ("PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_USER", "PIP_EDITABLE")
# pip settings kept for the isolated index install: how to connect, not where to look.
_TRANSPORT_VARS = (
    *("PIP_CERT", "PIP_CLIENT_CERT", "PIP_PROXY", "PIP_DEFAULT_TIMEOUT", "PIP_TIMEOUT"),
    *("UV_HTTP_TIMEOUT", "UV_NATIVE_TLS", "UV_CONCURRENT_DOWNLOADS"),  # the same, for uv
)
# Variables that could make the venv's python import something other than the installed wheel.
_IMPORT_PATH_VARS = ("PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONSTARTUP")


@dataclass(frozen=True)
class Venv:
    """A smoke venv and the scratch directory its commands run in."""

    root: Path
    scratch: Path

    @property
    def python(self) -> Path:
        return venv_python(self.root)

    @property
    def bin_dir(self) -> Path:
        return self.python.parent

    def site_packages(self) -> list[Path]:
        """Where packages are installed in the venv (``lib/pythonX.Y`` on POSIX, ``Lib`` on
        Windows)."""
        return [*self.root.glob("lib/python*/site-packages"), *self.root.glob("Lib/site-packages")]


def venv_python(venv: Path) -> Path:
    """The interpreter of the venv at ``venv``."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def fresh_venv(where: Path) -> Path:
    """Create a brand-new venv at ``where`` (which must not exist yet) and return its python.

    uv creates it in a fraction of a second when it is on PATH, else ``python -m venv``.
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


@contextmanager
def scratch_venv(prefix: str) -> Iterator[Venv]:
    """A fresh venv and scratch directory in a new temp dir, removed on the way out."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        scratch = base / "scratch"
        scratch.mkdir()
        root = base / "venv"
        fresh_venv(root)
        yield Venv(root=root, scratch=scratch)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def pip(python: Path) -> list[str | Path]:
    """A pip command line acting on the venv of ``python``.

    The engine's own pip, run by the venv's interpreter, avoids installing pip into every fresh
    venv. ``pip --python VENV`` does exactly that by starting a second Python that runs pip's
    ``__pip-runner__.py`` inside the venv; starting that runner directly saves one Python start-up
    per install. When the engine has no pip (or one too old for ``--python``), the venv gets pip
    from ``ensurepip``, which needs no network.
    """
    if _engine_pip_usable():
        runner = _engine_pip_runner()
        if runner is not None:
            return [python, runner]
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


def _engine_pip_runner() -> Path | None:
    """pip's ``__pip-runner__.py`` (what ``pip --python`` runs in the other interpreter)."""
    spec = importlib.util.find_spec("pip")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    runner = Path(locations[0]) / "__pip-runner__.py" if locations else None
    return runner if runner is not None and runner.is_file() else None


def _engine_pip_usable() -> bool:
    if importlib.util.find_spec("pip") is None:
        return False
    try:
        return Version(importlib.metadata.version("pip")) >= _FIRST_PIP_WITH_PYTHON_OPTION
    except (importlib.metadata.PackageNotFoundError, InvalidVersion):
        return False


def machine_pip_env() -> dict[str, str]:
    """The machine's environment, minus what would redirect an install away from the venv."""
    return {key: value for key, value in os.environ.items() if key not in _INSTALL_LOCATION_VARS}


def isolated_pip_env() -> dict[str, str]:
    """No pip configuration at all except how to connect (certificates, proxy, timeout)."""
    transport = {key: os.environ[key] for key in _TRANSPORT_VARS if key in os.environ}
    return proc.clean_pip_env(transport)


def run_env(venv: Venv) -> dict[str, str]:
    """The environment of the smoke checks: venv first on PATH, no way back to the source tree."""
    # no upload credentials or tokens either: the package under test has no use for them, and
    # output that holds none needs no masking (masking a short password bent versions and paths)
    dropped = (*_IMPORT_PATH_VARS, *proc.SECRET_ENV_VARS)
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env["PATH"] = os.pathsep.join([str(venv.bin_dir), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv.root)
    env["PYTHONNOUSERSITE"] = "1"
    return env
