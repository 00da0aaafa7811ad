"""The release record: what travels with the annotated tag. Pure (no effects).

The tag message is ``Release version X``, a blank line, the release notes verbatim, and then the
record: the branch the release goes to and the name and sha256 of every file that was tested.
Any clone that has the tag knows which bytes make the release, whatever its HEAD and its dist/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = "-- nox-release record --"
_FILE = re.compile(r"^file (?P<name>\S+) sha256:(?P<sha>[0-9a-f]{64})$")
_BRANCH = re.compile(r"^branch (?P<branch>\S+)$")


@dataclass(frozen=True)
class Record:
    """What the tag says about its release."""

    version: str
    notes: str
    branch: str | None = None
    files: dict[str, str] = field(default_factory=dict)


def first_line(version: str) -> str:
    return f"Release version {version}"


def message(record: Record) -> str:
    """The annotated tag's message (to be written with ``--cleanup=verbatim``)."""
    lines = [first_line(record.version), "", record.notes.strip("\n"), "", MARKER]
    if record.branch:
        lines.append(f"branch {record.branch}")
    lines += [f"file {name} sha256:{sha}" for name, sha in sorted(record.files.items())]
    return "\n".join(lines) + "\n"


def is_release_tag(text: str, version: str) -> bool:
    """Whether a tag message is one this tool wrote for ``version``."""
    return text.splitlines()[:1] == [first_line(version)]


def parse(text: str, version: str) -> Record | None:
    """The record in a tag message; None when the tag was not made by this tool for ``version``."""
    if not is_release_tag(text, version):
        return None
    body, marker, tail = text.partition("\n" + MARKER + "\n")
    notes = body.split("\n", 1)[1] if "\n" in body else ""
    files: dict[str, str] = {}
    branch = None
    if marker:
        for line in tail.splitlines():
            found = _FILE.match(line.strip())
            if found:
                files[found["name"]] = found["sha"]
            elif _BRANCH.match(line.strip()):
                branch = line.strip().split(" ", 1)[1]
    return Record(version=version, notes=notes.strip("\n"), branch=branch, files=files)
