"""No message of the engine advises deleting, moving or force-pushing a tag (issue 8, point 3).

Every string constant in release/ (messages and hints are string literals or f-strings) is read
with ``ast`` and searched for the commands that would destroy a pushed release.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RELEASE = Path(__file__).resolve().parent.parent / "release"
FORBIDDEN = ("tag -d", "--delete", "push -f", "--force", "push --force", " :refs/tags/")


def string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
            found.append((node.lineno, str(text)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
    return found


def test_forbidden_strings_are_searched_in_real_sources() -> None:
    sources = sorted(RELEASE.rglob("*.py"))
    assert len(sources) > 20
    assert any("could not read" in text for path in sources for _, text in string_constants(path))


@pytest.mark.parametrize("needle", FORBIDDEN)
def test_no_message_advises_destroying_a_tag(needle: str) -> None:
    offending = []
    for path in sorted(RELEASE.rglob("*.py")):
        if "sample" in path.relative_to(RELEASE).parts:
            continue
        for line, text in string_constants(path):
            if needle not in text or text.strip() == needle:
                continue  # a bare option in an argv tuple is not advice
            if needle in ("--force", "--delete") and not any(
                git_verb in text for git_verb in ("git tag", "git push", "git fetch", "refs/tags")
            ):
                continue  # another tool's option (pip --force-reinstall, nox --force-python)
            offending.append(f"{path.relative_to(RELEASE.parent)}:{line}: {text!r}")
    assert offending == []
