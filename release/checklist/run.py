"""Running the items concurrently, and the one table of their rows (text, Markdown, JSON)."""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from .. import checkers
from ..cache import CheckCache
from ..config import Config
from ..errors import ReleaseError
from ..output import Out
from .dependencies import audit_item, outdated_item
from .project import changelog_item, versions_item
from .quality import format_item, lint_item, package_item, tests_and_coverage_item, typecheck_item
from .repository import branch_item, ci_item, critical_item, tree_item
from . import reuse
from .rows import FAIL, UNKNOWN, WARN, PASS, SKIPPED, Context, Item, Row

# Longest first, so the slow ones start at once.
ITEMS: tuple[Item, ...] = (
    tests_and_coverage_item,
    package_item,
    typecheck_item,
    format_item,
    lint_item,
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
    "pyright",
    "typecheck",
    "black",
    "ruff format",
    "format",
    "ruff check",
    "lint",
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


def run_item(item: Item, ctx: Context) -> list[Row]:
    """Every item runs through here: its rows, guarded, with the project's advisory rows eased."""
    return [_advisory(row, ctx.cfg) for row in reuse.rows(item, ctx, _guarded)]


def _advisory(row: Row, cfg: Config) -> Row:
    """A FAIL the project declared advisory (existing debt) is a WARN that says so."""
    if row.status != FAIL or not cfg.advisory:
        return row
    checks = [cfg.checker(job) for job in checkers.JOBS]
    mine = [check for check in checks if check is not None and check.row == row.item]
    if row.item not in cfg.advisory and not any(checkers.advised(c, cfg.advisory) for c in mine):
        return row
    return Row(row.item, WARN, f"advisory: {row.reason}", _ADVISORY_OFFER.sub("", row.fix))


# the hint that offers ``advisory``, pointless once the row is advisory
_ADVISORY_OFFER = re.compile(r",? or add '[^']+' to advisory")


# Items that look at the work tree as the user left it: they run before any other item, whose
# tools (pytest caches, builds) could otherwise put files there first.
FIRST: tuple[Item, ...] = (branch_item, tree_item)


def run_items(ctx: Context, items: Sequence[Item] = ITEMS, workers: int = 4) -> list[Row]:
    rows = [row for item in items if item in FIRST for row in run_item(item, ctx)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_item, item, ctx) for item in items if item not in FIRST]
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
    use_cache: bool = True,
    out: Out = print,
) -> int:
    """``python -m release check``: print the table; exit 1 if an item failed. A checker's PASS
    on the same tree is reused (and says so) unless ``use_cache`` is False (``--no-cache``)."""
    store = CheckCache(cfg.root, by="release-check", enabled=use_cache)
    rows = run_items(Context(cfg, version, wait_ci, cache=store))
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
