"""The commands: ``plan``, ``publish``, ``publish-test``, ``upload``, ``github-release``."""

from __future__ import annotations

from typing import Callable

from .. import index, matrixdist, plan
from ..config import Config
from ..errors import UsageError
from ..output import Out
from ..version import parse_release_version
from .preflight import preflight
from .state import Release
from .steps import GitHubStep, UploadStep, VerifyStep, steps


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
    use_cache: bool = True,
    out: Out = print,
    confirm: Callable[[str], bool] | None = None,
) -> int:
    release = Release(cfg, _normalized(version, out), yes=yes, ci_uploads=cfg.publish_from == "ci")
    _refuse_local_platform_wheels(release)
    out(f"Preflight for {cfg.name} {release.version}:")
    preflight(
        release,
        allow_unknown=allow_unknown,
        security=security,
        run_checklist=True,
        use_cache=use_cache,
        out=out,
    )
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


def _refuse_local_platform_wheels(release: Release) -> None:
    """A platform-wheel project's release is built by CI's matrix: a local upload would publish
    this machine's wheel alone (and PyPI refuses plain linux_* wheels)."""
    if release.ci_uploads or not release.platform_wheels:
        return
    plan_ = matrixdist.wheel_plan(release.cfg)
    raise UsageError(
        f"{release.cfg.name} ships {plan_.describe()}: one machine builds only its own wheel, "
        "so a local publish cannot upload the release; nothing was changed",
        'set publish-from = "ci" in [tool.release]: publish then bumps, tests, tags and pushes, '
        "and the release workflow (nox-release init --ci writes it) builds every wheel with "
        "cibuildwheel and uploads them together",
    )


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
    release.checked_files(twine=True)
    the_steps: list[plan.Step] = [UploadStep(release, test=True), VerifyStep(release, test=True)]
    if dry_run:
        out(plan.render(plan.survey(the_steps)))
        return 0
    plan.execute(the_steps, confirm=None, out=out)
    return 0


def run_upload(cfg: Config, version: str, *, attestations: bool = False, out: Out = print) -> int:
    """Upload dist/ to the production index and verify (CI's job with publish-from = "ci")."""
    release = Release(cfg, _normalized(version, out))
    files = release.checked_files(twine=True)
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
