"""The whole test suite: its wall time now against a baseline commit, and a run under CPU load.

1. Baseline: the suite as it was at ``--baseline`` (default 647ec9d, before the parallel suite),
   checked out into a temporary worktree and run the way it ran then (``pytest``, one process).
2. Now: this checkout's suite, ``pytest -n auto`` (xdist, one worker per core).
3. Loaded: the same again while every core is kept busy by another process (bounded busy loops
   this script starts and stops itself): no test may fail because the machine is slow.

Prints the wall time of each run, the CPU time it used (user + system, its subprocesses included:
less sensitive than wall time to what else the machine runs), its pass/fail counts, the load
average around it and the ratios now / baseline. Run from the repository root with the dev environment's Python:

    python benchmarks/suite.py [--baseline REV] [--skip-baseline] [--skip-loaded]

It runs the suite three times; expect tens of minutes on a 2-core machine.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "647ec9d"
BUSY_LIMIT = 3 * 3600.0  # a busy loop ends by itself after this, whatever happens to us
_BUSY = "import sys, time\nend = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end:\n    pass\n"
_SUMMARY = re.compile(r"^(?:=+ )?(?P<counts>\d+ \w+(?:, \d+ \w+)*) in [\d.]+s")


@dataclass(frozen=True)
class Run:
    name: str
    seconds: float
    cpu: float  # user + system seconds of pytest and everything it started (waited for)
    counts: dict[str, int]
    summary: str
    load_before: float
    load_after: float
    returncode: int

    @property
    def failed(self) -> int:
        return (
            self.counts.get("failed", 0)
            + self.counts.get("error", 0)
            + self.counts.get("errors", 0)
        )


def parse_counts(output: str) -> tuple[dict[str, int], str]:
    """pytest's closing line (``519 passed, 2 skipped in 576.47s``) as counts."""
    for line in reversed(output.splitlines()):
        match = _SUMMARY.match(line.strip())
        if match:
            counts = {
                word: int(number) for number, word in re.findall(r"(\d+) (\w+)", match["counts"])
            }
            return counts, line.strip("= ")
    return {}, "no pytest summary line"


def run_suite(name: str, cwd: Path, args: Sequence[str], log: Path) -> Run:
    load_before = os.getloadavg()[0]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as stream:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", *args],
            cwd=cwd,
            stdout=stream,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    counts, summary = parse_counts(log.read_text(encoding="utf-8", errors="replace"))
    load_after = os.getloadavg()[0]
    return Run(name, seconds, cpu, counts, summary, load_before, load_after, done.returncode)


def baseline_run(rev: str, logs: Path) -> Run:
    checkout = Path(tempfile.mkdtemp(prefix="suite-baseline-")) / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--quiet", "--detach", str(checkout), rev],
        cwd=ROOT,
        check=True,
    )
    try:
        return run_suite(
            f"at {rev}: pytest (one process)",
            checkout,
            ["-q", "-p", "no:cacheprovider"],
            logs / "baseline.log",
        )
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT)
        shutil.rmtree(checkout.parent, ignore_errors=True)


def busy_loops(count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` processes that each keep one core busy (for at most BUSY_LIMIT seconds)."""
    return [subprocess.Popen([sys.executable, "-c", _BUSY, str(BUSY_LIMIT)]) for _ in range(count)]


def stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def show(run: Run) -> None:
    counts = ", ".join(f"{n} {word}" for word, n in run.counts.items()) or run.summary
    print(
        f"{run.name:<44} {run.seconds:8.1f} s wall {run.cpu:8.1f} s CPU   {counts}   "
        f"(load average {run.load_before:.2f} -> {run.load_after:.2f})"
    )


def main(argv: Sequence[str]) -> int:
    rev = argv[argv.index("--baseline") + 1] if "--baseline" in argv else BASELINE
    logs = Path(tempfile.mkdtemp(prefix="suite-bench-logs-"))
    cores = os.cpu_count() or 1
    print(f"{cores} cores; logs in {logs}")
    runs: list[Run] = []
    if "--skip-baseline" not in argv:
        runs.append(baseline_run(rev, logs))
        show(runs[-1])
    now = run_suite(
        "now: pytest -n auto",
        ROOT,
        ["-n", "auto", "-q", "-p", "no:cacheprovider"],
        logs / "now.log",
    )
    runs.append(now)
    show(now)
    if "--skip-loaded" not in argv:
        loops = busy_loops(cores)
        try:
            loaded = run_suite(
                f"now, {cores} cores kept busy: pytest -n auto",
                ROOT,
                ["-n", "auto", "-q", "-p", "no:cacheprovider"],
                logs / "loaded.log",
            )
        finally:
            stop(loops)
        runs.append(loaded)
        show(loaded)
        print(f"loaded run: {loaded.counts.get('passed', 0)} passed, {loaded.failed} failed")
    if "--skip-baseline" not in argv:
        base = runs[0]
        print(
            f"ratio now / at {rev}: wall {now.seconds / base.seconds:.2f}, CPU {now.cpu / base.cpu:.2f}"
        )
    print(f"target: the suite ≤ 150 s on 2 cores; now {now.seconds:.1f} s")
    current = [run for run in runs if run.name.startswith("now")]
    return 0 if all(run.returncode == 0 for run in current) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
