"""The rows about the repository: the release branch, a clean tree, CI and critical issues."""

from __future__ import annotations

from ..config import Config
from ..errors import ReleaseError
from ..git import Git
from .rows import FAIL, PASS, SKIPPED, UNKNOWN, Context, Row


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


def ci_item(ctx: Context) -> list[Row]:
    if not ctx.cfg.github_repo:
        return [Row("CI of HEAD", SKIPPED, "github-repo is not set in [tool.release]")]
    from .github_rows import ci_row

    status, reason = ci_row(ctx.cfg.github_repo, Git(ctx.cfg.root).head(), wait=ctx.wait_ci)
    return [Row("CI of HEAD", status, reason, "wait for CI or fix it" if status == FAIL else "")]


def critical_item(ctx: Context) -> list[Row]:
    if not ctx.cfg.github_repo:
        return [Row("critical issues", SKIPPED, "github-repo is not set in [tool.release]")]
    from .github_rows import critical_row

    status, reason = critical_row(ctx.cfg.github_repo, ctx.cfg.critical_labels)
    fix = "fix or re-label them before releasing" if status == FAIL else ""
    return [Row("critical issues", status, reason, fix)]
