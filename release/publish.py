"""``publish VERSION``: release steps 1-10 as a resumable plan (see :mod:`release.plan`).

Order, and why it differs from the written guide: the guide pushes the commit and tag before
uploading to TestPyPI. Here the package is uploaded to the *test* index and installed from it
first; only then are commit and tag pushed, together, with ``git push --atomic``. So the tag never
reaches the remote without its commit, and a package that does not install never gets a public tag.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import artifacts, bump, changelog, checklist, dist, index, plan, pyproject, smoke, tools
from .config import Config
from .errors import CheckFailed, ReleaseError, StepFailed, UsageError
from .git import Git
from .version import next_patch, parse_release_version
from .output import STEP_INDENT, Out, quiet, result_lines

CVE = re.compile(r"\bCVE-\d{4}-\d{4,}\b", re.IGNORECASE)
EXPLOIT_WORDS = re.compile(r"\b(exploit|proof[- ]of[- ]concept|PoC|payload)\b", re.IGNORECASE)


def verify_timeout() -> float:
    """How long install-verification waits for an index to serve a new upload."""
    raw = os.environ.get("RELEASE_VERIFY_TIMEOUT", "300")
    try:
        return float(raw)
    except ValueError as exc:
        raise UsageError(
            f"RELEASE_VERIFY_TIMEOUT must be a number of seconds, not {raw!r}",
            "set it to e.g. 300",
        ) from exc


@dataclass
class Release:
    """Everything the steps of one release share."""

    cfg: Config
    version: str
    yes: bool = False
    #: publish-from = "ci" in a local ``publish``: CI uploads one build to both indexes.
    ci_uploads: bool = False
    git: Git = field(init=False)

    def __post_init__(self) -> None:
        self.git = Git(self.cfg.root)

    @property
    def tag(self) -> str:
        return self.cfg.tag(self.version)

    @property
    def dist_dir(self) -> Path:
        return self.cfg.root / "dist"

    @property
    def commit_message(self) -> str:
        return f"Release version {self.version}"

    # -- state recorded by the steps, keyed by what they verified ---------------------------------

    def _state_file(self) -> Path:
        git_dir = Path(self.git.run("rev-parse", "--absolute-git-dir").stdout.strip())
        return git_dir / "nox-release" / f"{self.tag}.json"

    def state(self) -> dict[str, object]:
        path = self._state_file()
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def record(self, key: str, value: object) -> None:
        path = self._state_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.state()
        data[key] = value
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    # -- real state ------------------------------------------------------------------------------

    def snapshot(self) -> str:
        """A commit object of the work tree's tracked files, touching no ref (for the build)."""
        return self.git.run("stash", "create").stdout.strip() or self.git.head()

    def release_tree(self, snapshot: str | None = None) -> str:
        """The tree the release commit has (or will have): HEAD plus uncommitted tracked changes."""
        return self.git.run("rev-parse", f"{snapshot or self.snapshot()}^{{tree}}").stdout.strip()

    def bump_plan(self) -> bump.BumpPlan:
        return bump.plan_bump(self.cfg, self.version, tags=self.git.tags())

    def tracked_changes(self) -> list[str]:
        return self.git.dirty_files(untracked=False)

    def dist_files(self) -> dist.DistFiles | None:
        try:
            return dist.check_dist(self.dist_dir, self.cfg.name, self.version)
        except ReleaseError:
            return None

    def recorded_build(self) -> dict[str, str]:
        build = self.state().get("build")
        if isinstance(build, dict) and isinstance(build.get("files"), dict):
            return {str(k): str(v) for k, v in build["files"].items()}
        return {}

    def released_commit(self) -> str | None:
        """The release commit once made: HEAD, when the bump is committed and nothing is pending."""
        if self.tracked_changes():
            return None
        copies = pyproject.version_copies(self.cfg)
        if copies and all(copy.value == self.version for copy in copies):
            return self.git.head()
        return None


# -- the steps ------------------------------------------------------------------------------------


