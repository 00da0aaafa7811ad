"""``nox-release init``: adopt the tool in the project in the current directory.

It detects (never imposes) the package, the version source, the tag format, the changelog, the
checkers and their current debt (each checker runs once; a failing one is proposed as
``advisory``), shows the ``[tool.release]`` it would write, asks (or takes ``--yes``), then writes
it, a noxfile importing the sessions (or one import line in the existing noxfile) and, with
``--ci``, the two workflows. It never overwrites: an existing ``[tool.release]`` or workflow is
left as it is and said so.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any, Callable

from .. import changelog, checkers, config, files, matrixdist
from ..errors import UsageError
from ..git import Git
from ..output import Out
from .changelog_shape import describe
from .own_versions import propose_excludes
from .proposal import add_table, noxfile_with_import, render_table
from .workflows import WorkflowInputs, workflow_files

Ask = Callable[[str], bool]
_GITHUB_REMOTE = re.compile(
    r"github\.com[:/](?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


def run_init(
    root: Path | None = None,
    *,
    ci: bool = False,
    yes: bool = False,
    ask: Ask | None = None,
    out: Out = print,
) -> int:
    """Detect, show, confirm, write. Exit 0; bad input raises (exit 2, nothing written)."""
    cfg = config.load(root)
    doc = config.read_pyproject(cfg.pyproject)
    has_table = isinstance(config.plain(doc.get("tool", {})), dict) and "release" in doc.get(
        "tool", {}
    )
    out(f"project: {cfg.name}")
    out(f"  package: {cfg.package} ({cfg.relative(cfg.source)})")
    source = cfg.version_source
    from ..versions import current_version

    out(f"  version source: {source.description} (now {current_version(cfg)})")
    out(f"  tag format: {cfg.tag_format} ({cfg.tag_format_origin})")
    proposed: dict[str, Any] = {}
    if cfg.tag_format_origin.startswith("inferred"):
        proposed["tag-format"] = cfg.tag_format
    propose_excludes(cfg, proposed, out)
    _changelog(cfg, proposed, out)
    _checkers(cfg, proposed, out)
    repo = _github_repo(cfg)
    if repo and not cfg.github_repo:
        out(f"  GitHub repository: {repo} (from the {cfg.remote} remote)")
        proposed["github-repo"] = repo
    wheels = matrixdist.wheel_plan(cfg)
    if wheels.matrix:
        out(f"  wheels: {wheels.describe()}: built by CI's cibuildwheel matrix, so")
        out(
            '    publish-from = "ci" (a local publish tags and pushes; init --ci writes the workflow)'
        )
    if ci or (wheels.matrix and cfg.publish_from != "ci"):
        proposed["publish-from"] = "ci"

    edits = _edits(cfg, doc, has_table, proposed, ci, out)
    if not edits:
        out("nothing to write: the project has already adopted nox-release")
        return 0
    out("files to write:")
    for path, state in edits.items():
        out(f"  {cfg.relative(path)} ({state[1]})")
    if not yes and not _confirm(ask):
        out("nothing written")
        return 0
    for path in edits:
        path.parent.mkdir(parents=True, exist_ok=True)
    files.write_together({path: text for path, (text, _) in edits.items()})
    for path, (_, what) in edits.items():
        out(f"wrote {cfg.relative(path)} ({what})")
    out("next: install nox and nox-release where you run nox (pip install nox nox-release),")
    out("      then: nox -l, and nox -s release-check")
    return 0


def _changelog(cfg: config.Config, proposed: dict[str, Any], out: Out) -> None:
    kind = cfg.changelog_kind
    if kind == "towncrier":
        out(f"  changelog: towncrier ({cfg.relative(cfg.changelog)}); bump runs towncrier build")
    elif kind == "none":
        out("  changelog: none (changelog = false)")
    elif cfg.changelog.is_file():
        name = cfg.relative(cfg.changelog)
        text = files.read_text(cfg.changelog)
        problem = changelog.unreadable(text)  # what bump's reader refuses first
        if problem is not None:
            out(f"  changelog: {name}; bump cannot edit it: line {problem.line}: {problem.message}")
            out("    so changelog = false is proposed: nox-release leaves the changelog to you and")
            out(
                "    bump writes the versions only (Keep a Changelog headings would let bump keep it)"
            )
            proposed["changelog"] = False
            return
        if name != "CHANGELOG.md":  # config found it under another of config.CHANGELOG_NAMES
            proposed["changelog"] = name
        style, errors = describe(text)
        if errors:
            out(f"  changelog: {name}: bump cannot edit it as it is:")
            out("\n".join(f"    {error}" for error in errors[:3]))
            out("    (Keep a Changelog headings: '## [1.2.0] - 2025-01-31'; docs/changelog.md)")
        else:
            out(f"  changelog: {name} ({style}); kept in its own style")
    else:
        out(
            f"  changelog: no {cfg.relative(cfg.changelog)}: changelog = false (bump writes versions"
        )
        out("    only; create one with a '## [Unreleased]' section to have nox-release keep it)")
        proposed["changelog"] = False


def _checkers(cfg: config.Config, proposed: dict[str, Any], out: Out) -> None:
    """Each detected checker, run once: a failing one is existing debt, proposed as advisory."""
    advisory: list[str] = []
    for job in checkers.JOBS:
        check = cfg.checker(job)
        origin = cfg.checkers_origin.get(job, "")
        if check is None:
            out(f"  {job}: none ({origin})")
            continue
        proposed[job] = check.tool
        if importlib.util.find_spec(check.tool) is None:
            out(f"  {job}: {check.tool} ({origin}); not installed here, not run")
            continue
        result = checkers.run(check, cfg.root)
        if result.ok:
            out(f"  {job}: {check.tool} ({origin}); passes today")
        else:
            out(f"  {job}: {check.tool} ({origin}); fails today (exit {result.returncode}):")
            out("    existing debt, proposed as advisory (its row WARNs instead of FAILing)")
            advisory.append(check.row)
    if advisory:
        proposed["advisory"] = advisory


def _github_repo(cfg: config.Config) -> str | None:
    url = Git(cfg.root).remote_url(cfg.remote) if Git(cfg.root).is_repo() else None
    match = _GITHUB_REMOTE.search(url or "")
    return match["repo"] if match else None


def _edits(
    cfg: config.Config,
    doc: Any,
    has_table: bool,
    proposed: dict[str, Any],
    ci: bool,
    out: Out,
) -> dict[Path, tuple[str, str]]:
    """Every file init writes: path -> (new text, what changes); existing ones are left alone."""
    edits: dict[Path, tuple[str, str]] = {}
    if has_table:
        table = doc["tool"]["release"]
        missing = {key: value for key, value in proposed.items() if key not in table}
        out(f"{cfg.relative(cfg.pyproject)} already has [tool.release]: left as it is")
        if missing:
            out("  keys you may want to add to it:")
            out("\n".join("    " + line for line in render_table(missing).splitlines()[1:]))
    else:
        out(f"[tool.release] to add to {cfg.relative(cfg.pyproject)}:")
        out("\n".join("  " + line for line in render_table(proposed).splitlines()))
        text = files.read_text(cfg.pyproject)
        edits[cfg.pyproject] = (add_table(text, proposed), "[tool.release] added")
    noxfile = cfg.root / "noxfile.py"
    existing = files.read_text(noxfile) if noxfile.is_file() else None
    new_noxfile = noxfile_with_import(existing)
    if new_noxfile is not None:
        what = "new" if existing is None else "the sessions' import added"
        edits[noxfile] = (new_noxfile, what)
    else:
        out("noxfile.py already imports release.sessions: left as it is")
    if ci:
        for name, text in workflow_files(_workflow_inputs(cfg)).items():
            path = cfg.root / name
            if path.exists():
                out(f"{name} exists: left as it is (compare it with what init writes)")
                continue
            edits[path] = (text, "new")
    return edits


def _workflow_inputs(cfg: config.Config) -> WorkflowInputs:
    doc = config.read_pyproject(cfg.pyproject)
    project = config.plain(doc.get("project", {}))
    requires = project.get("requires-python") if isinstance(project, dict) else None
    sessions = ["tests"] + [
        checkers.SESSIONS[job] for job in checkers.JOBS if cfg.checker(job) is not None
    ]
    return WorkflowInputs(
        name=cfg.project_name,
        tag_format=cfg.tag_format,
        sessions=tuple(sessions),
        requires_python=requires if isinstance(requires, str) else None,
        is_vcs=cfg.version_source.is_vcs,
        runners=(
            tuple(matrixdist.wheel_config(cfg).runners())
            if matrixdist.wheel_plan(cfg).matrix
            else ()
        ),
    )


def _confirm(ask: Ask | None) -> bool:
    if ask is not None:
        return ask("write these files? [y/N] ")
    if not sys.stdin.isatty():
        raise UsageError(
            "init writes files only when told to, and there is no terminal to ask on",
            "read what it would write above, then re-run with --yes",
        )
    answer = input("write these files? [y/N] ")
    return answer.strip().lower() in ("y", "yes")
