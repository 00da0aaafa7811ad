"""The release record in the annotated tag: written verbatim (``#`` lines kept), read back whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from release import config, killpoint
from release.git import Git
from release.publish import Release, TagStep
from release.publish import record as records
from tests.conftest import git, one_commit_repo

NOTES = """### Fixed
- `omi status` no longer crashes on an empty store.

```toml
# a comment line, kept as written
[tool.omi]
```
#42 is the issue it closes
"""


def test_the_tag_message_keeps_the_notes_verbatim_with_hash_lines(tmp_path: Path) -> None:
    repo = one_commit_repo(tmp_path / "repo")
    made = records.Record(
        version="0.3.0",
        notes=NOTES,
        branch="main",
        files={"omi-0.3.0.tar.gz": "a" * 64, "omi-0.3.0-py3-none-any.whl": "b" * 64},
    )
    Git(repo).create_tag("v0.3.0", records.message(made))
    assert git(repo, "cat-file", "-t", "v0.3.0") == "tag"
    text = Git(repo).tag_message("v0.3.0")
    assert "# a comment line, kept as written" in text.splitlines()
    assert "#42 is the issue it closes" in text.splitlines()
    assert records.parse(text, "0.3.0") == records.Record(
        version="0.3.0", notes=NOTES.strip("\n"), branch="main", files=made.files
    )
    # A tag not made by the tool for this version has no record.
    assert records.parse(text, "0.3.1") is None
    assert records.parse("v0.3.0 by hand\n", "0.3.0") is None


def test_kill_point_kills_at_the_named_count_only() -> None:
    script = (
        "from release import killpoint\n"
        "for n in range(3):\n"
        "    killpoint.hit('other')\n"
        "    killpoint.hit('here')\n"
        "    print(n, flush=True)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    env[killpoint.VARIABLE] = "here:2"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -signal.SIGKILL
    assert done.stdout.split() == ["0"]
    env.pop(killpoint.VARIABLE)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.split() == ["0", "1", "2"]


def test_the_tag_step_says_what_the_record_holds(sample: Path) -> None:
    """A local upload records the tested files' sha256 in the tag; with publish-from = "ci" CI
    uploads its own build, the record names no file, and the plan says so."""
    cfg = config.load(sample)
    local = TagStep(Release(cfg, "0.3.0")).describe()
    by_ci = TagStep(Release(cfg, "0.3.0", ci_uploads=True)).describe()
    assert local == (
        "annotated tag v0.3.0 (local): the notes verbatim and the sha256 of the tested files"
    )
    assert by_ci == "annotated tag v0.3.0 (local): the notes verbatim"
