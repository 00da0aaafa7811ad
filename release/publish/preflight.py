"""The preflight of ``publish`` (and of ``doctor``): every check before anything changes.

It first finds where the release stands in the world (``git ls-remote``: the pushed tag, the
shared record, the branch), then checks what can still stop it. A version released already (a tag
on the remote that this tool did not make for a release in progress, a dated CHANGELOG section
that is not the bump in progress, files on an index without a tag) is bad input: exit 2, naming
the next version. An index or remote that cannot be read stops the release with "re-run when it
is reachable" and never with a guess.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Literal, Sequence

from packaging.version import InvalidVersion, Version

from .. import changelog, checklist, history, index, matrixdist
from ..cache import CheckCache
from ..errors import CheckFailed, ReleaseError, ToolMissing, UsageError
from ..output import Out
from ..version import next_patch
from ..versions.tags import last_tag
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
#: The items that run a type checker or ask the network about every dependency: ``doctor``, a
#: quick diagnosis, leaves them to publish and release-check, and says so.
SLOW_ITEMS: tuple[checklist.Item, ...] = (
    checklist.typecheck_item,
    checklist.audit_item,
    checklist.outdated_item,
)


#: What a problem is: a state to fix, then re-run (exit 1); bad input, such as a refusal of the
#: bump (exit 2); or a version that was released already, so the next one is to be released
#: instead (exit 2).
Kind = Literal["to fix", "bad input", "released"]


@dataclass(frozen=True)
class Problem:
    message: str
    fix: str
    kind: Kind = "to fix"

    def __str__(self) -> str:
        return f"{self.message}\n      fix: {self.fix}"


def run_checks(
    release: Release, items: Sequence[checklist.Item], *, no_cache: bool
) -> list[checklist.Row]:
    """The one place preflight runs checklist items; a checker's PASS recorded for the same tree
    is reused (release/cache.py) unless ``no_cache``."""
    store = CheckCache(release.cfg.root, by="publish", enabled=not no_cache)
    context = checklist.Context(release.cfg, release.version, cache=store)
    return checklist.run_items(context, items)


def preflight(release: Release, *, run_checklist: bool, out: Out) -> None:
    """Every check before anything changes; all problems are listed together. A checker's PASS
    recorded for the same tree (by release-check) is reused and says so, unless the release's
    options say ``--no-cache``."""
    found = problems(release, run_checklist=run_checklist, out=out)
    if not found:
        return
    listing = "\n".join(f"  - {problem}" for problem in found)
    text = f"preflight found {len(found)} problem(s); nothing was changed:\n{listing}"
    kinds = {problem.kind for problem in found}
    if "released" in kinds:
        raise UsageError(text, f"release {next_version(release)} instead")
    if "bad input" in kinds:
        raise UsageError(text, "fix them and re-run")
    raise CheckFailed(text, "fix them and re-run")


def problems(release: Release, *, run_checklist: bool = False, out: Out = print) -> list[Problem]:
    """What would stop the release, as its options (``--security``, ``--allow-unknown``, …) ask."""
    cfg, git, options = release.cfg, release.git, release.options
    if not git.is_repo():
        return [Problem(f"{cfg.root} is not a git repository", "git init and commit the project")]
    found: list[Problem] = []
    _check_local_platform_wheels(release, found)
    reachable = _check_remote_reachable(release, found)
    started = reachable and _check_tag(release, found, out)
    if not started:
        try:
            _check_fresh_start(release, found, reachable)
        except ToolMissing as error:  # towncrier, to recognise its bump
            found.append(Problem(error.message, error.hint))
    _check_indexes(release, found, started)
    if reachable and not started:
        _check_previous_finished(release, found)
    _check_credentials(release, found)
    try:
        verify_timeout()  # read after the first upload: a typo must stop the release before it
    except UsageError as error:
        found.append(Problem(error.message, error.hint))
    if options.security:
        _check_security(release, found, options.disclose)
    if run_checklist and not started:
        found += checklist_problems(release, PREFLIGHT_ITEMS, out)
    return found


def _check_previous_finished(release: Release, found: list[Problem]) -> None:
    """The release before this one, if this tool made it, is finished: a new version must not
    start while the last one's files are missing from the production index (it was stopped
    after its push). Only the newest earlier tag is asked."""
    from .steps import unfinished_steps

    cfg = release.cfg
    earlier = last_tag(cfg.tag_format, release.git.tags(), below=Version(release.version))
    if earlier is None:
        return
    previous = Release(cfg, str(earlier[1]), ci_uploads=release.ci_uploads)
    if previous.release_tag() is None:
        return  # not made by this tool: not a release it can finish
    left = unfinished_steps(previous)
    if left:
        found.append(
            Problem(
                f"the release of {previous.version} is not finished: {', '.join(left)} to do",
                f"finish it first: nox -s publish -- {previous.version} (the steps done are "
                "skipped), then release this one",
            )
        )


def checklist_problems(
    release: Release, items: Sequence[checklist.Item], out: Out
) -> list[Problem]:
    """The checklist ``items``' rows that stop the release (FAIL; UNKNOWN without
    ``--allow-unknown``) as problems; the other rows are printed."""
    options = release.options
    found = []
    for row in run_checks(release, items, no_cache=not options.use_cache):
        if row.status == checklist.FAIL or (
            row.status == checklist.UNKNOWN and not options.allow_unknown
        ):
            fix = row.fix or f"nox -s release-check shows the {row.item} row's details"
            if row.status == checklist.UNKNOWN:
                fix += " (or pass --allow-unknown to release anyway)"
            found.append(Problem(f"{row.item}: {row.status}: {row.reason}", fix))
        else:
            out(f"  {row.status:<7} {row.item}: {row.reason}")
    return found


def next_version(release: Release) -> str:
    """The next patch above every version the project knows (tags, CHANGELOG, this one); in a
    project of two release numbers, the next minor (``26.4`` -> ``26.5``, not ``26.4.1``)."""
    known = [Version(release.version)]
    for tag in release.git.tags() | {
        ref[10:] for ref in release.remote_or_empty() if ref.startswith("refs/tags/")
    }:
        try:
            known.append(Version(tag.lstrip("v")))
        except InvalidVersion:
            continue
    if release.cfg.changelog.is_file():
        text = release.cfg.changelog.read_text(encoding="utf-8")
        for section in changelog.parse(text):
            if section.version:
                known.append(Version(section.version))
    newest = max(known)
    if newest.is_prerelease:  # 1.0.0rc1 or 26.5rc1 released: the final release comes next
        return newest.base_version
    if len(newest.release) == 2:  # a project of two numbers: 26.4 -> 26.5
        return f"{newest.major}.{newest.minor + 1}"
    return next_patch(newest)


def _check_local_platform_wheels(release: Release, found: list[Problem]) -> None:
    """A platform-wheel project's release is built by CI's matrix: a local upload would publish
    this machine's wheel alone (and PyPI refuses plain linux_* wheels)."""
    if release.ci_uploads or not release.platform_wheels:
        return
    found.append(
        Problem(
            f"{release.cfg.name} ships {matrixdist.wheel_plan(release.cfg).describe()}: one "
            "machine builds only its own wheel, so a local publish cannot upload the release",
            'set publish-from = "ci" in [tool.release]: publish then bumps, tests, tags and '
            "pushes, and the release workflow (nox-release init --ci writes it) builds every "
            "wheel with cibuildwheel and uploads them together",
            kind="bad input",
        )
    )


