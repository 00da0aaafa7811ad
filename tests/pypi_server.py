"""A real pypiserver on 127.0.0.1 for tests: fixtures ``pypi_server`` and ``make_pypi_server``.

Authentication is disabled (``-a . -P .``: any user name and password are accepted) and the
fallback redirect to pypi.org is off, so an unknown project answers 404 and no test can reach the
internet through the server. ``stop()`` and ``start()`` again on the same port and package
directory let tests take the index down and bring it back.
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
from typing import IO, Callable, Iterator

import pytest

STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PypiServer:
    """pypiserver serving ``packages`` on 127.0.0.1:``port`` (a subprocess, started by ``start``)."""

    def __init__(self, base: Path, port: int | None = None) -> None:
        self.packages = base / "packages"
        self.packages.mkdir(parents=True, exist_ok=True)
        self.log_path = base / "pypiserver.log"
        self.port = port or free_port()
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
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if not self.running:
                break
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        log = self.log_path.read_text(encoding="utf-8", errors="replace")
        self.stop()
        raise RuntimeError(f"pypiserver did not come up on port {self.port}:\n{log[-2000:]}")

    def stop(self) -> None:
        if self._process is not None:
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

    def requested(self) -> list[str]:
        """The paths of every request the server logged, in order (across restarts)."""
        if not self.log_path.exists():
            return []
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return re.findall(r'"[A-Z]+ (\S+) HTTP/[\d.]+"', text)

    def files(self) -> list[str]:
        """The file names in the package directory, sorted."""
        return sorted(path.name for path in self.packages.iterdir())


MakeServer = Callable[[], PypiServer]


@pytest.fixture
def make_pypi_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeServer]:
    """A factory of started servers (e.g. a test index and a production index); all are stopped
    at teardown."""
    servers: list[PypiServer] = []

    def make() -> PypiServer:
        server = PypiServer(tmp_path_factory.mktemp("pypiserver"))
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def pypi_server(make_pypi_server: MakeServer) -> PypiServer:
    """One running pypiserver with an empty package directory."""
    return make_pypi_server()
