"""The quality tools a release runs: pytest (with coverage), mypy, black; and the table of the
single-tool commands (``python -m release tests|coverage|mypy|black|build|smoke``).

Each runs from the Python environment the engine runs in, on the project in ``cfg.root``. The same
functions serve the single-tool commands and the checklist; building is :mod:`release.dist`, the
smoke test :mod:`release.smoke`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from . import checkers, dist, proc, smoke
from .config import Config, read_pyproject
from .errors import CheckFailed, UsageError
from .output import Out


@dataclass(frozen=True)
class CoverageOutcome:
    """One pytest run under coverage: the test result and the total coverage."""

    tests: proc.Result
    percent: float | None
    detail: str
    fail_under: float | None = None  # the project's own fail_under, when the total misses it
    imported: tuple[str, ...] = ()  # where the test processes imported the package from

    @property
    def own_threshold_note(self) -> str:
        """``; below the project's own fail_under (80%)`` when that is not met, else empty."""
        if self.fail_under is None:
            return ""
        return f"; below the project's own [tool.coverage.report] fail_under ({self.fail_under:g}%)"


def _coverage_configured(cfg: Config) -> bool:
    """True when the project says itself what coverage measures."""
    doc = read_pyproject(cfg.pyproject)
    run_table = doc.get("tool", {}).get("coverage", {}).get("run", {})
    return "source" in run_table or (cfg.root / ".coveragerc").is_file()


def pytest(cfg: Config, extra: Sequence[str] = (), *, stream: bool = False) -> proc.Result:
    proc.require_module("pytest", purpose="runs the tests")
    return proc.run(
        proc.project_tool("pytest", *cfg.test_args, *extra), cwd=cfg.root, stream=stream
    )


def coverage(cfg: Config, extra: Sequence[str] = (), *, stream: bool = False) -> CoverageOutcome:
    """pytest under coverage, once; the data file lives in a temp dir so runs never collide."""
    proc.require_module("coverage", purpose="measures the tests' coverage")
    proc.require_module("pytest", purpose="runs the tests")
    with tempfile.TemporaryDirectory(prefix="release-coverage-") as scratch:
        # the project's tree is left as it was: data file, pytest's cache and bytecode elsewhere.
        # pytest's numbered temporary directories go to the scratch dir as well: in the shared
        # /tmp/pytest-of-USER, each run would delete the oldest of the user's own (a full test
        # run's can take seconds to delete).
        env = dict(
            os.environ,
            COVERAGE_FILE=str(Path(scratch) / ".coverage"),
            PYTHONDONTWRITEBYTECODE="1",
            PYTEST_DEBUG_TEMPROOT=scratch,
        )
        source = [] if _coverage_configured(cfg) else [f"--source={cfg.relative(cfg.source)}"]
        probe = _import_probe(Path(scratch), cfg, env)
        tests = proc.run(
            proc.project_tool(
                "coverage",
                "run",
                *source,
                "-m",
                "pytest",
                *_NO_CACHE,
                *probe,
                *cfg.test_args,
                *extra,
            ),
            cwd=cfg.root,
            env=env,
            stream=stream,
        )
        imported = tuple(
            sorted({path.read_text(encoding="utf-8") for path in Path(scratch).glob(_PROBED)})
        )
        if any(Path(scratch).glob(".coverage.*")):  # parallel data (xdist workers, subprocesses)
            proc.run(proc.project_tool("coverage", "combine", "-q"), cwd=cfg.root, env=env)
        report_file = Path(scratch) / "coverage.json"
        report = proc.run(
            proc.project_tool("coverage", "json", "-q", "-o", report_file), cwd=cfg.root, env=env
        )
        # exit 2: the project's own fail_under is not met -- the report is written all the same
        if report.returncode not in (0, 2) or not report_file.is_file():
            detail = report.tail(3) or "coverage produced no data"
            return CoverageOutcome(tests, None, detail, imported=imported)
        totals = json.loads(report_file.read_text(encoding="utf-8"))["totals"]
        percent = float(totals["percent_covered"])
        detail = f"{percent:.1f}% of {totals['num_statements']} statements"
        fail_under = _own_fail_under(cfg, env) if report.returncode == 2 else None
        if stream:
            proc.run(proc.project_tool("coverage", "report"), cwd=cfg.root, env=env, stream=True)
        return CoverageOutcome(tests, percent, detail, fail_under, imported)


