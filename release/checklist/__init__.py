"""The pre-release checklist: independent items run concurrently, one table of results.

Each item returns one or more :class:`Row`. A check that could not run is UNKNOWN, never PASS.
pytest runs once, under coverage, and feeds both the tests row and the coverage row.

The items live by subject: ``repository`` (branch, tree, CI, critical issues), ``quality`` (tests,
coverage, the project's checkers, build and smoke), ``project`` (version copies, CHANGELOG),
``dependencies`` (audit, outdated); ``run`` runs them and prints the table.
"""

from .dependencies import audit_item, outdated_item
from .project import changelog_item, versions_item
from .quality import (
    format_item,
    lint_item,
    package_item,
    tests_and_coverage_item,
    typecheck_item,
)
from .repository import branch_item, ci_item, critical_item, tree_item
from .rows import FAIL, PASS, SKIPPED, UNKNOWN, WARN, Context, Item, Row
from .run import ITEMS, ORDER, failed, markdown, run_check, run_item, run_items, table

__all__ = [
    "FAIL",
    "PASS",
    "SKIPPED",
    "UNKNOWN",
    "WARN",
    "Context",
    "Item",
    "Row",
    "ITEMS",
    "ORDER",
    "failed",
    "markdown",
    "run_check",
    "run_item",
    "run_items",
    "table",
    "audit_item",
    "outdated_item",
    "changelog_item",
    "versions_item",
    "format_item",
    "lint_item",
    "package_item",
    "tests_and_coverage_item",
    "typecheck_item",
    "branch_item",
    "ci_item",
    "critical_item",
    "tree_item",
]
