"""``publish VERSION``: release steps 1-10 as a resumable plan (see :mod:`release.plan`).

Order, and why it differs from the written guide: the guide pushes the commit and tag before
uploading to TestPyPI. Here the package is uploaded to the *test* index and installed from it
first; only then are commit and tag pushed, together, with ``git push --atomic``. So the tag never
reaches the remote without its commit, and a package that does not install never gets a public tag.
"""

from .commands import run_github_release, run_plan, run_publish, run_publish_test, run_upload
from .preflight import preflight
from .state import PublishOptions, Release, verify_timeout
from .remote import GitHubStep, PushStep, UploadStep, VerifyStep
from .steps import BuildStep, BumpStep, CommitStep, SmokeStep, TagStep, TestsStep, steps

__all__ = [
    "BuildStep",
    "BumpStep",
    "CommitStep",
    "GitHubStep",
    "PublishOptions",
    "PushStep",
    "Release",
    "SmokeStep",
    "TagStep",
    "TestsStep",
    "UploadStep",
    "VerifyStep",
    "preflight",
    "run_github_release",
    "run_plan",
    "run_publish",
    "run_publish_test",
    "run_upload",
    "steps",
    "verify_timeout",
]
