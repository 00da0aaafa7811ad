"""What every checklist item returns: rows with a status, a reason and a fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..cache import CheckCache
from ..config import Config

PASS, FAIL, WARN, UNKNOWN, SKIPPED = "PASS", "FAIL", "WARN", "UNKNOWN", "SKIPPED"


@dataclass(frozen=True)
class Row:
    item: str
    status: str
    reason: str
    fix: str = ""


@dataclass(frozen=True)
class Context:
    cfg: Config
    version: str | None = None  # the version being released, when run as publish's preflight
    wait_ci: float = 0.0  # seconds the CI row waits for running checks (check --wait-ci)
    cache: CheckCache | None = None  # checker PASSes stored and reused by tree (release/cache.py)


Item = Callable[[Context], list[Row]]
