"""What a process started as ``python -m tests.fork_probe ARGS`` sees and does, for
tests/test_engine_fork.py: it prints its view of itself as JSON, then acts on ARGS."""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import tempfile
import threading
import time

if __name__ == "__main__":
    view = {
        "argv": sys.argv,
        "cwd": os.getcwd(),
        "path0": sys.path[0],
        "env": dict(os.environ),
        "tempdir": tempfile.gettempdir(),
        "stdin": sys.stdin.read() if "read-stdin" in sys.argv else None,
        "main": __name__,
        "stdout_encoding": sys.stdout.encoding,
        "line_buffering": sys.stdout.line_buffering,
        "dont_write_bytecode": sys.dont_write_bytecode,
    }
    print(json.dumps(view, sort_keys=True))
    print("to stderr: ünïcode", file=sys.stderr)
    if "atexit" in sys.argv:
        atexit.register(print, "atexit ran")
    if "thread" in sys.argv:  # a non-daemon thread is waited for at exit

        def late() -> None:
            time.sleep(0.2)
            print("thread ended")

        threading.Thread(target=late).start()
    if "kill" in sys.argv:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    if "sleep" in sys.argv:
        time.sleep(600)
    if "raise" in sys.argv:
        raise RuntimeError("probe failed")
    raise SystemExit(int(sys.argv[-1]) if sys.argv[-1].isdigit() else 0)
