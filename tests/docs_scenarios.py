"""The scenarios of the generated docs blocks (see :mod:`tests.docs_output`).

A scenario gets a :class:`Shell` holding a git copy of the sample (``/tmp/omi`` in the docs, with a
bare ``/tmp/origin.git``), sets the project up as the page's prose says, and shows the documented
commands: ``sh.show`` runs one and adds it with its output to the block, ``sh.setup`` runs one
unseen, ``sh.edit`` changes a file, ``sh.indexes`` starts the two local package indexes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from release.localindex import LocalIndex
from tests.conftest import engine_env, indexes_env, run_captured

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "release" / "sample"
DOC_DATE = "2026-11-01"
_EPOCH = "1793448000"  # 2026-11-01 12:00 UTC: commits and builds are the same every run


@dataclass
class Shell:
    """A sample project in a temp dir, and the transcript of the commands shown from it."""

    work: Path
    lines: list[str] = field(default_factory=list)
    extra_env: dict[str, str | None] = field(default_factory=dict)
    servers: list[LocalIndex] = field(default_factory=list)

    @property
    def project(self) -> Path:
        return self.work / "omi"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("GITHUB_", "GH_", "TWINE_", "RELEASE_"))
        }
        closed = "http://127.0.0.1:9"
        env.update(
            PYTHONPATH=engine_env()["PYTHONPATH"],  # as the tests' engine runs (conftest)
            GIT_CONFIG_NOSYSTEM="1",
            GIT_AUTHOR_NAME="OMI Maintainer",
            GIT_AUTHOR_EMAIL="maintainer@omi.invalid",
            GIT_COMMITTER_NAME="OMI Maintainer",
            GIT_COMMITTER_EMAIL="maintainer@omi.invalid",
            GIT_AUTHOR_DATE=f"@{_EPOCH} +0000",
            GIT_COMMITTER_DATE=f"@{_EPOCH} +0000",
            SOURCE_DATE_EPOCH=_EPOCH,
            RELEASE_TEST_UPLOAD_URL=f"{closed}/",
            RELEASE_UPLOAD_URL=f"{closed}/",
            RELEASE_TEST_INDEX_URL=f"{closed}/simple/",
            RELEASE_INDEX_URL=f"{closed}/simple/",
            RELEASE_GITHUB_API_URL=closed,
        )
        for key, value in self.extra_env.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def indexes(self) -> None:
        """Two local pypiservers as the test index and the index, with credentials to upload."""
        test, prod = LocalIndex(self.work / "testpypi"), LocalIndex(self.work / "pypi")
        for server in (test, prod):
            self.servers.append(server)
            server.start()
        self.extra_env.update(
            indexes_env(test, prod), TWINE_USERNAME="omi", TWINE_PASSWORD="not-a-secret"
        )

    def _run(self, command: str) -> subprocess.CompletedProcess[str]:
        argv = shlex.split(command)
        if argv[-1] == "</dev/null":  # stdin is always empty: no terminal to answer questions
            argv.pop()
        env = self.env()
        while "=" in argv[0]:  # VAR=value command, as a shell reads it
            key, _, value = argv.pop(0).partition("=")
            env[key] = value
        if argv[0] == "python":
            argv[0] = sys.executable
        return run_captured(argv, self.project, env, 900, no_terminal=True, stderr_to_stdout=True)

    def setup(self, command: str, *, exit_code: int = 0) -> None:
        """Run ``command`` as a step of the set-up, not shown: it must exit with ``exit_code``."""
        done = self._run(command)
        if done.returncode != exit_code:
            raise RuntimeError(f"set-up step {command!r} failed:\n{done.stdout}")

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace ``old`` (which must be there) by ``new`` in the project's file ``name``."""
        path = self.project / name
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise RuntimeError(f"{name} has no {old!r}")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def show(self, command: str, *, exit_code: bool = False, comment: str = "") -> None:
        """Run ``command`` and add it and its output to the transcript (and ``echo $?``)."""
        done = self._run(command)
        self.lines.append(f"$ {command}" + (f"        # {comment}" if comment else ""))
        self.lines.extend(done.stdout.rstrip("\n").splitlines())
        if exit_code:
            self.lines += ["$ echo $?", str(done.returncode)]


def sample_repo(sh: Shell) -> None:
    """The sample, committed and tagged v0.2.0, pushed to a bare ``origin``."""
    shutil.copytree(SAMPLE, sh.project, ignore=shutil.ignore_patterns("__pycache__"))
    ignore = sh.project / ".gitignore"
    ignore.write_text(ignore.read_text(encoding="utf-8") + ".nox/\n", encoding="utf-8")
    sh.setup(f"git init --quiet --bare -b main {sh.work / 'origin.git'}")
    for command in (
        "git init --quiet -b main",
        "git add -A",
        "git commit --quiet -m 'OMI 0.2.0'",
        "git tag v0.2.0",
        f"git remote add origin {sh.work / 'origin.git'}",
        "git push --quiet -u origin main v0.2.0",
    ):
        sh.setup(command)


def notes(sh: Shell) -> None:
    sh.setup(f"python -m release bump 0.3.0 --date {DOC_DATE}")
    sh.show("python -m release notes 0.3.0")
    sh.show("python -m release notes v0.2.0")
    sh.show("python -m release notes 0.4.0", exit_code=True)


def build(sh: Shell) -> None:
    sh.show("python -m release build")
    sh.show("ls dist")


def smoke(sh: Shell) -> None:
    sh.show("python -m release build")
    sh.show("python -m release smoke", exit_code=True)


def smoke_failing_command(sh: Shell) -> None:
    status = '    "omi status --data-dir {tmp}/data",\n'
    sh.edit("pyproject.toml", status, status + '    "omi frobnicate",\n')
    sh.setup("python -m release build")
    sh.show("python -m release smoke", exit_code=True)