# A pytest plugin, loaded with -p into the project's test run (and each xdist worker): at the end
# of the session it writes where the package was imported from. A src layout's tests import an
# installed copy when the project is not installed (editable) in the environment: they then pass
# or fail on other code than the work tree's.
_PROBE_MODULE = "_nox_release_import_probe"
_PROBED = "imported-*.txt"
_PROBE = """\
import os
import sys


def pytest_sessionfinish(session):
    module = sys.modules.get(os.environ["NOX_RELEASE_PACKAGE"])
    if module is None:
        return
    places = [getattr(module, "__file__", None)] + list(getattr(module, "__path__", []))
    places = [os.path.abspath(place) for place in places if place]
    if places:  # a namespace package has several portions: every one is written
        name = "imported-%d.txt" % os.getpid()
        with open(os.path.join(os.environ["NOX_RELEASE_PROBE"], name), "w", encoding="utf-8") as f:
            f.write("\\n".join(places))
"""


def _import_probe(scratch: Path, cfg: Config, env: dict[str, str]) -> list[str]:
    """Make the probe importable by the test run (``env`` is updated); its pytest options."""
    (scratch / f"{_PROBE_MODULE}.py").write_text(_PROBE, encoding="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [scratch.as_posix(), env.get("PYTHONPATH")]))
    env["NOX_RELEASE_PACKAGE"] = cfg.package
    env["NOX_RELEASE_PROBE"] = str(scratch)
    return ["-p", _PROBE_MODULE]


def tested_elsewhere(cfg: Config, outcome: CoverageOutcome) -> str | None:
    """Why the tests did not test the work tree (they imported the package from elsewhere), or
    None when they did, or when they never imported it in-process."""
    source = cfg.source.resolve()
    for record in outcome.imported:  # one per test process: the places its package came from
        paths = [Path(place).resolve() for place in record.splitlines() if place]
        if paths and not any(path == source or source in path.parents for path in paths):
            path = paths[0]
            return (
                f"the tests imported {cfg.package} from {path.parent if path.is_file() else path},"
                f" not from this work tree ({cfg.relative(cfg.source)})"
            )
    return None


TESTED_ELSEWHERE_HINT = (
    "install the project into this environment in editable mode (pip install -e .), as the nox "
    "sessions do, then re-run"
)


def _own_fail_under(cfg: Config, env: dict[str, str]) -> float | None:
    """The ``fail_under`` coverage reads from the project's own configuration, whichever file."""
    result = proc.run(proc.project_tool("coverage", "debug", "config"), cwd=cfg.root, env=env)
    for line in result.stdout.splitlines():
        key, _, value = line.strip().partition(":")
        if key.strip() == "fail_under":
            try:
                return float(value.strip())
            except ValueError:
                return None
    return None


_NO_CACHE = ("-p", "no:cacheprovider")  # no .pytest_cache in the project


def mypy(cfg: Config, *, stream: bool = False) -> proc.Result:
    proc.require_module("mypy", purpose="type-checks typecheck-paths")
    return proc.run(
        proc.project_tool("mypy", *cfg.typecheck_paths),
        cwd=cfg.root,
        env=checkers.cache_env("mypy", cfg.root),
        stream=stream,
    )


def black(cfg: Config, *, stream: bool = False) -> proc.Result:
    proc.require_module("black", purpose="checks the formatting of format-paths")
    return proc.run(
        proc.python_tool("black", "--check", *cfg.format_paths), cwd=cfg.root, stream=stream
    )


def pytest_summary(result: proc.Result) -> str:
    """pytest's closing line (``3 passed, 1 failed in 0.2s``) or a short reason: where pytest
    stopped before running anything (a conftest that can't be imported, a bad option), its exit
    status and the error it printed last."""
    if result.returncode == 5:
        return "no tests were collected"
    lines = result.output.splitlines()
    for line in reversed(lines):
        text = line.strip("= ").strip()
        if any(word in text for word in ("passed", "failed", "error", "skipped")):
            return text
    error = next((line for line in reversed(lines) if _PYTEST_ERROR.match(line)), "")
    said = _PYTEST_ERROR.sub("", error).strip()
    return f"pytest exited {result.returncode}" + (f": {said}" if said else "")


# pytest's error lines: ``E   ModuleNotFoundError: …`` in a traceback, ``ERROR: …`` for usage
_PYTEST_ERROR = re.compile(r"^(?:E\s+|ERROR:\s*)(?=\S)")


def tests_ran(result: proc.Result) -> bool:
    """pytest ran the tests: they passed (0) or some failed (1). 2 (interrupted: collection
    errors), 3 (internal error), 4 (usage error: a conftest that can't be imported) and 5 (no
    tests) mean the coverage measured is not the tests'."""
    return result.returncode in (0, 1)


def _run_tests(cfg: Config, extra: Sequence[str], out: Out) -> int:
    return _exit(pytest(cfg, extra, stream=True))


def _run_coverage(cfg: Config, extra: Sequence[str], out: Out) -> int:
    outcome = coverage(cfg, extra, stream=True)
    if outcome.percent is None:
        raise CheckFailed(f"coverage measured nothing: {outcome.detail}", _COVERAGE_HINT)
    if not outcome.tests.ok:
        return _exit(outcome.tests)
    elsewhere = tested_elsewhere(cfg, outcome)
    if elsewhere:
        raise CheckFailed(elsewhere, TESTED_ELSEWHERE_HINT)
    if outcome.percent < cfg.coverage_threshold:
        raise CheckFailed(
            f"coverage {outcome.detail} is below coverage-threshold "
            f"{cfg.coverage_threshold:g}%{outcome.own_threshold_note}",
            "add tests for the uncovered lines (coverage report -m shows them)",
        )
    out(f"coverage {outcome.detail} ≥ {cfg.coverage_threshold:g}%{outcome.own_threshold_note}")
    return 0


def _run_mypy(cfg: Config, extra: Sequence[str], out: Out) -> int:
    return _exit(mypy(cfg, stream=True))


def _run_black(cfg: Config, extra: Sequence[str], out: Out) -> int:
    return _exit(black(cfg, stream=True))


def _run_build(cfg: Config, extra: Sequence[str], out: Out) -> int:
    from . import matrixdist

    files = dist.build_dist(cfg, cfg.root / "dist", out=out)
    out(f"built {files.sdist.name} and {files.wheel.name}")
    note = matrixdist.local_build_note(cfg)
    if note:
        out(note)
    return 0


def _run_smoke(cfg: Config, extra: Sequence[str], out: Out) -> int:
    smoke.smoke_dist(cfg, cfg.root / "dist", out=out)
    return 0


# ``python -m release NAME``: each single-tool command and what runs it.
TOOLS: dict[str, Callable[[Config, Sequence[str], Out], int]] = {
    "tests": _run_tests,
    "coverage": _run_coverage,
    "mypy": _run_mypy,
    "black": _run_black,
    "build": _run_build,
    "smoke": _run_smoke,
}


def run_tool(cfg: Config, name: str, extra: Sequence[str], out: Out = print) -> int:
    """``python -m release tests|coverage|mypy|black|build|smoke``: one tool, its own exit code."""
    runner = TOOLS.get(name)
    if runner is None:
        raise UsageError(f"unknown tool {name!r}", f"use one of {', '.join(TOOLS)}")
    if extra and extra[0] == "--":
        extra = extra[1:]
    return runner(cfg, extra, out)


def _exit(result: proc.Result) -> int:
    """A tool's own exit code (pytest 5, black 123, ...) as the engine's: 0 ok, 1 failed."""
    return 0 if result.ok else 1


_COVERAGE_HINT = (
    "install the project in the environment in editable mode (pip install -e .) so coverage "
    "sees its source, or set [tool.coverage.run] source"
)
