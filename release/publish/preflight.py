"""The preflight of ``publish``: every check before anything changes."""

from __future__ import annotations

import re
import shlex
from typing import Callable

from .. import bump, changelog, checklist, index, pyproject
from ..cache import CheckCache
from ..errors import CheckFailed, ReleaseError, UsageError
from ..output import Out
from ..version import next_patch
from .state import Release, verify_timeout

CVE = re.compile(r"\bCVE-\d{4}-\d{4,}\b", re.IGNORECASE)
EXPLOIT_WORDS = re.compile(r"\b(exploit|proof[- ]of[- ]concept|PoC|payload)\b", re.IGNORECASE)


PREFLIGHT_ITEMS: tuple[checklist.Item, ...] = (
    checklist.typecheck_item,
    checklist.format_item,
    checklist.lint_item,
    checklist.audit_item,
    checklist.outdated_item,
    checklist.changelog_item,
    checklist.ci_item,
    checklist.critical_item,
)


def preflight(
    release: Release,
    *,
    allow_unknown: bool,
    security: bool,
    run_checklist: bool,
    out: Out,
    use_cache: bool = True,
) -> None:
    """Every check before anything changes; all problems are listed together. A checker's PASS
    recorded for the same tree (by release-check) is reused and says so, unless ``use_cache`` is
    False (``--no-cache``)."""
    problems: list[str] = []
    cfg, git = release.cfg, release.git

    def problem(message: str, fix: str) -> None:
        problems.append(f"{message}\n      fix: {fix}")

    if not git.is_repo():
        raise CheckFailed(f"{cfg.root} is not a git repository", "git init and commit the project")

    branch = git.branch()
    if branch != cfg.branch and not (branch or "").startswith("hotfix/"):
        problem(f"on {branch or 'a detached HEAD'}, not {cfg.branch}", f"git switch {cfg.branch}")

    try:
        # The release's own tag is judged once, by _check_tag: this release (resume), a stray
        # tag (remedy) or a published one (never move it). The bump would call any of them
        # "released", with the wrong fix for a stray tag.
        tags = git.tags() - {release.tag}
        planned = bump.plan_bump(cfg, release.version, tags=tags)
    except ReleaseError as error:
        planned = None
        problem(error.message, error.hint)
    allowed = {cfg.relative(path) for path in (planned.edits if planned else {})}
    allowed |= {cfg.relative(copy.path) for copy in pyproject.version_copies(cfg)}
    allowed.add(cfg.relative(cfg.changelog))
    stray = [
        path for path in git.dirty_files() if path not in allowed and not path.startswith("dist/")
    ]
    leftovers = _interrupted_writes(stray, allowed)
    if leftovers:
        problem(
            f"temporary files of a write that was killed midway: {', '.join(leftovers)}",
            f"delete them (rm {' '.join(shlex.quote(path) for path in leftovers)}), then re-run: "
            "the bump completes what it had not written",
        )
        stray = [path for path in stray if path not in leftovers]
    if stray:
        problem(f"uncommitted changes: {', '.join(stray[:5])}", "commit or stash them first")

    _check_remote(release, problem)
    _check_tag(release, problem)
    _check_indexes(release, problem)
    _check_credentials(release, problem)
    try:
        verify_timeout()  # read after the first upload: a typo must stop the release before it
    except UsageError as error:
        problem(error.message, error.hint)
    if security:
        _check_security(release, problem)

    if run_checklist:
        store = CheckCache(cfg.root, by="publish", enabled=use_cache)
        context = checklist.Context(cfg, release.version, cache=store)
        rows = checklist.run_items(context, PREFLIGHT_ITEMS)
        for row in rows:
            if row.status == checklist.FAIL or (
                row.status == checklist.UNKNOWN and not allow_unknown
            ):
                fix = row.fix or "see above"
                if row.status == checklist.UNKNOWN:
                    fix += " (or pass --allow-unknown to release anyway)"
                problem(f"{row.item}: {row.status}: {row.reason}", fix)
            else:
                out(f"  {row.status:<7} {row.item}: {row.reason}")

    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise CheckFailed(
            f"preflight found {len(problems)} problem(s); nothing was changed:\n{listing}",
            "fix them and re-run",
        )


# The temporary name release.files gives a new text before renaming it over its file.
_WRITE_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


def _interrupted_writes(paths: list[str], release_files: set[str]) -> list[str]:
    """The temporary files a killed ``write_together`` left next to release files (a kill -9
    leaves no chance to remove them); anything else is the user's."""
    found = []
    for path in paths:
        parent, _, name = path.rpartition("/")
        match = _WRITE_LEFTOVER.match(name)
        if match and "/".join(filter(None, [parent, match["name"]])) in release_files:
            found.append(path)
    return found


