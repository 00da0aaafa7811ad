"""The pre-release checklist: independent items run concurrently, one table of results.

Each item returns one or more :class:`Row`. A check that could not run is UNKNOWN, never PASS.
pytest runs once, under coverage, and feeds both the tests row and the coverage row.
"""

from __future__ import annotations

import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

from . import proc, tools
from .config import Config, read_pyproject
from .errors import ReleaseError
from .git import Git
from .output import Out, quiet

PASS, FAIL, WARN, UNKNOWN, SKIPPED = "PASS", "FAIL", "WARN", "UNKNOWN", "SKIPPED"


@dataclass(frozen=True)
class Row:
    item: str
    status: str
    reason: str
    fix: str = ""


@dataclass(frozen=True)
class Context:
    cfg: Config
    version: str | None = None  # the version being released, when run as publish's preflight
    wait_ci: float = 0.0  # seconds the CI row waits for running checks (check --wait-ci)


Item = Callable[[Context], list[Row]]


# -- git ------------------------------------------------------------------------------------------


def branch_item(ctx: Context) -> list[Row]:
    cfg = ctx.cfg
    git = Git(cfg.root)
    if not git.is_repo():
        return [
            Row("release branch", FAIL, "not a git repository", "git init, commit, add a remote")
        ]
    branch = git.branch()
    if branch == cfg.branch or (branch or "").startswith("hotfix/"):
        return [Row("release branch", PASS, f"on {branch}")]
    holder = _released_from(git, cfg) if branch is None else None
    if holder:
        # CI checks out a tag: a detached HEAD that a release branch contains is fine.
        return [Row("release branch", PASS, f"detached HEAD contained in {holder}")]
    where = f"on {branch}" if branch else "on a detached HEAD"
    return [Row("release branch", FAIL, f"{where}, not {cfg.branch}", f"git switch {cfg.branch}")]


def _released_from(git: Git, cfg: Config) -> str | None:
    """The remote release branch (``origin/main``, else an ``origin/hotfix/*``) holding HEAD."""
    hotfixes = git.run(
        "for-each-ref", "--format=%(refname:short)", f"refs/remotes/{cfg.remote}/hotfix/"
    ).stdout.split()
    for candidate in (f"{cfg.remote}/{cfg.branch}", *hotfixes):
        upstream = git.commit_of(f"refs/remotes/{candidate}")
        if upstream is not None and git.is_ancestor("HEAD", upstream):
            return candidate
    return None


def tree_item(ctx: Context) -> list[Row]:
    cfg = ctx.cfg
    git = Git(cfg.root)
    name = "tree clean, not behind remote"
    if not git.is_repo():
        return [Row(name, FAIL, "not a git repository", "git init and commit the project")]
    dirty = git.dirty_files()
    if dirty:
        shown = ", ".join(dirty[:4]) + (f" and {len(dirty) - 4} more" if len(dirty) > 4 else "")
        return [Row(name, FAIL, f"uncommitted changes: {shown}", "commit or stash them")]
    branch = git.branch()
    if git.remote_url(cfg.remote) is None:
        return [Row(name, UNKNOWN, f"no remote '{cfg.remote}'", f"git remote add {cfg.remote} URL")]
    try:
        git.fetch(cfg.remote)
    except ReleaseError:
        return [Row(name, UNKNOWN, f"clean, but remote '{cfg.remote}' cannot be reached", "")]
    if branch is None:
        holder = _released_from(git, cfg)
        if holder:
            return [Row(name, PASS, f"clean; HEAD is contained in {holder}")]
        return [Row(name, FAIL, f"detached HEAD not in {cfg.remote}/{cfg.branch}", "push it first")]
    upstream = f"{cfg.remote}/{branch}"
    if git.commit_of(upstream) is None:
        return [Row(name, PASS, f"clean; {upstream} does not exist yet (first push)")]
    ahead, behind = git.ahead_behind("HEAD", upstream)
    if behind:
        return [Row(name, FAIL, f"{behind} commit(s) behind {upstream}", f"git pull {cfg.remote}")]
    extra = f", {ahead} commit(s) to push" if ahead else ""
    return [Row(name, PASS, f"clean, up to date with {upstream}{extra}")]


