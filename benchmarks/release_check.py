"""``release-check`` on a tiny project against the written guide run by hand, side by side.

The tiny project: one module (``tiny/__init__.py`` with ``__version__`` and a ``tiny`` console
script), one test, a CHANGELOG, mypy and black configured, in git with a bare ``origin``.

By hand, one after another, as the guide says and as a maintainer types it:
``pytest``, ``mypy``, ``black --check``, ``coverage run -m pytest`` + ``coverage report`` (pytest
--cov), ``python -m build``, ``python -m venv`` + ``pip install`` the wheel + ``tiny --version``.

Against: ``python -m release check --no-cache`` (the same checks and more: branch, tree, version
copies, CHANGELOG, audit), in the same environment. Each round uses fresh copies of the project,
so both sides start cold (no mypy cache, no build output). Prints every step, the median of the
rounds and the ratio. Target: ≤ 0.3.

    python benchmarks/release_check.py [--rounds N]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent

FILES = {
    "pyproject.toml": """\
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "tiny-bench"
version = "0.1.0"
description = "one module, one test"
readme = "README.md"
requires-python = ">=3.10"
dependencies = []

[project.scripts]
tiny = "tiny:main"

[tool.hatch.build.targets.wheel]
packages = ["tiny"]

[tool.release]
typecheck-paths = ["tiny", "tests"]
format-paths = ["tiny", "tests"]
smoke-commands = ["tiny --version"]

[tool.mypy]
strict = true

[tool.black]
line-length = 100
""",
    "tiny/__init__.py": '''\
"""A tiny package."""

import sys

__version__ = "0.1.0"


def main() -> int:
    if "--version" in sys.argv[1:]:
        print(f"tiny {__version__}")
    return 0
''',
    "tests/test_tiny.py": """\
import tiny


def test_main() -> None:
    assert tiny.main() == 0
""",
    "CHANGELOG.md": """\
# Changelog

## [Unreleased]

### Added

- The tiny package.
""",
    "README.md": "# tiny-bench\n\nOne module, one test.\n",
    ".gitignore": "dist/\n__pycache__/\n.mypy_cache/\n.coverage\n",
}


def make_project(where: Path) -> Path:
    project = where / "tiny"
    for name, text in FILES.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    remote = where / "origin.git"
    env = _git_env()
    for args, cwd in (
        (["init", "-q", "--bare", "-b", "main", str(remote)], where),
        (["init", "-q", "-b", "main"], project),
        (["add", "-A"], project),
        (["commit", "-q", "-m", "tiny"], project),
        (["remote", "add", "origin", str(remote)], project),
        (["push", "-q", "-u", "origin", "main"], project),
    ):
        subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)
    return project


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = "bench"
        env[f"GIT_{role}_EMAIL"] = "bench@example.invalid"
    return env


def timed(args: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"failed: {' '.join(map(str, args))}")
    return elapsed


def by_hand(project: Path) -> list[tuple[str, float]]:
    python = sys.executable
    env = dict(os.environ, COVERAGE_FILE=str(project / ".coverage"))
    steps: list[tuple[str, float]] = [
        ("pytest", timed([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)),
        ("mypy", timed([python, "-m", "mypy", "tiny", "tests"], project)),
        ("black --check", timed([python, "-m", "black", "--check", "tiny", "tests"], project)),
    ]
    cov = timed(
        [python, "-m", "coverage", "run", "--source=tiny", "-m", "pytest", "-q"], project, env
    )
    cov += timed([python, "-m", "coverage", "report"], project, env)
    steps.append(("pytest --cov", cov))
    steps.append(("build", timed([python, "-m", "build", "--outdir", "dist"], project)))
    wheel = next((project / "dist").glob("*.whl"))
    venv = project.parent / "hand-venv"
    smoke = timed([python, "-m", "venv", venv], project)
    smoke += timed([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], project)
    smoke += timed([venv / "bin" / "tiny", "--version"], project)
    steps.append(("venv + install + --version", smoke))
    return steps


def release_check(project: Path) -> tuple[float, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "release", "check", "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-2000:], sep="\n")
        raise SystemExit("release-check failed on the tiny project")
    return elapsed, done.stdout


def one_round() -> tuple[list[tuple[str, float]], float, str]:
    scratch = Path(tempfile.mkdtemp(prefix="bench-release-check-"))
    try:
        hand = by_hand(make_project(scratch / "hand"))
        check, table = release_check(make_project(scratch / "check"))
        return hand, check, table
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: Sequence[str]) -> int:
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3
    load_before = os.getloadavg()
    results = [one_round() for _ in range(rounds)]
    load_after = os.getloadavg()
    names = [name for name, _ in results[0][0]]
    print(f"release-check on a tiny project (1 module, 1 test), median of {rounds} rounds")
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    for index, name in enumerate(names):
        values = [hand[index][1] for hand, _, _ in results]
        print(f"  by hand: {name:<28} {statistics.median(values):6.2f} s")
    hand_totals = [sum(seconds for _, seconds in hand) for hand, _, _ in results]
    checks = [check for _, check, _ in results]
    hand_total, check_total = statistics.median(hand_totals), statistics.median(checks)
    print(
        f"{'by hand, one after another':<39} {hand_total:6.2f} s   (rounds: "
        + ", ".join(f"{t:.2f}" for t in hand_totals)
        + ")"
    )
    print(
        f"{'release-check (python -m release check)':<39} {check_total:6.2f} s   (rounds: "
        + ", ".join(f"{t:.2f}" for t in checks)
        + ")"
    )
    print(f"ratio release-check / by hand: {check_total / hand_total:.2f}  (target ≤ 0.3)")
    print("\nthe release-check table of the last round:")
    print(results[-1][2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
