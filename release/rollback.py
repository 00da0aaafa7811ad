"""The guide's rollback procedure, corrected: yanking (web-only on PyPI) and hotfix branches."""

from __future__ import annotations

import time

from . import changelog, files, index
from .config import Config
from .errors import CheckFailed, GitError, UsageError
from .git import Git
from .version import next_patch
from .output import Out
from .versions.scheme import release_version


def hotfix_branch(version: str) -> str:
    return f"hotfix/{next_patch(version)}"


def run_hotfix(cfg: Config, version: str, out: Out = print) -> int:
    """Branch ``hotfix/X.Y.(Z+1)`` from the tag of ``X.Y.Z`` (of ``X.Y``: ``hotfix/X.Y.1``, the
    patch release a project of two release numbers writes)."""
    parsed, note = release_version(cfg, version)
    if note:
        out(note)
    if parsed.is_prerelease or parsed.is_devrelease:
        raise UsageError(
            f"hotfix starts from a final release, not {parsed}",
            "give the X.Y.Z of the release that needs the fix",
        )
    git = Git(cfg.root)
    tag = cfg.tag(str(parsed))
    commit = git.commit_of(f"refs/tags/{tag}")
    if commit is None:
        try:
            git.fetch(cfg.remote)
        except GitError:
            pass
        commit = git.commit_of(f"refs/tags/{tag}")
    if commit is None:
        raise UsageError(f"there is no tag {tag}", "git tag --list shows the released versions")
    branch = hotfix_branch(str(parsed))
    if git.commit_of(f"refs/heads/{branch}") is not None:
        raise UsageError(f"branch {branch} exists already", f"git switch {branch} to continue it")
    if git.dirty_files():
        raise UsageError("the work tree has uncommitted changes", "commit or stash them first")
    git.create_branch(branch, tag)
    fixed = branch.split("/", 1)[1]
    out(
        f"On {branch}, at {tag} ({commit[:12]}). Next:\n"
        f"  1. fix the bug and add a test; add a '### Fixed' entry under [Unreleased] in "
        f"{cfg.relative(cfg.changelog)}\n"
        f"  2. nox -s publish -- {fixed}   (publish is allowed on hotfix/* branches)\n"
        f"  3. merge {branch} back into {cfg.branch} (publish prints how)"
    )
    return 0


def run_yank(
    cfg: Config,
    version: str,
    reason: str,
    *,
    mark_only: bool = False,
    timeout: float = 300.0,
    poll: float = 5.0,
    out: Out = print,
) -> int:
    """Guide the yank (PyPI has no API for it), wait until the index reports it, then commit the
    ``[YANKED]`` mark. With ``mark_only`` the index is not asked (some never report yanks)."""
    parsed, note = release_version(cfg, version)
    if note:
        out(note)
    v = str(parsed)
    if not reason.strip():
        raise UsageError("a yank needs a reason", "say why, e.g. 'broken wheel on Windows'")
    where = cfg.relative(cfg.changelog)
    text = files.read_text(cfg.changelog)  # bytes and line endings as they are
    if changelog.find(text, v) is None:
        raise UsageError(f"{where} has no section for {v}", "check the version to yank")
    marked = changelog.mark_yanked(text, v)  # refuses an undated (never released) section
    git = Git(cfg.root)
    if marked != text and where in git.dirty_files():
        raise UsageError(
            f"{where} has uncommitted changes, and the yank commits it",
            f"commit or stash the changes to {where} first, then re-run the yank",
        )
    shown = index.display_url(cfg.index_url)
    if mark_only:
        out(
            f"--mark-only: the yank of {v} is not checked on {shown} (pypiserver and plain "
            "file indexes cannot report yanks); make sure it was yanked in the index's web UI"
        )
    else:
        out(
            f"PyPI has no API for yanking: it is done in the web UI.\n"
            f"  1. open {index.project_url_for_humans(cfg.index_url, cfg.project_name)}\n"
            f"  2. on release {v}: Options -> Yank\n"
            f"  3. reason: {reason}\n"
            f"Then users get {v} only when they pin it exactly (PEP 592)."
        )
        _wait_for_yank(cfg, v, timeout=timeout, poll=poll, out=out)
    if marked == text:
        out(f"[{v}] is already marked [YANKED] in {where}")
        return 0
    files.write_together({cfg.changelog: marked})
    git.commit(f"Mark {v} as yanked\n\nReason: {reason}\n", [where])
    out(f"marked [{v}] as [YANKED] in {where} and committed it")
    return 0


def _wait_for_yank(cfg: Config, version: str, *, timeout: float, poll: float, out: Out) -> None:
    shown = index.display_url(cfg.index_url)
    deadline = time.monotonic() + timeout
    out(f"waiting up to {timeout:g} s for {shown} to report the yank…")
    while True:
        found = [
            f
            for f in index.list_files(cfg.index_url, cfg.project_name)
            if cfg.is_release_file(f.filename, version)
        ]
        if not found:
            raise CheckFailed(
                f"{shown} has no files of {cfg.name} {version}; nothing was marked or committed",
                "check the version and RELEASE_INDEX_URL",
            )
        if all(f.yanked is not None for f in found):
            out(
                f"confirmed: {len(found)} file(s) of {version} are yanked ({found[0].yanked or ''})"
            )
            return
        if time.monotonic() >= deadline:
            raise CheckFailed(
                f"could not confirm the yank: {shown} still lists {version} as not yanked "
                f"after {timeout:g} s; nothing was marked or committed",
                "yank it in the web UI and re-run (--timeout SECONDS waits longer); an index that "
                "never reports yanks (pypiserver, plain file indexes: no PEP 592 data-yanked, no "
                "PEP 691 'yanked') cannot confirm it: there, re-run with --mark-only",
            )
        time.sleep(poll)
