"""``python -m release ARGS`` for the tests, forked from a process that has imported the engine.

A test that runs the engine's command line pays for Python's start and the engine's imports on
every run: about 0.1 s of CPU for ``versions`` or ``bump``, and 0.7 s for a ``publish`` that
imports twine, requests and rich to check and upload. The suite starts the engine about 450
times. Here each xdist worker starts one server process that imports the engine once
(:data:`PRELOAD`) and then forks one child per run.

The child is a separate process that runs as ``python -m release ARGS`` would:

* it gets the test's stdin, stdout and stderr file descriptors, working directory, environment
  and arguments; ``sys.path[0]`` is its working directory;
* ``runpy`` runs ``release/__main__.py`` as ``__main__``;
* it ends as that interpreter would: non-daemon threads are joined, ``atexit`` handlers run and
  the streams are flushed;
* its exit status is reported as ``subprocess`` reports one (negative: killed by that signal).

Some things are fixed when an interpreter starts and cannot follow a run's environment: the
``PYTHON*`` variables, the locale (``LANG``, ``LC_*``) and coverage's start-up variables. A run
whose environment differs from the server's in any of them is started as a plain subprocess instead
(``PYTHONDONTWRITEBYTECODE`` aside: the child sets ``sys.dont_write_bytecode`` from it, which is
what a start does with it; ``sys.flags`` stays the server's, and the engine never reads it):
:func:`run` returns None and the caller runs it. The same happens when the preload printed anything
or warned: a real start would have shown that to the test, so the server is not used.

The server imported its modules with an empty scratch directory first on ``sys.path``; a real
start looks in the run's working directory first. A run whose directory holds a file or directory
named like a module the server has imported (a ``release/`` package in a copy of this
repository, say) would import that one: it is started as a plain subprocess too.
``tests/test_engine_fork.py`` compares forked and started runs.

``RELEASE_TESTS_NO_FORK=1`` makes every run a plain subprocess (to compare, or to rule this out).
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Mapping, Sequence

PRELOAD = (
    "release.__main__",
    "release.publish.commands",
    "release.checklist.run",
    "twine.cli",
    "twine.commands.check",
    "twine.commands.upload",
)
_READY = "ready"


def fixed_at_start(env: Mapping[str, str]) -> dict[str, str]:
    """The variables an interpreter reads once, at its start (but for
    ``PYTHONDONTWRITEBYTECODE``: its one effect, ``sys.dont_write_bytecode``, is set in the
    child as a start sets it)."""
    return {
        key: value
        for key, value in env.items()
        if (key.startswith(("PYTHON", "LC_", "COVERAGE_")) or key in ("LANG", "LANGUAGE"))
        and key != "PYTHONDONTWRITEBYTECODE"
    }


# -- the server (its own process) --------------------------------------------------------------


def _preload() -> str:
    """Import :data:`PRELOAD`; what that printed or warned (empty: nothing)."""
    import contextlib
    import importlib
    import io
    import warnings

    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as warned:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            for name in PRELOAD:
                importlib.import_module(name)
    # ``python -m release`` runs release/__main__.py as ``__main__`` only: as in a real start,
    # ``release.__main__`` must not be imported already (runpy would warn)
    sys.modules.pop("release.__main__", None)
    package = sys.modules["release"]
    if hasattr(package, "__main__"):
        delattr(package, "__main__")
    return printed.getvalue() + "".join(f"{warning.message}\n" for warning in warned)


def _serve(listener: socket.socket) -> dict[str, object]:
    """Answer requests until the server's parent goes away (then exit); in a forked child,
    return the request the child is to run."""
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "listen")
    selector.register(sys.stdin, selectors.EVENT_READ, "lifeline")  # EOF: the worker is gone
    while True:
        for key, _ in selector.select():
            if key.data == "lifeline":
                if not os.read(sys.stdin.fileno(), 1):
                    raise SystemExit(0)
            elif key.data == "listen":
                conn, _ = listener.accept()
                message, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
                while not message.endswith(b"\n"):  # a stream: the rest may come later
                    more = conn.recv(1 << 16)
                    if not more:
                        break
                    message += more
                request = json.loads(message)
                pid = os.fork()
                if pid == 0:
                    selector.close()
                    listener.close()
                    conn.close()
                    for target, fd in enumerate(fds):
                        os.dup2(fd, target)
                    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
                    return dict(request)
                for fd in fds:
                    os.close(fd)
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
                selector.register(os.pidfd_open(pid), selectors.EVENT_READ, (pid, conn))
            else:  # a child ended: say how, as subprocess would
                pid, conn = key.data
                selector.unregister(key.fileobj)
                os.close(key.fd)
                _, status = os.waitpid(pid, 0)
                ended = {"returncode": os.waitstatus_to_exitcode(status)}
                try:
                    conn.sendall(json.dumps(ended).encode() + b"\n")
                except OSError:  # the test stopped listening
                    pass
                conn.close()


def _server_main(path: str) -> None:
    import gc

    try:
        os.close(os.pidfd_open(os.getpid()))  # Linux 5.3 and later
    except (AttributeError, OSError) as error:
        print(f"no pidfd_open here: {error}", flush=True)
        return
    problem = _preload()
    if problem:
        print(f"the preload printed or warned:\n{problem}", flush=True)
        return
    gc.collect()
    gc.freeze()  # the children's collections do not walk (and so copy) the preloaded objects
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    imported = sorted({name.partition(".")[0] for name in sys.modules})
    print(_READY, json.dumps(imported), flush=True)
    request = _serve(listener)
    # the forked child: become the run, then run the module as ``python -m`` does
    cwd = str(request["cwd"])
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(dict(request["env"]))  # type: ignore[call-overload]
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    import time

    time.tzset()
    sys.path[0] = cwd
    sys.argv = ["-m", *request["argv"]]  # type: ignore[misc]
    import runpy

    runpy.run_module(str(request["module"]), run_name="__main__", alter_sys=True)


# -- the client (in the test's process) --------------------------------------------------------


class Server:
    """One forking server, started on first use (one per xdist worker)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = dict(env)
        self.dir = tempfile.mkdtemp(prefix="engine-fork-")
        self.path = os.path.join(self.dir, "socket")
        start = f"import runpy; runpy.run_path({__file__!r}, run_name='engine_fork_server')"
        self.process = subprocess.Popen(
            [sys.executable, "-c", start, self.path],
            env=self.env,
            cwd=self.dir,  # sys.path[0] is '': this empty directory while the server imports
            stdin=subprocess.PIPE,  # the lifeline: the server exits when this worker is gone
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        first, _, imported = self.process.stdout.readline().strip().partition(" ")
        self.usable = first == _READY  # if not, it said why and ended: every run is a start
        self.imported: frozenset[str] = frozenset(json.loads(imported) if self.usable else ())

    def serves(self, cwd: Path, env: Mapping[str, str]) -> bool:
        """True when a fork runs ``cwd`` and ``env`` as a real start would (see the module)."""
        if not self.usable or self.process.poll() is not None:
            return False
        if fixed_at_start(env) != fixed_at_start(self.env):
            return False
        return not any(entry.partition(".")[0] in self.imported for entry in os.listdir(cwd))

    def run(
        self,
        module: str,
        args: Sequence[str],
        cwd: Path,
        env: Mapping[str, str],
        timeout: float | None,
        stdin: int | None,
        stderr_to_stdout: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", module, *args]
        out_r, out_w = os.pipe()
        err_r, err_w = (None, os.dup(out_w)) if stderr_to_stdout else os.pipe()
        stdin_fd = os.open(os.devnull, os.O_RDONLY) if stdin == subprocess.DEVNULL else os.dup(0)
        request = {"module": module, "argv": list(args), "cwd": str(cwd), "env": dict(env)}
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(self.path)
            message = json.dumps(request).encode() + b"\n"  # JSON escapes its newlines
            sent = socket.send_fds(conn, [message], [stdin_fd, out_w, err_w])
            conn.sendall(message[sent:])
        finally:
            for fd in (stdin_fd, out_w, err_w):
                os.close(fd)
        with conn:
            started = _reply(conn)
            if started is None:
                raise RuntimeError(f"the engine's fork server did not start {argv}")
            pid = started["pid"]
            chunks: dict[int, list[bytes]] = {fd: [] for fd in (out_r, err_r) if fd is not None}
            drains = [threading.Thread(target=_drain, args=(fd, chunks[fd])) for fd in chunks]
            for drain in drains:
                drain.start()
            conn.settimeout(timeout)
            try:
                ended = _reply(conn)
            except socket.timeout:
                os.kill(pid, 9)  # as subprocess.run does when its timeout expires
                conn.settimeout(None)
                _reply(conn)  # the server has reaped it
                ended = None
            for drain in drains:
                drain.join()
        if ended is None:
            raise subprocess.TimeoutExpired(argv, timeout or 0)
        stdout = _text(b"".join(chunks[out_r]))
        stderr = None if err_r is None else _text(b"".join(chunks[err_r]))
        return subprocess.CompletedProcess(argv, ended["returncode"], stdout, stderr)

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # the lifeline: the server exits
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _reply(conn: socket.socket) -> dict[str, int] | None:
    """The server's next one-line JSON reply; None if it closed the connection first. A reply is
    read byte by byte: after a timeout the same socket is read again."""
    line = b""
    while not line.endswith(b"\n"):
        byte = conn.recv(1)
        if not byte:
            return None
        line += byte
    return dict(json.loads(line))


def _text(data: bytes) -> str:
    """As ``subprocess.run(text=True, encoding="utf-8")`` reads output: universal newlines."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _drain(fd: int, into: list[bytes]) -> None:
    with open(fd, "rb", buffering=0) as stream:
        while data := stream.read(65536):
            into.append(data)


_SERVER: Server | None = None
_LOCK = threading.Lock()


def run(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float | None,
    *,
    stdin: int | None = None,
    server_env: Mapping[str, str],
    module: str = "release",
    stderr_to_stdout: bool = False,
) -> subprocess.CompletedProcess[str] | None:
    """``python -m MODULE ARGS`` forked from this worker's server (started with ``server_env`` on
    first use); None when it cannot be: the caller starts a subprocess. ``stderr_to_stdout``: one
    pipe for both, as ``subprocess.run(..., stderr=subprocess.STDOUT)`` (stderr is None)."""
    global _SERVER
    if os.environ.get("RELEASE_TESTS_NO_FORK") or not hasattr(os, "fork"):
        return None
    with _LOCK:
        if _SERVER is None:
            _SERVER = Server(server_env)
        server = _SERVER
    if not server.serves(cwd, env):
        return None
    return server.run(module, args, cwd, env, timeout, stdin, stderr_to_stdout)


def stop() -> None:
    """Stop this worker's server, if it started one."""
    global _SERVER
    with _LOCK:
        if _SERVER is not None:
            _SERVER.stop()
            _SERVER = None


if __name__ == "engine_fork_server":  # python -c "...run_path(this file)..." SOCKET
    _server_main(sys.argv[1])
