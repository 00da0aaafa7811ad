"""``release-check`` on this repository against the same tools run by hand, one after another.

1. Warms the session venv (``nox -s release-check --install-only``), then times
   ``nox -R -s release-check`` (reuse the venv, install nothing).
2. In that same prepared venv, times the tools run by hand one after another: pytest under
   coverage, mypy, black --check, build, and the smoke test (a fresh venv with the wheel and
   ``nox-release --version``).
3. Prints the ratio of (1) to (2). Target: ≤ 0.8 on a 2-core machine (the checklist runs
   independent items concurrently).
4. Prints the cold-start time of the session venv (create + install everything) with uv and with
   virtualenv, each into an empty temporary envdir.

    python benchmarks/release_check.py [--skip-cold]

It runs the whole test suite twice (and installs the session twice more), so it takes minutes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent


def timed(args: Sequence[str | Path], *, check: bool = True, cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if check and done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"failed: {' '.join(map(str, args))}")
    return elapsed


def nox(*args: str) -> list[str]:
    return [sys.executable, "-m", "nox", *args]


def by_hand(python: Path) -> list[tuple[str, float]]:
    scratch = Path(tempfile.mkdtemp(prefix="bench-by-hand-"))
    try:
        steps = [
            ("pytest + coverage", [python, "-m", "coverage", "run", "-m", "pytest", "-q"]),
            ("mypy", [python, "-m", "mypy", "release", "noxfile.py", "tests"]),
            (
                "black --check",
                [python, "-m", "black", "--check", "release", "noxfile.py", "tests", "benchmarks"],
            ),
            ("build", [python, "-m", "build", "--installer", "uv", "--outdir", scratch / "dist"]),
        ]
        results = [(name, timed(args, check=name != "pytest + coverage")) for name, args in steps]
        wheel = next((scratch / "dist").glob("*.whl"))
        started = time.perf_counter()
        uv = shutil.which("uv") or "uv"
        subprocess.run([uv, "venv", "-q", scratch / "venv"], check=True)
        subprocess.run(
            [uv, "pip", "install", "-q", "--python", scratch / "venv" / "bin" / "python", wheel],
            check=True,
        )
        subprocess.run(
            [scratch / "venv" / "bin" / "nox-release", "--version"], check=True, capture_output=True
        )
        results.append(("smoke", time.perf_counter() - started))
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def cold(backend: str) -> float:
    envdir = Path(tempfile.mkdtemp(prefix=f"bench-cold-{backend}-"))
    try:
        return timed(
            nox(
                "--envdir",
                str(envdir),
                "--force-venv-backend",
                backend,
                "-s",
                "release-check",
                "--install-only",
            )
        )
    finally:
        shutil.rmtree(envdir, ignore_errors=True)


def main(argv: Sequence[str]) -> int:
    print("warming the release-check venv …")
    timed(nox("-s", "release-check", "--install-only"))
    python = ROOT / ".nox" / "release-check" / "bin" / "python"
    check_time = timed(nox("-R", "-s", "release-check"), check=False)
    hand = by_hand(python)
    hand_total = sum(seconds for _, seconds in hand)
    print(f"{'nox -R -s release-check':<28} {check_time:8.1f} s")
    for name, seconds in hand:
        print(f"  by hand: {name:<17} {seconds:8.1f} s")
    print(f"{'by hand, one after another':<28} {hand_total:8.1f} s")
    print(f"ratio release-check / by hand: {check_time / hand_total:.2f}  (target ≤ 0.8)")
    if "--skip-cold" not in argv:
        for backend in ("uv", "virtualenv"):
            print(f"cold start of the session venv with {backend:<10}: {cold(backend):6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
