"""The demo, phase by phase, and publish's preflight with and without the check-result cache.

1. ``nox -s demo`` as a user runs it (creating the session's venv), then ``nox -R -s demo`` (warm:
   the venv reused, uv's and pip's caches filled). Wall and CPU time (user + system of everything
   it ran: less sensitive to the machine's other load). Target: ≤ 10 s warm.
2. The demo's phases, timed in this process with the demo's own functions: the sample in git with
   a bare remote, two pypiservers, ``publish 0.3.0 --yes`` (preflight and every step), the final
   install from the local production index.
3. The preflight of ``publish`` on that sample after a ``release-check`` on the same tree: with the
   cache (the checkers' PASS reused) and with ``--no-cache`` (the checkers run again), alternating,
   median of ``--rounds`` (default 3).

    python benchmarks/demo.py [--rounds N]
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from release import checklist, config, demo, plan, publish, smoke  # noqa: E402
from release.cache import CheckCache  # noqa: E402
from release.localindex import LocalIndex  # noqa: E402
from release.publish.preflight import preflight  # noqa: E402
from release.publish.state import PublishOptions, Release  # noqa: E402


def quiet(_: str) -> None:
    return None


def whole_demo(*nox_args: str) -> tuple[float, float]:
    """``nox ARGS -s demo`` in this checkout: (wall seconds, CPU seconds of everything it ran)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nox", *nox_args, "-s", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-2000:], sep="\n")
        raise SystemExit("the demo failed")
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    return wall, cpu


def phases() -> list[tuple[str, float]]:
    """The demo's phases in this process (publish in-process, so its steps can be timed)."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    test_index, prod_index = LocalIndex(workdir / "test"), LocalIndex(workdir / "prod")
    timings: list[tuple[str, float]] = []
    real_execute = plan.execute
    steps: list[tuple[str, float]] = []

    def execute(*args: Any, **kwargs: Any) -> list[tuple[str, float]]:
        result = real_execute(*args, **kwargs)
        steps.extend(result)
        return result

    saved = dict(os.environ)
    try:
        started = time.perf_counter()
        project = demo.prepare_project(workdir, quiet)
        timings.append(("sample in git with a bare remote", time.perf_counter() - started))
        started = time.perf_counter()
        LocalIndex.start_together(test_index, prod_index)
        timings.append(("two pypiservers up", time.perf_counter() - started))
        os.environ.update(demo.demo_env(test_index, prod_index))
        cfg = config.load(project)
        plan.execute = execute
        started = time.perf_counter()
        options = publish.PublishOptions(yes=True, allow_unknown=True)
        publish.run_publish(cfg, demo.DEMO_VERSION, options, out=quiet)
        publish_wall = time.perf_counter() - started
        steps_total = sum(seconds for _, seconds in steps)
        timings.append(("publish: preflight", publish_wall - steps_total))
        timings.extend((f"publish: {title}", seconds) for title, seconds in steps)
        started = time.perf_counter()
        results = smoke.install_from_index(
            project="omi-openclaw",
            version=demo.DEMO_VERSION,
            index_url=prod_index.index_url,
            extra_index_url=None,
            package="omi_openclaw",
            commands=["omi --version"],
            timeout=600,
        )
        smoke.check_smoke(results)
        timings.append(("install from the production index", time.perf_counter() - started))
        return timings
    finally:
        plan.execute = real_execute
        os.environ.clear()
        os.environ.update(saved)
        test_index.stop()
        prod_index.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def preflight_with_and_without_cache(rounds: int) -> tuple[list[float], list[float], str]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-preflight-"))
    test_index, prod_index = LocalIndex(workdir / "test"), LocalIndex(workdir / "prod")
    saved = dict(os.environ)
    try:
        project = demo.prepare_project(workdir, quiet)
        test_index.start()
        prod_index.start()
        os.environ.update(demo.demo_env(test_index, prod_index))
        cfg = config.load(project)
        store = CheckCache(project, by="release-check")
        checklist.run_items(checklist.Context(cfg, cache=store))  # release-check records
        cached: list[float] = []
        fresh: list[float] = []
        lines: list[str] = []
        for _ in range(rounds):
            for use_cache, into in ((True, cached), (False, fresh)):
                shown: list[str] = []
                started = time.perf_counter()
                options = PublishOptions(yes=True, allow_unknown=True, use_cache=use_cache)
                preflight(
                    Release(cfg, demo.DEMO_VERSION, options), run_checklist=True, out=shown.append
                )
                into.append(time.perf_counter() - started)
                if use_cache and not lines:  # the first: reusing what release-check recorded
                    lines = [line for line in shown if "mypy" in line or "black" in line]
        return cached, fresh, "\n".join(lines)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        test_index.stop()
        prod_index.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: Sequence[str]) -> int:
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    (cold, cold_cpu), (warm, warm_cpu) = whole_demo(), whole_demo("-R")
    print(f"nox -s demo (installs its venv): {cold:6.1f} s wall, {cold_cpu:6.1f} s CPU")
    print(
        f"nox -R -s demo (warm, reuses it): {warm:6.1f} s wall, {warm_cpu:6.1f} s CPU  (target ≤ 10 s)"
    )
    print("\nthe demo's phases (warm, in this process):")
    timings = phases()
    for name, seconds in timings:
        print(f"  {name:<62} {seconds:6.2f} s")
    print(f"  {'total':<62} {sum(s for _, s in timings):6.2f} s")
    cached, fresh, lines = preflight_with_and_without_cache(rounds)
    print(f"\npublish's preflight after release-check on the same tree (median of {rounds}):")
    print(f"  with the cache      {statistics.median(cached):6.2f} s   ({_listing(cached)})")
    print(f"  with --no-cache     {statistics.median(fresh):6.2f} s   ({_listing(fresh)})")
    print(
        "  what the cached preflight said:\n" + "\n".join(f"  {line}" for line in lines.split("\n"))
    )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


def _listing(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
