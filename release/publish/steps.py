"""The steps of ``publish``: each describes itself, tells from the world whether it is done, and runs.

Order: bump, tests, commit, build (from a clean checkout of the release commit), smoke, tag (the
annotated tag carries the notes and the record of the tested files; it is shared on the remote
under ``refs/nox-release/tags/`` before any upload), test-index upload, verify, ``git push
--atomic`` of branch and tag, production upload of exactly the recorded bytes, verify, GitHub.
Everything before the tag is done once the tag exists: the tag is only made after they passed.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .. import history, index, killpoint, plan, smoke, tools
from ..errors import ReleaseError, StepFailed
from ..output import STEP_INDENT, Out
from . import record as records
from .sources import build_at
from .base import Step as _Step
from .remote import GitHubStep, PushStep, UploadStep, VerifyStep, on_index
from .state import Release


class BumpStep(_Step):
    title = "bump"
    key = "bump"

    def describe(self) -> str:
        cfg = self.r.cfg
        if cfg.changelog_kind == "none":
            return f"write {self.r.version} to every version copy (the project keeps no changelog)"
        if cfg.changelog_kind == "towncrier":
            return (
                f"write {self.r.version} to every version copy and build {cfg.changelog.name} "
                "with towncrier"
            )
        return f"write {self.r.version} to every version copy and promote {cfg.changelog.name}"

    def is_done(self) -> bool:
        if self.tagged() or self.r.release_commit() is not None:
            return True
        try:
            return self.r.bump_plan().already_done
        except ReleaseError:
            return False

    def run(self, out: Out) -> None:
        planned = self.r.bump_plan()
        for message in planned.messages:
            out(f"{STEP_INDENT}{message}")
        killpoint.hit("bump.planned")
        from .. import bump

        bump.apply(planned)
        killpoint.hit("bump.written")


class TestsStep(_Step):
    title = "tests"
    key = "tests"

    def describe(self) -> str:
        return f"pytest under coverage (threshold {self.r.cfg.coverage_threshold:g}%)"

    def _tree(self) -> str:
        return self.r.git.worktree_tree()

    def is_done(self) -> bool:
        return self.tagged() or self.r.state().get("tests") == self._tree()

    def run(self, out: Out) -> None:
        tested = self._tree()  # the tree the tests run on, taken before they run
        killpoint.hit("tests.start")
        outcome = tools.coverage(self.r.cfg)
        summary = tools.pytest_summary(outcome.tests)
        elsewhere = tools.tested_elsewhere(self.r.cfg, outcome)
        if elsewhere:
            raise StepFailed(elsewhere, tools.TESTED_ELSEWHERE_HINT)
        if not outcome.tests.ok:
            raise StepFailed(
                f"tests failed: {summary}\n{outcome.tests.tail(30)}",
                "fix the tests, commit and push the fix (git commit -m 'Fix …' FILES && git push; "
                "the bump's own changes may stay uncommitted), then re-run publish",
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
                "add tests (nox -s coverage shows the uncovered lines), commit and push them, "
                "then re-run publish",
            )
        out(f"{STEP_INDENT}{summary}; coverage {outcome.detail}{outcome.own_threshold_note}")
        killpoint.hit("tests.passed")
        self.r.remember("tests", tested)


class CommitStep(_Step):
    title = "commit"

    def describe(self) -> str:
        if not self.tagged() and not self.r.tracked_changes() and self.r.bump_writes_nothing():
            return "none to make: the bump writes no file (no changelog, the tag is the version)"
        return f"commit '{self.r.commit_message}'"

    def is_done(self) -> bool:
        return self.tagged() or self.r.release_commit() is not None

    def run(self, out: Out) -> None:
        paths = self.r.tracked_changes()
        body = "\n".join(f"- {path}" for path in paths)
        killpoint.hit("commit.start")
        sha = self.r.git.commit(f"{self.r.commit_message}\n\nFiles:\n{body}\n", paths)
        out(f"{STEP_INDENT}{sha[:12]} ({len(paths)} files)")
        killpoint.hit("commit.made")


class BuildStep(_Step):
    title = "build"

    def describe(self) -> str:
        return (
            "sdist + wheel from a clean checkout of the release commit into dist/ "
            "(SOURCE_DATE_EPOCH = the commit's time), twine check"
        )

    def is_done(self) -> bool:
        if self.tagged():
            return True
        built = self.r.state().get("build")
        files = self.r.dist_files()
        if files is None or not isinstance(built, dict):
            return False
        if built.get("commit") != self.r.release_commit():
            return False
        return {p.name: index.sha256_of(p) for p in files.all} == built.get("files")

    def run(self, out: Out) -> None:
        commit = self.r.release_commit()
        assert commit is not None  # the commit step ran
        killpoint.hit("build.start")
        with tempfile.TemporaryDirectory(prefix="release-dist-") as scratch:
            files = build_at(self.r, commit, Path(scratch) / "dist")
            killpoint.hit("build.built")
            if self.r.dist_dir.exists():
                shutil.rmtree(self.r.dist_dir)
            shutil.copytree(files.sdist.parent, self.r.dist_dir)
        hashes = {p.name: index.sha256_of(self.r.dist_dir / p.name) for p in files.all}
        for name, digest in hashes.items():
            out(f"{STEP_INDENT}{name}  sha256 {digest[:16]}…")
        self.r.remember("build", {"commit": commit, "files": hashes})


class SmokeStep(_Step):
    title = "smoke test"

    def describe(self) -> str:
        return "install the wheel in a brand-new venv, check __version__ and the smoke commands"

    def is_done(self) -> bool:
        if self.tagged():
            return True
        files = self.r.dist_files()
        return files is not None and self.r.state().get("smoke") == index.sha256_of(files.wheel)

    def run(self, out: Out) -> None:
        files = self.r.dist_files()
        if files is None:
            raise StepFailed(f"dist/ holds no build of {self.r.version}", "re-run publish")
        killpoint.hit("smoke.start")
        cfg = self.r.cfg
        results = smoke.smoke_test(
            files.wheel, package=cfg.package, version=self.r.version, commands=cfg.smoke_commands
        )
        # The release commit exists but is neither tagged nor pushed: it can be undone.
        self.report_smoke(
            results,
            out,
            lambda: "the release commit is only in this clone: undo it (git reset --keep HEAD~1), "
            "fix the package, commit and push the fix, then re-run publish: it bumps and "
            "commits again",
        )
        killpoint.hit("smoke.passed")
        self.r.remember("smoke", index.sha256_of(files.wheel))


class TagStep(_Step):
    title = "tag"

    def describe(self) -> str:
        # With publish-from = "ci" the files are CI's build: the record names none.
        files = "" if self.r.ci_uploads else " and the sha256 of the tested files"
        return f"annotated tag {self.r.tag} (local): the notes verbatim{files}"

    def is_done(self) -> bool:
        tag = self.r.release_tag()
        return tag is not None and self.r.local_tag() == tag

    def run(self, out: Out) -> None:
        r = self.r
        tag = r.release_tag()
        local = r.local_tag()
        if tag is not None and local != tag:
            r.git.set_ref(f"refs/tags/{r.tag}", tag)  # the pushed or shared tag, now here too
            out(f"{STEP_INDENT}{r.tag} taken from {r.cfg.remote}")
            return
        if tag is None:
            commit = r.release_commit()
            files = r.dist_files()
            assert commit is not None and files is not None
            made = records.Record(
                version=r.version,
                notes=history.History.read(r.cfg).notes(r.version),
                branch=r.branch(),
                files={} if r.ci_uploads else {p.name: index.sha256_of(p) for p in files.all},
            )
            killpoint.hit("tag.start")
            # A local tag that is not this release's was never pushed (preflight checked): the
            # tool may replace it. A pushed tag is never touched.
            r.git.create_tag(r.tag, records.message(made), commit, replace=local is not None)
            killpoint.hit("tag.made")
        r.refresh()


def steps(release: Release) -> list[plan.Step]:
    return [
        BumpStep(release),
        TestsStep(release),
        CommitStep(release),
        BuildStep(release),
        SmokeStep(release),
        TagStep(release),
        UploadStep(release, test=True),
        VerifyStep(release, test=True),
        PushStep(release),
        UploadStep(release, test=False),
        VerifyStep(release, test=False),
        GitHubStep(release),
    ]


def unfinished_steps(release: Release) -> list[str]:
    """What is left of a release whose tag is pushed: its production upload, when a recorded
    file is absent from the production index and none there conflicts (a file of that name with
    other bytes can never be replaced: that release can not be finished, and must not block the
    next). Nothing when CI uploads (``publish-from = "ci"``), when the index can not be read (its
    own check says so), or for the steps before the push, done once it is (the test index may be
    wiped later; that undoes nothing); the checks after the upload change nothing."""
    if release.ci_uploads or release.pushed_tag() is None or not release.recorded_files():
        return []
    try:
        status = on_index(release, release.cfg.index_url)
    except ReleaseError:
        return []
    if "absent" not in status.values() or "conflict" in status.values():
        return []
    return [UploadStep(release, test=False).title]
