"""The steps that reach the world: test-index upload (the tag shared first), verification, the
atomic push, the production upload of exactly the recorded bytes, and the GitHub release."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import history, index, killpoint, smoke
from ..errors import GitError, ReleaseError, StepFailed
from ..output import STEP_INDENT, Out
from ..version import next_patch
from .base import Step as _Step
from .sources import release_files
from .state import Release, verify_timeout


def share(r: Release, out: Out) -> None:
    """Push the tag under the remote's private ``refs/nox-release/tags/`` before the first upload:
    from then on any clone can finish the release. The atomic push removes it again."""
    remote = r.remote_or_empty()
    tag = r.release_tag()
    if tag is None or tag in (remote.get(f"refs/tags/{r.tag}"), remote.get(r.shared_ref)):
        return
    r.git.run("push", "--quiet", r.cfg.remote, f"refs/tags/{r.tag}:{r.shared_ref}")
    out(f"{STEP_INDENT}{r.tag} shared on {r.cfg.remote} as {r.shared_ref} (any clone can resume)")
    r.refresh()
    killpoint.hit("shared")


def on_index(r: Release, index_url: str) -> dict[str, str]:
    """Recorded file name -> "same" / "absent" / "conflict" on the index (raises if unreadable)."""
    listed = {entry.filename: entry for entry in index.list_files(index_url, r.cfg.project_name)}
    status = {}
    for name, sha in r.recorded_files().items():
        entry = listed.get(name)
        if entry is None:
            status[name] = "absent"
        else:
            remote = entry.sha256 or hashlib.sha256(index.download(entry.url)).hexdigest()
            status[name] = "same" if remote == sha else "conflict"
    return status


class _IndexStep(_Step):
    """A step on the test index (``test``) or the production index; with publish-from = "ci",
    CI does it instead."""

    #: What CI does instead (the reason the step is skipped).
    by_ci = ""

    def __init__(self, release: Release, *, test: bool) -> None:
        super().__init__(release)
        self.test = test
        self.index_url = release.cfg.test_index_url if test else release.cfg.index_url

    def skip_reason(self) -> str | None:
        return f'publish-from = "ci": {self.by_ci}' if self.r.ci_uploads else None


class UploadStep(_IndexStep):
    irreversible = True
    by_ci = "CI uploads its one build when the tag is pushed"

    def __init__(self, release: Release, *, test: bool) -> None:
        super().__init__(release, test=test)
        self.key = "test-upload" if test else "upload"
        self.title = "upload to the test index" if test else "upload to the production index"
        self.upload_url = release.cfg.test_upload_url if test else release.cfg.upload_url

    def describe(self) -> str:
        source = "dist/" if self.test else "the bytes tested on the test index"
        return (
            f"upload {source} to {index.display_url(self.upload_url)} "
            "(files already there with the recorded sha256 are skipped)"
        )

    def is_done(self) -> bool:
        if not self.r.recorded_files():
            return False
        try:
            status = on_index(self.r, self.index_url)
        except ReleaseError:
            return False
        return all(value == "same" for value in status.values())

    def run(self, out: Out) -> None:
        r = self.r
        killpoint.hit(f"{self.key}.start")
        if self.test:
            share(r, out)
        status = on_index(r, self.index_url)
        conflicts = [name for name, value in status.items() if value == "conflict"]
        if conflicts:
            raise StepFailed(
                f"{', '.join(conflicts)} on {index.display_url(self.index_url)} is not the file "
                f"recorded in the tag {r.tag} (sha256 differs)",
                f"PyPI never accepts a file name twice: release {next_patch(r.version)}",
            )
        download = None if self.test else r.cfg.test_index_url
        files = release_files(r, out, download_from=download)
        report = index.upload(
            files,
            upload_url=self.upload_url,
            index_url=self.index_url,
            project=r.cfg.project_name,
            after_each=lambda _name: killpoint.hit(f"{self.key}.file"),
        )
        for name in report.uploaded:
            out(f"{STEP_INDENT}uploaded {name}")
        for name in report.skipped:
            out(f"{STEP_INDENT}already there with the recorded sha256: {name}")


class VerifyStep(_IndexStep):
    by_ci = "CI verifies its uploads"

    def __init__(self, release: Release, *, test: bool) -> None:
        super().__init__(release, test=test)
        cfg = release.cfg
        # Keyed by the index too: a wheel verified on one index says nothing about another.
        self.key = f"verify {index.display_url(self.index_url)}"
        self.title = (
            "verify install from the test index" if test else "verify install from the index"
        )
        self.extra = cfg.index_url if test else None

    def describe(self) -> str:
        return (
            f"install {self.r.cfg.name}=={self.r.version} from "
            f"{index.display_url(self.index_url)} alone in a "
            "fresh venv (uv or pip), then the smoke checks"
        )

    def _wheel_sha(self) -> str | None:
        wheels = [sha for name, sha in self.r.recorded_files().items() if name.endswith(".whl")]
        if wheels:
            return wheels[0]
        files = self.r.dist_files()  # publish-test / upload of a dist/ without a tag record
        return index.sha256_of(files.wheel) if files else None

    def is_done(self) -> bool:
        if self.test and self.r.pushed_tag() is not None:
            return True  # the push came after this verification passed
        sha = self._wheel_sha()
        return sha is not None and self.r.state().get(self.key) == sha

    def run(self, out: Out) -> None:
        cfg = self.r.cfg
        killpoint.hit("verify-test.start" if self.test else "verify.start")
        results = smoke.install_from_index(
            project=cfg.name,
            version=self.r.version,
            index_url=self.index_url,
            extra_index_url=self.extra if self.extra != self.index_url else None,
            package=cfg.package,
            commands=cfg.smoke_commands,
            timeout=verify_timeout(),
        )
        # The files are on the index already: rebuilding (the generic smoke hint) would make
        # files that can never be uploaded under the same names.
        self.report_smoke(
            results,
            out,
            lambda: f"if {index.display_url(self.index_url)} did not serve the release (down, "
            "slow, wrong URL), fix that and re-run publish: the upload is not repeated. If the "
            f"installed package is broken, {self.r.version} cannot be replaced on this "
            f"index: fix it and release {next_patch(self.r.version)}",
        )
        killpoint.hit("verify-test.passed" if self.test else "verify.passed")
        self.r.remember(self.key, self._wheel_sha())


class PushStep(_Step):
    title = "push"
    irreversible = True

    def describe(self) -> str:
        return (
            f"git push --atomic {self.r.cfg.remote} {self.r.branch()} {self.r.tag} "
            "(commit and tag together or not at all)"
        )

    def is_done(self) -> bool:
        tag = self.r.release_tag()
        if tag is None or self.r.remote_or_empty().get(f"refs/tags/{self.r.tag}") != tag:
            return False
        head = self.r.remote_commit(f"refs/heads/{self.r.branch()}")
        commit = self.r.git.commit_of(tag)
        return head is not None and commit is not None and self.r.git.is_ancestor(commit, head)

    def _target(self, commit: str, branch: str) -> str | None:
        """What the branch is pushed to: the release commit, or (when the branch moved on since)
        a merge of it; None when the branch already holds it."""
        git = self.r.git
        head = self.r.remote_commit(f"refs/heads/{branch}")
        if head is None or git.is_ancestor(head, commit):
            return commit
        if git.is_ancestor(commit, head):
            return None
        local = git.head() if git.branch() == branch and not self.r.tracked_changes() else None
        if local and git.is_ancestor(commit, local) and git.is_ancestor(head, local):
            return local  # the user merged already
        merged = git.merge_commit(
            head, commit, f"Merge release {self.r.version} into {branch}\n\nTag: {self.r.tag}"
        )
        if merged is None:
            raise StepFailed(
                f"{self.r.cfg.remote}/{branch} moved on since {self.r.tag} was made, and merging "
                "the release commit into it conflicts",
                f"merge it yourself: git switch {branch} && git pull {self.r.cfg.remote} {branch} "
                f"&& git merge {self.r.tag}, resolve and commit (do not push), then re-run "
                f"publish: it pushes your merge together with {self.r.tag}",
            )
        return merged

    def run(self, out: Out) -> None:
        r = self.r
        r.refresh()  # the remote as it is now: someone may have pushed to the branch meanwhile
        tag = r.release_tag()
        commit = r.git.commit_of(tag) if tag else None
        assert commit is not None
        branch = r.branch()
        target = self._target(commit, branch)
        refspecs = [f"refs/tags/{r.tag}"]
        if target is not None:
            refspecs.insert(0, f"{target}:refs/heads/{branch}")
            if target != commit:
                out(f"{STEP_INDENT}{branch} moved on: pushing a merge of {r.tag} into it")
        if r.shared_ref in r.remote_or_empty():
            refspecs.append(f":{r.shared_ref}")
        killpoint.hit("push.start")
        try:
            r.git.push_atomic(r.cfg.remote, *refspecs)
        except GitError as error:
            if target is not None and any(sign in error.message for sign in _MOVED_ON):
                raise StepFailed(
                    f"{r.cfg.remote}/{branch} moved on while the push was prepared (someone "
                    f"pushed to it just now): nothing was pushed, {r.tag} included",
                    f"re-run publish: it merges the release into the new {branch} and pushes "
                    f"both together",
                ) from None
            raise
        killpoint.hit("push.done")
        r.refresh()
        if target is not None and r.git.branch() == branch:
            # Bring this clone along when it can fast-forward; else the user pulls later.
            r.git.run("merge", "--quiet", "--ff-only", target, check=False)


# How git says that a branch push was refused because the remote branch has commits we lack.
_MOVED_ON = ("(fetch first)", "(non-fast-forward)")


class GitHubStep(_Step):
    title = "GitHub release"

    def describe(self) -> str:
        return f"release '{self.r.cfg.title(self.r.version)}' for {self.r.tag}, files attached"

    def skip_reason(self) -> str | None:
        if not self.r.cfg.github_repo:
            return "github-repo is not set in [tool.release]"
        if self.r.ci_uploads and self.r.platform_wheels:
            return "platform wheels: the release workflow creates it with every wheel attached"
        from .. import github

        if not github.token_from_env():
            return "GITHUB_TOKEN (or GH_TOKEN) is not set"
        return None

    def _files(self) -> dict[str, str] | list[Path]:
        recorded = self.r.recorded_files()
        if recorded:
            return recorded
        files = self.r.dist_files()
        return list(files.all) if files else []

    def is_done(self) -> bool:
        from .. import github

        files = self._files()
        if not files:
            return False
        try:
            state = github.version_state(self.r.cfg, self.r.version, files)
        except ReleaseError:
            return False  # GitHub cannot be read now: the step runs and says why
        return state.complete

    def run(self, out: Out) -> None:
        from .. import github

        r = self.r
        found = r.record()
        if r.recorded_files():
            files = release_files(r, out, download_from=r.cfg.test_index_url)
        else:
            # The assets are the release's files: a missing or stale dist/ is an error.
            files = list(r.checked_files().all)
        # A tag made by hand ("Release version X" alone) carries no notes: the tag's CHANGELOG does.
        notes = (
            found.notes if found and found.notes else history.History.read(r.cfg).notes(r.version)
        )
        killpoint.hit("github.start")
        report = github.publish_version(r.cfg, r.version, files, notes)
        out(f"{STEP_INDENT}{report}")
