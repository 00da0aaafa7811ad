"""``publish`` (release steps 1-12) against real parts: the sample project in real git with a bare
``origin``, two real pypiservers on 127.0.0.1 standing in for TestPyPI and PyPI, real builds and
venvs. Faults are real too: a server stopped, a git hook that refuses, a test that fails.

Network: the indexes and GitHub are on 127.0.0.1 (tests/conftest.py points every default at a
closed loopback port); only the build backend comes from the package registry. pip-audit cannot
reach its database here, so its row is UNKNOWN, hence ``--allow-unknown``.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from release import config, doctor, index, publish, pyproject
from release.publish.preflight import problems
from release.bump import BumpOptions
from release.git import Git
from release.errors import Aborted, CheckFailed, GitError, ReleaseError, StepFailed
from tests.conftest import engine_env, git, indexes_env, run_captured, run_engine
from tests.pypi_server import MakeServer, PypiServer, free_port, index_with_password

pytestmark = pytest.mark.slow

VERSION = "0.3.0"
TAG = "v0.3.0"
RELEASE_FILES = [
    "CHANGELOG.md",
    "pyproject.toml",
    "src/omi_openclaw/__init__.py",
    "src/omi_openclaw/cli.py",
]
STEP_COUNT = 12


# -- set-up -----------------------------------------------------------------------------------------


@dataclass
class Setup:
    """One project to release and everything around it."""

    project: Path
    remote: Path
    test_index: PypiServer
    prod_index: PypiServer
    secret: str

    @property
    def push_log(self) -> Path:
        return self.remote.parent / "pushes.log"

    def servers(self) -> list[PypiServer]:
        return [self.test_index, self.prod_index]


def write_hook(path: Path, script: str) -> None:
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def rig(sample_repo: Path, make_pypi_server: MakeServer, monkeypatch: pytest.MonkeyPatch) -> Setup:
    """The sample on main with its bare origin, a test and a production index, and the env
    pointing the engine at them; the remote logs every ref update it accepts."""
    s = Setup(
        project=sample_repo,
        remote=sample_repo.parent / "origin.git",
        test_index=make_pypi_server(),
        prod_index=make_pypi_server(),
        secret=f"pw-marker-{uuid.uuid4().hex}",
    )
    write_hook(s.remote / "hooks" / "post-receive", f"cat >> '{s.push_log}'\n")
    for name, value in indexes_env(s.test_index, s.prod_index).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TWINE_USERNAME", "tester")
    monkeypatch.setenv("TWINE_PASSWORD", s.secret)
    monkeypatch.setenv("RELEASE_VERIFY_TIMEOUT", "20")
    for name in ("GITHUB_TOKEN", "TWINE_REPOSITORY", "TWINE_REPOSITORY_URL"):
        monkeypatch.delenv(name, raising=False)
    return s


def run_publish(
    s: Setup,
    lines: list[str],
    version: str = VERSION,
    *,
    yes: bool = True,
    security: bool = False,
    disclose: bool = False,
    dry_run: bool = False,
    date: str | None = None,
    confirm: Callable[[str], bool] | None = None,
) -> int:
    """``publish`` in this process (so a step can be wrapped with a fault); output into ``lines``."""
    options = publish.PublishOptions(
        BumpOptions(date=date),
        yes=yes,
        allow_unknown=True,
        security=security,
        disclose=disclose,
        dry_run=dry_run,
    )
    return publish.run_publish(
        config.load(s.project), version, options, out=lines.append, confirm=confirm
    )


def engine_no_terminal(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m release ARGS`` with stdin from /dev/null: nobody there to answer."""
    argv = [sys.executable, "-m", "release", *args]
    return run_captured(argv, project, engine_env(), timeout=600, no_terminal=True)


def commit_and_push(project: Path, message: str, *paths: str) -> None:
    git(project, "add", "--", *paths)
    git(project, "commit", "--quiet", "-m", message, "--", *paths)
    git(project, "push", "--quiet", "origin", "HEAD")


# -- observing the world ----------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def work_tree(project: Path) -> dict[str, str]:
    """sha256 of every file in the work tree (dist/ and untracked files included) and of the
    engine's records in .git/nox-release. Left out: the rest of .git (compared through refs and
    status) and .mypy_cache, which the preflight's type check writes as any mypy run does."""
    found: dict[str, str] = {}
    for path in project.rglob("*"):
        rel = path.relative_to(project).as_posix()
        if path.is_file() and not rel.startswith((".git/", ".mypy_cache/")):
            found[rel] = sha256(path)
    records = project / ".git" / "nox-release"
    if records.is_dir():
        for path in records.iterdir():
            found[f".git/nox-release/{path.name}"] = sha256(path)
    return found


def index_dir(server: PypiServer) -> dict[str, tuple[str, int]]:
    return {
        path.name: (sha256(path), path.stat().st_mtime_ns) for path in server.packages.iterdir()
    }


def world(s: Setup) -> dict[str, Any]:
    """Everything a release could change: files, git state of clone and remote, both indexes."""
    return {
        "files": work_tree(s.project),
        "status": git(s.project, "status", "--porcelain", "--untracked-files=all"),
        "refs": git(s.project, "for-each-ref", "--format=%(refname) %(objectname)"),
        "head": git(s.project, "symbolic-ref", "HEAD"),
        "remote refs": git(s.remote, "for-each-ref", "--format=%(refname) %(objectname)"),
        "test index": index_dir(s.test_index),
        "prod index": index_dir(s.prod_index),
    }


def posts(server: PypiServer) -> int:
    """Upload requests the server answered in this test (across restarts)."""
    return sum(1 for method, _, _ in server.requests() if method == "POST")


def pushed(s: Setup) -> list[tuple[str, str, str]]:
    """(old, new, ref) of every ref update the remote accepted, in order."""
    if not s.push_log.exists():
        return []
    entries = []
    for line in s.push_log.read_text(encoding="utf-8").splitlines():
        old, new, ref = line.split()
        entries.append((old, new, ref))
    return entries


def remote_tags(s: Setup) -> list[str]:
    return git(s.remote, "tag", "--list").split()


def step_lines(output: str) -> dict[int, str]:
    """Step number -> the line the runner printed first for it (``[ n] title: ...``)."""
    found: dict[int, str] = {}
    for match in re.finditer(r"^\[\s*(\d+)\] (.*)$", output, re.MULTILINE):
        found.setdefault(int(match.group(1)), match.group(2))
    return found


