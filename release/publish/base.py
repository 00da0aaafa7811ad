"""What every publish step shares: the release, and whether its tag exists yet."""

from __future__ import annotations

from typing import Callable, Sequence

from .. import smoke
from ..errors import CheckFailed, StepFailed
from ..output import STEP_INDENT, Out, result_lines
from .state import Release


class Step:
    title = ""
    irreversible = False
    key = ""

    def __init__(self, release: Release) -> None:
        self.r = release

    def skip_reason(self) -> str | None:
        return None

    def tagged(self) -> bool:
        """The release tag exists (here or on the remote): every step before it passed."""
        return self.r.release_tag() is not None

    def report_smoke(
        self, results: Sequence[smoke.SmokeResult], out: Out, fix: Callable[[], str]
    ) -> None:
        """Print smoke results under the step; a failure stops it with ``fix()`` as its hint
        (built only then: where the release stands decides what the way forward is)."""
        out(result_lines(results, indent=STEP_INDENT))
        try:
            smoke.check_smoke(results)
        except CheckFailed as failure:
            raise StepFailed(failure.message, fix()) from None