def _check_remote_reachable(release: Release, found: list[Problem]) -> bool:
    cfg = release.cfg
    if release.git.remote_url(cfg.remote) is None:
        found.append(
            Problem(f"no remote '{cfg.remote}'", f"git remote add {cfg.remote} URL (or set remote)")
        )
        return False
    try:
        release.remote()
    except ReleaseError as error:
        found.append(
            Problem(
                f"could not read the remote '{cfg.remote}': {error.message}",
                "re-run when it is reachable (git ls-remote " + cfg.remote + " shows it)",
            )
        )
        return False
    return True


def _release_next_hint(release: Release) -> str:
    """Release the next version; first set aside the bump to this one where it is applied here,
    or the next bump would find it ("changes the bump … does not make")."""
    hint = f"release the next version: nox -s publish -- {next_version(release)}"
    try:
        changed = release.tracked_changes()
        bumped = sorted(set(changed) - set(release.changes_not_by_bump())) if changed else []
        committed = not changed and release.head_is_bump_commit() and not _head_pushed(release)
    except ReleaseError:
        return hint
    if bumped:
        files = " ".join(shlex.quote(path) for path in bumped)
        return f"undo the bump to {release.version} (git restore --staged --worktree -- {files}), then {hint}"
    if committed:
        return f"undo the bump commit to {release.version} (git reset --keep HEAD~1), then {hint}"
    return hint


