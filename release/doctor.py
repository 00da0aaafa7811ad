"""``doctor``: find what would stop a release, and say how to fix each thing."""

from __future__ import annotations

import datetime


from . import changelog, index, pyproject
from .checklist import FAIL, PASS, WARN, Context, Row, table, versions_item
from .config import Config, read_pyproject
from .output import quiet
from .errors import ReleaseError
from .git import Git
from .version import next_patch
from .output import Out


def pypirc_rows() -> list[Row]:
    if index.pypirc_world_readable():
        return [Row(".pypirc", FAIL, "~/.pypirc is readable by other users", "chmod 600 ~/.pypirc")]
    return []


def trial_version(cfg: Config) -> str:
    """The version a release would have now: the current one while its CHANGELOG section is
    not dated yet (towncrier: not tagged yet), else the next patch. A version from git tags: the
    bumped version the changelog has and no tag has yet, if any."""
    from . import bump, history

    current = pyproject.current_version(cfg)
    if cfg.version_source.is_vcs:
        pending = bump.pending_version(cfg, current)
        if pending is not None:
            return pending
    if cfg.changelog_kind == history.TOWNCRIER:  # its section is built by the bump: the tag says
        return next_patch(current) if cfg.tag(current) in Git(cfg.root).tags() else current
    if cfg.changelog.is_file():
        section = changelog.find(cfg.changelog.read_text(encoding="utf-8"), current)
        if section is not None and section.date:
            return next_patch(current)
    return current


def preflight_rows(cfg: Config, version: str) -> list[Row]:
    """publish's own preflight (without the checklist items: release-check runs those), so that
    doctor and publish never disagree."""
    from .publish.preflight import problems
    from .publish.state import Release

    release = Release(cfg, version, ci_uploads=cfg.publish_from == "ci")
    found = problems(release, out=quiet)
    if not found:
        return [Row("preflight", PASS, f"publish {version} would pass its preflight")]
    return [Row("preflight", FAIL, problem.message, problem.fix) for problem in found]


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


def changelog_rows(cfg: Config, version: str) -> list[Row]:
    if cfg.changelog_kind != "keep-a-changelog":
        kind = "towncrier builds the news file" if cfg.changelog_kind == "towncrier" else "none"
        return [Row("changelog", PASS, f"not edited by nox-release ({kind})")]
    if not cfg.changelog.is_file():
        return [Row("changelog", FAIL, f"{cfg.relative(cfg.changelog)} not found", "create it")]
    text = cfg.changelog.read_text(encoding="utf-8")
    trial = next_patch(version)
    try:
        changelog.release(text, trial, datetime.date.today().isoformat())
    except ReleaseError as error:
        return [Row("changelog", FAIL, f"would not promote: {error.message}", error.hint)]
    return [Row("changelog", PASS, "Unreleased would promote cleanly")]


def run_doctor(cfg: Config, out: Out = print) -> int:
    git = Git(cfg.root)
    version = trial_version(cfg)
    rows = [
        *preflight_rows(cfg, version),
        *pypirc_rows(),
        *tag_rows(cfg, git),
        *dist_rows(cfg, pyproject.current_version(cfg)),
        *backend_rows(cfg),
        *versions_item(Context(cfg)),
        *changelog_rows(cfg, pyproject.current_version(cfg)),
    ]
    out(table(rows))
    bad = [row for row in rows if row.status == FAIL]
    out(
        f"\n{len(bad)} problem(s) would stop a release" if bad else "\nnothing would stop a release"
    )
    return 1 if bad else 0
