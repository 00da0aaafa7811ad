"""The code checkers a project uses: its formatter, its linter and its type checker.

Detected from the project's own configuration (``[tool.black]``, ``[tool.ruff]``, ``[tool.mypy]``,
``pyrightconfig.json``, ...) unless ``[tool.release]`` names them (``format-check``, ``lint``,
``typecheck``); each runs from the Python environment the engine runs in.
"""

from __future__ import annotations

import configparser
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import difflib

from . import proc
from .errors import ConfigError
from .output import Out

if TYPE_CHECKING:
    from .config import Config

FORMATTERS = ("black", "ruff")
LINTERS = ("ruff",)
TYPE_CHECKERS = ("mypy", "pyright")

# The key of each job in [tool.release], the tools it accepts, and its session.
JOBS = {
    "format-check": FORMATTERS,
    "lint": LINTERS,
    "typecheck": TYPE_CHECKERS,
}


@dataclass(frozen=True)
class Checker:
    """One checker run: the job, the tool, its checklist row name and its command line."""

    job: str  # "format-check", "lint" or "typecheck"
    tool: str  # "black", "ruff", "mypy" or "pyright"
    row: str  # the checklist row: "black", "ruff format", "ruff check", "mypy", "pyright"
    args: tuple[str, ...]  # after the tool's name, before the paths
    paths: tuple[str, ...]

    def command(self) -> list[str | Path]:
        # mypy imports the plugins the project names, which may be modules of the project itself
        launch = proc.project_tool if self.tool == "mypy" else proc.python_tool
        return launch(self.tool, *self.args, *self.paths)


SESSIONS = {"format-check": "format", "lint": "lint", "typecheck": "typecheck"}

# What ``advisory`` may name: a checker (by tool, row or session) or the coverage row.
ADVISABLE = [
    "black",
    "ruff",
    "ruff format",
    "ruff check",
    "mypy",
    "pyright",
    "format",
    "lint",
    "typecheck",
    "coverage",
]


def detect(root: Path, pyproject: Mapping[str, Any]) -> dict[str, str | None]:
    """The checker of each job the project's own configuration shows, None where none does."""
    tool = pyproject.get("tool", {})
    tool = tool if isinstance(tool, dict) else {}
    ruff_files = [root / name for name in ("ruff.toml", ".ruff.toml") if (root / name).is_file()]
    pre_commit = _read(root / ".pre-commit-config.yaml")
    ruff = "ruff" in tool or bool(ruff_files) or "astral-sh/ruff-pre-commit" in pre_commit
    ruff_formats = (
        isinstance(tool.get("ruff"), dict)
        and "format" in tool["ruff"]
        or any("[format]" in _read(path) for path in ruff_files)
        or _has_hook(pre_commit, "ruff-format")
    )
    black = "black" in tool or "psf/black" in pre_commit or _has_hook(pre_commit, "black")
    formatter = "black" if black else "ruff" if ruff_formats else None
    mypy = (
        "mypy" in tool
        or (root / "mypy.ini").is_file()
        or (root / ".mypy.ini").is_file()
        or _setup_cfg_has(root, "mypy")
    )
    pyright = "pyright" in tool or (root / "pyrightconfig.json").is_file()
    checker = "mypy" if mypy else "pyright" if pyright else None
    return {"format-check": formatter, "lint": "ruff" if ruff else None, "typecheck": checker}


def _has_hook(pre_commit: str, hook: str) -> bool:
    """``.pre-commit-config.yaml`` has a hook with this exact id (``blacken-docs`` is not
    ``black``)."""
    pattern = rf"""^[\s-]*id:\s*["']?{re.escape(hook)}["']?\s*(?:#.*)?$"""
    return re.search(pattern, pre_commit, re.MULTILINE) is not None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _setup_cfg_has(root: Path, section: str) -> bool:
    parser = configparser.ConfigParser()
    try:
        parser.read_string(_read(root / "setup.cfg"))
    except configparser.Error:
        return False
    return parser.has_section(section)


def checker(
    job: str, tool: str | None, format_paths: tuple[str, ...], typecheck_paths: tuple[str, ...]
) -> Checker | None:
    """The checker of ``job`` with the configured ``tool`` (None: the project has none)."""
    if tool is None:
        return None
    if job == "format-check":
        if tool == "ruff":
            return Checker(job, tool, "ruff format", ("format", "--check"), format_paths)
        return Checker(job, tool, "black", ("--check",), format_paths)
    if job == "lint":
        # --no-fix: a project's ``fix = true`` must not let a check rewrite its files
        return Checker(job, tool, "ruff check", ("check", "--no-fix"), format_paths)
    return Checker(job, tool, tool, (), typecheck_paths)


