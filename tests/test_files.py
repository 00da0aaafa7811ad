"""Several files written as one: all change, or (after a failure or Ctrl-C) none does."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from release import files
from release.files import read_text, unified_diff, write_together
from tests.conftest import failing, failing_replace


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` with its bytes and mode."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / "a.txt", tmp_path / "sub" / "b.py", tmp_path / "c.md"]
    paths[1].parent.mkdir()
    paths[0].write_bytes(b"alpha\r\nline two\r\n")
    paths[1].write_bytes(b'__version__ = "0.2.0"\n')
    paths[2].write_bytes(b"# gamma\n")
    os.chmod(paths[1], 0o755)
    return paths


def test_all_files_are_written_exactly(three: list[Path]) -> None:
    a, b, c = three
    write_together({a: "alpha\r\nline 2\r\n", b: '__version__ = "0.3.0"\n', c: "# gamma ü\n"})
    assert a.read_bytes() == b"alpha\r\nline 2\r\n"
    assert b.read_bytes() == b'__version__ = "0.3.0"\n'
    assert c.read_bytes() == "# gamma ü\n".encode()
    assert stat.S_IMODE(b.stat().st_mode) == 0o755
    assert sorted(p.name for p in a.parent.iterdir()) == ["a.txt", "c.md", "sub"]


def test_read_text_keeps_crlf(three: list[Path]) -> None:
    assert read_text(three[0]) == "alpha\r\nline two\r\n"


def test_a_new_file_is_created_with_ordinary_permissions(tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    write_together({new: "hello\n"})
    assert new.read_text() == "hello\n"
    assert stat.S_IMODE(new.stat().st_mode) & 0o600 == 0o600


@pytest.mark.parametrize(
    "error",
    [OSError(28, "No space left on device"), KeyboardInterrupt()],
    ids=["oserror", "keyboard-interrupt"],
)
@pytest.mark.parametrize("fail_on", [1, 2, 3])
def test_a_failing_rename_leaves_every_file_as_it_was(
    three: list[Path], monkeypatch: pytest.MonkeyPatch, fail_on: int, error: BaseException
) -> None:
    root = three[0].parent
    before = snapshot(root)
    monkeypatch.setattr("release.files.os.replace", failing_replace(fail_on, error))
    with pytest.raises(type(error)):
        write_together({path: "changed\n" for path in three})
    assert snapshot(root) == before  # same bytes, same modes, no temporary files left


def test_a_rename_failing_on_every_call_is_still_restored(
    three: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restoring falls back to writing in place when renames keep failing after the first."""
    root = three[0].parent
    before = snapshot(root)
    replace = failing(os.replace, 3, PermissionError("denied"), from_then_on=True)
    monkeypatch.setattr("release.files.os.replace", replace)
    with pytest.raises(PermissionError):
        write_together({path: "changed\n" for path in three})
    assert snapshot(root) == before


def test_a_failing_temp_write_changes_nothing(
    three: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = three[0].parent
    before = snapshot(root)
    monkeypatch.setattr(files, "_write_temp", failing(files._write_temp, 3, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_together({path: "changed\n" for path in three})
    assert snapshot(root) == before


def test_a_target_in_a_missing_directory_changes_nothing(tmp_path: Path, three: list[Path]) -> None:
    before = snapshot(tmp_path)
    edits = {path: "changed\n" for path in three}
    edits[tmp_path / "gone" / "d.txt"] = "new\n"
    with pytest.raises(FileNotFoundError):
        write_together(edits)
    assert snapshot(tmp_path) == before


def test_unified_diff(three: list[Path]) -> None:
    root = three[0].parent
    diff = unified_diff(root, {three[1]: '__version__ = "0.3.0"\n', three[2]: "# gamma\n"})
    assert diff == (
        "--- a/sub/b.py\n"
        "+++ b/sub/b.py\n"
        "@@ -1 +1 @@\n"
        '-__version__ = "0.2.0"\n'
        '+__version__ = "0.3.0"\n'
    )


def test_unified_diff_marks_a_missing_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_text("0.2.0")
    diff = unified_diff(tmp_path, {path: "0.3.0"})
    assert diff.splitlines()[3:] == [
        "-0.2.0",
        "\\ No newline at end of file",
        "+0.3.0",
        "\\ No newline at end of file",
    ]
