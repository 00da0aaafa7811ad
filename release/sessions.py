"""The nox sessions. Import this module from a noxfile and every session is registered::

    import release.sessions  # noqa: F401

Sessions are thin: each prepares an environment and calls one engine command (``python -m release
…``), which does the work on the project in the current directory.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox
import nox.project

from . import config, origin
from .errors import ReleaseError

BACKEND = "uv|virtualenv"

TEST_TOOLS = ("pytest", "coverage[toml]")
RELEASE_TOOLS = ("build[uv]", "twine>=6.1", "pip")
CHECK_TOOLS = (*TEST_TOOLS, "mypy", "black", *RELEASE_TOOLS, "pip-audit")


def _engine(session: nox.Session) -> list[str]:
    """What installs this engine: the same engine, from where it was installed (PEP 610)."""
    try:
        found = origin.engine_origin(Path.cwd())
    except ReleaseError as error:
        session.error(str(error))
    if found.install_args:
        session.log(f"nox-release from {found.where}")
    return list(found.install_args)


def _project() -> list[str]:
    """``-e .`` with the project's test extras, plus its test/dev dependency groups."""
    pyproject = nox.project.load_toml("pyproject.toml")
    extras = pyproject.get("project", {}).get("optional-dependencies", {})
    wanted = [name for name in ("test", "tests", "dev") if name in extras]
    spec = f".[{','.join(wanted)}]" if wanted else "."
    groups = pyproject.get("dependency-groups", {})
    group_names = [name for name in ("test", "tests", "dev") if name in groups]
    group_reqs = list(nox.project.dependency_groups(pyproject, *group_names)) if group_names else []
    return ["-e", spec, *group_reqs]


def _install(session: nox.Session, *tools: str, project: bool = False) -> None:
    engine = _engine(session)
    if not engine and not project:
        engine = ["."]  # releasing nox-release itself: the engine is the project
    packages = [*(_project() if project else []), *engine, *tools]
    before = _build_leftovers()
    if packages:
        session.install(*packages, env=_compile_env())
    if project:
        # installing a setuptools project (-e .) writes build/ and *.egg-info next to its
        # sources; the environment does not need them, and the project is left as it was
        for path in _build_leftovers() - before:
            shutil.rmtree(path, ignore_errors=True)


def _compile_env() -> dict[str, str]:
    """Where PYTHONDONTWRITEBYTECODE is set (many CI images set it), Python keeps no bytecode of
    what it imports, and every start of the engine and its tools compiles their modules again:
    then uv compiles the environment once, as it installs it (pip does so anyway). Elsewhere
    Python writes the bytecode of what is used, on first use, which costs less."""
    return {"UV_COMPILE_BYTECODE": "1"} if os.environ.get("PYTHONDONTWRITEBYTECODE") else {}


def _build_leftovers() -> set[Path]:
    root = Path.cwd()
    found = {root / "build"} if (root / "build").is_dir() else set()
    return found | set(root.glob("*.egg-info")) | set(root.glob("src/*.egg-info"))


def _engine_run(session: nox.Session, *args: str) -> None:
    # the console script, not ``python -m release``: that would run a ``release.py`` (or
    # ``release/``) at the project's root, which many projects keep, instead of the engine
    session.run("nox-release", *args)


def _no_posargs(session: nox.Session) -> None:
    if session.posargs:
        session.error(
            f"{session.name} takes no arguments, got {' '.join(session.posargs)!r}; "
            f"run 'nox -s {session.name}'"
        )


def _one_version(session: nox.Session, usage: str) -> list[str]:
    if not session.posargs or session.posargs[0].startswith("-"):
        session.error(f"usage: nox -s {session.name} -- {usage}")
    return list(session.posargs)


def _version_command(session: nox.Session, usage: str, *tools: str, project: bool = False) -> None:
    """A session named after its engine command that takes a VERSION first (``publish 1.2.0``)."""
    args = _one_version(session, usage)
    _install(session, *tools, project=project)
    _engine_run(session, session.name, *args)


