"""The tests' forked engine runs (tests/engine_fork.py) against real starts of the same command:
what the process sees, what it prints, how it ends."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from release.demo import SAMPLE
from tests import engine_fork
from tests.conftest import engine_env, start_captured

PROBE = "tests.fork_probe"


def started(
    module: str, args: list[str], cwd: Path, env: dict[str, str], stdin: int | None = None
) -> subprocess.CompletedProcess[str]:
    return start_captured([sys.executable, "-m", module, *args], cwd, env, 600, stdin=stdin)


def forked(
    module: str, args: list[str], cwd: Path, env: dict[str, str], stdin: int | None = None
) -> subprocess.CompletedProcess[str]:
    done = engine_fork.run(args, cwd, env, 600, stdin=stdin, server_env=engine_env(), module=module)
    assert done is not None, "the fork server did not take the run"
    return done


def both(
    args: list[str], cwd: Path, env: dict[str, str], stdin: int | None = None
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    return started(PROBE, args, cwd, env, stdin), forked(PROBE, args, cwd, env, stdin)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    scratch = tmp_path / "scratch-tmp"
    scratch.mkdir()
    return engine_env(TMPDIR=str(scratch), RELEASE_PROBE_ONLY_HERE="é 1")


def test_a_forked_run_sees_what_a_started_one_sees_and_prints_the_same(
    tmp_path: Path, env: dict[str, str]
) -> None:
    real, fork = both(["a b", "--x", "3"], tmp_path, env, subprocess.DEVNULL)
    assert (fork.returncode, fork.stdout, fork.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )
    assert real.returncode == 3
    view = json.loads(real.stdout)
    assert view["argv"][1:] == ["a b", "--x", "3"]
    assert view["argv"][0].endswith("fork_probe.py")
    assert view["cwd"] == view["path0"] == str(tmp_path)
    assert view["env"] == env
    assert view["tempdir"] == env["TMPDIR"]
    assert view["main"] == "__main__"
    assert real.stderr == "to stderr: ünïcode\n"


def test_pythondontwritebytecode_is_followed_as_a_start_follows_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    for value in ("1", ""):
        real, fork = both(["0"], tmp_path, {**env, "PYTHONDONTWRITEBYTECODE": value})
        assert fork.stdout == real.stdout
        assert json.loads(real.stdout)["dont_write_bytecode"] is bool(value)


def test_a_large_environment_arrives_whole(tmp_path: Path, env: dict[str, str]) -> None:
    """The request (environment included) is a stream: 100 kB arrive in several pieces."""
    large = {**env, "RELEASE_PROBE_LARGE": "x" * 100_000}
    real, fork = both(["0"], tmp_path, large)
    assert fork.stdout == real.stdout
    assert json.loads(fork.stdout)["env"]["RELEASE_PROBE_LARGE"] == "x" * 100_000


def test_one_pipe_for_stdout_and_stderr_holds_what_it_holds_in_a_started_run(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """``stderr=subprocess.STDOUT`` (the docs' transcripts): the same text in the same order."""
    args = ["atexit", "0"]
    real = start_captured(
        [sys.executable, "-m", PROBE, *args], tmp_path, env, 600, stderr_to_stdout=True
    )
    fork = engine_fork.run(
        args, tmp_path, env, 600, server_env=engine_env(), module=PROBE, stderr_to_stdout=True
    )
    assert fork is not None
    assert (fork.returncode, fork.stdout) == (real.returncode, real.stdout)
    stderrs: list[object] = [fork.stderr, real.stderr]
    assert stderrs == [None, None]  # as subprocess.run reports it for stderr=STDOUT
    assert "to stderr: ünïcode" in real.stdout.splitlines()
    assert real.stdout.splitlines()[-1] == "atexit ran"


def test_stdin_exit_handlers_threads_and_failures_end_as_in_a_started_run(
    tmp_path: Path, env: dict[str, str]
) -> None:
    real, fork = both(["read-stdin"], tmp_path, env, subprocess.DEVNULL)
    assert json.loads(fork.stdout)["stdin"] == json.loads(real.stdout)["stdin"] == ""

    real, fork = both(["atexit", "thread"], tmp_path, env)
    assert fork.stdout.splitlines()[1:] == real.stdout.splitlines()[1:]
    assert real.stdout.splitlines()[1:] == ["thread ended", "atexit ran"]

    real, fork = both(["raise"], tmp_path, env)
    assert fork.returncode == real.returncode == 1
    assert fork.stderr.splitlines()[-1] == real.stderr.splitlines()[-1]
    assert real.stderr.splitlines()[-1] == "RuntimeError: probe failed"

    real, fork = both(["kill"], tmp_path, env)
    assert fork.returncode == real.returncode == -signal.SIGKILL
    assert fork.stdout == real.stdout


def test_a_run_past_its_timeout_is_killed(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        engine_fork.run(
            ["sleep"], tmp_path, env, 1, stdin=None, server_env=engine_env(), module=PROBE
        )
    # the server reported the child's end (the kill) before run() raised: it was reaped
    again = forked(PROBE, ["0"], tmp_path, env)
    assert again.returncode == 0


def test_an_environment_an_interpreter_reads_at_start_gets_a_real_start(
    tmp_path: Path, env: dict[str, str]
) -> None:
    for changed in ({"PYTHONUTF8": "0"}, {"LC_ALL": "C"}, {"PYTHONWARNINGS": "error"}):
        assert (
            engine_fork.run(
                ["0"], tmp_path, {**env, **changed}, 600, server_env=engine_env(), module=PROBE
            )
            is None
        ), changed


def test_a_directory_that_would_shadow_an_imported_module_gets_a_real_start(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """A real start imports from its working directory first: a ``release/`` package there (a
    copy of this repository) or a ``tomlkit.py`` would be imported instead of the server's."""
    assert forked(PROBE, ["0"], tmp_path, env).returncode == 0
    package = tmp_path / "repository-copy"
    (package / "release").mkdir(parents=True)
    module = tmp_path / "vendored"
    module.mkdir()
    (module / "tomlkit.py").write_text("", encoding="utf-8")
    for where in (package, module):
        done = engine_fork.run(["0"], where, env, 600, server_env=engine_env(), module=PROBE)
        assert done is None, where


def test_the_engine_forked_and_started_prints_the_same(tmp_path: Path, env: dict[str, str]) -> None:
    project = tmp_path / "sample"
    shutil.copytree(SAMPLE, project)
    for args in (["versions"], ["notes", "0.2.0"], ["bump", "nonsense"], ["--version"]):
        real = started("release", args, project, env)
        fork = forked("release", args, project, env)
        assert (fork.returncode, fork.stdout, fork.stderr) == (
            real.returncode,
            real.stdout,
            real.stderr,
        ), args
    assert os.listdir(env["TMPDIR"]) == []
