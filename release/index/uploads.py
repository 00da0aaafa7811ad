"""Uploads through twine, one file at a time, each looked up first so that a re-run after a
failure resumes: a file already there with the same bytes is skipped, one with other bytes stops
everything."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from .. import proc, twinecli
from ..errors import CredentialsError, ToolFailed, UploadConflict, UsageError
from ..version import next_patch
from .credentials import _pypirc_section, credentials_available, twine_env
from .simple import display_url, file_status

UPLOAD_TIMEOUT = 900.0


@dataclass(frozen=True)
class UploadReport:
    """File names uploaded now and those skipped because the index already had them."""

    uploaded: list[str]
    skipped: list[str]


def upload(
    files: Sequence[Path],
    *,
    upload_url: str,
    index_url: str,
    project: str,
    env: Mapping[str, str] | None = None,
    attestations: bool = False,
    after_each: Callable[[str], None] | None = None,
) -> UploadReport:
    """Upload what the index does not have yet, one file at a time; safe to re-run.

    Every file is looked up before the first upload: one already there with other bytes raises
    UploadConflict and nothing is uploaded.
    """
    if not files:
        raise UsageError("nothing to upload", "run nox -s build first")
    status = file_status(index_url, project, files)
    conflicts = [path for path in files if status[path.name] == "conflict"]
    if conflicts:
        raise _conflict(conflicts[0], index_url)
    report = UploadReport(uploaded=[], skipped=[])
    for path in files:
        current = file_status(index_url, project, [path])[path.name]
        if current == "conflict":
            raise _conflict(path, index_url)
        if current == "same":
            report.skipped.append(path.name)
            continue
        _twine_upload(path, upload_url, index_url, env, attestations)
        report.uploaded.append(path.name)
        if after_each is not None:
            after_each(path.name)
    return report


def _conflict(path: Path, index_url: str) -> UploadConflict:
    return UploadConflict(
        f"{path.name} is already on {display_url(index_url)} with different contents",
        "PyPI never accepts a file name twice, even after deletion: release "
        f"{_next_patch(path.name)} instead (bump, rebuild, publish)",
    )


def _next_patch(filename: str) -> str:
    """X.Y.(Z+1) for the version in a distribution file name."""
    try:
        if filename.endswith(".whl"):
            version = parse_wheel_filename(filename)[1]
        else:
            version = parse_sdist_filename(filename)[1]
    except (InvalidWheelFilename, InvalidSdistFilename):
        return "X.Y.(Z+1)"
    return next_patch(version)


def _twine_upload(
    path: Path,
    upload_url: str,
    index_url: str,
    env: Mapping[str, str] | None,
    attestations: bool,
) -> None:
    environment = twine_env(env)
    try:
        section = _pypirc_section(upload_url, environment)
    except CredentialsError:
        section = None  # twine does not read it with --repository-url; env credentials may do
    if section is not None:
        # twine ignores ~/.pypirc when given --repository-url, so name the matching section.
        target = ["--repository", section.name, "--config-file", str(section.path)]
    else:
        target = ["--repository-url", upload_url]
    args = ["--no-color", "upload", "--non-interactive", "--disable-progress-bar", *target]
    if attestations:
        args.append("--attestations")
    result = twinecli.run(
        [*args, path], env=environment, timeout=UPLOAD_TIMEOUT, what=f"twine upload {path.name}"
    )
    if not result.ok:
        raise _upload_failure(path, upload_url, index_url, result, environment)


def _upload_failure(
    path: Path,
    upload_url: str,
    index_url: str,
    result: proc.Result,
    env: Mapping[str, str],
) -> Exception:
    output = result.output
    lowered = output.lower()
    if "already exists" in lowered or "has already been used" in lowered:
        return _conflict(path, index_url)
    if "credential not found" in lowered:
        _found, advice = credentials_available(upload_url, env)
        return CredentialsError(
            f"twine found no credentials for {display_url(upload_url)} to upload {path.name}",
            f"{advice}; then re-run (uploads already done are skipped)",
        )
    if any(sign in lowered for sign in ("403 forbidden", "401 unauthorized", "authentication")):
        return CredentialsError(
            f"{display_url(upload_url)} refused the credentials for {path.name}:\n"
            f"{result.tail(10)}",
            "check the token (and that it may upload this project), then re-run: "
            "uploads already done are skipped",
        )
    return ToolFailed(
        f"twine upload of {path.name} to {display_url(upload_url)} failed "
        f"(exit {result.returncode}):\n{result.tail(15)}",
        "fix the cause shown above and re-run: files already uploaded are skipped",
    )
