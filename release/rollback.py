"""The guide's rollback procedure, corrected: yanking (web-only on PyPI) and hotfix branches."""

from __future__ import annotations

import time


from . import changelog, files, index
from .config import Config
from .errors import CheckFailed, GitError, UsageError
from .git import Git
from .version import next_patch, parse_release_version
from .output import Out


def hotfix_branch(version: str) -> str:
    return f"hotfix/{next_patch(version)}"


def run_hotfix(cfg: Config, version: str, out: Out = print) -> int:
    """Branch ``hotfix/X.Y.(Z+1)`` from the tag of ``X.Y.Z``."""
    parsed, note = parse_release_version(version)
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
    timeout: float = 300.0,
    poll: float = 5.0,
    out: Out = print,
) -> int:
    """Guide the yank (PyPI has no API for it), mark the CHANGELOG, then verify on the index."""
    parsed, note = parse_release_version(version)
    if note:
        out(note)
    v = str(parsed)
    if not reason.strip():
        raise UsageError("a yank needs a reason", "say why, e.g. 'broken wheel on Windows'")
    text = cfg.changelog.read_text(encoding="utf-8")
    if changelog.find(text, v) is None:
        raise UsageError(
            f"{cfg.relative(cfg.changelog)} has no section for {v}", "check the version to yank"
        )
    out(
        f"PyPI has no API for yanking: it is done in the web UI.\n"
        f"  1. open {index.project_url_for_humans(cfg.index_url, cfg.project_name)}\n"
        f"  2. on release {v}: Options -> Yank\n"
        f"  3. reason: {reason}\n"
        f"Then users get {v} only when they pin it exactly (PEP 592)."
    )
    marked = changelog.mark_yanked(text, v)
    if marked != text:
        files.write_together({cfg.changelog: marked})
        Git(cfg.root).commit(
            f"Mark {v} as yanked\n\nReason: {reason}\n", [cfg.relative(cfg.changelog)]
        )
        out(f"marked [{v}] as [YANKED] in {cfg.relative(cfg.changelog)} and committed it")
    return _wait_for_yank(cfg, v, timeout=timeout, poll=poll, out=out)


def _wait_for_yank(cfg: Config, version: str, *, timeout: float, poll: float, out: Out) -> int:
    deadline = time.monotonic() + timeout
    out(f"waiting up to {timeout:.0f} s for {cfg.index_url} to report the yank…")
    while True:
        found = [
            f
            for f in index.list_files(cfg.index_url, cfg.project_name)
            if cfg.is_release_file(f.filename, version)
        ]
        if not found:
            raise CheckFailed(
                f"{cfg.index_url} has no files of {cfg.name} {version}",
                "check the version and RELEASE_INDEX_URL",
            )
        if all(f.yanked is not None for f in found):
            out(
                f"confirmed: {len(found)} file(s) of {version} are yanked ({found[0].yanked or ''})"
            )
            return 0
        if time.monotonic() >= deadline:
            raise CheckFailed(
                f"could not confirm the yank: {cfg.index_url} still lists {version} as not yanked "
                f"after {timeout:.0f} s",
                "check the web UI; note that some indexes (pypiserver, simple file indexes) never "
                "report yanks (PEP 592 data-yanked / PEP 691 'yanked'), so it cannot be confirmed there",
            )
        time.sleep(poll)
