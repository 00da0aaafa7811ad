"""The commands: ``plan``, ``publish``, ``publish-test``, ``upload``, ``github-release``."""

from __future__ import annotations

from typing import Callable

from .. import dist, index, plan
from ..bump import release_date
from ..config import Config
from ..errors import Aborted, CheckFailed, ReleaseError, UsageError
from ..output import STEP_INDENT, Out
from ..versions.scheme import release_version
from .preflight import Problem, preflight
from .state import PublishOptions, Release
from .remote import GitHubStep, VerifyStep
from .steps import steps


def _normalized(cfg: Config, version: str, out: Out) -> str:
    parsed, note = release_version(cfg, version)
    if note:
        out(note)
    return str(parsed)


def run_plan(cfg: Config, version: str, out: Out = print) -> int:
    release = Release(cfg, _normalized(cfg, version, out))
    out(f"Release plan for {cfg.name} {release.version} (tag {release.tag}):")
    out(plan.render(plan.survey(steps(release))))
    return 0


def run_publish(
    cfg: Config,
    version: str,
    options: PublishOptions = PublishOptions(),
    *,
    out: Out = print,
    confirm: Callable[[str], bool] | None = None,
) -> int:
    if options.bump.date is not None:
        release_date(options.bump.date)  # a bad --date is bad input: exit 2 before anything
    release = Release(
        cfg, _normalized(cfg, version, out), options, ci_uploads=cfg.publish_from == "ci"
    )
    out(f"Preflight for {cfg.name} {release.version}:")
    preflight(release, run_checklist=True, out=out)
    out("  all preflight checks passed")
    the_steps = steps(release)
    if options.dry_run:
        out("\nDry run: these steps would run (nothing was changed):")
        out(plan.render(plan.survey(the_steps)))
        return 0
    ask = None if options.yes else (confirm or plan.ask_terminal)
    timings = plan.execute(the_steps, confirm=ask, out=out)
    total = sum(seconds for _, seconds in timings)
    out(f"\nReleased {cfg.name} {release.version} in {total:.1f} s of steps.")
    _after(release, out)
    return 0


def _after(release: Release, out: Out) -> None:
    cfg = release.cfg
    if cfg.publish_from == "ci":
        out(
            f"CI takes it from here: the pushed tag {release.tag} starts the release workflow, "
            "which uploads the same files to the index with trusted publishing."
        )
    branch = release.branch()
    if branch.startswith("hotfix/"):
        out(
            f"This was a hotfix. Bring the fix and its CHANGELOG section back to {cfg.branch}:\n"
            f"  git switch {cfg.branch} && git merge --no-ff {branch}\n"
            f"  (resolve pyproject/CHANGELOG conflicts by keeping {cfg.branch}'s Unreleased and "
            f"adding the [{release.version}] section), then git push {cfg.remote} {cfg.branch}"
        )
    if release.options.security:
        repo = cfg.github_repo or "OWNER/REPO"
        out(
            "Security release published. Now publish the advisory:\n"
            f"  1. open https://github.com/{repo}/security/advisories/new (or the draft advisory)\n"
            f"  2. affected versions: < {release.version}; patched: {release.version}\n"
            "  3. add the CVE id and details there (not in the CHANGELOG), then Publish advisory"
        )


class DistUploadStep:
    """Upload dist/ as it is (publish-test, for a build without a release tag)."""

    irreversible = True

    def __init__(self, release: Release, *, upload_url: str, index_url: str) -> None:
        self.r = release
        self.upload_url = upload_url
        self.index_url = index_url
        self.title = "upload to the test index"

    def describe(self) -> str:
        return (
            f"upload dist/ to {index.display_url(self.upload_url)} "
            "(files already there with our sha256 are skipped)"
        )

    def skip_reason(self) -> str | None:
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
        _upload_dist(self.r, files, self.upload_url, self.index_url, False, out, STEP_INDENT)


