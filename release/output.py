"""How the engine talks to the user: the ``out`` callable every command takes, and the one way a
list of check results (smoke checks, install verifications) is printed.

Pure: no effect module is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

Out = Callable[[str], None]
"""Where a command writes its lines: ``print`` by default, a list's ``append`` in tests."""

# Under a publish step's ``[ n] title`` line, the step's own lines start at the title's column.
STEP_INDENT = "     "


def quiet(_: str) -> None:
    """An :data:`Out` that drops everything (a build inside a check prints nothing of its own)."""
    return None


@dataclass(frozen=True)
class CheckResult:
    """One check (a smoke check, an install): what was tried, whether it passed, the evidence."""

    what: str
    ok: bool
    detail: str


def result_lines(results: Sequence[CheckResult], indent: str = "  ") -> str:
    """One line per check, ``ok`` or ``FAIL`` first: ``  ok   import omi: __version__ 0.3.0``."""
    return "\n".join(
        f"{indent}{'ok  ' if result.ok else 'FAIL'} {result.what}: {result.detail}"
        for result in results
    )
