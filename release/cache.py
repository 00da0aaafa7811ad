"""Check results cached by what they checked.

A PASS is worth remembering only together with everything it depends on: the tree of tracked files
it ran on, the tool and its version, the Python and the installed distributions it ran with, and the
settings that steer it. :class:`CheckCache` stores PASS rows under a digest of exactly that, so a
later run (publish's preflight after ``release-check``) can reuse one and say where it came from,
while any change to the tree, the tool or the environment makes it run again. Nothing else is
cached: a FAIL, a WARN or an UNKNOWN is always checked afresh.

The store is one JSON file in the repository's git directory (``.git/nox-release-cache/``, apart
from publish's records in ``.git/nox-release/``), so it never shows up as a change in the work
tree, and it is written atomically (a temp file, then a rename): a reader sees the old file or the
new one, never half of one. It is a cache: an unreadable file is an
empty cache, and a lost write only means a check runs again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from . import proc
from .errors import ReleaseError, ToolFailed
from .git import Git

DIR_NAME = "nox-release-cache"  # beside .git/nox-release (publish's records), not in it
FILE_NAME = "checks.json"
MAX_ENTRIES = 256  # oldest entries go first; a few hundred trees is plenty for a cache
PASS = "PASS"

RowData = Mapping[str, str]


@dataclass(frozen=True)
class Key:
    """What a check's result depends on. ``digest`` is the cache key."""

    item: str
    tree: str
    tool: str
    environment: str
    config: str

    @property
    def digest(self) -> str:
        text = json.dumps([self.item, self.tree, self.tool, self.environment, self.config])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Hit:
    """A stored PASS: its rows, which command recorded it and when (seconds since the epoch)."""

    rows: tuple[dict[str, str], ...]
    by: str
    at: float

    def describe(self, now: float | None = None) -> str:
        """``from release-check 3 min ago, same tree``."""
        return (
            f"from {self.by} {age((now if now is not None else time.time()) - self.at)}, same tree"
        )


def age(seconds: float) -> str:
    """A short human age: ``just now``, ``40 s ago``, ``3 min ago``, ``2 h ago``, ``5 days ago``."""
    seconds = max(0.0, seconds)
    if seconds < 5:
        return "just now"
    if seconds < 60:
        return f"{seconds:.0f} s ago"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def tool_version(distribution: str) -> str:
    """``mypy 1.18.2`` for the distribution installed where the engine (and the tool) runs."""
    try:
        return f"{distribution} {importlib.metadata.version(distribution)}"
    except importlib.metadata.PackageNotFoundError:
        return f"{distribution} (not installed)"


