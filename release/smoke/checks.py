"""The smoke checks run inside a venv the package was installed into: import the package and compare
its ``__version__``, run each smoke command (``--version`` must print the version)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .. import proc
from ..errors import CheckFailed, ToolFailed, UsageError
from ..output import CheckResult
from ..version import same_version
from .venv import COMMAND_TIMEOUT, Venv, run_env

_IMPORT_PROBE = """\
import importlib, json, sys
module = importlib.import_module(sys.argv[1])
version = getattr(module, "__version__", None)
print(json.dumps({"file": getattr(module, "__file__", None),
                  "version": None if version is None else str(version)}))
"""


SmokeResult = CheckResult


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


@dataclass(frozen=True)
class Expected:
    """What the installed release must show: its import package (None: no import check), its
    version, and the smoke commands that must succeed."""

    package: str | None
    version: str
    commands: Sequence[str]


def run_checks(
    venv: Venv, expected: Expected, timeout: float = COMMAND_TIMEOUT
) -> list[SmokeResult]:
    """The import check (when there is a package), then every smoke command, in order."""
    results = []
    if expected.package:
        results.append(check_import(venv, expected.package, expected.version))
    for command, argv in zip(expected.commands, parse_commands(expected.commands)):
        results.append(_run_command(venv, command, argv, expected.version, timeout))
    return results


def check_import(venv: Venv, package: str, version: str) -> SmokeResult:
    """``import package`` in the venv: from the venv, with the expected ``__version__`` if any."""
    what = f"import {package}"
    result = proc.run(
        [venv.python, "-I", "-c", _IMPORT_PROBE, package],
        env=run_env(venv),
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


def _in_bin_dir(program: str, venv: Venv) -> bool:
    """The program lives in the venv's bin dir (its python is a symlink out: do not resolve it)."""
    return Path(os.path.abspath(program)).parent.resolve() == venv.bin_dir.resolve()


def prints_version(output: str, version: str) -> bool:
    """True when ``version`` (or ``v`` + version) appears in ``output`` as a whole token: 0.2.0 is
    in "omi v0.2.0" but not in "0.2.01" or "10.2.0"."""
    pattern = rf"(?<![\w.+-])v?{re.escape(version)}(?![\w+-]|\.\w)"
    return re.search(pattern, output) is not None


def _run_command(
    venv: Venv, what: str, argv: Sequence[str], version: str, timeout: float
) -> SmokeResult:
    argv = [part.replace("{tmp}", str(venv.scratch)) for part in argv]
    env = run_env(venv)
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
