"""The plan runner (:mod:`release.plan`) with small stand-in steps: order, resume, confirmation."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Iterator

import pytest

from release import plan
from release.errors import Aborted
from release.output import Out


@dataclass
class FakeStep:
    """A step that records into ``journal`` when it runs or is asked whether it is done."""

    title: str
    journal: list[str]
    irreversible: bool = False
    done: bool = False
    skip: str | None = None
    fails: bool = False
    done_asked: int = field(default=0)

    def describe(self) -> str:
        return f"does {self.title}"

    def is_done(self) -> bool:
        self.done_asked += 1
        return self.done

    def skip_reason(self) -> str | None:
        return self.skip

    def run(self, out: Out) -> None:
        self.journal.append(f"run {self.title}")
        if self.fails:
            raise RuntimeError(f"{self.title} broke")
        out(f"     inside {self.title}")


class Recorder:
    """A confirm callback that answers ``answer`` and notes in the journal when it was asked."""

    def __init__(self, journal: list[str], answer: bool) -> None:
        self.journal = journal
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, question: str) -> bool:
        self.questions.append(question)
        self.journal.append("confirm")
        return self.answer


def ticking_clock(step: float = 0.5) -> Iterator[float]:
    now = 0.0
    while True:
        yield now
        now += step


@pytest.fixture
def journal() -> list[str]:
    return []


def test_steps_run_in_order_and_done_ones_are_skipped(journal: list[str]) -> None:
    steps = [
        FakeStep("one", journal),
        FakeStep("two", journal, done=True),
        FakeStep("three", journal),
    ]
    lines: list[str] = []
    plan.execute(steps, confirm=None, out=lines.append)
    assert journal == ["run one", "run three"]
    assert "[ 2] two: already done, skipped" in lines
    assert "[ 1] one: does one" in lines
    assert "     inside three" in lines


def test_skip_reason_is_shown_as_skipped_and_the_step_never_runs(journal: list[str]) -> None:
    skipped = FakeStep("github", journal, irreversible=True, skip="no token")
    steps = [FakeStep("one", journal), skipped]
    lines: list[str] = []
    recorder = Recorder(journal, answer=True)
    timings = plan.execute(steps, confirm=recorder, out=lines.append)
    assert journal == ["run one"]
    assert "[ 2] github: SKIPPED (no token)" in lines
    assert skipped.done_asked == 0
    # A skipped irreversible step is nothing to confirm.
    assert recorder.questions == []
    assert timings[1] == ("github", 0.0)


def test_confirm_is_asked_once_right_before_the_first_irreversible_step_to_run(
    journal: list[str],
) -> None:
    steps = [
        FakeStep("build", journal),
        FakeStep("upload test", journal, irreversible=True, done=True),
        FakeStep("verify", journal),
        FakeStep("push", journal, irreversible=True),
        FakeStep("upload", journal, irreversible=True),
        FakeStep("github", journal, irreversible=True, skip="no token"),
    ]
    lines: list[str] = []
    recorder = Recorder(journal, answer=True)
    plan.execute(steps, confirm=recorder, out=lines.append)
    assert journal == ["run build", "run verify", "confirm", "run push", "run upload"]
    assert recorder.questions == ["Proceed?"]
    listing = next(line for line in lines if line.startswith("The next steps cannot be undone"))
    assert "  - does push" in listing and "  - does upload" in listing
    assert "does build" not in listing and "does verify" not in listing
    assert "does github" not in listing  # skipped: it will not happen


def test_declining_stops_before_the_irreversible_step_runs(journal: list[str]) -> None:
    steps = [
        FakeStep("build", journal),
        FakeStep("push", journal, irreversible=True),
        FakeStep("upload", journal, irreversible=True),
    ]
    with pytest.raises(Aborted) as caught:
        plan.execute(steps, confirm=Recorder(journal, answer=False), out=lambda _: None)
    assert journal == ["run build", "confirm"]
    assert "push" in caught.value.message
    assert "nothing irreversible was done" in caught.value.message
    assert caught.value.hint


def test_nothing_is_asked_when_every_irreversible_step_is_done(journal: list[str]) -> None:
    steps = [
        FakeStep("build", journal),
        FakeStep("push", journal, irreversible=True, done=True),
    ]
    recorder = Recorder(journal, answer=False)
    plan.execute(steps, confirm=recorder, out=lambda _: None)
    assert journal == ["run build"]
    assert recorder.questions == []


def test_a_failing_step_stops_the_plan(journal: list[str]) -> None:
    steps = [
        FakeStep("one", journal),
        FakeStep("two", journal, fails=True),
        FakeStep("three", journal),
    ]
    with pytest.raises(RuntimeError, match="two broke"):
        plan.execute(steps, confirm=None, out=lambda _: None)
    assert journal == ["run one", "run two"]


def test_timings_come_from_the_clock(journal: list[str]) -> None:
    ticks = ticking_clock(0.5)
    steps = [FakeStep("one", journal), FakeStep("two", journal, done=True)]
    lines: list[str] = []
    timings = plan.execute(steps, confirm=None, out=lines.append, clock=lambda: next(ticks))
    assert timings == [("one", 0.5), ("two", 0.0)]
    assert "     ok (0.5 s)" in lines


def test_survey_numbers_the_steps_and_asks_only_applicable_ones(journal: list[str]) -> None:
    skipped = FakeStep("c", journal, skip="not here")
    steps = [FakeStep("a", journal, done=True), FakeStep("b", journal), skipped]
    states = plan.survey(steps)
    assert [(s.number, s.step.title, s.done, s.skipped) for s in states] == [
        (1, "a", True, None),
        (2, "b", False, None),
        (3, "c", False, "not here"),
    ]
    assert skipped.done_asked == 0
    assert journal == []  # surveying never runs a step


def test_render_marks_done_to_do_skipped_and_pending_irreversible(journal: list[str]) -> None:
    steps = [
        FakeStep("bump", journal, done=True),
        FakeStep("upload", journal, irreversible=True),
        FakeStep("push", journal, irreversible=True, done=True),
        FakeStep("github", journal, skip="no token"),
    ]
    lines = plan.render(plan.survey(steps)).splitlines()
    assert lines == [
        "   1. [done ] bump: does bump",
        "   2. [to do] upload: does upload  (irreversible)",
        "   3. [done ] push: does push",
        "   4. [skip ] github: no token",
    ]


def test_no_terminal_means_no_silent_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    with pytest.raises(Aborted) as caught:
        plan.ask_terminal("Proceed?")
    assert "--yes" in caught.value.hint


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("typed", "expected"), [("y\n", True), ("YES\n", True), ("\n", False), ("n\n", False)]
)
def test_a_terminal_answer_decides(
    monkeypatch: pytest.MonkeyPatch, typed: str, expected: bool
) -> None:
    monkeypatch.setattr("sys.stdin", FakeTerminal(typed))
    assert plan.ask_terminal("Proceed?") is expected
