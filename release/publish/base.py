"""What every publish step shares: the release, and whether its tag exists yet."""

from __future__ import annotations

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
