"""nox-release releases itself with its own sessions (see ``nox -l``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import nox  # noqa: E402

try:  # the sessions come from this checkout, not an installed nox-release: they read pyproject
    import tomlkit  # noqa: E402,F401
except ImportError:  # pragma: no cover - depends on how nox was installed
    raise SystemExit(
        "this repository's noxfile needs tomlkit beside nox: python -m pip install nox uv tomlkit"
    ) from None

from release.sessions import *  # noqa: E402,F401,F403

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
# The suite runs once, under coverage (the coverage session is the test run; tests is for posargs).
nox.options.sessions = ["mypy", "black", "coverage"]


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Regenerate the output blocks of docs/ from what the code prints (tests/docs_output.py)."""
    session.install("-e", ".[test]", "uv")  # the scenarios run the checks, builds and indexes
    session.run("python", "-m", "tests.docs_output", "--write", *session.posargs)
