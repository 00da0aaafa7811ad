"""The ``omi`` command: ``--version``, ``init --data-dir DIR`` and ``status --data-dir DIR``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__version__ = "0.2.0"

STATE_FILE = "omi.json"


def init(data_dir: Path) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    state = data_dir / STATE_FILE
    if state.exists():
        print(f"already initialised: {state}")
        return 0
    state.write_text(json.dumps({"version": __version__, "notes": []}), encoding="utf-8")
    print(f"initialised {state}")
    return 0


def status(data_dir: Path) -> int:
    state = data_dir / STATE_FILE
    if not state.exists():
        print(f"not initialised: run 'omi init --data-dir {data_dir}'", file=sys.stderr)
        return 1
    data = json.loads(state.read_text(encoding="utf-8"))
    print(f"OMI data in {data_dir}: created by {data['version']}, {len(data['notes'])} notes")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omi", description=__doc__)
    parser.add_argument("--version", action="version", version=f"omi {__version__}")
    commands = parser.add_subparsers(dest="command")
    for name in ("init", "status"):
        sub = commands.add_parser(name)
        sub.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "init":
        return init(args.data_dir)
    if args.command == "status":
        return status(args.data_dir)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
