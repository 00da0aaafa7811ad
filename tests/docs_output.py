"""The output blocks of docs/, generated from what the code prints.

A generated block is a ``console`` fence right after a marker naming its scenario::

    <!-- output: notes -->
    ```console
    $ python -m release notes 0.3.0
    ...
    ```

Each scenario (``tests.docs_scenarios.SCENARIOS``) copies the sample into a fresh directory shown as ``/tmp/omi``, with a
git repository and a bare ``origin`` (shown as ``/tmp/origin.git``), and runs the documented
commands there as a user would (``python -m release …`` with this checkout's engine); the block
becomes the transcript. ``python -m tests.docs_output --write`` (``nox -s docs``) rewrites the
blocks; ``tests/test_docs_output.py`` fails when a block differs from what the code prints. Paths,
ports and today's date are written in a fixed form; timings and hashes are ignored when comparing.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from urllib.parse import urlsplit

from tests import engine_fork
from tests.docs_scenarios import DOC_DATE, REPO, SCENARIOS, Shell, sample_repo

DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
_BLOCK = re.compile(
    r"^<!-- output: (?P<name>[\w-]+) -->\n```console\n(?P<body>.*?)^```$", re.M | re.S
)
_TEMP_SUFFIX = re.compile(r"\b((?:nox-)?release-[a-z]+(?:-[a-z]+)*-)[a-z0-9_]{8}\b")
_PORT = re.compile(r"\b127\.0\.0\.1:(\d{4,5})\b")
_TIMING = re.compile(r"\b\d+(?:\.\d+)? ?s\b(?: \(\d+:\d\d:\d\d\))?")
_HEX = re.compile(r"\b[0-9a-f]{12,64}\b")
_AGE = re.compile(r"\b(?:just now|\d+ (?:s|min|h|days) ago)\b")  # a cached result's age


def transcript(name: str) -> str:
    """What scenario ``name`` prints, in the form the docs show it."""
    work = Path(tempfile.mkdtemp(prefix="docs-output-")).resolve()
    shell = Shell(work)
    try:
        sample_repo(shell)
        SCENARIOS[name](shell)
        # the test index is always 8001 and the index 8002, whichever a block names first
        ports = [urlsplit(server.url).port for server in shell.servers]
        return normalize("\n".join(shell.lines) + "\n", work, [p for p in ports if p])
    finally:
        for server in shell.servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def normalize(text: str, work: Path, known_ports: Sequence[int] = ()) -> str:
    """Machine-specific details in their documented form: /tmp/omi, ports, python3.11, the date."""
    text = text.replace(str(work), "/tmp").replace(
        str(Path(tempfile.gettempdir()).resolve()), "/tmp"
    )
    text = _TEMP_SUFFIX.sub(r"\1x", text)
    text = re.sub(r"python3\.\d+", "python3.11", text)
    text = text.replace(datetime.date.today().isoformat(), DOC_DATE)
    ports = {str(port): str(8001 + number) for number, port in enumerate(known_ports)}
    return _PORT.sub(lambda m: "127.0.0.1:" + ports.setdefault(m[1], str(8001 + len(ports))), text)


def comparable(text: str) -> str:
    """What must match between docs and code: timings, hashes and ages may differ run to run."""
    return _AGE.sub("<age>", _HEX.sub("<hash>", _TIMING.sub("N s", text)))


@dataclass(frozen=True)
class Block:
    path: Path
    name: str
    body: str


def blocks() -> list[Block]:
    """Every marked output block in the README and docs/."""
    return [
        Block(path, match["name"], match["body"])
        for path in DOCS
        for match in _BLOCK.finditer(path.read_text(encoding="utf-8"))
    ]


def stale(only: set[str] | None = None) -> list[str]:
    """A diff for each block that differs from what its scenario prints now."""
    diffs = []
    for block in blocks():
        if only is not None and block.name not in only:
            continue
        fresh = transcript(block.name)
        if comparable(fresh) != comparable(block.body):
            where = f"{block.path.relative_to(REPO)} [{block.name}]"
            diff = difflib.unified_diff(
                block.body.splitlines(), fresh.splitlines(), where, "the code now", lineterm=""
            )
            diffs.append("\n".join(diff))
    return diffs


def write(only: set[str] | None = None) -> list[Path]:
    """Rewrite every marked block with what its scenario prints; the files that changed."""
    changed = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")

        def fresh(match: re.Match[str]) -> str:
            if only is not None and match["name"] not in only:
                return match[0]
            body = transcript(match["name"])
            if comparable(body) == comparable(match["body"]):
                return match[0]  # only timings or hashes differ: keep the page as it is
            return f"<!-- output: {match['name']} -->\n```console\n{body}```"

        new = _BLOCK.sub(fresh, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.docs_output", description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the blocks (else: check)")
    parser.add_argument("names", nargs="*", help="only these scenarios")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    only = set(args.names) or None
    if args.write:
        for path in write(only):
            print(f"rewrote {path.relative_to(REPO)}")
        return 0
    diffs = stale(only)
    print("\n\n".join(diffs) or "docs/ shows what the code prints")
    return 1 if diffs else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        engine_fork.stop()  # the engine's fork server, if a scenario started it
