"""The rows about the project's dependencies: known vulnerabilities, newer releases."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .. import proc, runtime_deps
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
    elsewhere = _elsewhere_note(deps_found)
    if not deps_found.pinned and elsewhere:
        return [
            Row(
                name,
                WARN,
                f"nothing to audit on this Python: {elsewhere}",
                "run release-check under a Python those dependencies apply to",
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
    audited_note = f"{len(audited)} runtime dependencies audited, no known vulnerabilities"
    if elsewhere:
        audited_note += f"; not audited, {elsewhere}"
    return [Row(name, PASS, audited_note)]


def _elsewhere_note(found: runtime_deps.RuntimeDeps) -> str:
    """``for other Pythons or platforms only: tomli`` when markers left dependencies out."""
    if not found.elsewhere:
        return ""
    return "for other Pythons or platforms only: " + ", ".join(found.elsewhere[:5])


def outdated_item(ctx: Context) -> list[Row]:
    """Direct dependencies with a newer release: a warning, never a failure. The direct
    dependencies are the ones the audit starts from (runtime_deps: the installed metadata, so
    Poetry's and dynamic ones count, else ``[project].dependencies``)."""
    name = "dependencies up to date"
    found = runtime_deps.collect(ctx.cfg)
    direct = set(found.direct)
    missing = sorted(direct & set(found.missing))
    if missing:
        return [
            Row(
                name,
                UNKNOWN,
                "not installed here, so their versions are unknown: " + ", ".join(missing[:5]),
                "run the check where the project is installed (nox -s release-check)",
            )
        ]
    if not direct:
        elsewhere = _elsewhere_note(found)
        if elsewhere:
            return [Row(name, PASS, f"no dependency applies to this Python ({elsewhere})")]
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