def plan_marks(output: str) -> dict[int, str]:
    """Step number -> ``done`` / ``to do`` / ``skip`` from a rendered plan."""
    return {
        int(m.group(1)): m.group(2).strip()
        for m in re.finditer(r"^\s+(\d+)\. \[(done |to do|skip )\]", output, re.MULTILINE)
    }


def assert_released(s: Setup, version: str = VERSION, branch: str = "main") -> None:
    """The invariants of a finished release, read from the real remote, indexes and files."""
    tag = f"v{version}"
    assert git(s.remote, "cat-file", "-t", f"refs/tags/{tag}") == "tag"  # annotated
    tagged = git(s.remote, "rev-parse", f"{tag}^{{commit}}")
    assert tagged == git(s.remote, "rev-parse", f"refs/heads/{branch}")
    assert tagged == git(s.project, "rev-parse", "HEAD")
    message = git(s.remote, "log", "-1", "--format=%B", tagged)
    assert message.splitlines()[0] == f"Release version {version}"
    changed = set(git(s.remote, "show", "--name-only", "--format=", tagged).splitlines())
    for name in changed:
        assert f"- {name}" in message  # the body lists the files
    assert {"CHANGELOG.md", "pyproject.toml"} <= changed
    tag_message = git(s.remote, "tag", "--list", "--format=%(contents)", tag)
    assert tag_message.startswith(f"Release version {version}")

    dist = s.project / "dist"
    ours = {p.name: sha256(p) for p in dist.iterdir() if f"-{version}" in p.name}
    assert len(ours) == 2 and any(name.endswith(".whl") for name in ours)
    for server in s.servers():
        on_index = {p.name: sha256(p) for p in server.packages.iterdir() if f"-{version}" in p.name}
        assert on_index == ours, server.url

    text = (s.project / "CHANGELOG.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len([line for line in lines if line.startswith(f"## [{version}] - ")]) == 1
    assert len([line for line in lines if line.startswith(f"[{version}]: ")]) == 1  # link
    assert len([line for line in lines if line.startswith(f"| {version} |")]) == 1  # table row
    section = text.split(f"## [{version}]", 1)[1].split("\n## [", 1)[0]
    entries = [line for line in section.splitlines() if line.startswith("- ")]
    assert entries and all(entry in tag_message for entry in entries)  # the notes
    copies = pyproject.version_copies(config.load(s.project))
    assert len(copies) == 3
    assert {copy.value for copy in copies} == {version}
    assert git(s.project, "status", "--porcelain", "--untracked-files=no") == ""


# -- 1 and 5: a full release, as a user runs it, and a re-run -------------------------------------


def test_full_release_then_rerun_changes_nothing(
    rig: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = rig
    # A private index is often read with the token in its URL: it must not show either.
    with_password = s.test_index.index_url.replace("http://", f"http://tester:{s.secret}@")
    monkeypatch.setenv("RELEASE_TEST_INDEX_URL", with_password)
    main_before = git(s.remote, "rev-parse", "refs/heads/main")
    done = run_engine(s.project, "publish", VERSION, "--yes", "--allow-unknown")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert_released(s)
    assert remote_tags(s) == [TAG]
    release_commit = git(s.remote, "rev-parse", "refs/heads/main")
    assert git(s.remote, "rev-parse", "refs/heads/main~1") == main_before
    assert f"Released omi-openclaw {VERSION}" in output
    assert s.secret not in output
    assert [posts(server) for server in s.servers()] == [2, 2]
    tag_object = git(s.remote, "rev-parse", f"refs/tags/{TAG}")
    shared = f"refs/nox-release/tags/{TAG}"
    assert sorted(pushed(s)) == sorted(
        [
            ("0" * 40, tag_object, shared),  # the record, shared before the first upload
            ("0" * 40, tag_object, f"refs/tags/{TAG}"),
            (main_before, release_commit, "refs/heads/main"),
            (tag_object, "0" * 40, shared),  # removed by the atomic push
        ]
    )

    before = world(s)
    again = run_engine(s.project, "publish", VERSION, "--yes", "--allow-unknown")
    output = again.stdout + again.stderr
    assert again.returncode == 0, output
    lines = step_lines(output)
    assert sorted(lines) == list(range(1, STEP_COUNT + 1))
    for number in range(1, STEP_COUNT):
        assert lines[number].endswith("already done, skipped"), lines[number]
    assert "SKIPPED" in lines[STEP_COUNT]
    assert world(s) == before
    assert [posts(server) for server in s.servers()] == [2, 2]
    assert len(pushed(s)) == 4
    assert s.secret not in output


# -- 2 and 4: plan and dry run change nothing; no terminal and no --yes stops before uploads ----------


def test_plan_and_dry_run_change_nothing_before_and_mid_release(rig: Setup) -> None:
    s = rig
    fresh = world(s)
    shown = run_engine(s.project, "plan", VERSION)
    assert shown.returncode == 0, shown.stderr
    marks = plan_marks(shown.stdout)
    assert marks == {**{n: "to do" for n in range(1, STEP_COUNT)}, STEP_COUNT: "skip"}
    dry = run_engine(s.project, "publish", VERSION, "--dry-run", "--allow-unknown")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert plan_marks(dry.stdout) == marks
    assert "nothing was changed" in dry.stdout
    assert world(s) == fresh

    # No terminal, no --yes: the reversible steps run, then it stops before the first upload.
    stopped = engine_no_terminal(s.project, "publish", VERSION, "--allow-unknown")
    output = stopped.stdout + stopped.stderr
    assert stopped.returncode == 1, output
    assert "no terminal to ask for confirmation" in output and "--yes" in output
    assert "cannot be undone" in output
    assert s.test_index.files() == [] and s.prod_index.files() == []
    remote_refs = git(s.remote, "for-each-ref", "--format=%(refname) %(objectname)")
    assert remote_refs == fresh["remote refs"]
    assert pushed(s) == []
    assert [posts(server) for server in s.servers()] == [0, 0]

    middle = world(s)
    assert middle != fresh  # the release commit and the local tag exist now
    shown = run_engine(s.project, "plan", VERSION)
    assert shown.returncode == 0, shown.stderr
    marks = plan_marks(shown.stdout)
    expected = {n: "done" for n in range(1, 7)}
    expected.update({n: "to do" for n in range(7, STEP_COUNT)})
    expected[STEP_COUNT] = "skip"
    assert marks == expected
    dry = run_engine(s.project, "publish", VERSION, "--dry-run", "--allow-unknown")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert plan_marks(dry.stdout) == expected
    assert world(s) == middle


# -- 3 and 5: a fault at every step, each followed by a re-run that resumes ------------------------


class Faults:
    """Wraps a step's ``run`` so that a real fault happens just before the step does its work."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    @contextmanager
    def before(
        self, step: Any, fault: Callable[[], None], when: Callable[[Any], bool] = lambda _: True
    ) -> Iterator[None]:
        original = step.run

        def run(self: Any, out: Callable[[str], None]) -> None:
            if when(self):
                fault()
            original(self, out)

        with self.monkeypatch.context() as patch:
            patch.setattr(step, "run", run)
            yield


def interrupt_second_rename(project: Path, patch: pytest.MonkeyPatch) -> list[str]:
    """Ctrl-C while the bump renames its second file into place; returns every rename seen into
    the project (the restore's included)."""
    real = os.replace
    seen: list[str] = []

    def replace(src: Any, dst: Any) -> None:
        # Into the work tree: the check-result cache in .git is not one of the bump's files.
        if Path(dst).is_relative_to(project) and not Path(dst).is_relative_to(project / ".git"):
            seen.append(Path(dst).name)
            if len(seen) == 2:
                raise KeyboardInterrupt
        real(src, dst)

    patch.setattr(os, "replace", replace)
    return seen


def crash() -> None:
    raise KeyboardInterrupt  # Ctrl-C (or a dying terminal) between commit and tag


def test_a_fault_at_every_step_then_a_rerun_completes(
    rig: Setup, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    s = rig
    project = s.project
    faults = Faults(monkeypatch)
    lines: list[str] = []
    errors: list[str] = []

    def fails(expected: type[BaseException]) -> BaseException:
        with pytest.raises(expected) as caught:
            run_publish(s, lines)
        errors.append(str(caught.value))
        return caught.value

    # A failing test and a smoke command that fails, both committed and pushed before releasing.
    gate = project / "tests" / "test_gate.py"
    gate.write_text("def test_gate() -> None:\n    assert 1 + 1 == 3\n", encoding="utf-8")
    toml = project / "pyproject.toml"
    good_smoke = '"omi status --data-dir {tmp}/data",'
    bad_smoke = '"omi status --data-dir {tmp}/never-created",'
    toml.write_text(toml.read_text(encoding="utf-8").replace(good_smoke, bad_smoke), "utf-8")
    commit_and_push(project, "Add a gate test and a status smoke check", "tests", "pyproject.toml")
    start = git(project, "rev-parse", "HEAD")
    fresh = world(s)

    # 1. bump: Ctrl-C while the second file is renamed into place -> every file as it was.
    with monkeypatch.context() as patch:
        seen = interrupt_second_rename(project, patch)
        fails(KeyboardInterrupt)
    assert len(seen) > 2  # interrupted at the second, then the restore renamed files back
    assert world(s) == fresh

    # 2. tests: the gate test fails; nothing is committed, tagged or uploaded. The hint says to
    # commit and push the fix (the bump's changes stay in the work tree): the test does that.
    error = fails(StepFailed)
    assert "tests failed" in str(error) and "test_gate" in str(error)
    assert isinstance(error, StepFailed) and "commit and push the fix" in error.hint
    assert git(project, "rev-parse", "HEAD") == start
    assert not (project / "dist").exists()
    gate.write_text("def test_gate() -> None:\n    assert 1 + 1 == 2\n", encoding="utf-8")
    commit_and_push(project, "Fix the gate test", "tests/test_gate.py")

    # 3. commit: a pre-commit hook refuses it.
    hook = project / ".git" / "hooks" / "pre-commit"
    write_hook(hook, "echo 'pre-commit: refused by the test' >&2\nexit 1\n")
    head = git(project, "rev-parse", "HEAD")
    error = fails(GitError)
    assert "refused by the test" in str(error)
    assert git(project, "rev-parse", "HEAD") == head
    hook.unlink()

    # 4. smoke: the status check fails in the fresh venv, after the (local) release commit. The
    # hint: undo the local commit, fix, commit and push the fix, re-run. The test follows it.
    error = fails(StepFailed)
    assert "never-created" in str(error) or any("never-created" in line for line in lines)
    assert isinstance(error, StepFailed) and "git reset --keep HEAD~1" in error.hint
    assert git(project, "tag", "--list") == ""
    git(project, "reset", "--quiet", "--keep", "HEAD~1")
    toml.write_text(toml.read_text(encoding="utf-8").replace(bad_smoke, good_smoke), "utf-8")
    commit_and_push(project, "Fix the status smoke check", "pyproject.toml")

    # 5. tag: the process dies between commit and tag.
    with faults.before(publish.TagStep, crash):
        fails(KeyboardInterrupt)
    release_commit = git(project, "rev-parse", "HEAD")
    assert git(project, "log", "-1", "--format=%s") == f"Release version {VERSION}"
    assert git(project, "tag", "--list") == ""

    # 6. test upload: the test index is down.
    with faults.before(publish.UploadStep, s.test_index.stop, when=lambda step: bool(step.test)):
        error = fails(ReleaseError)
    assert "could not read" in str(error) and "re-run when it is reachable" in str(error)
    assert git(project, "rev-parse", f"{TAG}^{{commit}}") == release_commit
    assert s.test_index.files() == [] and remote_tags(s) == []
    s.test_index.start()

    # 7. verify from the test index: the index goes down while pip installs.
    monkeypatch.setenv("RELEASE_VERIFY_TIMEOUT", "2")
    with faults.before(publish.VerifyStep, s.test_index.stop, when=lambda step: bool(step.test)):
        error = fails(StepFailed)
    assert isinstance(error, StepFailed)
    assert "the upload is not repeated" in error.hint and "rebuild" not in error.hint
    monkeypatch.setenv("RELEASE_VERIFY_TIMEOUT", "20")
    assert remote_tags(s) == [] and s.prod_index.files() == []
    s.test_index.start()

    # 8. push: the remote refuses the branch alone (an update hook, per ref): with --atomic the
    # tag does not go either. Then a pre-receive hook refuses the whole push.
    remote_before = git(s.remote, "for-each-ref", "--format=%(refname) %(objectname)")
    protect = s.remote / "hooks" / "update"
    write_hook(
        protect, 'if [ "$1" = refs/heads/main ]; then echo "main is protected" >&2; exit 1; fi\n'
    )
    error = fails(GitError)
    assert "main is protected" in str(error)
    assert git(s.remote, "for-each-ref", "--format=%(refname) %(objectname)") == remote_before
    protect.unlink()
    refuse = s.remote / "hooks" / "pre-receive"
    write_hook(refuse, "echo 'pre-receive: pushes are frozen' >&2\nexit 1\n")
    error = fails(GitError)
    assert "frozen" in str(error)
    assert git(s.remote, "for-each-ref", "--format=%(refname) %(objectname)") == remote_before
    assert s.prod_index.files() == []
    refuse.unlink()

    # 9. production upload: the index is down.
    with faults.before(
        publish.UploadStep, s.prod_index.stop, when=lambda step: not bool(step.test)
    ):
        fails(ReleaseError)
    assert remote_tags(s) == [TAG]
    assert s.prod_index.files() == []
    s.prod_index.start()

    # 10. production upload again: the index dies after the first file is in.
    real_upload = index.uploads._twine_upload

    def first_file_then_down(*args: Any) -> None:
        real_upload(*args)
        s.prod_index.stop()

    with monkeypatch.context() as patch:
        patch.setattr(index.uploads, "_twine_upload", first_file_then_down)
        fails(ReleaseError)
    assert len(s.prod_index.files()) == 1
    s.prod_index.start()

    # The re-run completes, and nothing irreversible happened twice.
    assert run_publish(s, lines) == 0
    assert_released(s)
    assert remote_tags(s) == [TAG]
    assert git(s.remote, "rev-parse", "refs/heads/main") == release_commit
    assert [posts(server) for server in s.servers()] == [2, 2]
    tag_updates = [entry for entry in pushed(s) if entry[2] == f"refs/tags/{TAG}"]
    assert len(tag_updates) == 1 and tag_updates[0][0] == "0" * 40
    main_updates = [entry[1] for entry in pushed(s) if entry[2] == "refs/heads/main"]
    assert main_updates.count(release_commit) == 1
    release_files = git(project, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert sorted(release_files) == sorted(RELEASE_FILES)
    assert good_smoke in git(project, "show", "HEAD:pyproject.toml")
    for text in (*lines, *errors):
        for advice in ("tag -d", "--delete", "push -f", "--force", "not our build"):
            assert advice not in text

    # The password never showed: not in the output, the errors, or anything printed directly.
    captured = capfd.readouterr()
    for text in (*lines, *errors, captured.out, captured.err):
        assert s.secret not in text


# -- 5: the password never shows, even when the index refuses it ----------------------------------


def test_the_password_never_shows_when_uploads_fail(
    rig: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = rig
    built = run_engine(s.project, "build")
    assert built.returncode == 0, built.stdout + built.stderr

    # The index rejects the password: twine's error is shown, the password is not.
    with index_with_password(tmp_path / "auth-index", "tester", "the-right-one") as url:
        monkeypatch.setenv("RELEASE_TEST_UPLOAD_URL", url + "/")
        monkeypatch.setenv("RELEASE_TEST_INDEX_URL", url + "/simple/")
        refused = run_engine(s.project, "publish-test", "0.2.0")
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert "refused the credentials" in output
    assert s.secret not in output

    # Nobody listens at the upload URL: twine fails to connect.
    monkeypatch.setenv("RELEASE_TEST_UPLOAD_URL", f"http://127.0.0.1:{free_port()}/")
    monkeypatch.setenv("RELEASE_TEST_INDEX_URL", s.test_index.index_url)
    unreachable = run_engine(s.project, "publish-test", "0.2.0")
    output = unreachable.stdout + unreachable.stderr
    assert unreachable.returncode == 1, output
    assert "twine upload of omi_openclaw-0.2.0" in output
    assert s.secret not in output
    assert s.test_index.files() == []


# -- 6: preflight names every problem at once and writes nothing ----------------------------------


def preflight_fails(s: Setup, code: int = 1, *args: str) -> str:
    before = world(s)
    done = run_engine(s.project, "publish", VERSION, "--yes", "--allow-unknown", *args)
    output = done.stdout + done.stderr
    assert done.returncode == code, output
    assert "nothing was changed" in output
    assert world(s) == before
    return output


def test_preflight_lists_every_problem_and_writes_nothing(
    rig: Setup, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    s = rig
    project = s.project

    # Wrong branch, a dirty tree and a stray tag, all in one run.
    git(project, "switch", "--quiet", "-c", "feature")
    (project / "README.md").write_text("edited\n", encoding="utf-8")
    (project / "notes.txt").write_text("scratch\n", encoding="utf-8")
    git(project, "tag", "-a", "-m", "by mistake", TAG)
    output = preflight_fails(s)
    assert "on feature, not main" in output and "git switch main" in output
    assert "changes the bump to 0.3.0 does not make: README.md" in output
    assert "uncommitted changes: notes.txt" in output
    # A local tag that was never pushed and is not a release of this tool: the tool replaces it.
    assert f"{TAG} exists only here and is not this release's: the tag step will replace it" in (
        output
    )
    assert "tag -d" not in output
    assert "preflight found 3 problem(s)" in output

    # Back on a clean main; the stray tag stays, and a file of 0.3.0 is on the production index
    # while no tag was pushed: 0.3.0 was released elsewhere. Bad input: exit 2, naming 0.3.1.
    git(project, "checkout", "--quiet", "--", "README.md")
    (project / "notes.txt").unlink()
    git(project, "switch", "--quiet", "main")
    alien = s.prod_index.packages / "omi_openclaw-0.3.0.tar.gz"
    alien.write_bytes(b"not our build")
    output = preflight_fails(s, 2)
    assert "0.3.0 is on the index" in output and "omi_openclaw-0.3.0.tar.gz" in output
    assert "nox -s publish -- 0.3.1" in output
    assert "not our build" not in output and "tag -d" not in output
    assert s.prod_index.files() == [alien.name] and s.test_index.files() == []

    # Without the alien file: only missing credentials remain, for both indexes.
    alien.unlink()
    monkeypatch.delenv("TWINE_USERNAME")
    monkeypatch.delenv("TWINE_PASSWORD")
    home = tmp_path / "empty-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("RELEASE_VERIFY_TIMEOUT", "soon")  # read only after the first upload
    output = preflight_fails(s)
    assert "preflight found 3 problem(s)" in output
    for server in s.servers():
        assert output.count(f"no upload credentials for {server.upload_url}") == 1
    assert "set TWINE_USERNAME and TWINE_PASSWORD" in output
    assert "RELEASE_VERIFY_TIMEOUT must be a number of seconds, not 'soon'" in output


# -- 7: publish-from = "ci" -------------------------------------------------------------------------


def test_publish_from_ci_stops_after_the_push(rig: Setup) -> None:
    s = rig
    toml = s.project / "pyproject.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[tool.release]\n", '[tool.release]\npublish-from = "ci"\n'))
    commit_and_push(s.project, "Let CI upload releases", "pyproject.toml")

    done = run_engine(s.project, "publish", VERSION, "--yes", "--allow-unknown")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = step_lines(output)
    # CI builds once and uploads that build to both indexes: nothing is uploaded from here.
    for number in (7, 8, 10, 11):
        assert "SKIPPED" in lines[number], lines[number]
    assert "CI takes it from here" in output and TAG in output
    assert remote_tags(s) == [TAG]
    assert git(s.remote, "rev-parse", f"{TAG}^{{commit}}") == git(s.remote, "rev-parse", "main")
    assert s.test_index.files() == [] and s.prod_index.files() == []
    assert posts(s.test_index) == 0 and posts(s.prod_index) == 0


# -- 8 and 9: a hotfix, released as a security release ----------------------------------------------


def add_unreleased(changelog: Path, category: str, entry: str) -> None:
    text = changelog.read_text(encoding="utf-8")
    marker = "## [Unreleased]\n"
    assert marker in text
    changelog.write_text(
        text.replace(marker, f"{marker}\n### {category}\n- {entry}\n", 1), encoding="utf-8"
    )


def test_hotfix_security_release_from_a_hotfix_branch(rig: Setup) -> None:
    s = rig
    project = s.project
    lines: list[str] = []
    assert run_publish(s, lines) == 0
    released = git(s.remote, "rev-parse", "refs/heads/main")

    made = run_engine(project, "hotfix", VERSION)
    assert made.returncode == 0, made.stdout + made.stderr
    assert git(project, "symbolic-ref", "--short", "HEAD") == "hotfix/0.3.1"
    assert git(project, "rev-parse", "HEAD") == git(project, "rev-parse", f"{TAG}^{{commit}}")

    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nFixed.\n", encoding="utf-8")
    changelog = project / "CHANGELOG.md"
    add_unreleased(changelog, "Fixed", "`omi status` no longer crashes on an empty store.")
    git(project, "commit", "--quiet", "-am", "Fix status on an empty store")

    # --security without a Security entry: refused before anything changes.
    before = world(s)
    with pytest.raises(CheckFailed) as caught:
        run_publish(s, lines, "0.3.1", security=True)
    assert "### Security" in str(caught.value)
    assert world(s) == before

    # A CVE id in the notes before disclosure: refused unless --disclose says so; --yes does
    # not (it only answers the question before irreversible steps).
    add_unreleased(changelog, "Security", "Escape note titles (CVE-2026-12345).")
    git(project, "commit", "--quiet", "-am", "Note the security fix")
    before = world(s)
    for yes in (False, True):
        with pytest.raises(CheckFailed) as caught:
            run_publish(s, lines, "0.3.1", yes=yes, security=True, confirm=lambda _: True)
        assert "CVE-2026-12345" in str(caught.value) and "--disclose" in str(caught.value)
        assert world(s) == before

    out: list[str] = []
    assert run_publish(s, out, "0.3.1", security=True, disclose=True) == 0
    text = "\n".join(out)
    assert_released(s, "0.3.1", branch="hotfix/0.3.1")
    assert git(s.remote, "rev-parse", "refs/heads/main") == released
    assert sorted(remote_tags(s)) == [TAG, "v0.3.1"]
    assert "git switch main && git merge --no-ff hotfix/0.3.1" in text
    assert "security/advisories/new" in text and "patched: 0.3.1" in text
    for server in s.servers():
        assert len(server.files()) == 4  # 0.3.0 and 0.3.1, sdist and wheel each


# -- the plan and the confirmation, in process ------------------------------------------------------


def test_declining_the_question_uploads_and_pushes_nothing(rig: Setup) -> None:
    s = rig
    questions: list[str] = []

    def decline(question: str) -> bool:
        questions.append(question)
        return False

    lines: list[str] = []
    with pytest.raises(Aborted):
        run_publish(s, lines, yes=False, confirm=decline)
    assert questions == ["Proceed?"]
    output = "\n".join(lines)
    assert "The next steps cannot be undone" in output
    for what in ("upload dist/ to " + s.test_index.upload_url, "git push --atomic origin main"):
        assert what in output
    assert s.test_index.files() == [] and s.prod_index.files() == [] and pushed(s) == []
    assert git(s.project, "rev-parse", f"{TAG}^{{commit}}") == git(s.project, "rev-parse", "HEAD")


# -- a kill -9 in the middle of the bump, and a user name that appears in paths --------------------

KILL_AT_SECOND_RENAME = """
import os, runpy, sys
real_replace = os.replace
here = os.path.realpath(os.getcwd()) + os.sep
git_dir = here + ".git" + os.sep
renamed = []
def replace(src, dst):
    if os.path.realpath(dst).startswith(here) and not os.path.realpath(dst).startswith(git_dir):
        renamed.append(dst)
        if len(renamed) == 2:
            os._exit(137)  # killed: no except, no finally, no restore
    real_replace(src, dst)
os.replace = replace
sys.argv = ["release", *sys.argv[1:]]
runpy.run_module("release", run_name="__main__", alter_sys=True)
"""


def test_a_kill_in_the_middle_of_the_bump_is_completed_by_the_rerun(rig: Setup) -> None:
    s = rig
    argv = [sys.executable, "-c", KILL_AT_SECOND_RENAME, "publish", VERSION, "--yes"]
    killed = run_captured(
        argv + ["--allow-unknown"], s.project, engine_env(), timeout=600, no_terminal=True
    )
    assert killed.returncode == 137, killed.stdout + killed.stderr
    values = {copy.value for copy in pyproject.version_copies(config.load(s.project))}
    assert values == {"0.2.0", VERSION}  # one file renamed into place, the others not
    leftovers = sorted(p for p in s.project.rglob(".*.tmp") if ".git" not in p.parts)
    assert leftovers

    # The re-run names the leftovers as such (not as the user's changes to commit) ...
    output = preflight_fails(s)
    assert "a write that was killed midway" in output
    for path in leftovers:
        assert path.relative_to(s.project).as_posix() in output
    assert "commit or stash" not in output

    # ... and once they are gone, completes the bump and the release.
    for path in leftovers:
        path.unlink()
    done = run_engine(s.project, "publish", VERSION, "--yes", "--allow-unknown")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "completing the bump to 0.3.0, which was partly applied" in output
    assert_released(s)


def test_a_user_name_that_occurs_in_paths_changes_nothing(
    rig: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = rig
    monkeypatch.setenv("TWINE_USERNAME", "omi")  # as /home/<user>/... holds the user's name
    lines: list[str] = []
    with pytest.raises(Aborted):
        run_publish(s, lines, yes=False, confirm=lambda _: False)  # steps 1-6, nothing public
    assert "- src/omi_openclaw/cli.py" in git(s.project, "log", "-1", "--format=%B")
    assert (s.project / ".git" / "nox-release" / f"{TAG}.json").is_file()
    assert sorted(path.name for path in s.project.parent.iterdir()) == sorted(["omi", "origin.git"])


# -- issue 8: the release is found in the world, from any clone ------------------------------------

HARMFUL = ("tag -d", "--delete", "push -f", "--force", "not our build")


def clone_of(s: Setup, dest: Path) -> Path:
    git(dest.parent, "clone", "--quiet", str(s.remote), str(dest))
    return dest


def teammate_pushes(s: Setup, work: Path, name: str) -> None:
    mate = work / "teammate"
    if not mate.exists():
        clone_of(s, mate)
    git(mate, "pull", "--quiet", "--no-rebase", "origin", "main")
    (mate / name).write_text("the teammate's work\n", encoding="utf-8")
    git(mate, "add", name)
    git(mate, "commit", "--quiet", "-m", f"Add {name}")
    git(mate, "push", "--quiet", "origin", "HEAD:main")


def test_a_conflicting_change_on_main_stops_the_push_and_the_users_merge_finishes_it(
    rig: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """main moved on since the release commit, with a change next to the version line it bumps:
    the merge conflicts. Nothing reaches main, the public tag or the production index; the
    advice (merge yourself, do not push, re-run) is followed, and the re-run pushes that merge
    together with the tag, then finishes the release."""
    s = rig
    described = 'description = "OMI: notes from the command line (sample for nox-release)"'

    def teammate_rewords_the_description() -> None:
        mate = clone_of(s, tmp_path / "teammate")
        path = mate / "pyproject.toml"
        text = path.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if line.startswith("description = "))
        path.write_text(text.replace(line, described), encoding="utf-8")
        git(mate, "commit", "--quiet", "-am", "Reword the description")
        git(mate, "push", "--quiet", "origin", "HEAD:main")

    before = git(s.remote, "rev-parse", "refs/heads/main")
    lines: list[str] = []
    with Faults(monkeypatch).before(publish.PushStep, teammate_rewords_the_description):
        with pytest.raises(ReleaseError) as caught:
            run_publish(s, lines, date="2026-11-30")
    error = caught.value
    output = "\n".join(lines) + f"\n{error.message}\n{error.hint}"
    assert "moved on since v0.3.0 was made, and merging the release commit into it conflicts" in (
        output
    )
    assert "merge it yourself" in output and "(do not push)" in output
    for harmful in HARMFUL:
        assert harmful not in output
    main = git(s.remote, "rev-parse", "refs/heads/main")
    assert main != before and git(s.remote, "log", "-1", "--format=%s", main) == (
        "Reword the description"
    )
    assert remote_tags(s) == []  # shared under refs/nox-release/ only, not public
    assert s.prod_index.files() == [] and posts(s.prod_index) == 0
    assert len(s.test_index.files()) == 2

    # The advice: pull main (the release commit is on the local main, so the pull is the merge),
    # resolve, commit, do not push; then re-run publish.
    pulled = subprocess.run(
        ["git", "-c", "pull.rebase=false", "pull", "--quiet", "origin", "main"],
        cwd=s.project,
        capture_output=True,
        text=True,
    )
    assert pulled.returncode != 0 and "CONFLICT" in pulled.stdout + pulled.stderr
    git(s.project, "checkout", "--ours", "pyproject.toml")  # the release's version line...
    text = (s.project / "pyproject.toml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("description = "))
    resolved = text.replace(old, described)  # ...and the teammate's description
    (s.project / "pyproject.toml").write_text(resolved, encoding="utf-8")
    git(s.project, "add", "pyproject.toml")
    git(s.project, "commit", "--quiet", "--no-edit")
    merge = git(s.project, "rev-parse", "HEAD")

    resumed = run_engine(s.project, "publish", VERSION, "--yes", "--allow-unknown")
    output = resumed.stdout + resumed.stderr
    assert resumed.returncode == 0, output
    assert git(s.remote, "rev-parse", "refs/heads/main") == merge
    assert remote_tags(s) == [TAG]
    commit = git(s.remote, "rev-parse", f"{TAG}^{{commit}}")
    assert git(s.remote, "log", "-1", "--format=%s", commit) == f"Release version {VERSION}"
    assert git(s.remote, "for-each-ref", "refs/nox-release/") == ""
    shipped = git(s.remote, "show", "refs/heads/main:pyproject.toml")
    assert f'version = "{VERSION}"' in shipped and described in shipped
    tested = {p.name: sha256(p) for p in s.test_index.packages.iterdir()}
    assert {p.name: sha256(p) for p in s.prod_index.packages.iterdir()} == tested
    assert [posts(server) for server in s.servers()] == [2, 2]


def test_a_push_to_main_just_before_the_atomic_push_is_refused_and_the_rerun_merges(
    rig: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teammate pushes to main between publish's look at the remote and its atomic push: the
    push is refused as a whole (no tag, nothing on the production index), publish says what
    happened and that a re-run merges; the re-run does."""
    s = rig
    real_push = Git.push_atomic

    def teammate_first(self: Git, remote: str, *refspecs: str) -> None:
        monkeypatch.setattr(Git, "push_atomic", real_push)  # once
        teammate_pushes(s, tmp_path, "teammate.txt")
        real_push(self, remote, *refspecs)

    monkeypatch.setattr(Git, "push_atomic", teammate_first)
    lines: list[str] = []
    with pytest.raises(StepFailed) as caught:
        run_publish(s, lines, date="2026-11-30")
    message = f"{caught.value.message}\n{caught.value.hint}"
    assert "origin/main moved on while the push was prepared" in message, message
    assert "nothing was pushed, v0.3.0 included" in message
    assert "re-run publish: it merges the release into the new main" in message
    for harmful in HARMFUL:
        assert harmful not in message
    assert remote_tags(s) == [] and s.prod_index.files() == []
    assert git(s.remote, "log", "-1", "--format=%s", "refs/heads/main") == "Add teammate.txt"

    lines = []
    assert run_publish(s, lines, date="2026-11-30") == 0
    assert any("main moved on: pushing a merge of v0.3.0 into it" in line for line in lines), lines
    main = git(s.remote, "rev-parse", "refs/heads/main")
    assert git(s.remote, "log", "-1", "--format=%s", main) == "Merge release 0.3.0 into main"
    assert remote_tags(s) == [TAG]
    subprocess.run(
        ["git", "merge-base", "--is-ancestor", f"{TAG}^{{commit}}", main], cwd=s.remote, check=True
    )
    assert [posts(server) for server in s.servers()] == [2, 2]


def test_a_release_stopped_after_the_push_is_finished_from_a_fresh_clone(
    rig: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = rig
    # The production index goes down once the release reaches it (after the push).
    lines: list[str] = []
    with Faults(monkeypatch).before(
        publish.UploadStep, s.prod_index.stop, when=lambda step: not bool(step.test)
    ):
        with pytest.raises(ReleaseError) as caught:
            run_publish(s, lines, date="2026-11-30")
    output = str(caught.value)
    assert f"could not read {s.prod_index.index_url}" in output
    assert "re-run when it is reachable" in output
    assert remote_tags(s) == [TAG] and s.prod_index.files() == []
    assert "## [0.3.0] - 2026-11-30" in (s.project / "CHANGELOG.md").read_text(encoding="utf-8")

    # A teammate pushes to main; the re-run happens in a fresh clone, the index still down.
    teammate_pushes(s, tmp_path, "teammate.txt")
    fresh = clone_of(s, tmp_path / "fresh")
    down = run_engine(fresh, "publish", VERSION, "--yes", "--allow-unknown")
    output = down.stdout + down.stderr
    assert down.returncode == 1, output
    assert f"could not read {s.prod_index.index_url}" in output
    assert "re-run when it is reachable" in output
    for harmful in (*HARMFUL, "0.3.1"):
        assert harmful not in output
    assert s.prod_index.files() == []

    s.prod_index.start()
    resumed = run_engine(fresh, "publish", VERSION, "--yes", "--allow-unknown")
    output = resumed.stdout + resumed.stderr
    transcript = os.environ.get("RELEASE_RESUME_TRANSCRIPT")
    if transcript:  # docs/publish.md shows this run's real output
        Path(transcript).write_text(output, encoding="utf-8")
    assert resumed.returncode == 0, output
    assert "resuming: v0.3.0 (pushed) is the release" in output
    assert "the tested bytes, from" in output  # downloaded from the test index
    tested = {p.name: sha256(p) for p in s.test_index.packages.iterdir()}
    assert {p.name: sha256(p) for p in s.prod_index.packages.iterdir()} == tested
    assert [posts(server) for server in s.servers()] == [2, 2]
    tag_updates = [entry for entry in pushed(s) if entry[2] == f"refs/tags/{TAG}"]
    assert len(tag_updates) == 1

    # The first clone, after git pull: nothing irreversible is left to do or repeated.
    git(s.project, "pull", "--quiet", "--no-rebase", "origin", "main")
    again = run_engine(s.project, "publish", VERSION, "--yes", "--allow-unknown")
    output = again.stdout + again.stderr
    assert again.returncode == 0, output
    marks = step_lines(output)
    for number in (7, 9, 10):  # uploads and push
        assert marks[number].endswith("already done, skipped"), marks[number]
    assert [posts(server) for server in s.servers()] == [2, 2]


def test_a_colleagues_pushed_tag_stops_the_release_before_any_change(
    rig: Setup, tmp_path: Path
) -> None:
    s = rig
    colleague = clone_of(s, tmp_path / "colleague")
    git(colleague, "tag", "-a", "-m", "v0.3.0, tagged by hand", TAG)
    git(colleague, "push", "--quiet", "origin", TAG)
    output = preflight_fails(s, 2)
    assert f"{TAG} is already on origin" in output
    assert "nox -s publish -- 0.3.1" in output
    assert git(s.project, "tag", "--list") == ""  # not even fetched as a ref
    assert s.test_index.files() == [] and posts(s.test_index) == 0


def test_a_taken_version_with_its_bump_applied_says_to_undo_the_bump_first(rig: Setup) -> None:
    """0.3.0 is on the test index (released or started elsewhere) after `bump 0.3.0` here: the
    advice is to undo that bump, then release 0.3.1. Following it, 0.3.1's preflight finds no
    change it did not make (it used to find the dead bump's files, and its own advice said to
    commit and push them)."""
    s = rig
    bumped = run_engine(s.project, "bump", VERSION, "--date", "2026-12-03")
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    (s.test_index.packages / f"omi_openclaw-{VERSION}.tar.gz").write_bytes(b"elsewhere")
    cfg = config.load(s.project)

    (taken,) = [
        p for p in problems(publish.Release(cfg, VERSION), out=print) if p.kind == "released"
    ]

    changed = "CHANGELOG.md pyproject.toml src/omi_openclaw/__init__.py src/omi_openclaw/cli.py"
    assert taken.fix == (
        f"undo the bump to {VERSION} (git restore --staged --worktree -- {changed}), then release "
        "the next version: nox -s publish -- 0.3.1"
    )
    git(s.project, "restore", "--staged", "--worktree", "--", *changed.split())
    following = [p.message for p in problems(publish.Release(config.load(s.project), "0.3.1"))]
    assert not [message for message in following if "does not make" in message], following


def test_a_bump_commit_a_pushed_tag_names_is_never_advised_away(rig: Setup) -> None:
    """0.3.0 bumped, committed and tagged by hand, the tag pushed without the branch: HEAD is
    what the pushed tag names, so the fix must not be to reset it away."""
    s = rig
    bumped = run_engine(s.project, "bump", VERSION, "--date", "2026-12-03")
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    git(s.project, "commit", "--quiet", "-am", f"Release version {VERSION}")
    git(s.project, "tag", "-a", "-m", "tagged by hand", TAG)
    git(s.project, "push", "--quiet", "origin", TAG)  # the tag only

    found = problems(publish.Release(config.load(s.project), VERSION), out=lambda _: None)

    (taken,) = [problem for problem in found if problem.kind == "released"]
    assert taken.fix == "release the next version: nox -s publish -- 0.3.1"


def test_changes_the_bump_did_not_make_are_refused_and_its_own_commit_is_accepted(
    rig: Setup,
) -> None:
    s = rig
    bumped = run_engine(s.project, "bump", VERSION)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert "review and commit the change" in bumped.stdout
    toml = s.project / "pyproject.toml"
    by_bump = toml.read_text(encoding="utf-8")
    toml.write_text(by_bump.replace("[tool.black]", "[tool.black]\ntarget-version = ['py311']"))
    output = preflight_fails(s)
    assert "changes the bump to 0.3.0 does not make: pyproject.toml" in output

    # Undo the hand edit; commit the bump with a message of one's own (the hint says "review and
    # commit"): it is recognised as the bump by its content, and the release goes on from it.
    toml.write_text(by_bump, encoding="utf-8")
    git(s.project, "commit", "--quiet", "-am", "Bump to 0.3.0 (reviewed by Ana)")
    dry = run_engine(s.project, "publish", VERSION, "--dry-run", "--allow-unknown", "--no-cache")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    marks = plan_marks(dry.stdout)
    assert marks[1] == "done" and marks[2] == "to do" and marks[3] == "done"


def test_a_released_version_is_bad_input_for_publish_and_bump(rig: Setup) -> None:
    s = rig
    # The sample's 0.2.0 is dated in the CHANGELOG and [Unreleased] has newer work; no tag.
    before = world(s)
    done = run_engine(s.project, "publish", "0.2.0", "--yes", "--allow-unknown")
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "0.2.0 was released" in output and "nox -s publish -- 0.2.1" in output
    assert world(s) == before
    bumped = run_engine(s.project, "bump", "0.2.0")
    output = bumped.stdout + bumped.stderr
    assert bumped.returncode == 2, output
    assert "nothing to do" not in output and "0.2.0 was released already" in output
    assert world(s) == before


def test_the_empty_unreleased_hint_is_an_option_publish_takes(rig: Setup) -> None:
    s = rig
    changelog = s.project / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    start = text.index("## [Unreleased]\n") + len("## [Unreleased]\n")
    changelog.write_text(text[:start] + "\n" + text[text.index("## [0.2.0]") :])
    commit_and_push(s.project, "Nothing new yet", "CHANGELOG.md")
    output = preflight_fails(s, 2)
    assert "--allow-empty" in output
    dry = run_engine(s.project, "publish", VERSION, "--dry-run", "--allow-unknown", "--allow-empty")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "nothing was changed" in dry.stdout


def test_upload_has_the_uploads_preflight_and_asks_or_needs_yes(rig: Setup) -> None:
    s = rig
    built = run_engine(s.project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    asked = engine_no_terminal(s.project, "upload", "0.2.0")
    output = asked.stdout + asked.stderr
    assert asked.returncode == 1, output
    assert "no terminal" in output and "--yes" in output
    s.prod_index.stop()
    down = run_engine(s.project, "upload", "0.2.0", "--yes")
    output = down.stdout + down.stderr
    assert down.returncode == 1, output
    assert "could not read" in output and "nothing was uploaded" in output
    s.prod_index.start()
    assert posts(s.prod_index) == 0
    done = run_engine(s.project, "upload", "0.2.0", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(s.prod_index.files()) == 2 and posts(s.prod_index) == 2


def test_upload_refuses_files_other_than_the_tags_record(rig: Setup) -> None:
    """A release killed just before its production upload, then dist/ rebuilt from other sources:
    the tag records the sha256 of the files tested and put on the test index, so upload refuses the
    rebuilt ones, says how to finish with the tested bytes, and sends nothing to the index."""
    s = rig
    killed = run_engine(
        s.project,
        "publish",
        VERSION,
        "--yes",
        "--allow-unknown",
        env=engine_env(RELEASE_TEST_KILL_AT="upload.start"),
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert posts(s.test_index) == 2 and posts(s.prod_index) == 0
    # doctor names the unfinished release, not the next version as if this one were out
    judged = doctor.upcoming(config.load(s.project))
    assert (judged.release.version, judged.why) == (VERSION, f"{VERSION}: started, not finished")
    assert [(problem.message, problem.fix) for problem in judged.problems] == [
        (
            f"the release of {VERSION} is not finished: upload to the production index to do",
            f"finish it: nox -s publish -- {VERSION} (the steps done are skipped)",
        )
    ]
    # and publish refuses to start the next version before this one is finished
    following = publish.Release(config.load(s.project), "0.3.1")
    stoppers = [problem.message for problem in problems(following, out=lambda _: None)]
    assert f"the release of {VERSION} is not finished: upload to the production index to do" in (
        stoppers
    )
    module = s.project / "src" / "omi_openclaw" / "__init__.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed after the tag\n")
    rebuilt = run_engine(s.project, "build")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr

    refused = run_engine(s.project, "upload", VERSION, "--yes")
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    wheel = f"omi_openclaw-{VERSION}-py3-none-any.whl"
    assert f"dist/{wheel} is not the file recorded in {TAG}" in output
    assert f"nox -s publish -- {VERSION}" in output and "nothing was uploaded" in output
    assert posts(s.prod_index) == 0 and s.prod_index.files() == []
    # other bytes under a recorded name on the production index: 0.3.0 can never be finished,
    # and must not block 0.3.1 either (each refusal would send the maintainer to the other)
    (s.prod_index.packages / f"omi_openclaw-{VERSION}.tar.gz").write_bytes(b"other bytes")
    following = publish.Release(config.load(s.project), "0.3.1")
    stoppers = [problem.message for problem in problems(following, out=lambda _: None)]
    assert not [message for message in stoppers if "not finished" in message], stoppers
