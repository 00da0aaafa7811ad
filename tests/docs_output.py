"""The output blocks of docs/, generated from what the code prints.

A generated block is a ``console`` fence right after a marker naming its scenario::

    <!-- output: notes -->
    ```console
    $ python -m release notes 0.3.0
    ...
    ```

Each scenario (``SCENARIOS``) copies the sample into a fresh directory shown as ``/tmp/omi``, with a
git repository and a bare ``origin`` (shown as ``/tmp/origin.git``), and runs the documented
commands there as a user would (``python -m release …`` with this checkout's engine); the block
becomes the transcript. ``python -m tests.docs_output --write`` (``nox -s docs``) rewrites the
blocks; ``tests/test_docs_output.py`` fails when a block differs from what the code prints. Paths,
ports and today's date are written in a fixed form; timings and hashes are ignored when comparing.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import urlsplit

from release.localindex import LocalIndex

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
SAMPLE = REPO / "release" / "sample"
DOC_DATE = "2026-11-01"
_EPOCH = "1793448000"  # 2026-11-01 12:00 UTC: commits and builds are the same every run
_BLOCK = re.compile(
    r"^<!-- output: (?P<name>[\w-]+) -->\n```console\n(?P<body>.*?)^```$", re.M | re.S
)
_TEMP_SUFFIX = re.compile(r"\b((?:nox-)?release-[a-z]+(?:-[a-z]+)*-)[a-z0-9_]{8}\b")
_PORT = re.compile(r"\b127\.0\.0\.1:(\d{4,5})\b")
_TIMING = re.compile(r"\b\d+(?:\.\d+)? ?s\b(?: \(\d+:\d\d:\d\d\))?")
_HEX = re.compile(r"\b[0-9a-f]{12,64}\b")
_AGE = re.compile(r"\b(?:just now|\d+ (?:s|min|h|days) ago)\b")  # a cached result's age


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
            PYTHONPATH=str(REPO),
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
            RELEASE_TEST_UPLOAD_URL=test.upload_url,
            RELEASE_TEST_INDEX_URL=test.index_url,
            RELEASE_UPLOAD_URL=prod.upload_url,
            RELEASE_INDEX_URL=prod.index_url,
            TWINE_USERNAME="omi",
            TWINE_PASSWORD="not-a-secret",
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
        return subprocess.run(
            argv,
            cwd=self.project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            timeout=900,
        )

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


def _sample(sh: Shell) -> None:
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
    sh.show("python -m release upload 0.3.0", exit_code=True)


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


def transcript(name: str) -> str:
    """What scenario ``name`` prints, in the form the docs show it."""
    work = Path(tempfile.mkdtemp(prefix="docs-output-")).resolve()
    shell = Shell(work)
    try:
        _sample(shell)
        SCENARIOS[name](shell)
        # the test index is always 8001 and the index 8002, whichever a block names first
        ports = [urlsplit(server.url).port for server in shell.servers]
        return normalize("\n".join(shell.lines) + "\n", work, [p for p in ports if p])
    finally:
        for server in shell.servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def normalize(text: str, work: Path, known_ports: Sequence[int] = ()) -> str:
    """Machine-specific details in their documented form: /tmp/omi, ports, python3.11, the date."""
    text = text.replace(str(work), "/tmp").replace(
        str(Path(tempfile.gettempdir()).resolve()), "/tmp"
    )
    text = _TEMP_SUFFIX.sub(r"\1x", text)
    text = re.sub(r"python3\.\d+", "python3.11", text)
    text = text.replace(datetime.date.today().isoformat(), DOC_DATE)
    ports = {str(port): str(8001 + number) for number, port in enumerate(known_ports)}
    return _PORT.sub(lambda m: "127.0.0.1:" + ports.setdefault(m[1], str(8001 + len(ports))), text)


def comparable(text: str) -> str:
    """What must match between docs and code: timings, hashes and ages may differ run to run."""
    return _AGE.sub("<age>", _HEX.sub("<hash>", _TIMING.sub("N s", text)))


@dataclass(frozen=True)
class Block:
    path: Path
    name: str
    body: str


def blocks() -> list[Block]:
    """Every marked output block in the README and docs/."""
    return [
        Block(path, match["name"], match["body"])
        for path in DOCS
        for match in _BLOCK.finditer(path.read_text(encoding="utf-8"))
    ]


def stale(only: set[str] | None = None) -> list[str]:
    """A diff for each block that differs from what its scenario prints now."""
    diffs = []
    for block in blocks():
        if only is not None and block.name not in only:
            continue
        fresh = transcript(block.name)
        if comparable(fresh) != comparable(block.body):
            where = f"{block.path.relative_to(REPO)} [{block.name}]"
            diff = difflib.unified_diff(
                block.body.splitlines(), fresh.splitlines(), where, "the code now", lineterm=""
            )
            diffs.append("\n".join(diff))
    return diffs


def write(only: set[str] | None = None) -> list[Path]:
    """Rewrite every marked block with what its scenario prints; the files that changed."""
    changed = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")

        def fresh(match: re.Match[str]) -> str:
            if only is not None and match["name"] not in only:
                return match[0]
            body = transcript(match["name"])
            if comparable(body) == comparable(match["body"]):
                return match[0]  # only timings or hashes differ: keep the page as it is
            return f"<!-- output: {match['name']} -->\n```console\n{body}```"

        new = _BLOCK.sub(fresh, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.docs_output", description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the blocks (else: check)")
    parser.add_argument("names", nargs="*", help="only these scenarios")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    only = set(args.names) or None
    if args.write:
        for path in write(only):
            print(f"rewrote {path.relative_to(REPO)}")
        return 0
    diffs = stale(only)
    print("\n\n".join(diffs) or "docs/ shows what the code prints")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