def smoke_without_build(sh: Shell) -> None:
    sh.show("python -m release smoke")
    sh.setup("python -m release build")
    sh.edit("pyproject.toml", 'version = "0.2.0"', 'version = "0.2.1"')
    sh.edit("src/omi_openclaw/__init__.py", '"0.2.0"', '"0.2.1"')
    sh.show(
        "python -m release smoke", comment="after changing the version to 0.2.1 without rebuilding"
    )


def hotfix(sh: Shell) -> None:
    sh.setup(f"python -m release bump 0.3.0 --date {DOC_DATE}")
    sh.setup("git commit --quiet -am 'Release 0.3.0'")
    sh.setup("git tag v0.3.0")
    sh.show("python -m release hotfix 0.3.0")
    sh.show("git branch")
    sh.show("python -m release hotfix 0.3.0")
    sh.show("python -m release hotfix 0.9.0")
    sh.show("python -m release hotfix 1.0.0rc1", exit_code=True)


def bump(sh: Shell) -> None:
    sh.show(f"python -m release bump minor --dry-run --date {DOC_DATE}")
    sh.show(f"python -m release bump auto --date {DOC_DATE}")
    sh.show("python -m release bump 0.3.0")
    sh.show("python -m release versions")


def bump_partial(sh: Shell) -> None:
    sh.edit("pyproject.toml", 'version = "0.2.0"', 'version = "0.3.0"')
    sh.show("python -m release versions", exit_code=True)
    sh.show(f"python -m release bump 0.3.0 --date {DOC_DATE}")


def bump_refusals(sh: Shell) -> None:
    sh.setup(f"python -m release bump 0.3.0 --date {DOC_DATE}")
    sh.show("python -m release bump 0.2.5")
    sh.show("python -m release bump 0.4.0 --pre rc")
    sh.show("python -m release bump patch --date 2026-02-30")
    sh.show("python -m release bump 0.3", exit_code=True)
    sh.show("python -m release bump auto --allow-empty", exit_code=True)


def demo(sh: Shell) -> None:
    sh.extra_env["RELEASE_GITHUB_API_URL"] = None  # the demo says it skips the GitHub step
    sh.show("python -m release demo", exit_code=True)


def release_check(sh: Shell) -> None:
    sh.show("python -m release check --json ../check.json", exit_code=True)
    sh.show("head -9 ../check.json")


def doctor(sh: Shell) -> None:
    sh.indexes()
    sh.setup("python -m release build")
    sh.show("python -m release doctor", exit_code=True)


def doctor_problems(sh: Shell) -> None:
    sh.indexes()
    sh.setup("python -m release build")
    sh.extra_env.update(TWINE_USERNAME=None, TWINE_PASSWORD=None)
    sh.show("RELEASE_INDEX_URL=http://127.0.0.1:9/simple/ python -m release doctor", exit_code=True)


def publish_dry_run(sh: Shell) -> None:
    sh.indexes()
    sh.extra_env["RELEASE_GITHUB_API_URL"] = None
    sh.show("python -m release publish 0.3.0 --dry-run", exit_code=True)
    sh.show("python -m release publish 0.3.0 --dry-run --allow-unknown")


def publish_no_terminal(sh: Shell) -> None:
    sh.indexes()
    sh.extra_env["RELEASE_GITHUB_API_URL"] = None
    sh.show("python -m release publish 0.3.0 --allow-unknown </dev/null", exit_code=True)
    sh.show("python -m release plan 0.3.0")


def publish_resume(sh: Shell) -> None:
    sh.indexes()
    sh.extra_env["RELEASE_GITHUB_API_URL"] = None
    sh.setup("python -m release publish 0.3.0 --allow-unknown </dev/null", exit_code=1)
    sh.setup("python -m release publish-test 0.3.0")
    sh.show("python -m release publish 0.3.0 --yes --allow-unknown", exit_code=True)


def _stopped_before_the_uploads(sh: Shell) -> None:
    """``publish 0.3.0`` run without a terminal: steps 1-6 done, dist/ holds the 0.3.0 build."""
    sh.indexes()
    sh.extra_env["RELEASE_GITHUB_API_URL"] = None
    sh.setup("python -m release publish 0.3.0 --allow-unknown </dev/null", exit_code=1)


def publish_test(sh: Shell) -> None:
    _stopped_before_the_uploads(sh)
    sh.show("python -m release publish-test 0.3.0 --dry-run")
    sh.show("python -m release publish-test 0.3.0")
    sh.show("python -m release publish-test 0.3.0")


def publish_test_without_build(sh: Shell) -> None:
    sh.indexes()
    sh.show("python -m release publish-test 0.3.0", exit_code=True)


def upload(sh: Shell) -> None:
    _stopped_before_the_uploads(sh)
    sh.show("python -m release upload 0.3.0 --yes", exit_code=True)


SCENARIOS: dict[str, Callable[[Shell], None]] = {
    "notes": notes,
    "build": build,
    "smoke": smoke,
    "smoke-failing-command": smoke_failing_command,
    "smoke-without-build": smoke_without_build,
    "hotfix": hotfix,
    "bump": bump,
    "bump-partial": bump_partial,
    "bump-refusals": bump_refusals,
    "demo": demo,
    "release-check": release_check,
    "doctor": doctor,
    "doctor-problems": doctor_problems,
    "publish-dry-run": publish_dry_run,
    "publish-no-terminal": publish_no_terminal,
    "publish-resume": publish_resume,
    "publish-test": publish_test,
    "publish-test-without-build": publish_test_without_build,
    "upload": upload,
}
