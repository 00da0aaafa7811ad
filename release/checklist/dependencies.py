"""The rows about the project's dependencies: known vulnerabilities, newer releases."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .. import proc, runtime_deps
from ..config import Config, read_pyproject
from .rows import FAIL, PASS, UNKNOWN, WARN, Context, Row


def audit_item(ctx: Context) -> list[Row]:
    """pip-audit on the project's own runtime dependencies, pinned at their installed versions.

    Not the environment: the release tools installed around the project are not what its users
    get. pip-audit runs without --strict and its JSON is read: only audited packages count.
    """
    name = "dependencies secure"
    deps_found = runtime_deps.collect(ctx.cfg)
    if deps_found.missing:
        listing = ", ".join(deps_found.missing[:5])
        return [
            Row(
                name,
                UNKNOWN,
                f"runtime dependencies not installed here, so their versions are unknown: {listing}",
                "run the check where the project is installed (nox -s release-check)",
            )
        ]
    if not deps_found.pinned:
        return [Row(name, PASS, f"no runtime dependencies ({deps_found.source} is empty)")]
    with tempfile.TemporaryDirectory(prefix="release-audit-") as scratch:
        requirements = Path(scratch) / "requirements.txt"
        requirements.write_text("\n".join(deps_found.pinned) + "\n", encoding="utf-8")
        result = proc.run(
            proc.python_tool(
                "pip_audit",
                "--requirement",
                requirements,
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--format",
                "json",
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
                f"nothing audited: pip-audit could not check any of the {len(deps)} runtime "
                "dependencies "
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
    return [
        Row(
            name,
            PASS,
            f"{len(audited)} runtime dependencies audited, no known vulnerabilities",
        )
    ]


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