# -- tools ----------------------------------------------------------------------------------------


def tests_and_coverage_item(ctx: Context) -> list[Row]:
    cfg = ctx.cfg
    outcome = tools.coverage(cfg)
    summary = tools.pytest_summary(outcome.tests)
    if outcome.tests.ok:
        tests_row = Row("tests", PASS, summary)
    else:
        tests_row = Row("tests", FAIL, summary, "run nox -s tests and fix the failures")
    threshold = cfg.coverage_threshold
    if outcome.percent is None:
        cov_row = Row("coverage", UNKNOWN, f"no coverage data: {outcome.detail}", "")
    elif outcome.percent >= threshold:
        cov_row = Row("coverage", PASS, f"{outcome.detail} ≥ {threshold:g}%")
    else:
        cov_row = Row(
            "coverage",
            FAIL,
            f"{outcome.detail} < {threshold:g}%",
            "add tests for the uncovered lines (nox -s coverage shows them)",
        )
    return [tests_row, cov_row]


def _tool_row(name: str, result: proc.Result, fix: str) -> Row:
    if result.ok:
        lines = result.output.splitlines()
        return Row(name, PASS, lines[-1] if lines else "ok")
    return Row(name, FAIL, result.tail(1) or f"exit {result.returncode}", fix)


def mypy_item(ctx: Context) -> list[Row]:
    return [_tool_row("mypy", tools.mypy(ctx.cfg), "run nox -s mypy and fix the type errors")]


def black_item(ctx: Context) -> list[Row]:
    paths = " ".join(ctx.cfg.format_paths)
    return [_tool_row("black", tools.black(ctx.cfg), f"black {paths}")]


def package_item(ctx: Context) -> list[Row]:
    """Build into a scratch dir (dist/ is left alone) and smoke-test the wheel."""
    from . import artifacts

    with tempfile.TemporaryDirectory(prefix="release-check-dist-") as scratch:
        try:
            files = artifacts.build_dist(ctx.cfg, Path(scratch) / "dist", out=quiet)
        except ReleaseError as error:
            return [
                Row("build", FAIL, error.message.splitlines()[0], error.hint),
                Row("smoke", SKIPPED, "nothing was built"),
            ]
        build_row = Row("build", PASS, f"{files.sdist.name}, {files.wheel.name}, twine check ok")
        try:
            results = artifacts.smoke_dist(ctx.cfg, files.sdist.parent, out=quiet)
        except ReleaseError as error:
            return [build_row, Row("smoke", FAIL, " ".join(error.message.split()), error.hint)]
        return [build_row, Row("smoke", PASS, f"{len(results)} checks in a brand-new venv")]


# -- versions and changelog -----------------------------------------------------------------------


def versions_item(ctx: Context) -> list[Row]:
    from . import versions

    if ctx.cfg.version_source.is_vcs:
        from .vcs_row import vcs_version_row

        return [vcs_version_row(ctx.cfg, ctx.version)]
    copies = versions.version_copies(ctx.cfg)
    if not versions.drift(copies):
        return [Row("version copies", PASS, f"{len(copies)} copies, all {copies[0].value}")]
    listing = ", ".join(f"{ctx.cfg.relative(c.path)}:{c.line}={c.value}" for c in copies)
    return [Row("version copies", FAIL, f"drift: {listing}", "nox -s bump -- <version> fixes all")]


def changelog_item(ctx: Context) -> list[Row]:
    from . import changelog

    path = ctx.cfg.changelog
    if not path.is_file():
        return [Row("changelog", FAIL, f"{ctx.cfg.relative(path)} not found", "create it")]
    text = path.read_text(encoding="utf-8")
    errors, warnings = changelog.review(text)
    if ctx.version and changelog.find(text, ctx.version) is not None:
        warnings = [p for p in warnings if "[Unreleased] section is empty" not in p]
    name = ctx.cfg.relative(path)
    if errors:
        return [Row("changelog", FAIL, "; ".join(errors), f"edit {name} as the reason says")]
    if warnings:
        return [Row("changelog", WARN, "; ".join(warnings), f"worth fixing in {name}")]
    return [Row("changelog", PASS, "parses; dates, order and links consistent")]


