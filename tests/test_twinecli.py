"""twine run in the engine's process (release.twinecli): read as ``python -m twine`` would be, and
the process left as it was (environment, logging, sys.stdout), with other threads' output untouched.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from release import twinecli
from release.errors import ToolFailed


def test_bad_arguments_exit_2_with_twines_usage_message() -> None:
    result = twinecli.run(["--no-color", "upload", "--no-such-option", "x.whl"])
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.output


def test_a_missing_file_is_twines_error_and_exit_1(tmp_path: Path) -> None:
    result = twinecli.run(["--no-color", "check", tmp_path / "nothing-1.0.tar.gz"])
    assert result.returncode == 1
    assert "InvalidDistribution" in result.output, result.output


def test_the_process_is_left_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEASE_TWINECLI_PROBE", "before")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stdout, stderr = sys.stdout, sys.stderr
    env = {**os.environ, "RELEASE_TWINECLI_PROBE": "during", "HOME": str(tmp_path)}
    twinecli.run(["--no-color", "upload", "--no-such-option"], env=env)
    assert os.environ["RELEASE_TWINECLI_PROBE"] == "before"
    assert list(root.handlers) == handlers and root.level == level
    assert (sys.stdout, sys.stderr) == (stdout, stderr)


def test_other_threads_keep_their_output(capsys: pytest.CaptureFixture[str]) -> None:
    """release-check runs twine check beside the smoke test: what the other thread prints while
    twine runs reaches the terminal, and none of it lands in twine's output."""
    stop = threading.Event()
    printed: list[str] = []

    def chatter() -> None:
        number = 0
        while not stop.is_set():
            line = f"other thread {number}"
            print(line)
            printed.append(line)
            number += 1
            time.sleep(0.001)

    other = threading.Thread(target=chatter)
    other.start()
    try:
        result = twinecli.run(["--no-color", "upload", "--no-such-option", "x.whl"])
    finally:
        stop.set()
        other.join()
    assert "other thread" not in result.output
    assert "unrecognized arguments" in result.output
    shown = capsys.readouterr().out
    assert printed and all(line in shown for line in printed)


def test_secrets_in_twines_output_are_masked(tmp_path: Path) -> None:
    secret = "twinecli-secret-5c1e"
    env = {**os.environ, "TWINE_PASSWORD": secret, "HOME": str(tmp_path)}
    result = twinecli.run(["--no-color", "upload", f"--no-such-option={secret}", "x.whl"], env=env)
    assert result.returncode == 2
    assert secret not in result.output and "***" in result.output


@pytest.mark.slow
def test_an_index_that_never_answers_is_a_timeout(tmp_path: Path, sample_dist: Path) -> None:
    """A subprocess had a timeout; the call in this process has one too."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    (wheel,) = sample_dist.glob("*.whl")
    env = {**os.environ, "HOME": str(tmp_path), "TWINE_USERNAME": "u", "TWINE_PASSWORD": "p"}
    args = ["--no-color", "upload", "--non-interactive", "--disable-progress-bar"]
    try:
        with pytest.raises(ToolFailed, match="did not finish within 1 s"):
            twinecli.run(
                [*args, "--repository-url", f"http://127.0.0.1:{port}/", wheel],
                env=env,
                timeout=1,
                what="twine upload",
            )
        assert os.environ.get("TWINE_PASSWORD") != "p"
    finally:
        listener.close()
