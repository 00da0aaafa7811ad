"""twine's command line, run in the engine's own process.

A start of ``python -m twine`` costs about half a second of CPU, nearly all of it imports (requests,
rich, keyring, readme_renderer), and a release runs twine five times (``check``, then each file on
two indexes). Here those imports happen once per process. What runs is twine's own command line,
``twine.cli.dispatch`` (the function ``python -m twine`` calls) with the same arguments, and the
outcome is read as ``python -m twine``'s would be: an exit status and the text it printed, captured
and redacted as :func:`release.proc.run` redacts a subprocess's.

twine reads and changes process-wide state while it runs: its settings come from the environment,
it configures logging and rich's console, and it prints to ``sys.stdout``. So one call runs at a
time (a lock); the environment is swapped only when the caller gives one (uploads, which run alone),
never for ``check``, which may run beside the smoke test; output is captured from the thread running
twine only (other threads keep writing where they did); everything is put back afterwards. A call
that does not finish within ``timeout`` is reported as a failure, as a subprocess would be.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from . import proc
from .errors import ToolFailed

_LOCK = threading.Lock()


def run(
    args: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    what: str = "twine",
) -> proc.Result:
    """Run ``twine ARGS`` here; a :class:`release.proc.Result` as ``proc.run`` would give.

    ``env`` replaces the environment twine reads (credentials, ``HOME`` for ``~/.pypirc``, proxies)
    while it runs. A ``timeout`` expiring raises ToolFailed, as for a subprocess.
    """
    argv = [str(arg) for arg in args]
    buffer = io.StringIO()
    outcome: dict[str, int] = {}
    worker = threading.Thread(target=_dispatch, args=(argv, buffer, outcome), daemon=True)
    with _LOCK:
        with _environment(env), _captured(worker, buffer), _logging_restored():
            worker.start()
            worker.join(timeout)
        if worker.is_alive():  # left to end on its own; what it prints from now on is not read
            raise ToolFailed(
                f"{what} did not finish within {timeout:.0f} s",
                "look at what it waits for (an index that does not answer, a proxy) and re-run",
            )
    output = proc.redact(buffer.getvalue(), os.environ if env is None else env)
    return proc.Result(("twine", *argv), outcome.get("returncode", 1), output, "")


def _dispatch(argv: list[str], buffer: io.StringIO, outcome: dict[str, int]) -> None:
    outcome["returncode"] = _twine(argv, buffer)


def _twine(argv: list[str], buffer: io.StringIO) -> int:
    """twine's ``main``: dispatch, and its errors reported the way ``python -m twine`` reports them."""
    import http

    import requests
    from twine import cli, exceptions

    try:
        failed = cli.dispatch(argv)
    except SystemExit as exc:  # argparse: bad arguments, --help, --version
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except requests.HTTPError as exc:
        response = exc.response
        if response is None:
            buffer.write(f"{exc.__class__.__name__}: {exc}\n")
            return 1
        try:
            phrase = http.HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = "Unknown Status"
        buffer.write(
            f"{exc.__class__.__name__}: {response.status_code} {phrase} from {response.url}\n"
            f"{response.reason}\n"
        )
        return 1
    except exceptions.TwineException as exc:
        buffer.write(f"{exc.__class__.__name__}: {exc.args[0] if exc.args else exc}\n")
        return 1
    except Exception:  # what python -m twine would die of: its traceback is the output
        buffer.write(traceback.format_exc())
        return 1
    return 1 if failed else 0


@contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    if env is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _ThreadOutput(io.TextIOBase):
    """Stands in for ``sys.stdout`` / ``sys.stderr``: what the thread running twine writes goes to
    ``buffer``, what any other thread writes goes where it went before."""

    def __init__(self, original: Any, owner: threading.Thread, buffer: io.StringIO) -> None:
        super().__init__()
        self._original = original
        self._owner = owner
        self._buffer = buffer

    def _target(self) -> Any:
        return self._buffer if threading.current_thread() is self._owner else self._original

    def write(self, text: str) -> int:
        return int(self._target().write(text))

    def flush(self) -> None:
        target = self._target()
        if target is not None:
            target.flush()

    def isatty(self) -> bool:
        target = self._target()
        return target is not self._buffer and target is not None and bool(target.isatty())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


@contextmanager
def _captured(owner: threading.Thread, buffer: io.StringIO) -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout = _ThreadOutput(saved[0], owner, buffer)
    sys.stderr = _ThreadOutput(saved[1], owner, buffer)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@contextmanager
def _logging_restored() -> Iterator[None]:
    """twine points the root logger at rich's console: put back what the process had."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
