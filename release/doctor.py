"""``doctor``: find what would stop a release, and say how to fix each thing.

Its verdict is publish's preflight (:mod:`release.publish.preflight`) for the version a maintainer
would release next, less the slow checklist items, which it names as not run; then a few rows of
its own (tags, dist/, build backend, version copies).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import bump, index, pyproject
from .checklist import FAIL, PASS, SKIPPED, WARN, Context, Row, table, versions_item
from .config import Config, read_pyproject
from .errors import ReleaseError
from .git import Git
from .output import Out, quiet
from .publish.preflight import (
    PREFLIGHT_ITEMS,
    SLOW_ITEMS,
    Problem,
    checklist_problems,
    next_version,
    problems,
)
from .publish.state import Release
from .publish.steps import unfinished_steps
from .versions import vcs_state


def pypirc_rows() -> list[Row]:
    if index.pypirc_world_readable():
        return [Row(".pypirc", FAIL, "~/.pypirc is readable by other users", "chmod 600 ~/.pypirc")]
    return []


@dataclass(frozen=True)
class Upcoming:
    """The release doctor judges, why that one, and what publish's preflight says of it."""

    release: Release
    why: str
    problems: list[Problem]


def _candidate(cfg: Config) -> str | None:
    """The version a release in progress would have: the one the version files hold (the bump
    writes them first), or for a VCS version the one the changelog releases above the last tag;
    None when a VCS-versioned project has none pending."""
    if not cfg.version_source.is_vcs:
        return pyproject.current_version(cfg)
    return bump.pending_version(cfg, vcs_state(cfg).last_version)


def upcoming(cfg: Config) -> Upcoming:
    """The release a maintainer would make next, and publish's preflight of it.

    That is the release in progress as publish sees it: the bumped version, unless publish calls
    it released (its tag on the remote, a dated section that HEAD is not the bump of, its files on
    an index) or its tag is pushed; else the next version, the one publish names for a released
    one. The checklist items run as in publish, but the slow ones (:data:`SLOW_ITEMS`)."""
    ci_uploads = cfg.publish_from == "ci"
    candidate = _candidate(cfg)
    release = Release(cfg, candidate or pyproject.current_version(cfg), ci_uploads=ci_uploads)
    if candidate is not None:
        found = problems(release, out=quiet)
        released = any(problem.kind == "released" for problem in found)
        if not released and release.pushed_tag() is None:
            why = f"{candidate}: not released yet"
            return Upcoming(release, why, found + _quick_checks(release))
        unfinished = unfinished_steps(release) if release.release_tag() is not None else []
        if unfinished:  # its tag is pushed, but a step after it is not done: finish it first
            why = f"{candidate}: started, not finished"
            problem = Problem(
                f"the release of {candidate} is not finished: {', '.join(unfinished)} to do",
                f"finish it: nox -s publish -- {candidate} (the steps done are skipped)",
            )
            return Upcoming(release, why, [problem])
        reason = f"{candidate} was released"
    else:
        reason = f"no version above the last tag {release.tag} is pending"
    release = Release(cfg, next_version(release), ci_uploads=ci_uploads)
    why = f"{release.version}: the next version ({reason})"
    return Upcoming(release, why, problems(release, out=quiet) + _quick_checks(release))


def _quick_checks(release: Release) -> list[Problem]:
    """publish's checklist items but the slow ones, when publish runs them (before the tag)."""
    if release.release_tag() is not None:
        return []
    quick = [item for item in PREFLIGHT_ITEMS if item not in SLOW_ITEMS]
    return checklist_problems(release, quick, quiet)


def preflight_rows(cfg: Config, judged: Upcoming) -> list[Row]:
    """publish's own preflight for the judged version, so that doctor and publish agree; the
    checks doctor leaves out are named."""
    version = judged.release.version
    rows = [Row("release", PASS, judged.why)]
    if judged.problems:
        rows += [
            Row("preflight", FAIL, problem.message, problem.fix) for problem in judged.problems
        ]
    else:
        rows.append(Row("preflight", PASS, f"publish {version} would pass its preflight"))
    slow = [cfg.typecheck] if cfg.typecheck else []
    slow += ["dependencies secure", "dependencies up to date"]  # audit_item, outdated_item
    rows.append(
        Row(
            "not run",
            SKIPPED,
            f"{', '.join(slow)}: slow, publish {version} runs them",
            "nox -s release-check runs them now",
        )
    )
    return rows


def tag_rows(cfg: Config, git: Git) -> list[Row]:
    """Local tags that differ from the remote's (the pushed one is the release)."""
    if not git.is_repo() or git.remote_url(cfg.remote) is None:
        return []
    try:
        refs = git.remote_refs(cfg.remote)
    except ReleaseError:
        return []  # the preflight row says the remote could not be read
    conflicts = []
    for tag in sorted(git.tags()):
        remote = refs.get(f"refs/tags/{tag}")
        local = git.commit_of(f"refs/tags/{tag}")
        if remote is not None and local is not None and remote != local:
            conflicts.append((tag, f"{tag} (local {local[:10]}, remote {remote[:10]})"))
    if not conflicts:
        return [Row("tags", PASS, f"no local tag differs from {cfg.remote}'s")]
    first = conflicts[0][0]
    return [
        Row(
            "tags",
            WARN,
            "local and remote disagree: " + ", ".join(text for _, text in conflicts),
            f"nothing to do for a release: the pushed tag is the release and publish goes by "
            f"{cfg.remote}'s (git ls-remote {cfg.remote} refs/tags/{first} shows it)",
        )
    ]


def dist_rows(cfg: Config, version: str) -> list[Row]:
    folder = cfg.root / "dist"
    if not folder.is_dir():
        return [Row("dist/", PASS, "no dist/ yet")]
    stale = [p.name for p in folder.iterdir() if f"-{version}" not in p.name]
    if stale:
        return [
            Row("dist/", WARN, f"stale files: {', '.join(stale[:4])}", "nox -s build cleans it")
        ]
    return [Row("dist/", PASS, f"only files of {version}")]


def backend_rows(cfg: Config) -> list[Row]:
    system = read_pyproject(cfg.pyproject).get("build-system")
    if not system or "build-backend" not in system:
        return [
            Row(
                "build backend",
                FAIL,
                "pyproject.toml has no [build-system] build-backend",
                'add [build-system] requires = ["hatchling"], build-backend = "hatchling.build"',
            )
        ]
    return [Row("build backend", PASS, str(system["build-backend"]))]


def run_doctor(cfg: Config, out: Out = print) -> int:
    git = Git(cfg.root)
    judged = upcoming(cfg)
    rows = [
        *preflight_rows(cfg, judged),
        *pypirc_rows(),
        *tag_rows(cfg, git),
        *dist_rows(cfg, pyproject.current_version(cfg)),
        *backend_rows(cfg),
        *versions_item(Context(cfg)),
    ]
    out(table(rows))
    bad = [row for row in rows if row.status == FAIL]
    version = judged.release.version
    if bad:
        out(f"\n{len(bad)} problem(s) would stop the release of {version}")
    else:
        out(f"\nnothing doctor checks would stop the release of {version} (see 'not run')")
    return 1 if bad else 0
