"""A real pypiserver on 127.0.0.1 for tests: fixtures ``pypi_server`` and ``make_pypi_server``.

Authentication is disabled (``-a . -P .``: any user name and password are accepted) and the
fallback redirect to pypi.org is off, so an unknown project answers 404 and no test can reach the
internet through the server. ``stop()`` and ``start()`` again on the same port and package
directory let tests take the index down and bring it back.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

from release.localindex import LocalIndex, free_port

PypiServer = LocalIndex
__all__ = ["MakeServer", "PypiServer", "free_port", "make_pypi_server", "pypi_server"]


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