def run_publish_test(cfg: Config, version: str, *, dry_run: bool = False, out: Out = print) -> int:
    """Upload the build in dist/ to the test index and install-verify it from there."""
    release = Release(cfg, _normalized(cfg, version, out))
    release.checked_files(twine=True)
    the_steps: list[plan.Step] = [
        DistUploadStep(release, upload_url=cfg.test_upload_url, index_url=cfg.test_index_url),
        VerifyStep(release, test=True),
    ]
    if dry_run:
        out(plan.render(plan.survey(the_steps)))
        return 0
    plan.execute(the_steps, confirm=None, out=out)
    return 0


def run_upload(
    cfg: Config,
    version: str,
    *,
    yes: bool = False,
    attestations: bool = False,
    out: Out = print,
    confirm: Callable[[str], bool] | None = None,
) -> int:
    """Upload dist/ to the production index and verify (what CI runs on a tag): the preflight of
    the production upload first, then a question on a terminal unless ``yes``."""
    release = Release(cfg, _normalized(cfg, version, out))
    files = release.checked_files(twine=True)
    found = upload_problems(release, files)
    if found:
        listing = "\n".join(f"  - {problem}" for problem in found)
        raise CheckFailed(
            f"the upload's preflight found {len(found)} problem(s); nothing was uploaded:\n"
            f"{listing}",
            "fix them and re-run",
        )
    status = index.file_status(cfg.index_url, cfg.project_name, list(files.all))
    todo = [path.name for path in files.all if status[path.name] != "same"]
    if todo and not yes:
        out(
            f"This cannot be undone: upload {', '.join(todo)} to {index.display_url(cfg.upload_url)}"
        )
        if not (confirm or plan.ask_terminal)("Proceed?"):
            raise Aborted("nothing was uploaded", "re-run when ready (or with --yes)")
    _upload_dist(release, files, cfg.upload_url, cfg.index_url, attestations, out)
    step = VerifyStep(release, test=False)
    if not step.is_done():
        step.run(out)
    return 0


def upload_problems(release: Release, files: dist.DistFiles) -> list[Problem]:
    """What would stop the production upload of ``files``: an unreadable index, a file of the
    same name with other bytes, missing credentials, bytes other than the tag's record."""
    cfg = release.cfg
    found: list[Problem] = []
    try:
        status = index.file_status(cfg.index_url, cfg.project_name, list(files.all))
    except Exception as error:  # noqa: BLE001 - any ReleaseError; reported, not raised
        found.append(
            Problem(str(getattr(error, "message", error)), str(getattr(error, "hint", "")))
        )
        status = {}
    for name, value in status.items():
        if value == "conflict":
            found.append(
                Problem(
                    f"{name} is already on {index.display_url(cfg.index_url)} with other bytes",
                    "PyPI never accepts a file name twice: release the next patch version",
                )
            )
    ok, where = index.credentials_available(cfg.upload_url)
    if not ok:
        message = f"no upload credentials for {index.display_url(cfg.upload_url)}"
        found.append(Problem(message, where.removeprefix(message + ": ")))
    recorded = release.recorded_files()
    for path in files.all:
        if recorded and recorded.get(path.name) not in (None, index.sha256_of(path)):
            found.append(
                Problem(
                    f"dist/{path.name} is not the file recorded in {release.tag}",
                    f"upload the tested bytes: nox -s publish -- {release.version} finishes the "
                    "release from the tag's record",
                )
            )
    return found


def _upload_dist(
    release: Release,
    files: dist.DistFiles,
    upload_url: str,
    index_url: str,
    attestations: bool,
    out: Out,
    indent: str = "",
) -> None:
    report = index.upload(
        list(files.all),
        upload_url=upload_url,
        index_url=index_url,
        project=release.cfg.project_name,
        attestations=attestations,
    )
    for name in report.uploaded:
        out(f"{indent}uploaded {name}")
    for name in report.skipped:
        out(f"{indent}already on the index with the same sha256: {name}")


def run_github_release(cfg: Config, version: str, out: Out = print) -> int:
    release = Release(cfg, _normalized(cfg, version, out))
    step = GitHubStep(release)
    reason = step.skip_reason()
    if reason:
        raise UsageError(f"cannot create the GitHub release: {reason}", "set it and re-run")
    step.run(out)
    return 0
