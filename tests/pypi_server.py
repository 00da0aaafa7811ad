"""A real pypiserver on 127.0.0.1 for tests: fixtures ``pypi_server`` and ``make_pypi_server``.

Authentication is disabled (``-a . -P .``: any user name and password are accepted) and the
fallback redirect to pypi.org is off, so an unknown project answers 404 and no test can reach the
internet through the server. ``stop()`` and ``start()`` again on the same port and package
directory let tests take the index down and bring it back.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

from release.localindex import LocalIndex, free_port

PypiServer = LocalIndex
__all__ = ["MakeServer", "PypiServer", "free_port", "make_pypi_server", "pypi_server"]


MakeServer = Callable[[], PypiServer]


class PooledServer(LocalIndex):
    """A server a test leases from its worker's pool: its log, as :meth:`requested` reads it,
    starts at the lease, and its package directory is emptied for each test."""

    _log_start = 0

    def _log_text(self) -> str:
        return super()._log_text()[self._log_start :]

    def lease(self) -> PooledServer:
        """The server as new for the next test: empty, with a log of its requests from now."""
        self._log_barrier()  # the last test's requests are in the log, and left out from now
        self._log_start += len(self._log_text())
        for entry in self.packages.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        return self


@pytest.fixture(scope="session")
def _pypi_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[PooledServer]]:
    """The running servers of this worker no test holds. A pypiserver start costs about 0.35 s
    of CPU, and the suite used to start one or two per test: a test now leases a running one."""
    idle: list[PooledServer] = []
    yield idle
    for server in idle:
        server.stop()


@pytest.fixture
def make_pypi_server(
    tmp_path_factory: pytest.TempPathFactory, _pypi_pool: list[PooledServer]
) -> Iterator[MakeServer]:
    """A factory of started servers with empty package directories (e.g. a test index and a
    production index), leased from the worker's pool. A server the test leaves running goes
    back to the pool; one it stopped is dropped."""
    leased: list[PooledServer] = []

    def make() -> PypiServer:
        server = (
            _pypi_pool.pop() if _pypi_pool else PooledServer(tmp_path_factory.mktemp("pypiserver"))
        )
        server.start()  # a no-op for a running server
        leased.append(server.lease())
        return server

    yield make
    for server in leased:
        if server.running:
            _pypi_pool.append(server)
        else:
            server.stop()


@pytest.fixture
def pypi_server(make_pypi_server: MakeServer) -> PypiServer:
    """One running pypiserver with an empty package directory."""
    return make_pypi_server()


@contextmanager
def index_with_password(base: Path, user: str, password: str) -> Iterator[str]:
    """A pypiserver that authenticates uploads against an htpasswd file; yields its URL."""
    packages = base / "packages"
    packages.mkdir(parents=True)
    digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode("ascii")
    (base / "htpasswd").write_text(f"{user}:{{SHA}}{digest}\n", encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (base / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port)]
            + ["-a", "update", "-P", str(base / "htpasswd"), "--disable-fallback"]
            + ["--server", "wsgiref", str(packages)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            wait_until_up(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"pypiserver did not come up at {url}")