class _Step:
    title = ""
    irreversible = False

    def __init__(self, release: Release) -> None:
        self.r = release

    def skip_reason(self) -> str | None:
        return None


class BumpStep(_Step):
    title = "bump"

    def describe(self) -> str:
        return (
            f"write {self.r.version} to every version copy and promote {self.r.cfg.changelog.name}"
        )

    def is_done(self) -> bool:
        return self.r.bump_plan().already_done

    def run(self, out: Out) -> None:
        planned = self.r.bump_plan()
        for message in planned.messages:
            out(f"     {message}")
        bump.apply(planned)


class TestsStep(_Step):
    title = "tests"

    def describe(self) -> str:
        return f"pytest under coverage (threshold {self.r.cfg.coverage_threshold:g}%)"

    def is_done(self) -> bool:
        return self.r.state().get("tests") == self.r.release_tree()

    def run(self, out: Out) -> None:
        tested = self.r.release_tree()  # the tree the tests run on, taken before they run
        outcome = tools.coverage(self.r.cfg)
        summary = tools.pytest_summary(outcome.tests)
        if not outcome.tests.ok:
            raise StepFailed(
                f"tests failed: {summary}\n{outcome.tests.tail(30)}",
                "fix the tests and re-run publish: finished steps are skipped",
            )
        threshold = self.r.cfg.coverage_threshold
        if outcome.percent is None or outcome.percent < threshold:
            raise StepFailed(
                f"coverage {outcome.detail} is below {threshold:g}%",
                "add tests (nox -s coverage shows the uncovered lines) and re-run publish",
            )
        out(f"     {summary}; coverage {outcome.detail}")
        self.r.record("tests", tested)


class BuildStep(_Step):
    title = "build"

    def describe(self) -> str:
        return "sdist + wheel from a clean export of the release commit into dist/, twine check"

    def is_done(self) -> bool:
        files = self.r.dist_files()
        state = self.r.state().get("build")
        if files is None or not isinstance(state, dict):
            return False
        if state.get("tree") != self.r.release_tree():
            return False
        return {p.name: index.sha256_of(p) for p in files.all} == self.r.recorded_build()

    def run(self, out: Out) -> None:
        snapshot = self.r.snapshot()  # one snapshot: the tree recorded is the tree built
        tree = self.r.release_tree(snapshot)
        with tempfile.TemporaryDirectory(prefix="release-export-") as scratch:
            source = self.r.git.export(snapshot, Path(scratch) / "src")
            files = artifacts.build_dist(self.r.cfg, self.r.dist_dir, source=source, out=quiet)
        hashes = {p.name: index.sha256_of(p) for p in files.all}
        for name, digest in hashes.items():
            out(f"     {name}  sha256 {digest[:16]}…")
        self.r.record("build", {"tree": tree, "files": hashes})


class SmokeStep(_Step):
    title = "smoke test"

    def describe(self) -> str:
        return "install the wheel in a brand-new venv, check __version__ and the smoke commands"

    def _wheel(self) -> Path | None:
        files = self.r.dist_files()
        return files.wheel if files else None

    def is_done(self) -> bool:
        wheel = self._wheel()
        return wheel is not None and self.r.state().get("smoke") == index.sha256_of(wheel)

    def run(self, out: Out) -> None:
        artifacts.smoke_dist(self.r.cfg, self.r.dist_dir, out=lambda line: out(f"     {line}"))
        wheel = self._wheel()
        assert wheel is not None
        self.r.record("smoke", index.sha256_of(wheel))


class CommitStep(_Step):
    title = "commit"

    def describe(self) -> str:
        return f"commit '{self.r.commit_message}'"

    def is_done(self) -> bool:
        return self.r.released_commit() is not None

    def run(self, out: Out) -> None:
        paths = self.r.tracked_changes()
        body = "\n".join(f"- {path}" for path in paths)
        sha = self.r.git.commit(f"{self.r.commit_message}\n\nFiles:\n{body}\n", paths)
        out(f"     {sha[:12]} ({len(paths)} files)")


