"""How long ``release.changelog.release()`` takes on a CHANGELOG of 50, 500 and 5,000 releases.

Run from the repository root: ``python benchmarks/changelog.py`` (``--strict`` exits 1 when the
5,000-release run is over the 50 ms target or the cost per release grows faster than linearly).

Each synthetic release has an Added, Changed and Fixed category with wrapped bullets, a compare
link and a row in a bottom "Version Comparison" table, so 5,000 releases make about 100,000 lines.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from release import changelog  # noqa: E402  (after the path set-up above)

SIZES = (50, 500, 5_000)
TARGET_MS = 50.0
BASE = "https://github.com/example/project"
HEADER = """\
# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [Unreleased]

### Added
- A new `frobnicate` command.

"""


def version_of(index: int) -> str:
    """The version of the ``index``-th oldest release (0 is the first)."""
    return f"{index // 100}.{index // 10 % 10}.{index % 10}"


def section(index: int, day: datetime.date) -> str:
    return (
        f"## [{version_of(index)}] - {day.isoformat()}\n"
        "\n"
        "### Added\n"
        f"- `command-{index}` reads its settings from `pyproject.toml`.\n"
        "- A longer entry that explains a new option and is wrapped\n"
        "  onto a second line, as people write them.\n"
        f"- Support for format number {index}.\n"
        "\n"
        "### Changed\n"
        "- Messages name the file and line.\n"
        "- **BREAKING:** nothing, really.\n"
        "- Faster start-up.\n"
        "\n"
        "### Fixed\n"
        f"- Crash on empty input (#{index}).\n"
        "- Wrong exit code on Windows.\n"
        "- Typos in the help text.\n"
        "\n"
    )


def build(releases: int) -> str:
    """A valid CHANGELOG with ``releases`` dated releases, compare links and a version table."""
    start = datetime.date(2000, 1, 1)
    newest_first = range(releases - 1, -1, -1)
    days = {index: start + datetime.timedelta(days=index) for index in newest_first}
    parts = [HEADER]
    parts += [section(index, days[index]) for index in newest_first]
    parts.append(f"[Unreleased]: {BASE}/compare/v{version_of(releases - 1)}...HEAD\n")
    for index in newest_first:
        version = version_of(index)
        if index:
            parts.append(f"[{version}]: {BASE}/compare/v{version_of(index - 1)}...v{version}\n")
        else:
            parts.append(f"[{version}]: {BASE}/releases/tag/v{version}\n")
    parts.append("\n---\n\n## Version Comparison\n\n| Version | Date | Highlights |\n")
    parts.append("|---------|------|------------|\n")
    for index in newest_first:
        parts.append(f"| {version_of(index)} | {days[index].isoformat()} | Format {index} |\n")
    return "".join(parts)


def time_release(text: str, version: str, repeat: int) -> float:
    """The best of ``repeat`` runs of release(), in seconds."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        changelog.release(text, version, "2030-01-01")
        best = min(best, time.perf_counter() - began)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per size; the best counts")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    print(f"{'releases':>9} {'lines':>8} {'release()':>11} {'per release':>12} {'ratio':>6}")
    per_release: list[float] = []
    seconds = 0.0
    for size in SIZES:
        text = build(size)
        released = changelog.release(text, version_of(size), "2030-01-01")
        assert changelog.is_released(released, version_of(size))
        seconds = time_release(text, version_of(size), args.repeat)
        per_release.append(seconds / size)
        ratio = per_release[-1] / per_release[0]
        print(
            f"{size:>9,} {text.count(chr(10)):>8,} {seconds * 1000:>9.2f}ms "
            f"{per_release[-1] * 1e6:>10.2f}µs {ratio:>6.2f}"
        )
    verdicts = [
        (seconds * 1000 <= TARGET_MS, f"5,000 releases in {seconds * 1000:.1f} ms (target ≤ 50)"),
        (
            per_release[-1] <= 1.5 * per_release[1],
            "cost per release from 500 to 5,000 releases grows no worse than linearly",
        ),
    ]
    for ok, claim in verdicts:
        print(f"{'ok  ' if ok else 'MISS'} {claim}")
    return 0 if all(ok for ok, _ in verdicts) or not args.strict else 1


if __name__ == "__main__":
    raise SystemExit(main())
