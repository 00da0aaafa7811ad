"""Running external programs: the one place that starts subprocesses.

Output is captured and any secret value (tokens, passwords from the environment) is masked before it
can reach a log or an error message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from .errors import ToolFailed, ToolMissing

# Values that authenticate. User names are not among them: they occur in paths (/home/<user>),
# and masking them would bend output the engine parses.
SECRET_ENV_VARS = (
    "TWINE_PASSWORD",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "PYPI_TOKEN",
    "TEST_PYPI_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
)
_NOT_SECRET = {"", "__token__"}


def secrets(env: Mapping[str, str] | None = None) -> list[str]:
    """The values that must never be printed: every secret-bearing variable that is set."""
    source = os.environ if env is None else env
    found = [source.get(name, "") for name in SECRET_ENV_VARS]
    return sorted({value for value in found if value not in _NOT_SECRET}, key=len, reverse=True)


def redact(text: str, env: Mapping[str, str] | None = None) -> str:
    """``text`` with every secret value replaced by ``***``."""
    for value in secrets(env):
        text = text.replace(value, "***")
    return text


@dataclass(frozen=True)
class Result:
    """A finished process: its command line, exit code and (redacted) output."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        """stdout and stderr together, for error messages."""
        return "\n".join(part for part in (self.stdout.strip(), self.stderr.strip()) if part)

    def tail(self, lines: int = 25) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def run(
    args: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = False,
    timeout: float | None = None,
    input_text: str | None = None,
    what: str | None = None,
    hint: str = "",
    stream: bool = False,
    redact_output: bool = True,
) -> Result:
    """Run ``args`` and capture its output. With ``check``, a non-zero exit raises ToolFailed.

    With ``stream`` the output goes straight to the terminal (a test run the user watches) and the
    result holds none of it. ``redact_output=False`` is for tools that never see a secret and whose
    output is parsed (git): masking could bend a path that happens to contain a secret's text.
    """
    argv = tuple(str(arg) for arg in args)
    full_env = dict(os.environ if env is None else env)
    try:
        completed = subprocess.run(
            argv,
            cwd=cwd,
            env=full_env,
            capture_output=not stream,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            input=input_text,
            stdin=None if input_text is not None else subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise ToolFailed(
            f"{argv[0]} is not installed or not on PATH",
            hint or f"install {Path(argv[0]).name} in this environment",
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(
            f"{what or argv[0]} did not finish within {timeout:.0f} s",
            hint or "look at what it waits for (a server, a lock, a prompt) and re-run",
        ) from exc
    stdout, stderr = completed.stdout or "", completed.stderr or ""
    if redact_output:
        stdout, stderr = redact(stdout, full_env), redact(stderr, full_env)
    result = Result(argv, completed.returncode, stdout, stderr)
    if check and not result.ok:
        raise ToolFailed(
            f"{what or ' '.join(argv[:3])} failed (exit {result.returncode}):\n{result.tail()}",
            hint or "read the output above, fix the cause and re-run",
        )
    return result


def run_bytes(args: Sequence[str | Path], *, cwd: Path | None = None) -> bytes | None:
    """Run ``args`` and return its raw stdout, or None if it failed (for binary output)."""
    try:
        completed = subprocess.run(
            [str(arg) for arg in args], cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        return None
    return completed.stdout if completed.returncode == 0 else None


def python_tool(module: str, *args: str | Path) -> list[str | Path]:
    """A command line running ``module`` with the interpreter the engine runs in, as
    ``python -m module`` would, but with the working directory (the project) left off
    ``sys.path``: a flat-layout project named like one of the tool's dependencies (rich, tomlkit,
    click) would be imported in its place, and bytecode written into the project."""
    return [sys.executable, "-c", OFF_THE_PROJECT_PATH, module, *args]


# ``python -c`` puts "" (the working directory) first on sys.path, unless PYTHONSAFEPATH says not
# to; drop it, then run the module named by the first argument as ``python -m`` does (Python
# 3.11's ``-P`` in any version).
OFF_THE_PROJECT_PATH = (
    "import os, runpy, sys; "
    "sys.path[:1] = [] if sys.path and sys.path[0] in ('', os.getcwd()) else sys.path[:1]; "
    "module = sys.argv.pop(1); runpy.run_module(module, run_name='__main__', alter_sys=True)"
)


def project_tool(module: str, *args: str | Path) -> list[str | Path]:
    """``python -m module``: for the tools that run or import the project's own code the way its
    developers do, from the working directory (pytest and coverage, towncrier, mypy's plugins)."""
    return [sys.executable, "-m", module, *args]


def require_module(distribution: str, *, purpose: str) -> None:
    """ToolMissing unless ``distribution`` is installed in the environment the engine runs in.

    Checked before ``python -m <tool>`` runs, so that a missing tool is named as missing instead of
    surfacing as the tool's failure (``No module named build`` read as a packaging error).
    """
    import importlib.metadata  # here, not at the top: ~30 ms of every start of the CLI otherwise

    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise ToolMissing(
            f"the tool {distribution!r} is missing: it {purpose}, and it is not installed in the "
            f"environment nox-release runs in ({sys.executable})",
            f"install it there ({Path(sys.executable).name} -m pip install {distribution}); "
            "the nox sessions install it themselves",
        ) from None


def clean_pip_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment in which pip reads no configuration file and no PIP_* variable.

    Machines often carry a global pip.conf with extra indexes and find-links; a step that verifies an
    install *from one index* must not let pip find the file anywhere else.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_")) and key not in SECRET_ENV_VARS  # pip needs none
    }
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    env["UV_NO_CONFIG"] = "1"
    if extra:
        env.update(extra)
    return env