def _check_remote(release: Release, problem: Callable[[str, str], None]) -> None:
    cfg, git = release.cfg, release.git
    if git.remote_url(cfg.remote) is None:
        problem(f"no remote '{cfg.remote}'", f"git remote add {cfg.remote} URL (or set remote)")
        return
    try:
        refs = git.remote_refs(cfg.remote)
    except ReleaseError as error:
        problem(f"remote '{cfg.remote}' cannot be reached: {error.message}", error.hint)
        return
    branch = git.branch() or cfg.branch
    remote_head = refs.get(f"refs/heads/{branch}")
    head = git.head()
    if remote_head is None or remote_head == head:
        return
    if git.commit_of(remote_head) is None or not git.is_ancestor(remote_head, head):
        problem(
            f"{cfg.remote}/{branch} has commits this clone lacks",
            f"git pull {cfg.remote} {branch}, then re-run",
        )
        return
    ahead, _ = git.ahead_behind("HEAD", remote_head)
    release_commit = release.released_commit()
    if not (ahead == 1 and release_commit == head and git.message().startswith("Release version")):
        problem(
            f"{branch} has {ahead} unpushed commit(s) that are not this release",
            f"push them first (git push {cfg.remote} {branch}) so CI has tested them",
        )


def _check_tag(release: Release, problem: Callable[[str, str], None]) -> None:
    git, tag = release.git, release.tag
    commit = git.commit_of(f"refs/tags/{tag}")
    if commit is None:
        return
    if commit == release.released_commit():
        return
    on_index = _on_any_index(release)
    if on_index:
        problem(
            f"tag {tag} exists at {commit[:12]} and {release.version} is already on {on_index}",
            "never move a released tag: release the next patch version instead",
        )
    else:
        problem(
            f"tag {tag} already exists at {commit[:12]}, which is not this release's commit",
            f"if it was made by mistake: git tag -d {tag} (and git push "
            f"{release.cfg.remote} :refs/tags/{tag} if pushed), then re-run",
        )


def _on_any_index(release: Release) -> str | None:
    for url in (release.cfg.index_url, release.cfg.test_index_url):
        try:
            files = index.list_files(url, release.cfg.project_name)
        except ReleaseError:
            continue
        if any(release.cfg.is_release_file(f.filename, release.version) for f in files):
            return index.display_url(url)
    return None


def _check_indexes(release: Release, problem: Callable[[str, str], None]) -> None:
    cfg = release.cfg
    ours = release.recorded_build()
    for label, url in (("test index", cfg.test_index_url), ("index", cfg.index_url)):
        try:
            files = index.list_files(url, cfg.project_name)
        except ReleaseError as error:
            problem(f"the {label} cannot be read: {error.message}", error.hint)
            continue
        for found in files:
            if not cfg.is_release_file(found.filename, release.version):
                continue
            if ours.get(found.filename) == found.sha256:
                continue
            problem(
                f"{found.filename} is already on the {label} ({index.display_url(url)}) "
                "and is not our build",
                f"PyPI never accepts a file name twice, even after deletion: release "
                f"{next_patch(release.version)} instead",
            )


def _check_credentials(release: Release, problem: Callable[[str, str], None]) -> None:
    cfg = release.cfg
    if release.ci_uploads:
        return  # CI uploads with its own credentials (trusted publishing)
    for url in (cfg.test_upload_url, cfg.upload_url):
        ok, where = index.credentials_available(url)
        if not ok:
            message = f"no upload credentials for {index.display_url(url)}"
            problem(message, where.removeprefix(message + ": "))


def _check_security(release: Release, problem: Callable[[str, str], None]) -> None:
    text = release.cfg.changelog.read_text(encoding="utf-8")
    section = changelog.find(text, release.version)
    if section is not None:
        body = section.body
        categories = {line[4:].strip() for line in body.splitlines() if line.startswith("### ")}
    else:
        changes = changelog.unreleased_changes(text)
        categories = set(changes)
        body = "\n".join(entry for entries in changes.values() for entry in entries)
    if "Security" not in categories:
        problem(
            "a security release needs a '### Security' entry in its CHANGELOG section",
            "add one, in generic words (no CVE id or exploit details before disclosure)",
        )
    details = CVE.findall(body) + EXPLOIT_WORDS.findall(body)
    if details and not release.yes:
        problem(
            f"the notes name {', '.join(sorted(set(details)))} before the advisory is public",
            "keep the CHANGELOG generic until disclosure, or pass --yes to publish them anyway",
        )