class TagStep(_Step):
    title = "tag"

    def describe(self) -> str:
        return f"annotated tag {self.r.tag} with the release notes"

    def is_done(self) -> bool:
        commit = self.r.git.commit_of(f"refs/tags/{self.r.tag}")
        return commit is not None and commit == self.r.git.head()

    def run(self, out: Out) -> None:
        text = self.r.cfg.changelog.read_text(encoding="utf-8")
        message = f"{self.r.commit_message}\n\n{changelog.notes(text, self.r.version)}\n"
        self.r.git.create_tag(self.r.tag, message)


class UploadStep(_Step):
    irreversible = True

    def __init__(self, release: Release, *, test: bool) -> None:
        super().__init__(release)
        cfg = release.cfg
        self.test = test
        self.title = "upload to the test index" if test else "upload to the production index"
        self.upload_url = cfg.test_upload_url if test else cfg.upload_url
        self.index_url = cfg.test_index_url if test else cfg.index_url

    def describe(self) -> str:
        return (
            f"upload dist/ to {index.display_url(self.upload_url)} "
            "(files already there with our sha256 are skipped)"
        )

    def skip_reason(self) -> str | None:
        if self.r.ci_uploads:
            return 'publish-from = "ci": CI uploads its one build when the tag is pushed'
        return None

    def is_done(self) -> bool:
        files = self.r.dist_files()
        if files is None:
            return False
        try:
            status = index.file_status(self.index_url, self.r.cfg.project_name, list(files.all))
        except ReleaseError:
            return False
        return all(value == "same" for value in status.values())

    def run(self, out: Out) -> None:
        files = self.r.dist_files()
        if files is None:
            raise StepFailed(f"dist/ holds no build of {self.r.version}", "run nox -s build")
        report = index.upload(
            list(files.all),
            upload_url=self.upload_url,
            index_url=self.index_url,
            project=self.r.cfg.project_name,
        )
        for name in report.uploaded:
            out(f"     uploaded {name}")
        for name in report.skipped:
            out(f"     already there with the same sha256: {name}")


class VerifyStep(_Step):
    def __init__(self, release: Release, *, test: bool) -> None:
        super().__init__(release)
        cfg = release.cfg
        self.test = test
        self.index_url = cfg.test_index_url if test else cfg.index_url
        # Keyed by the index too: a wheel verified on one index says nothing about another.
        self.key = f"verify {self.index_url}"
        self.title = (
            "verify install from the test index" if test else "verify install from the index"
        )
        self.index_url = cfg.test_index_url if test else cfg.index_url
        self.extra = cfg.index_url if test else None

    def describe(self) -> str:
        return (
            f"pip install {self.r.cfg.name}=={self.r.version} from "
            f"{index.display_url(self.index_url)} alone in a "
            "fresh venv, then the smoke checks"
        )

    def skip_reason(self) -> str | None:
        if self.r.ci_uploads:
            return 'publish-from = "ci": CI verifies its uploads'
        return None

    def is_done(self) -> bool:
        files = self.r.dist_files()
        return files is not None and self.r.state().get(self.key) == index.sha256_of(files.wheel)

    def run(self, out: Out) -> None:
        cfg = self.r.cfg
        results = smoke.install_from_index(
            project=cfg.name,
            version=self.r.version,
            index_url=self.index_url,
            extra_index_url=self.extra if self.extra != self.index_url else None,
            package=cfg.package,
            commands=cfg.smoke_commands,
            timeout=verify_timeout(),
        )
        out(result_lines(results, STEP_INDENT))
        try:
            smoke.check_smoke(results)
        except CheckFailed as failure:
            # The files are on the index already: rebuilding (the generic smoke hint) would make
            # files that can never be uploaded under the same names.
            raise StepFailed(
                failure.message,
                f"if {index.display_url(self.index_url)} did not serve the release (down, slow, "
                "wrong URL), fix that and re-run publish: the upload is not repeated. If the "
                f"installed package is broken, {self.r.version} cannot be replaced on this "
                f"index: fix it and release {next_patch(self.r.version)}",
            ) from None
        files = self.r.dist_files()
        if files is not None:
            self.r.record(self.key, index.sha256_of(files.wheel))