# -- GitHub ---------------------------------------------------------------------------------------


def ci_item(ctx: Context) -> list[Row]:
    if not ctx.cfg.github_repo:
        return [Row("CI of HEAD", SKIPPED, "github-repo is not set in [tool.release]")]
    from .checklist_github import ci_row

    status, reason = ci_row(ctx.cfg.github_repo, Git(ctx.cfg.root).head(), wait=ctx.wait_ci)
    return [Row("CI of HEAD", status, reason, "wait for CI or fix it" if status == FAIL else "")]


def critical_item(ctx: Context) -> list[Row]:
    if not ctx.cfg.github_repo:
        return [Row("critical issues", SKIPPED, "github-repo is not set in [tool.release]")]
    from .checklist_github import critical_row

    status, reason = critical_row(ctx.cfg.github_repo, ctx.cfg.critical_labels)
    fix = "fix or re-label them before releasing" if status == FAIL else ""
    return [Row("critical issues", status, reason, fix)]


# -- dependencies ---------------------------------------------------------------------------------


def audit_item(ctx: Context) -> list[Row]:
    """pip-audit without --strict and read its JSON: only audited packages count as checked."""
    name = "dependencies secure"
    result = proc.run(
        proc.python_tool(
            "pip_audit", "--progress-spinner", "off", "--format", "json", "--skip-editable"
        ),
        cwd=ctx.cfg.root,
        timeout=300,
    )
    try:
        deps = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError, TypeError):
        reason = result.tail(1) or "pip-audit gave no report"
        if "No module named" in result.output:
            reason = "pip-audit is not installed in this environment"
        return [Row(name, UNKNOWN, reason, "pip install pip-audit")]
    audited = [dep for dep in deps if "skip_reason" not in dep]
    skipped = [dep for dep in deps if "skip_reason" in dep]
    vulnerable = [dep for dep in audited if dep.get("vulns")]
    if vulnerable:
        listing = ", ".join(
            f"{d['name']} {d['version']} ({', '.join(v['id'] for v in d['vulns'])})"
            for d in vulnerable
        )
        return [Row(name, FAIL, f"known vulnerabilities: {listing}", "upgrade these packages")]
    if not audited:
        return [
            Row(
                name,
                UNKNOWN,
                f"nothing audited: pip-audit could not check any of {len(deps)} packages "
                "(vulnerability database unreachable?)",
                "run pip-audit where it can reach its database",
            )
        ]
    if skipped:
        names = ", ".join(dep["name"] for dep in skipped[:5])
        return [
            Row(
                name,
                UNKNOWN,
                f"{len(audited)} audited, {len(skipped)} could not be ({names})",
                "audit the rest by hand",
            )
        ]
    return [Row(name, PASS, f"{len(audited)} packages audited, no known vulnerabilities")]


def _direct_dependencies(cfg: Config) -> set[str]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    deps = read_pyproject(cfg.pyproject).get("project", {}).get("dependencies", [])
    names = set()
    for spec in deps:
        try:
            names.add(str(canonicalize_name(Requirement(str(spec)).name)))
        except InvalidRequirement:
            continue
    return names


def outdated_item(ctx: Context) -> list[Row]:
    """Direct dependencies with a newer release: a warning, never a failure."""
    name = "dependencies up to date"
    direct = _direct_dependencies(ctx.cfg)
    if not direct:
        return [Row(name, PASS, "the project has no dependencies")]
    from packaging.utils import canonicalize_name

    result = proc.run(
        proc.python_tool("pip", "list", "--outdated", "--format", "json"),
        cwd=ctx.cfg.root,
        timeout=300,
    )
    try:
        outdated = json.loads(result.stdout)
    except ValueError:
        return [Row(name, UNKNOWN, f"pip list --outdated failed: {result.tail(1)}", "")]
    late = [
        f"{d['name']} {d['version']} → {d['latest_version']}"
        for d in outdated
        if str(canonicalize_name(d["name"])) in direct
    ]
    if late:
        return [Row(name, WARN, "outdated: " + ", ".join(late), "consider upgrading them")]
    return [Row(name, PASS, f"{len(direct)} direct dependencies at their latest release")]