# Not default: a bare ``nox`` runs coverage, which is the test run (the suite runs once).
@nox.session(default=False, venv_backend=BACKEND)
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest (arguments go to pytest)."""
    _install(session, *TEST_TOOLS, project=True)
    _engine_run(session, "tests", "--", *session.posargs)


@nox.session(venv_backend=BACKEND)
def mypy(session: nox.Session) -> None:
    """Type-check typecheck-paths with mypy."""
    _no_posargs(session)
    _install(session, "mypy", *TEST_TOOLS, project=True)
    _engine_run(session, "mypy")


@nox.session(venv_backend=BACKEND)
def black(session: nox.Session) -> None:
    """Check formatting of format-paths with black --check."""
    _no_posargs(session)
    _install(session, "black", "tomlkit", "packaging")
    _engine_run(session, "black")


def _project_config(session: nox.Session) -> config.Config:
    """The project's configuration, read in nox's process to choose what a session installs."""
    from .errors import ReleaseError

    try:
        return config.load()
    except ReleaseError as error:
        session.error(str(error))


def _checker_tool(session: nox.Session, job: str) -> str | None:
    """The tool the project configures (or shows) for ``job``; the session installs it."""
    check = _project_config(session).checker(job)
    return None if check is None else check.tool


def _history_tools(session: nox.Session) -> list[str]:
    """towncrier, for a project whose news file towncrier builds."""
    return ["towncrier"] if _project_config(session).changelog_kind == "towncrier" else []


def _checker_tools(session: nox.Session) -> list[str]:
    """The checkers the project uses that the check tools do not already hold (ruff, pyright)."""
    tools = {_checker_tool(session, job) for job in ("format-check", "lint", "typecheck")}
    return sorted(tool for tool in tools if tool and tool not in CHECK_TOOLS)


def _checker_session(session: nox.Session, job: str, command: str) -> None:
    _no_posargs(session)
    tool = _checker_tool(session, job)
    project = job == "typecheck" and tool is not None  # a type checker imports the project
    _install(session, *([tool] if tool else []), "tomlkit", "packaging", project=project)
    _engine_run(session, command)


@nox.session(name="format", default=False, venv_backend=BACKEND)
def format_check(session: nox.Session) -> None:
    """Check formatting with the project's formatter (format-check: black or ruff)."""
    _checker_session(session, "format-check", "format")


@nox.session(default=False, venv_backend=BACKEND)
def lint(session: nox.Session) -> None:
    """Lint with the project's linter (lint: ruff)."""
    _checker_session(session, "lint", "lint")


@nox.session(default=False, venv_backend=BACKEND)
def typecheck(session: nox.Session) -> None:
    """Type-check with the project's type checker (typecheck: mypy or pyright)."""
    _checker_session(session, "typecheck", "typecheck")


@nox.session(venv_backend=BACKEND)
def coverage(session: nox.Session) -> None:
    """Run the tests under coverage; fail under coverage-threshold."""
    _no_posargs(session)
    _install(session, *TEST_TOOLS, project=True)
    _engine_run(session, "coverage")


@nox.session(default=False, venv_backend=BACKEND)
def build(session: nox.Session) -> None:
    """Build sdist and wheel into a clean dist/, twine check --strict, check the files."""
    _no_posargs(session)
    _install(session, *RELEASE_TOOLS)
    _engine_run(session, "build")


@nox.session(name="smoke-venv", default=False, venv_backend=BACKEND)
def smoke_venv(session: nox.Session) -> None:
    """Install the built wheel in a brand-new venv and run the smoke checks."""
    _no_posargs(session)
    _install(session, "uv")
    _engine_run(session, "smoke")


@nox.session(name="release-check", default=False, venv_backend=BACKEND)
def release_check(session: nox.Session) -> None:
    """Run the whole pre-release checklist and print one table."""
    _install(session, *CHECK_TOOLS, *_checker_tools(session), project=True)
    _engine_run(session, "check", *session.posargs)


