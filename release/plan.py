"""A release is a plan: a list of steps, each able to describe itself, to tell from real state
whether it is already done, and to run. The same code prints a dry run and executes the release,
so what ``--dry-run`` shows is what ``publish`` does; a re-run skips what is done and resumes.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

from .errors import Aborted
from .output import Out


class Step(Protocol):
    """One release step."""

    title: str
    #: True for actions that cannot be taken back (an upload, a push): asked for before running.
    irreversible: bool

    def describe(self) -> str:
        """What the step does, in one line, with the real names (files, tags, URLs)."""
        ...

    def is_done(self) -> bool:
        """Whether real state (files, git, the remote, the index) shows the step already done."""
        ...

    def skip_reason(self) -> str | None:
        """Why the step does not apply to this release (shown as SKIPPED), or None."""
        ...

    def run(self, out: Out) -> None: ...


@dataclass(frozen=True)
class StepState:
    number: int
    step: Step
    done: bool
    skipped: str | None = None


def survey(steps: Sequence[Step]) -> list[StepState]:
    """Ask each step whether it is done. Read-only."""
    states = []
    for number, step in enumerate(steps, 1):
        reason = step.skip_reason()
        states.append(StepState(number, step, reason is None and step.is_done(), reason))
    return states


def render(states: Sequence[StepState]) -> str:
    lines = []
    for state in states:
        if state.skipped:
            lines.append(f"  {state.number:>2}. [skip ] {state.step.title}: {state.skipped}")
            continue
        mark = "done " if state.done else "to do"
        flag = "  (irreversible)" if state.step.irreversible and not state.done else ""
        lines.append(
            f"  {state.number:>2}. [{mark}] {state.step.title}: {state.step.describe()}{flag}"
        )
    return "\n".join(lines)


def ask_terminal(question: str) -> bool:
    """``question [y/N]`` on a terminal; with no terminal there is nobody to say yes."""
    if not sys.stdin.isatty():
        raise Aborted(
            "no terminal to ask for confirmation before an irreversible step",
            "re-run with --yes to confirm in advance (e.g. in CI)",
        )
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def execute(
    steps: Sequence[Step],
    *,
    confirm: Callable[[str], bool] | None,
    out: Out,
    clock: Callable[[], float] = time.perf_counter,
) -> list[tuple[str, float]]:
    """Run every step that is not done, in order; ask once before the first irreversible one.

    ``confirm`` None means the user said yes in advance. Returns (title, seconds) for each step.
    """
    timings: list[tuple[str, float]] = []
    asked = confirm is None
    for number, step in enumerate(steps, 1):
        reason = step.skip_reason()
        if reason:
            out(f"[{number:>2}] {step.title}: SKIPPED ({reason})")
            timings.append((step.title, 0.0))
            continue
        if step.is_done():
            out(f"[{number:>2}] {step.title}: already done, skipped")
            timings.append((step.title, 0.0))
            continue
        if step.irreversible and not asked:
            pending = [
                s.describe() for s in steps[number - 1 :] if s.irreversible and not s.skip_reason()
            ]
            out("The next steps cannot be undone:\n" + "\n".join(f"  - {p}" for p in pending))
            assert confirm is not None
            if not confirm("Proceed?"):
                raise Aborted(
                    f"stopped before '{step.title}'; nothing irreversible was done",
                    "re-run when ready: the steps already done are skipped",
                )
            asked = True
        out(f"[{number:>2}] {step.title}: {step.describe()}")
        started = clock()
        step.run(out)
        elapsed = clock() - started
        timings.append((step.title, elapsed))
        out(f"     ok ({elapsed:.1f} s)")
    return timings