class PushStep(_Step):
    title = "push"
    irreversible = True

    def _branch(self) -> str:
        return self.r.git.branch() or self.r.cfg.branch

    def describe(self) -> str:
        return (
            f"git push --atomic {self.r.cfg.remote} {self._branch()} {self.r.tag} "
            "(commit and tag together or not at all)"
        )

    def is_done(self) -> bool:
        try:
            refs = self.r.git.remote_refs(self.r.cfg.remote)
        except ReleaseError:
            return False
        commit = self.r.git.commit_of(f"refs/tags/{self.r.tag}")
        remote_branch = refs.get(f"refs/heads/{self._branch()}")
        return (
            commit is not None
            and refs.get(f"refs/tags/{self.r.tag}") == commit
            and remote_branch is not None
            and (remote_branch == commit or self.r.git.is_ancestor(commit, remote_branch))
        )

    def run(self, out: Out) -> None:
        branch = self._branch()
        self.r.git.push_atomic(
            self.r.cfg.remote, f"HEAD:refs/heads/{branch}", f"refs/tags/{self.r.tag}"
        )


class GitHubStep(_Step):
    title = "GitHub release"

    def describe(self) -> str:
        return f"release '{self.r.cfg.title(self.r.version)}' for {self.r.tag}, dist/ attached"

    def skip_reason(self) -> str | None:
        if not self.r.cfg.github_repo:
            return "github-repo is not set in [tool.release]"
        from . import github

        if not github.token_from_env():
            return "GITHUB_TOKEN (or GH_TOKEN) is not set"
        return None

    def is_done(self) -> bool:
        from . import github

        files = self.r.dist_files()
        if files is None:
            return False
        try:
            state = github.version_state(self.r.cfg, self.r.version, list(files.all))
        except ReleaseError:
            return False  # GitHub cannot be read now: the step runs and says why
        return state.complete

    def run(self, out: Out) -> None:
        from . import github

        cfg = self.r.cfg
        # The assets are the release's files: a missing or stale dist/ is an error, not "none".
        files = dist.check_dist(self.r.dist_dir, cfg.name, self.r.version)
        text = cfg.changelog.read_text(encoding="utf-8")
        report = github.publish_version(
            cfg, self.r.version, list(files.all), changelog.notes(text, self.r.version)
        )
        out(f"     {report}")


def steps(release: Release) -> list[plan.Step]:
    return [
        BumpStep(release),
        TestsStep(release),
        BuildStep(release),
        SmokeStep(release),
        CommitStep(release),
        TagStep(release),
        UploadStep(release, test=True),
        VerifyStep(release, test=True),
        PushStep(release),
        UploadStep(release, test=False),
        VerifyStep(release, test=False),
        GitHubStep(release),
    ]


# -- preflight ------------------------------------------------------------------------------------

PREFLIGHT_ITEMS: tuple[checklist.Item, ...] = (
    checklist.mypy_item,
    checklist.black_item,
    checklist.audit_item,
    checklist.outdated_item,
    checklist.changelog_item,
    checklist.ci_item,
    checklist.critical_item,
)


def preflight(
    release: Release, *, allow_unknown: bool, security: bool, run_checklist: bool, out: Out
) -> None:
    """Every check before anything changes; all problems are listed together."""
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
        rows = checklist.run_items(checklist.Context(cfg, release.version), PREFLIGHT_ITEMS)
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


# -- commands -------------------------------------------------------------------------------------


def _normalized(version: str, out: Out) -> str:
    parsed, note = parse_release_version(version)
    if note:
        out(note)
    return str(parsed)


def run_plan(cfg: Config, version: str, out: Out = print) -> int:
    release = Release(cfg, _normalized(version, out))
    out(f"Release plan for {cfg.name} {release.version} (tag {release.tag}):")
    out(plan.render(plan.survey(steps(release))))
    return 0


