"""The rows about the code: tests and coverage, the project's checkers, the build and smoke test."""

from __future__ import annotations

import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import checkers, proc, tools
from ..config import Config
from ..errors import ReleaseError
from ..git import Git
from ..output import quiet
from .rows import FAIL, PASS, SKIPPED, UNKNOWN, Context, Row


def tests_and_coverage_item(ctx: Context) -> list[Row]:
    cfg = ctx.cfg
    outcome = tools.coverage(cfg)
    summary = tools.pytest_summary(outcome.tests)
    elsewhere = tools.tested_elsewhere(cfg, outcome)
    if elsewhere:
        tests_row = Row("tests", FAIL, f"{elsewhere} ({summary})", tools.TESTED_ELSEWHERE_HINT)
    elif outcome.tests.ok:
        tests_row = Row("tests", PASS, summary)
    else:
        tests_row = Row("tests", FAIL, summary, "run nox -s tests and fix the failures")
    threshold = cfg.coverage_threshold
    own = outcome.own_threshold_note
    if elsewhere:
        cov_row = Row("coverage", UNKNOWN, "not measured: the tests ran on another copy", "")
    elif outcome.percent is None:
        cov_row = Row("coverage", UNKNOWN, f"no coverage data: {outcome.detail}", "")
    elif not tools.tests_ran(outcome.tests):
        cov_row = Row(
            "coverage",
            UNKNOWN,
            f"not measured: the tests did not run (pytest exited {outcome.tests.returncode})",
            "fix what stops the tests (the tests row), then re-run",
        )
    elif outcome.percent >= threshold:
        cov_row = Row("coverage", PASS, f"{outcome.detail} ≥ {threshold:g}%{own}")
    else:
        cov_row = Row(
            "coverage",
            FAIL,
            f"{outcome.detail} < {threshold:g}%{own}",
            "add tests for the uncovered lines (nox -s coverage shows them)",
        )
    return [tests_row, cov_row]


def _checker_item(job: str, ctx: Context) -> list[Row]:
    """The row of the project's checker for ``job``; SKIPPED, saying why, when it has none."""
    cfg = ctx.cfg
    check = cfg.checker(job)
    if check is None:
        origin = cfg.checkers_origin.get(job, "not configured")
        session = checkers.SESSIONS[job]
        return [Row(session, SKIPPED, f"no {_WHAT[job]}: {origin}", "")]
    result = checkers.run(check, cfg.root)
    if result.ok:
        return [Row(check.row, PASS, summary_line(result) or "ok")]
    reason = summary_line(result) or f"exit {result.returncode}"
    if _missing_tool(check.tool, result):
        reason = f"{check.tool} is not installed in this environment"
        return [Row(check.row, UNKNOWN, reason, f"pip install {check.tool}")]
    return [Row(check.row, FAIL, reason, checkers.fix_hint(check))]


_WHAT = {"format-check": "formatter", "lint": "linter", "typecheck": "type checker"}


def _missing_tool(tool: str, result: proc.Result) -> bool:
    """Python could not find the tool itself: its own message, as the last line of stderr (not a
    "No module named" a linter quotes from the project's code, as ruff does in its findings)."""
    lines = result.stderr.strip().splitlines()
    return (
        bool(lines) and re.search(rf"No module named '?{re.escape(tool)}'?$", lines[-1]) is not None
    )


# The checkers' own closing lines: mypy's ``Found 2 errors in 1 file`` / ``Success: …``, ruff's
# ``Found 3 errors.`` / ``All checks passed!``, black's and ruff format's ``1 file would be
# reformatted``, pyright's ``2 errors, 0 warnings, 0 informations``.
_SUMMARY = re.compile(
    r"^(?:Found \d+ errors?|Success:|All checks passed|\d+ errors?, |\d+ files? (?:would|already))"
)


def summary_line(result: proc.Result) -> str:
    """The checker's verdict line, not a warning it printed around it (mypy's "python_version 3.9
    is not supported", ruff's "7 hidden fixes can be enabled"); else its last line."""
    streams = [
        [line.strip() for line in text.splitlines() if line.strip()]
        for text in (result.stdout, result.stderr)
    ]
    for lines in streams:
        for line in reversed(lines):
            if _SUMMARY.match(line):
                return line
    return next((lines[-1] for lines in streams if lines), "")


def format_item(ctx: Context) -> list[Row]:
    return _checker_item("format-check", ctx)


def lint_item(ctx: Context) -> list[Row]:
    return _checker_item("lint", ctx)


def typecheck_item(ctx: Context) -> list[Row]:
    return _checker_item("typecheck", ctx)


def package_item(ctx: Context) -> list[Row]:
    """Build into a scratch dir (dist/ is left alone) and smoke-test the wheel (a platform-wheel
    project: this machine's wheel; CI's matrix builds the others). ``twine check`` and the smoke
    test only read the built files: they run side by side."""
    from .. import dist, matrixdist, smoke

    with tempfile.TemporaryDirectory(prefix="release-check-dist-") as scratch:
        outdir = Path(scratch) / "dist"
        try:
            source = copy_of_the_tree(ctx.cfg, Path(scratch) / "src")
            dist.build(source, outdir)
            files = dist.check_dist(
                outdir,
                ctx.cfg.name,
                dist.built_version(ctx.cfg, outdir),
                built_from=ctx.cfg.version_source.description,
            )
        except ReleaseError as error:
            return [
                Row("build", FAIL, error.message.splitlines()[0], error.hint),
                Row("smoke", SKIPPED, "nothing was built"),
            ]
        with ThreadPoolExecutor(max_workers=1) as pool:
            twine = pool.submit(dist.twine_check, files.all)
            try:
                results = smoke.smoke_dist(ctx.cfg, outdir, out=quiet)
                smoke_row = Row("smoke", PASS, f"{len(results)} checks in a brand-new venv")
            except ReleaseError as error:
                smoke_row = Row("smoke", FAIL, " ".join(error.message.split()), error.hint)
            try:
                twine.result()
            except ReleaseError as error:
                return [Row("build", FAIL, error.message.splitlines()[0], error.hint), smoke_row]
        built = f"{files.sdist.name}, {files.wheel.name}, twine check ok"
        note = matrixdist.local_build_note(ctx.cfg)
        return [Row("build", PASS, f"{built}; {note}" if note else built), smoke_row]


def copy_of_the_tree(cfg: Config, dest: Path) -> Path:
    """The work tree as the build sees it, outside the project, so that nothing a backend writes
    while building (setuptools' ``build/`` and ``*.egg-info``) lands in the project.

    In a git repository: a ``--shared`` clone (no object copied, nothing written to the project's
    repository) checked out at a commit of the work tree's tracked files (``Git.worktree_commit``
    makes one without touching any ref or the index). The clone has the tags, so VCS versions
    come out as they would in place. Elsewhere: a copy of the directory.
    """
    git = Git(cfg.root)
    head = git.commit_of("HEAD") if git.is_repo() else None
    if head is None:
        shutil.copytree(
            cfg.root, dest, ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info")
        )
        return dest
    snapshot = git.worktree_commit()
    top = Path(git.run("rev-parse", "--show-toplevel").stdout.strip())
    git.run("clone", "--quiet", "--shared", "--no-checkout", str(top), str(dest))
    Git(dest).run("-c", "advice.detachedHead=false", "checkout", "--quiet", snapshot)
    return dest / cfg.root.resolve().relative_to(top.resolve())
