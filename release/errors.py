"""Every failure a user can see is one of these, carrying what went wrong and what to do next.

Only the CLI (``release.__main__``) turns them into exit codes: 2 for bad input or usage (nothing was
written), 1 for a check or step that failed.
"""

from __future__ import annotations


class ReleaseError(Exception):
    """A failure the user can act on: ``message`` says what is wrong, ``hint`` what to do next."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  fix: {self.hint}"
        return self.message


class UsageError(ReleaseError):
    """Bad command-line input: an unknown argument, a malformed value. Nothing was written."""

    exit_code = 2


class ConfigError(UsageError):
    """pyproject.toml or ``[tool.release]`` is missing, malformed or holds a wrong key or type."""


class VersionError(UsageError):
    """A version string that is malformed, not greater than the current one, or already released."""


class ChangelogError(UsageError):
    """CHANGELOG.md cannot be parsed or edited as asked (empty Unreleased, bad heading, ...)."""


class NothingToRelease(ReleaseError):
    """``bump auto`` found no change that warrants a release."""


class CheckFailed(ReleaseError):
    """A checklist item or preflight check failed."""


class StepFailed(ReleaseError):
    """A release step failed while running; re-running resumes from it."""


class ToolFailed(ReleaseError):
    """An external tool (git, twine, pip, build, ...) exited non-zero."""


class ToolMissing(ToolFailed):
    """A tool the engine runs (build, twine, pytest, ...) is not installed where it runs."""


class GitError(ToolFailed):
    """A git command failed or the repository is not in the state a release needs."""


class PackageIndexError(ReleaseError):
    """The package index could not be reached or answered unexpectedly."""


class UploadConflict(ReleaseError):
    """A file of this version is already on the index with different bytes."""


class CredentialsError(ReleaseError):
    """Upload or API credentials are missing or rejected."""


class GitHubError(ReleaseError):
    """The GitHub API refused or failed a request."""


class Aborted(ReleaseError):
    """The user declined to proceed, or no terminal was there to ask and ``--yes`` was not given."""
