"""The install check of a release that has dependencies, by uv and by pip.

``publish-test`` and ``upload`` end by installing the release from the index into a brand-new venv
(the project alone, proven to come from there), then its dependencies from the index, then the smoke
checks. For a project with dependencies the second install is most of the check. This script puts
nox-release itself on a local pypiserver (its wheel, built from this checkout, and the wheels of
its dependencies, downloaded from the package registry as PyPI serves them), then runs
``release.smoke.install_from_index`` against it ``ROUNDS`` times each way, alternating: with uv on
PATH, and with uv hidden (pip). It prints the median wall and CPU time (user + system of the
processes it started) of each, and their ratio.

pypiserver here answers one request at a time and its listen queue holds 5 connections; uv opens
up to 50 downloads at once, and every connection the queue drops costs a 1 s TCP retry. The script
sets ``UV_CONCURRENT_DOWNLOADS=4`` (kept through the install check's isolation, like pip's
transport settings) unless it is set already, so that the server is not what is measured.

    python benchmarks/verify.py [ROUNDS]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from release import dist, smoke  # noqa: E402
from release.config import read_pyproject  # noqa: E402
from release.localindex import LocalIndex  # noqa: E402
from release.smoke import uvinstall  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def verify(server: LocalIndex, version: str) -> tuple[float, float, str]:
    """One install check: (wall s, CPU s, the dependency row's detail)."""
    wall, cpu = time.perf_counter(), children_cpu()
    results = smoke.install_from_index(
        project="nox-release",
        version=version,
        index_url=server.index_url,
        extra_index_url=None,
        package="release",
        commands=[],
    )
    wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
    failed = [result for result in results if not result.ok]
    if failed:
        raise SystemExit(f"the install check failed: {failed}")
    return wall, cpu, results[1].detail


def main() -> None:
    os.environ.setdefault("UV_CONCURRENT_DOWNLOADS", "4")
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    if uvinstall.uv_binary() is None:
        raise SystemExit("uv is not on PATH: there is nothing to compare")
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as scratch:
        server = LocalIndex(Path(scratch) / "index")
        built = dist.build(ROOT, Path(scratch) / "dist")
        wheel = next(path for path in built if path.name.endswith(".whl"))
        version = wheel.name.split("-")[1]
        requirements = [
            str(r) for r in read_pyproject(ROOT / "pyproject.toml")["project"]["dependencies"]
        ]
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:"]
            + ["--dest", str(server.packages), *requirements],
            check=True,
        )
        (server.packages / wheel.name).write_bytes(wheel.read_bytes())
        print(
            f"index: nox-release {version} and {len(list(server.packages.iterdir())) - 1} "
            "dependency wheels"
        )
        server.start()
        try:
            times: dict[str, list[tuple[float, float]]] = {"uv": [], "pip": []}
            real_uv = uvinstall.uv_binary
            for _ in range(rounds):
                for installer in ("uv", "pip"):
                    uvinstall.uv_binary = real_uv if installer == "uv" else (lambda: None)
                    wall, cpu, detail = verify(server, version)
                    times[installer].append((wall, cpu))
                    print(f"  {installer:<3} {wall:6.2f} s wall {cpu:6.2f} s CPU  ({detail})")
            uvinstall.uv_binary = real_uv
        finally:
            server.stop()
    medians = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in times.items()
    }
    for name, (wall, cpu) in medians.items():
        print(f"{name:<3} median: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(
        f"ratio uv / pip: wall {medians['uv'][0] / medians['pip'][0]:.2f}, "
        f"CPU {medians['uv'][1] / medians['pip'][1]:.2f}"
    )


if __name__ == "__main__":
    main()