def environment_digest() -> str:
    """The Python and every installed distribution with its version (what a type check or test run
    can see besides the tree), as one digest. Read from the names of the ``.dist-info`` (and
    legacy ``.egg-info``) directories on sys.path, which installers name ``NAME-VERSION``: parsing
    every distribution's METADATA took a hundred times longer, on every run."""
    names = sorted(
        {
            entry.name
            for folder in sys.path
            if os.path.isdir(folder or ".")
            for entry in os.scandir(folder or ".")
            if entry.name.endswith((".dist-info", ".egg-info"))
        }
    )
    text = "\n".join([sys.implementation.name, sys.version, *names])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CheckCache:
    """The cache of one repository. ``enabled=False`` (``--no-cache``) looks nothing up but still
    records fresh PASS results, so the next run can reuse them."""

    def __init__(self, root: Path, *, by: str, enabled: bool = True) -> None:
        self.root = root
        self.by = by
        self.enabled = enabled
        self._lock = threading.Lock()
        self._tree: str | None = None
        self._untracked: list[str] = []
        self._tree_known = False
        self._environment: str | None = None
        self._path: Path | None = None

    # -- what a result depends on ----------------------------------------------------------------

    def tree(self, paths: Sequence[str] | None = None) -> str | None:
        """The git tree of the tracked files as they are now (uncommitted changes included), or
        None when a result cannot be tied to a tree: not a git repository, or an untracked file
        the tool could see (under ``paths``, or at the top of the project where tools read their
        configuration; with ``paths=None``, any untracked file)."""
        with self._lock:
            if not self._tree_known:
                self._tree, self._untracked = self._current_tree()
                self._tree_known = True
        if self._tree is None or any(_visible(name, paths) for name in self._untracked):
            return None
        return self._tree

    def _git(self, *args: str) -> proc.Result:
        try:
            return proc.run(["git", *args], cwd=self.root, redact_output=False)
        except ToolFailed as error:  # no git: nothing can be tied to a tree
            return proc.Result(("git", *args), 127, "", error.message)

    def _current_tree(self) -> tuple[str | None, list[str]]:
        status = self._git("status", "--porcelain", "--untracked-files=normal", "--", ".")
        if not status.ok:
            return None, []
        untracked = [line[3:] for line in status.stdout.splitlines() if line.startswith("??")]
        try:
            return Git(self.root).worktree_tree(), untracked
        except ReleaseError:  # a result that can't be tied to a tree is not stored
            return None, untracked

    def environment(self) -> str:
        with self._lock:
            if self._environment is None:
                self._environment = environment_digest()
            return self._environment

    def key(
        self,
        item: str,
        tool: str,
        config: Mapping[str, Any],
        paths: Sequence[str] | None = None,
    ) -> Key | None:
        """The key of ``item`` checked by ``tool`` (name and version) with ``config`` on
        ``paths``; None when the tree cannot be named (then nothing is cached)."""
        tree = self.tree(paths)
        if tree is None:
            return None
        settings = json.dumps(config, sort_keys=True, default=str)
        return Key(item, tree, tool, self.environment(), settings)

    # -- the store -------------------------------------------------------------------------------

    def path(self) -> Path | None:
        """``<git common dir>/nox-release-cache/checks.json`` (shared by the repository's worktrees:
        the same tree is the same content), or None outside a git repository."""
        if self._path is None:
            found = self._git("rev-parse", "--path-format=absolute", "--git-common-dir")
            if not found.ok or not found.stdout.strip():
                return None
            self._path = Path(found.stdout.strip()) / DIR_NAME / FILE_NAME
        return self._path

    def _load(self) -> dict[str, Any]:
        path = self.path()
        if path is None or not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        entries = data.get("entries") if isinstance(data, dict) else None
        return entries if isinstance(entries, dict) else {}

    def get(self, key: Key | None) -> Hit | None:
        """The stored PASS for ``key``; None when disabled, unknown or unreadable."""
        if key is None or not self.enabled:
            return None
        entry = self._load().get(key.digest)
        if not isinstance(entry, dict):
            return None
        try:
            rows = tuple({str(k): str(v) for k, v in row.items()} for row in entry["rows"])
            hit = Hit(rows=rows, by=str(entry["by"]), at=float(entry["at"]))
        except (TypeError, KeyError, ValueError, AttributeError):
            return None
        if not rows or any(row.get("status") != PASS for row in rows):
            return None
        return hit

    def put(self, key: Key | None, rows: Sequence[RowData]) -> bool:
        """Record ``rows`` when every one of them is a PASS; True when stored."""
        path = self.path()
        if key is None or path is None or not rows:
            return False
        if any(row.get("status") != PASS for row in rows):
            return False
        entry = {
            "rows": [dict(row) for row in rows],
            "by": self.by,
            "at": time.time(),
            "item": key.item,
            "tree": key.tree,
            "tool": key.tool,
        }
        with self._lock:
            entries = self._load()
            entries.pop(key.digest, None)
            entries[key.digest] = entry
            while len(entries) > MAX_ENTRIES:
                entries.pop(next(iter(entries)))
            try:
                _write_atomically(path, json.dumps({"version": 1, "entries": entries}, indent=1))
            except OSError:
                return False
        return True


def _visible(untracked: str, paths: Sequence[str] | None) -> bool:
    """Could a tool checking ``paths`` see the untracked file or directory (``dir/``)? Top-level
    files always count: tools read their configuration there."""
    if paths is None:
        return True
    name = untracked.rstrip("/")
    if "/" not in name and not untracked.endswith("/"):
        return True
    for path in paths:
        base = path.removeprefix("./").strip("/")
        if base in ("", ".") or name == base or name.startswith(base + "/"):
            return True
        if base.startswith(name + "/"):  # an untracked directory holding a checked path
            return True
    return False


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text + "\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
