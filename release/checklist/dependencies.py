"""The rows about the project's dependencies: known vulnerabilities, newer releases."""

from __future__ import annotations

import json

from .. import proc
from ..config import Config, read_pyproject
from .rows import FAIL, PASS, UNKNOWN, WARN, Context, Row


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