def _head_pushed(release: Release) -> bool:
    """A ref of the remote (a branch, a tag) reaches HEAD, or may: a ref whose object this clone
    lacks. Then dropping HEAD's commit is never advised: a pushed tag may name it."""
    git = release.git
    head = git.head()
    for obj in release.remote_or_empty().values():
        commit = git.commit_of(obj) if git.has_object(obj) else None
        if commit is None or git.is_ancestor(head, commit):
            return True
    return False


def _check_tag(release: Release, found: list[Problem], out: Out) -> bool:
    """Judge the release's tag; True when this release is started (tagged here or remotely)."""
    git, tag, remote = release.git, release.tag, release.cfg.remote
    pushed = release.pushed_tag()
    if pushed is not None and release.release_tag() is None:
        found.append(
            Problem(
                f"{tag} is already on {remote} and is not a release in progress made by this "
                f"tool: {release.version} was released",
                _release_next_hint(release),
                kind="released",
            )
        )
        return True
    if release.release_tag() is not None:
        commit = release.release_commit() or ""
        where = "pushed" if pushed else "made, not pushed yet"
        out(f"  resuming: {tag} ({where}) is the release, commit {commit[:12]}")
        return True
    local = release.local_tag()
    if local is not None:
        out(f"  {tag} exists only here and is not this release's: the tag step will replace it")
    del git
    return False


def _check_fresh_start(release: Release, found: list[Problem], reachable: bool) -> None:
    """No tag yet: the work tree, the branch and the remote branch must be ready."""
    cfg, git = release.cfg, release.git
    branch = git.branch()
    if branch != cfg.branch and not (branch or "").startswith("hotfix/"):
        found.append(
            Problem(
                f"on {branch or 'a detached HEAD'}, not {cfg.branch}", f"git switch {cfg.branch}"
            )
        )
    head_text = git.show("HEAD", cfg.relative(cfg.changelog))
    kept = cfg.changelog_kind == "keep-a-changelog"
    section = changelog.find(head_text, release.version) if head_text and kept else None
    if section is not None and section.date and not release.head_is_bump_commit():
        found.append(
            Problem(
                f"{release.version} is a dated section of {cfg.relative(cfg.changelog)} "
                f"({section.date}) and HEAD is not its bump: {release.version} was released",
                _release_next_hint(release),
                kind="released",
            )
        )
        return
    try:
        release.bump_plan()
    except ReleaseError as error:
        kind: Kind = "bad input" if error.exit_code == 2 else "to fix"
        found.append(Problem(error.message, error.hint, kind))
    _check_work_tree(release, found)
    if reachable:
        _check_remote_branch(release, found)


def _check_work_tree(release: Release, found: list[Problem]) -> None:
    cfg, git = release.cfg, release.git
    foreign = release.changes_not_by_bump()
    if foreign:
        found.append(
            Problem(
                f"changes the bump to {release.version} does not make: {', '.join(foreign[:8])}",
                "commit and push them first (git commit -m '…' FILES && git push), or set them "
                "aside (git stash): the release commit holds only the bump",
            )
        )
    untracked = [path for path in git.dirty_files() if path not in release.tracked_changes()]
    untracked = [path for path in untracked if not path.startswith("dist/")]
    release_files = set(release.tracked_changes()) | {cfg.relative(cfg.changelog)}
    leftovers = _interrupted_writes(untracked, release_files | _known_release_files(release))
    if leftovers:
        found.append(
            Problem(
                f"temporary files of a write that was killed midway: {', '.join(leftovers)}",
                f"delete them (rm {' '.join(shlex.quote(path) for path in leftovers)}), then "
                "re-run: the bump completes what it had not written",
            )
        )
    stray = [path for path in untracked if path not in leftovers]
    if stray:
        found.append(
            Problem(
                f"uncommitted changes: {', '.join(stray[:5])}",
                "commit or stash them first (untracked files would reach the tests)",
            )
        )


def _known_release_files(release: Release) -> set[str]:
    from .. import pyproject

    return {release.cfg.relative(copy.path) for copy in pyproject.version_copies(release.cfg)}


# The temporary name release.files gives a new text before renaming it over its file.
_WRITE_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


