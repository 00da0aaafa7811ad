"""The steps of ``publish``: each describes itself, tells from real state whether it is done, and runs."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import bump, dist, history, index, plan, smoke, tools
from ..errors import CheckFailed, ReleaseError, StepFailed
from ..output import STEP_INDENT, Out, quiet, result_lines
from ..version import next_patch
from .state import Release, verify_timeout


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
        if outcome.percent is None:
            raise StepFailed(
                f"coverage measured nothing: {outcome.detail}",
                "run nox -s coverage to see why, fix it and re-run publish",
            )
        if outcome.percent < threshold:
            raise StepFailed(
                f"coverage {outcome.detail} is below {threshold:g}%{outcome.own_threshold_note}",
                "add tests (nox -s coverage shows the uncovered lines) and re-run publish",
            )
        out(f"     {summary}; coverage {outcome.detail}{outcome.own_threshold_note}")
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
            files = dist.build_dist(self.r.cfg, self.r.dist_dir, source=source, out=quiet)
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
        smoke.smoke_dist(self.r.cfg, self.r.dist_dir, out=out, indent=STEP_INDENT)
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
        notes = history.History.read(self.r.cfg).notes(self.r.version)
        message = f"{self.r.commit_message}\n\n{notes}\n"
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
        files = self.r.checked_files(twine=True)
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
        self.key = f"verify {index.display_url(self.index_url)}"
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
        if self.r.ci_uploads and self.r.platform_wheels:
            return "platform wheels: the release workflow creates it with every wheel attached"
        from .. import github

        if not github.token_from_env():
            return "GITHUB_TOKEN (or GH_TOKEN) is not set"
        return None

    def is_done(self) -> bool:
        from .. import github

        files = self.r.dist_files()
        if files is None:
            return False
        try:
            state = github.version_state(self.r.cfg, self.r.version, list(files.all))
        except ReleaseError:
            return False  # GitHub cannot be read now: the step runs and says why
        return state.complete

    def run(self, out: Out) -> None:
        from .. import github

        cfg = self.r.cfg
        # The assets are the release's files: a missing or stale dist/ is an error, not "none".
        files = self.r.checked_files()
        notes = history.History.read(cfg).notes(self.r.version)
        report = github.publish_version(cfg, self.r.version, list(files.all), notes)
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
