"""A real package index on loopback: pypiserver as a subprocess, for the demo and the tests.

This module starts a long-running server, so it uses ``subprocess.Popen`` itself rather than
:mod:`release.proc`, which runs commands to completion.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from .errors import PackageIndexError

STARTUP_TIMEOUT = 120.0  # generous: a loaded machine starts Python slowly
LOG_BARRIER_TIMEOUT = 10.0  # before stopping: the log gets the lines of answered requests


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalIndex:
    """pypiserver serving ``packages`` on 127.0.0.1:``port`` (a subprocess, started by ``start``).

    Authentication is disabled (any user name and password are accepted) and the fallback
    redirect to pypi.org is off: an unknown project answers 404 and nothing leaves the machine.
    """

    def __init__(self, base: Path, port: int | None = None) -> None:
        self.packages = base / "packages"
        self.packages.mkdir(parents=True, exist_ok=True)
        self.log_path = base / "pypiserver.log"
        self.port = port or free_port()
        # A port picked here can be taken by another process before the server binds it (parallel
        # test workers): then start() picks another one. A port the caller chose is kept.
        self._port_chosen_here = port is None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def upload_url(self) -> str:
        return self.url + "/"

    @property
    def index_url(self) -> str:
        return self.url + "/simple/"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        for _ in range(3):
            answered = self._health_checks_logged()
            self._launch()
            if self._wait_until_up(answered):
                return
            if not self._stop_after_failed_start():
                break
        log = self._log_text()
        raise PackageIndexError(
            f"pypiserver did not come up on port {self.port}:\n{log[-2000:]}",
            "is pypiserver installed (pip install pypiserver) and the port free?",
        )

    @staticmethod
    def start_together(*indexes: LocalIndex) -> None:
        """Start several servers at once: all launched, then each waited for (their Python
        start-ups overlap). One that does not come up goes through :meth:`start` again, with its
        port-race retries and its error."""
        pending = [server for server in indexes if not server.running]
        answered = [server._health_checks_logged() for server in pending]
        for server in pending:
            server._launch()
        for server, before in zip(pending, answered):
            if not server._wait_until_up(before):
                server._stop_after_failed_start()
                server.start()

    def _stop_after_failed_start(self) -> bool:
        """Stop a server that did not come up. True when it lost its port to another process (a
        port picked here, "in use" in its log): it then has a new port to try; False when trying
        again would fail the same way."""
        lost_race = self._port_chosen_here and "in use" in self._log_text()
        self.stop()
        if lost_race:
            self.port = free_port()
        return lost_race

    def _log_text(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _health_checks_logged(self) -> int:
        return self._log_text().count('"GET /health ')

    def _launch(self) -> None:
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pypiserver",
                "run",
                "-v",  # logs every request, see requested()
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--authenticate",
                ".",
                "--passwords",
                ".",
                "--disable-fallback",
                "--backend",
                "simple-dir",
                "--server",
                "wsgiref",
                str(self.packages),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def _wait_until_up(self, answered_before: int) -> bool:
        """Poll /health until this server answers it (True), or exits or times out (False).

        The answer must show in this server's own log: a server of another process that took the
        port first would answer too, while this one exits with "address in use".
        """
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if not self.running:
                return False
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                    if response.status == 200 and self._health_checks_logged() > answered_before:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self._process is not None:
            self._log_barrier()
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _log_barrier(self) -> None:
        """Let the log catch up before the server goes: it writes a request's line after sending
        the answer, so a client can have its answer while the line is still to come. The server
        answers one request at a time (wsgiref), so once a /health sent now shows in the log,
        every request answered before it does too. A server that does not answer within
        LOG_BARRIER_TIMEOUT is stopped all the same."""
        if not self.running:
            return
        logged = self._health_checks_logged()
        deadline = time.monotonic() + LOG_BARRIER_TIMEOUT
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=LOG_BARRIER_TIMEOUT):
                pass
        except (urllib.error.URLError, OSError):
            return
        while self._health_checks_logged() <= logged and time.monotonic() < deadline:
            time.sleep(0.01)

    def files(self) -> list[str]:
        """The file names in the package directory, sorted."""
        return sorted(path.name for path in self.packages.iterdir())

    def requests(self) -> list[tuple[str, str, str]]:
        """(method, path, status) of every request the server answered, in order (across
        restarts), less the /health requests this class sends itself. A running server's log is
        let catch up first (see _log_barrier): a client can have its answer before the line is
        written."""
        self._log_barrier()
        found = re.findall(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3})', self._log_text())
        return [entry for entry in found if entry[1] != "/health"]

    def requested(self) -> list[str]:
        """The paths of :meth:`requests`."""
        return [path for _, path, _ in self.requests()]
