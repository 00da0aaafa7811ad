"""``doctor``: find what would stop a release, and say how to fix each thing."""

from __future__ import annotations

import datetime


from . import changelog, index, pyproject
from .checklist import FAIL, PASS, UNKNOWN, WARN, Context, Row, table, versions_item
from .config import Config, read_pyproject
from .errors import ReleaseError
from .git import Git
from .version import next_patch
from .output import Out


def credentials_rows(cfg: Config) -> list[Row]:
    rows = []
    targets = [("test index", cfg.test_upload_url)]
    if cfg.publish_from == "local":
        targets.append(("index", cfg.upload_url))
    for label, url in targets:
        ok, where = index.credentials_available(url)
        if ok:
            rows.append(Row(f"credentials ({label})", PASS, where))
        else:
            rows.append(
                Row(f"credentials ({label})", FAIL, f"none for {index.display_url(url)}", where)
            )
    if index.pypirc_world_readable():
        rows.append(
            Row(".pypirc", FAIL, "~/.pypirc is readable by other users", "chmod 600 ~/.pypirc")
        )
    return rows


def tag_rows(cfg: Config, git: Git) -> list[Row]:
    if not git.is_repo():
        return [Row("git", FAIL, "not a git repository", "git init and commit the project")]
    if git.remote_url(cfg.remote) is None:
        return [
            Row("remote", FAIL, f"no remote '{cfg.remote}'", f"git remote add {cfg.remote} URL")
        ]
    try:
        refs = git.remote_refs(cfg.remote)
    except ReleaseError as error:
        return [Row("remote", UNKNOWN, f"'{cfg.remote}' cannot be reached", error.hint)]
    conflicts = []
    for tag in sorted(git.tags()):
        remote = refs.get(f"refs/tags/{tag}")
        local = git.commit_of(f"refs/tags/{tag}")
        if remote is not None and local is not None and remote != local:
            conflicts.append(f"{tag} (local {local[:10]}, remote {remote[:10]})")
    if conflicts:
        return [
            Row(
                "tags",
                FAIL,
                "local and remote disagree: " + ", ".join(conflicts),
                "git fetch --tags --force if the remote is right; never move a released tag",
            )
        ]
    return [Row("tags", PASS, f"remote '{cfg.remote}' reachable, no conflicting tags")]


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


def index_rows(cfg: Config, version: str) -> list[Row]:
    rows = []
    for label, url in (("test index", cfg.test_index_url), ("index", cfg.index_url)):
        try:
            found = index.list_files(url, cfg.project_name)
        except ReleaseError as error:
            rows.append(
                Row(label, UNKNOWN, f"{index.display_url(url)} cannot be reached", error.hint)
            )
            continue
        mine = [f.filename for f in found if cfg.is_release_file(f.filename, version)]
        if mine:
            rows.append(
                Row(
                    label,
                    WARN,
                    f"{version} is already there ({len(mine)} files)",
                    "the next release needs a new version (nox -s bump -- patch)",
                )
            )
        else:
            rows.append(Row(label, PASS, f"reachable; {version} not there yet"))
    return rows


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
    version = pyproject.current_version(cfg)
    rows = [
        *credentials_rows(cfg),
        *tag_rows(cfg, git),
        *dist_rows(cfg, version),
        *index_rows(cfg, version),
        *backend_rows(cfg),
        *versions_item(Context(cfg)),
        *changelog_rows(cfg, version),
    ]
    out(table(rows))
    bad = [row for row in rows if row.status == FAIL]
    out(
        f"\n{len(bad)} problem(s) would stop a release" if bad else "\nnothing would stop a release"
    )
    return 1 if bad else 0
