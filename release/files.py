"""Writing several files as one: all of them change, or none does.

Each new text goes to a temporary file next to its target first; only when every temporary file
is written are they renamed over the targets (``os.replace``, atomic per file). If a rename fails
or the user interrupts, the files already replaced get their original bytes back before the error
is re-raised. Texts are written exactly as given: no newline translation, so CRLF stays CRLF.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


def read_text(path: Path) -> str:
    """The exact text of ``path`` (UTF-8, line endings untouched)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


@dataclass(frozen=True)
class _Original:
    path: Path
    data: bytes | None  # None: the file did not exist
    mode: int | None


def _remember(path: Path) -> _Original:
    try:
        return _Original(path, path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    except FileNotFoundError:
        return _Original(path, None, None)


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_temp(path: Path, data: bytes, mode: int | None) -> Path:
    """``data`` in a new temporary file in ``path``'s directory, with ``mode`` when given."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temp, mode)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def write_together(edits: Mapping[Path, str]) -> None:
    """Write every ``path -> text`` in ``edits`` so that either all files change or none does."""
    originals = [_remember(Path(path)) for path in edits]
    temps: dict[Path, Path] = {}
    replaced: list[_Original] = []
    try:
        for original in originals:
            text = edits[original.path]
            mode = original.mode if original.mode is not None else _new_file_mode()
            temps[original.path] = _write_temp(original.path, text.encode("utf-8"), mode)
        for original in originals:
            replaced.append(original)  # before the rename: restoring an unchanged file is harmless
            os.replace(temps[original.path], original.path)
            del temps[original.path]
    except BaseException:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        _restore(replaced)
        raise


def _restore(replaced: list[_Original]) -> None:
    """Put back the original bytes (and mode) of files already replaced, newest first."""
    for original in reversed(replaced):
        if original.data is None:
            original.path.unlink(missing_ok=True)
            continue
        try:
            temp = _write_temp(original.path, original.data, original.mode)
            try:
                os.replace(temp, original.path)
            finally:
                temp.unlink(missing_ok=True)
        except BaseException:  # finish restoring even on a second Ctrl-C
            # The rename itself is what failed; write the bytes in place instead.
            original.path.write_bytes(original.data)
            if original.mode is not None:
                os.chmod(original.path, original.mode)


def unified_diff(root: Path, edits: Mapping[Path, str]) -> str:
    """A unified diff (``a/…``, ``b/…`` relative to ``root``) of what ``edits`` would change."""
    chunks: list[str] = []
    for path in sorted(edits, key=str):
        before = read_text(path) if path.exists() else ""
        after = edits[path]
        if before == after:
            continue
        name = _relative(root, path)
        lines = difflib.unified_diff(
            _lines(before), _lines(after), fromfile=f"a/{name}", tofile=f"b/{name}"
        )
        chunks.append("".join(lines))
    return "".join(chunks)


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