def _interrupted_writes(paths: list[str], release_files: set[str]) -> list[str]:
    """The temporary files a killed ``write_together`` left next to release files (a kill -9
    leaves no chance to remove them); anything else is the user's."""
    leftovers = []
    for path in paths:
        parent, _, name = path.rpartition("/")
        match = _WRITE_LEFTOVER.match(name)
        if match and "/".join(filter(None, [parent, match["name"]])) in release_files:
            leftovers.append(path)
    return leftovers


def _check_remote_branch(release: Release, found: list[Problem]) -> None:
    cfg, git = release.cfg, release.git
    branch = git.branch() or cfg.branch
    remote_head = release.remote_or_empty().get(f"refs/heads/{branch}")
    head = git.head()
    if remote_head is None or remote_head == head:
        return
    if git.commit_of(remote_head) is None or not git.is_ancestor(remote_head, head):
        found.append(
            Problem(
                f"{cfg.remote}/{branch} has commits this clone lacks",
                f"git pull {cfg.remote} {branch}, then re-run",
            )
        )
        return
    ahead, _ = git.ahead_behind("HEAD", remote_head)
    if not (ahead == 1 and release.head_is_bump_commit()):
        found.append(
            Problem(
                f"{branch} has {ahead} unpushed commit(s) that are not the bump to "
                f"{release.version}",
                f"push them first (git push {cfg.remote} {branch}) so CI has tested them",
            )
        )


def _check_indexes(release: Release, found: list[Problem], started: bool) -> None:
    """Fresh: no file of this version may be on an index. Started: files there must be the
    recorded ones."""
    cfg = release.cfg
    recorded = release.recorded_files() if started else {}
    for label, url in (("test index", cfg.test_index_url), ("index", cfg.index_url)):
        if release.ci_uploads and started:
            continue
        try:
            files = index.list_files(url, cfg.project_name)
        except ReleaseError as error:
            found.append(Problem(error.message, error.hint))
            continue
        ours = [f for f in files if cfg.is_release_file(f.filename, release.version)]
        if not ours:
            continue
        if not started:
            found.append(
                Problem(
                    f"{release.version} is on the {label} ({index.display_url(url)}: "
                    f"{', '.join(f.filename for f in ours)}) but has no tag: it was released "
                    "or started elsewhere, and PyPI never accepts a file name twice",
                    _release_next_hint(release),
                    kind="released",
                )
            )
            continue
        for entry in ours:
            if entry.sha256 is not None and recorded.get(entry.filename) not in (
                None,
                entry.sha256,
            ):
                found.append(
                    Problem(
                        f"{entry.filename} on the {label} ({index.display_url(url)}) is not the "
                        f"file recorded in {release.tag} (sha256 differs)",
                        "that name can never be uploaded again: release the next version "
                        f"(nox -s publish -- {next_version(release)}) and say so in its notes",
                    )
                )


def _check_credentials(release: Release, found: list[Problem]) -> None:
    cfg = release.cfg
    if release.ci_uploads:
        return  # CI uploads with its own credentials (trusted publishing)
    for url in (cfg.test_upload_url, cfg.upload_url):
        ok, where = index.credentials_available(url)
        if not ok:
            message = f"no upload credentials for {index.display_url(url)}"
            found.append(Problem(message, where.removeprefix(message + ": ")))


def _check_security(release: Release, found: list[Problem], disclose: bool) -> None:
    found_record = release.record()
    if found_record is not None:
        has_entry, body = history.has_security_heading(found_record.notes), found_record.notes
    else:
        notes = history.History.read(release.cfg).security_notes(release.version)
        if notes is None:
            return  # no changelog (changelog = false): no notes to check or to leak
        has_entry, body = notes
    if not has_entry:
        where = (
            "a 'security' news fragment"
            if release.cfg.changelog_kind == history.TOWNCRIER
            else "a '### Security' entry in its CHANGELOG section"
        )
        found.append(
            Problem(
                f"a security release needs {where}",
                "add one, in generic words (no CVE id or exploit details before disclosure)",
            )
        )
    details = CVE.findall(body) + EXPLOIT_WORDS.findall(body)
    if details and not disclose:
        found.append(
            Problem(
                f"the notes name {', '.join(sorted(set(details)))} before the advisory is public",
                "keep the CHANGELOG generic until disclosure, or pass --disclose to publish "
                "them anyway (--yes does not)",
            )
        )