@nox.session(default=False, venv_backend=BACKEND)
def bump(session: nox.Session) -> None:
    """Release steps 1-2: write the version everywhere and promote the CHANGELOG."""
    usage = (
        "VERSION|major|minor|patch|auto [--pre rc|a|b] [--date YYYY-MM-DD] [--summary TEXT] "
        "[--allow-empty] [--dry-run]"
    )
    _version_command(session, usage, *_history_tools(session))


@nox.session(default=False, venv_backend=BACKEND)
def notes(session: nox.Session) -> None:
    """Print one version's CHANGELOG section (the release notes)."""
    _version_command(session, "VERSION")


@nox.session(name="publish-test", default=False, venv_backend=BACKEND)
def publish_test(session: nox.Session) -> None:
    """Upload dist/ to the test index and verify an install from it."""
    _version_command(session, "VERSION [--dry-run]", *RELEASE_TOOLS)


@nox.session(default=False, venv_backend=BACKEND)
def publish(session: nox.Session) -> None:
    """The whole release, steps 1-10; re-run to resume after a failure."""
    usage = "VERSION [--dry-run] [--yes] [--allow-unknown] [--security]"
    tools = (*CHECK_TOOLS, *_checker_tools(session), *_history_tools(session))
    _version_command(session, usage, *tools, project=True)


@nox.session(default=False, venv_backend=BACKEND)
def upload(session: nox.Session) -> None:
    """Upload dist/ to the production index and verify it (what CI runs on a tag)."""
    _version_command(session, "VERSION [--attestations]", *RELEASE_TOOLS)


@nox.session(name="github-release", default=False, venv_backend=BACKEND)
def github_release(session: nox.Session) -> None:
    """Create or update the GitHub release for a version's tag, with dist/ attached."""
    _version_command(session, "VERSION")


@nox.session(default=False, venv_backend=BACKEND)
def hotfix(session: nox.Session) -> None:
    """Start a hotfix: branch hotfix/X.Y.(Z+1) from the tag of X.Y.Z."""
    _version_command(session, "X.Y.Z")


@nox.session(default=False, venv_backend=BACKEND)
def yank(session: nox.Session) -> None:
    """Guide the (web-only) yank of a release, then verify it on the index."""
    usage = "usage: nox -s yank -- VERSION REASON [--timeout SECONDS] [--mark-only]"
    args = _one_version(session, "VERSION REASON [--timeout SECONDS] [--mark-only]")
    options: list[str] = []
    if "--mark-only" in args:
        args.remove("--mark-only")
        options.append("--mark-only")
    if "--timeout" in args:
        at = args.index("--timeout")
        timeout = args[at : at + 2]
        args = args[:at] + args[at + 2 :]
        if len(timeout) < 2:
            session.error(f"{usage}: --timeout needs a number of seconds")
        options += timeout
    if len(args) < 2 or args[1].startswith("-"):
        session.error(f"{usage} (got {' '.join(session.posargs)!r})")
    _install(session)
    _engine_run(session, "yank", args[0], "--reason", " ".join(args[1:]), *options)


@nox.session(default=False, venv_backend=BACKEND)
def doctor(session: nox.Session) -> None:
    """Diagnose what would stop a release and say how to fix it."""
    _no_posargs(session)
    from .errors import ReleaseError

    try:  # towncrier, to recognise its bump; a broken configuration is for doctor to report
        history = ["towncrier"] if config.load().changelog_kind == "towncrier" else []
    except ReleaseError:
        history = []
    _install(session, *RELEASE_TOOLS, *history)
    _engine_run(session, "doctor")


@nox.session(default=False, venv_backend=BACKEND)
def demo(session: nox.Session) -> None:
    """Offline, end to end: release the bundled sample package to a real local index."""
    _install(session, *CHECK_TOOLS, "pypiserver>=2.1")
    _engine_run(session, "demo", *session.posargs)