def run_publish(
    cfg: Config,
    version: str,
    *,
    dry_run: bool = False,
    yes: bool = False,
    allow_unknown: bool = False,
    security: bool = False,
    out: Out = print,
    confirm: Callable[[str], bool] | None = None,
) -> int:
    release = Release(cfg, _normalized(version, out), yes=yes, ci_uploads=cfg.publish_from == "ci")
    out(f"Preflight for {cfg.name} {release.version}:")
    preflight(release, allow_unknown=allow_unknown, security=security, run_checklist=True, out=out)
    out("  all preflight checks passed")
    the_steps = steps(release)
    if dry_run:
        out("\nDry run: these steps would run (nothing was changed):")
        out(plan.render(plan.survey(the_steps)))
        return 0
    timings = plan.execute(
        the_steps, confirm=None if yes else (confirm or plan.ask_terminal), out=out
    )
    total = sum(seconds for _, seconds in timings)
    out(f"\nReleased {cfg.name} {release.version} in {total:.1f} s of steps.")
    _after(release, security, out)
    return 0


def _after(release: Release, security: bool, out: Out) -> None:
    cfg = release.cfg
    if cfg.publish_from == "ci":
        out(
            f"CI takes it from here: the pushed tag {release.tag} starts the release workflow, "
            "which uploads the same files to the index with trusted publishing."
        )
    branch = release.git.branch() or ""
    if branch.startswith("hotfix/"):
        out(
            f"This was a hotfix. Bring the fix and its CHANGELOG section back to {cfg.branch}:\n"
            f"  git switch {cfg.branch} && git merge --no-ff {branch}\n"
            f"  (resolve pyproject/CHANGELOG conflicts by keeping {cfg.branch}'s Unreleased and "
            f"adding the [{release.version}] section), then git push {cfg.remote} {cfg.branch}"
        )
    if security:
        repo = cfg.github_repo or "OWNER/REPO"
        out(
            "Security release published. Now publish the advisory:\n"
            f"  1. open https://github.com/{repo}/security/advisories/new (or the draft advisory)\n"
            f"  2. affected versions: < {release.version}; patched: {release.version}\n"
            "  3. add the CVE id and details there (not in the CHANGELOG), then Publish advisory"
        )


def run_publish_test(cfg: Config, version: str, *, dry_run: bool = False, out: Out = print) -> int:
    """Steps 8 alone, for an existing build in dist/."""
    release = Release(cfg, _normalized(version, out))
    dist.check_dist(release.dist_dir, cfg.name, release.version)
    the_steps: list[plan.Step] = [UploadStep(release, test=True), VerifyStep(release, test=True)]
    if dry_run:
        out(plan.render(plan.survey(the_steps)))
        return 0
    plan.execute(the_steps, confirm=None, out=out)
    return 0


def run_upload(cfg: Config, version: str, *, attestations: bool = False, out: Out = print) -> int:
    """Upload dist/ to the production index and verify (CI's job with publish-from = "ci")."""
    release = Release(cfg, _normalized(version, out))
    files = dist.check_dist(release.dist_dir, cfg.name, release.version)
    report = index.upload(
        list(files.all),
        upload_url=cfg.upload_url,
        index_url=cfg.index_url,
        project=cfg.project_name,
        attestations=attestations,
    )
    for name in report.uploaded:
        out(f"uploaded {name}")
    for name in report.skipped:
        out(f"already on the index with the same sha256: {name}")
    step = VerifyStep(release, test=False)
    if not step.is_done():
        step.run(out)
    return 0


def run_github_release(cfg: Config, version: str, out: Out = print) -> int:
    release = Release(cfg, _normalized(version, out))
    step = GitHubStep(release)
    reason = step.skip_reason()
    if reason:
        raise UsageError(f"cannot create the GitHub release: {reason}", "set it and re-run")
    step.run(out)
    return 0