def fix_hint(check: Checker) -> str:
    """What to run to see (or fix) what a failing checker found."""
    paths = " ".join(check.paths)
    if check.row == "black":
        return f"black {paths}"
    if check.row == "ruff format":
        return f"ruff format {paths}"
    if check.row == "ruff check":
        return f"ruff check --fix {paths}, then fix the rest by hand"
    return f"nox -s typecheck shows the errors; fix them, or add {check.tool!r} to advisory"


def run(check: Checker, root: Path, *, stream: bool = False) -> proc.Result:
    return proc.run(check.command(), cwd=root, env=cache_env(check.tool, root), stream=stream)


_CACHE_VARIABLES = {
    "mypy": ("MYPY_CACHE_DIR", "cache_dir"),
    "ruff": ("RUFF_CACHE_DIR", "cache-dir"),
}


def cache_env(tool: str, root: Path) -> dict[str, str]:
    """The environment for ``tool``: its cache in the user's cache dir, not in the project
    (release-check leaves the project as it was). A cache dir the project sets itself wins."""
    env = dict(os.environ)
    if tool not in _CACHE_VARIABLES:
        return env
    variable, key = _CACHE_VARIABLES[tool]
    from .config import read_pyproject

    pyproject = root / "pyproject.toml"
    tables = read_pyproject(pyproject).get("tool", {}) if pyproject.is_file() else {}
    own = tables.get(tool, {}).get(key)
    if variable not in env and own is None:
        base = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        digest = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
        env[variable] = str(base / "nox-release" / tool / digest)
    return env


WHAT = {"format-check": "formatter", "lint": "linter", "typecheck": "type checker"}


def advised(check: Checker, advisory: tuple[str, ...]) -> bool:
    """``advisory`` names this checker: by its tool, its row, its job or its session."""
    return bool({check.tool, check.row, check.job, SESSIONS[check.job]} & set(advisory))


def run_job(cfg: Config, job: str, out: Out = print) -> int:
    """``python -m release format|lint|typecheck``: the project's checker, its own output.

    Exit 1 when it finds problems, unless the project declared it ``advisory`` (existing debt):
    then the problems are shown and the exit is 0. No checker configured: said, exit 0.
    """
    check = cfg.checker(job)
    if check is None:
        out(f"no {WHAT[job]}: {cfg.checkers_origin.get(job, 'not configured')}")
        out(f"  set {job} in [tool.release] to run one")
        return 0
    shown = " ".join(str(part) for part in (check.tool, *check.args, *check.paths))
    out(f"{check.row} ({cfg.checkers_origin.get(job, 'configured')}): {shown}")
    result = run(check, cfg.root, stream=True)
    if result.ok:
        return 0
    if advised(check, cfg.advisory):
        out(f"advisory: {check.row} found problems; advisory = {list(cfg.advisory)} lets them pass")
        return 0
    return 1


# -- [tool.release] ---------------------------------------------------------------------------


def advisory(names: list[str]) -> tuple[str, ...]:
    for name in names:
        if name not in ADVISABLE:
            close = difflib.get_close_matches(name, ADVISABLE, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else "valid: " + ", ".join(ADVISABLE)
            raise ConfigError(f"advisory names {name!r}, which is not a checklist row", hint)
    return tuple(names)


def choice(
    job: str, allowed: tuple[str, ...], values: Mapping[str, Any], found: str | None
) -> tuple[str | None, str]:
    """The checker of ``job`` and how it was chosen: set in [tool.release], or detected."""
    if job not in values:
        if found is None:
            return None, "none found in the project's configuration"
        return found, "detected from the project's configuration"
    setting = values[job]
    if setting is False:
        return None, "set to false in [tool.release]"
    if setting not in allowed:
        choices = " or ".join(f'"{name}"' for name in allowed)
        raise ConfigError(
            f"[tool.release] {job} must be {choices} or false, not {setting!r}",
            f"set {job} = {choices.split(' or ')[0]} (or false for none)",
        )
    return setting, "set in [tool.release]"
