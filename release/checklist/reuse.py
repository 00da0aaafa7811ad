"""Checker rows reused from the check-result cache (:mod:`release.cache`).

The project's checkers (formatter, linter, type checker) give the same answer for the same tree,
tool version, environment and settings, so a PASS recorded by ``release-check`` serves publish's
preflight on the same tree, and says where it came from. Rows whose answer changes with time
(tests, the audit, CI, the index) are always checked afresh.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Callable

from .. import cache
from .quality import format_item, lint_item, typecheck_item
from .rows import Context, Item, Row

# The items whose rows are cached, and their checker job.
CACHED: dict[Item, str] = {
    format_item: "format-check",
    lint_item: "lint",
    typecheck_item: "typecheck",
}
# Variables that change what a checker finds, beside the tree and the environment.
_TOOL_VARIABLES = {"mypy": ("MYPYPATH",), "pyright": (), "black": (), "ruff": ()}


def key(item: Item, ctx: Context) -> cache.Key | None:
    """The cache key of ``item``'s rows in ``ctx``, or None when they are not cached."""
    job = CACHED.get(item)
    if job is None or ctx.cache is None:
        return None
    check = ctx.cfg.checker(job)
    if check is None:
        return None
    settings = {
        "job": job,
        "args": list(check.args),
        "paths": list(check.paths),
        "env": {name: os.environ.get(name) for name in _TOOL_VARIABLES.get(check.tool, ())},
    }
    return ctx.cache.key(check.row, cache.tool_version(check.tool), settings, check.paths)


def rows(item: Item, ctx: Context, run: Callable[[Item, Context], list[Row]]) -> list[Row]:
    """``item``'s rows: a stored PASS for the same tree, tool and settings, saying where it came
    from; else ``run`` them, and store them when they all PASS."""
    found = key(item, ctx)
    if found is None or ctx.cache is None:
        return run(item, ctx)
    hit = ctx.cache.get(found)
    if hit is not None:
        said = hit.describe()
        return [
            Row(row["item"], row["status"], f"{said}: {row['reason']}", row.get("fix", ""))
            for row in hit.rows
        ]
    fresh = run(item, ctx)
    ctx.cache.put(found, [asdict(row) for row in fresh])
    return fresh
