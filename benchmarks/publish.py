"""How long the demo release takes, step by step, and how much of it is our own overhead.

Runs the demo's release (the bundled sample, two local pypiservers, a bare git remote) in this
process, records every interval in which the engine waits on something else — a subprocess (git,
pytest, build, pip, twine, venv creation) or an HTTP request to an index — and prints:

* the wall time of each plan step and of the whole release (preflight included);
* the share of the wall time spent waiting on processes and servers (target ≥ 90 %), i.e. our own
  overhead (target < 10 %).

Target: the whole release in ≤ 30 s on a 2-core machine with warm caches (run it twice; the first
run fills uv's and pip's caches).

    python benchmarks/publish.py
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from release import config, demo, plan, publish  # noqa: E402
from release.localindex import LocalIndex  # noqa: E402

_intervals: list[tuple[float, float]] = []
_lock = threading.Lock()


def _timed(function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            with _lock:
                _intervals.append((started, time.perf_counter()))

    return wrapper


@contextlib.contextmanager
def waiting_recorded() -> Iterator[None]:
    """Record the intervals spent in subprocess.run and urlopen (the engine's only two ways out)."""
    saved = subprocess.run, urllib.request.urlopen
    subprocess.run = _timed(subprocess.run)  # type: ignore[assignment]
    urllib.request.urlopen = _timed(urllib.request.urlopen)  # type: ignore[assignment]
    try:
        yield
    finally:
        subprocess.run, urllib.request.urlopen = saved  # type: ignore[assignment]


def covered(intervals: list[tuple[float, float]], start: float, end: float) -> float:
    """Seconds of [start, end] during which at least one interval was open (threads overlap)."""
    total, cursor = 0.0, start
    for begin, finish in sorted(intervals):
        begin, finish = max(begin, cursor), min(finish, end)
        if finish > begin:
            total += finish - begin
            cursor = finish
    return total


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="nox-release-bench-"))
    test_index, prod_index = LocalIndex(workdir / "test"), LocalIndex(workdir / "prod")
    timings: list[tuple[str, float]] = []
    real_execute = plan.execute

    def execute(*args: Any, **kwargs: Any) -> list[tuple[str, float]]:
        result = real_execute(*args, **kwargs)
        timings.extend(result)
        return result

    try:
        project = demo.prepare_project(workdir, out=lambda _: None)
        test_index.start()
        prod_index.start()
        os.environ.update(demo.demo_env(test_index, prod_index))
        cfg = config.load(project)
        plan.execute = execute  # type: ignore[assignment]
        with waiting_recorded():
            started = time.perf_counter()
            options = publish.PublishOptions(yes=True, allow_unknown=True)
            publish.run_publish(cfg, demo.DEMO_VERSION, options, out=lambda _: None)
            finished = time.perf_counter()
    finally:
        plan.execute = real_execute  # type: ignore[assignment]
        test_index.stop()
        prod_index.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    wall = finished - started
    steps_total = sum(seconds for _, seconds in timings)
    print(f"{'step':<40} {'seconds':>8}")
    print(f"{'preflight (checks before any change)':<40} {wall - steps_total:>8.2f}")
    for title, seconds in timings:
        print(f"{title:<40} {seconds:>8.2f}")
    print(f"{'total':<40} {wall:>8.2f}   (target ≤ 30 s)")
    waiting = covered(_intervals, started, finished)
    share = waiting / wall
    print(
        f"waiting on processes and servers: {waiting:.2f} s = {share:.1%} of the release (target ≥ 90%)"
    )
    print(f"our own overhead: {wall - waiting:.2f} s = {1 - share:.1%} (target < 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