# -- running and reporting ------------------------------------------------------------------------

# Longest first, so the slow ones start at once.
ITEMS: tuple[Item, ...] = (
    tests_and_coverage_item,
    package_item,
    mypy_item,
    black_item,
    audit_item,
    outdated_item,
    branch_item,
    tree_item,
    versions_item,
    changelog_item,
    ci_item,
    critical_item,
)
ORDER = (
    "release branch",
    "tree clean, not behind remote",
    "version copies",
    "changelog",
    "tests",
    "coverage",
    "mypy",
    "black",
    "build",
    "smoke",
    "CI of HEAD",
    "critical issues",
    "dependencies secure",
    "dependencies up to date",
)


def _guarded(item: Item, ctx: Context) -> list[Row]:
    """An item that crashes is a FAIL row with the error, never a lost row."""
    label = item.__name__.removesuffix("_item").replace("_", " ")
    try:
        return item(ctx)
    except ReleaseError as error:
        return [Row(label, FAIL, " ".join(error.message.split()), error.hint)]
    except Exception as error:  # noqa: BLE001 - reported as a row, not swallowed
        return [Row(label, FAIL, f"{type(error).__name__}: {error}", "report this as a bug")]


# Items that look at the work tree as the user left it: they run before any other item, whose
# tools (pytest caches, builds) could otherwise put files there first.
FIRST: tuple[Item, ...] = (branch_item, tree_item)


def run_items(ctx: Context, items: Sequence[Item] = ITEMS, workers: int = 4) -> list[Row]:
    rows = [row for item in items if item in FIRST for row in _guarded(item, ctx)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_guarded, item, ctx) for item in items if item not in FIRST]
        rows += [row for future in futures for row in future.result()]
    rank = {name: index for index, name in enumerate(ORDER)}
    return sorted(rows, key=lambda row: rank.get(row.item, len(rank)))


def table(rows: Sequence[Row]) -> str:
    """A plain-text table, a fix line under each FAIL."""
    width = max((len(row.item) for row in rows), default=4)
    lines = [f"{'item':<{width}}  status   reason", f"{'-' * width}  -------  ------"]
    for row in rows:
        lines.append(f"{row.item:<{width}}  {row.status:<7}  {row.reason}")
        if row.fix and row.status in (FAIL, UNKNOWN, WARN):
            lines.append(f"{'':<{width}}  {'':<7}  fix: {row.fix}")
    return "\n".join(lines)


def markdown(rows: Sequence[Row]) -> str:
    icons = {PASS: "✅", FAIL: "❌", WARN: "⚠️", UNKNOWN: "❔", SKIPPED: "⏭️"}
    lines = ["## Release checklist", "", "| item | status | reason | fix |", "|---|---|---|---|"]
    for row in rows:
        cells = [row.item, f"{icons.get(row.status, '')} {row.status}", row.reason, row.fix]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def failed(rows: Sequence[Row], strict: bool) -> list[Row]:
    bad = {FAIL, UNKNOWN} if strict else {FAIL}
    return [row for row in rows if row.status in bad]


def run_check(
    cfg: Config,
    *,
    json_file: str | None = None,
    strict: bool = False,
    version: str | None = None,
    wait_ci: float = 0.0,
    out: Out = print,
) -> int:
    """``python -m release check``: print the table; exit 1 if an item failed."""
    rows = run_items(Context(cfg, version, wait_ci))
    out(table(rows))
    if json_file:
        payload = {"project": cfg.name, "rows": [asdict(row) for row in rows]}
        Path(json_file).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(markdown(rows))
    bad = failed(rows, strict)
    if bad:
        out(f"\n{len(bad)} item(s) failed: " + "; ".join(row.item for row in bad))
        return 1
    unknown = [row.item for row in rows if row.status == UNKNOWN]
    if unknown:
        out("\nready, but could not check: " + ", ".join(unknown) + " (--strict fails on these)")
    else:
        out("\nready to release")
    return 0
