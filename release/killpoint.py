"""A test hook: die at a named point of a release, as a ``kill -9`` would.

``RELEASE_TEST_KILL_AT=NAME`` (or ``NAME:COUNT``) sends SIGKILL to this process the first (or the
COUNT-th) time the engine reaches the point ``NAME``. Nothing runs after it: no ``finally``, no
clean-up, exactly like a crash or a pulled plug. Unset (always, outside the tests), :func:`hit` does
nothing. The points are named where they are placed (``grep -rn "killpoint.hit" release/``); the
crash tests kill a release at each and resume it.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "RELEASE_TEST_KILL_AT"
_reached: dict[str, int] = {}


def hit(name: str) -> None:
    """Reaching the point ``name``: die here if the test asked for it."""
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    wanted, _, count = spec.partition(":")
    _reached[name] = _reached.get(name, 0) + 1
    if wanted == name and _reached[name] == int(count or "1"):
        os.kill(os.getpid(), signal.SIGKILL)
