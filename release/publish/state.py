"""One release's shared state: its version, tag, git, and the local cache."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import bump, dist, matrixdist, pyproject
from ..config import Config
from ..errors import ReleaseError, UsageError
from ..git import Git


def verify_timeout() -> float:
    """How long install-verification waits for an index to serve a new upload."""
    raw = os.environ.get("RELEASE_VERIFY_TIMEOUT", "300")
    try:
        return float(raw)
    except ValueError as exc:
        raise UsageError(
            f"RELEASE_VERIFY_TIMEOUT must be a number of seconds, not {raw!r}",
            "set it to e.g. 300",
        ) from exc


@dataclass
class Release:
    """Everything the steps of one release share."""

    cfg: Config
    version: str
    yes: bool = False
    #: publish-from = "ci" in a local ``publish``: CI uploads one build to both indexes.
    ci_uploads: bool = False
    git: Git = field(init=False)

    def __post_init__(self) -> None:
        self.git = Git(self.cfg.root)

    @property
    def tag(self) -> str:
        return self.cfg.tag(self.version)

    @property
    def dist_dir(self) -> Path:
        return self.cfg.root / "dist"

    @property
    def commit_message(self) -> str:
        return f"Release version {self.version}"

    # -- state recorded by the steps, keyed by what they verified ---------------------------------

    def _state_file(self) -> Path:
        git_dir = Path(self.git.run("rev-parse", "--absolute-git-dir").stdout.strip())
        return git_dir / "nox-release" / f"{self.tag}.json"

    def state(self) -> dict[str, object]:
        path = self._state_file()
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def record(self, key: str, value: object) -> None:
        path = self._state_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.state()
        data[key] = value
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    # -- real state ------------------------------------------------------------------------------

    def snapshot(self) -> str:
        """A commit object of the work tree's tracked files, touching no ref (for the build)."""
        return self.git.run("stash", "create").stdout.strip() or self.git.head()

    def release_tree(self, snapshot: str | None = None) -> str:
        """The tree the release commit has (or will have): HEAD plus uncommitted tracked changes."""
        return self.git.run("rev-parse", f"{snapshot or self.snapshot()}^{{tree}}").stdout.strip()

    def bump_plan(self) -> bump.BumpPlan:
        return bump.plan_bump(self.cfg, self.version, tags=self.git.tags())

    def tracked_changes(self) -> list[str]:
        return self.git.dirty_files(untracked=False)

    def dist_files(self) -> dist.DistFiles | None:
        try:
            return self.checked_files()
        except ReleaseError:
            return None

    def checked_files(self, *, twine: bool = False) -> dist.DistFiles:
        """dist/'s files of this release; a platform-wheel project's dist/ is CI's gathered one,
        except in a local publish (publish-from = "ci"), which builds this machine's wheel only."""
        return matrixdist.dist_files(
            self.cfg, self.dist_dir, self.version, gathered=not self.ci_uploads, twine=twine
        )

    @property
    def platform_wheels(self) -> bool:
        return matrixdist.wheel_plan(self.cfg).matrix

    def recorded_build(self) -> dict[str, str]:
        build = self.state().get("build")
        if isinstance(build, dict) and isinstance(build.get("files"), dict):
            return {str(k): str(v) for k, v in build["files"].items()}
        return {}

    def released_commit(self) -> str | None:
        """The release commit once made: HEAD, when the bump is committed and nothing is pending."""
        if self.tracked_changes():
            return None
        copies = pyproject.version_copies(self.cfg)
        if copies and all(copy.value == self.version for copy in copies):
            return self.git.head()
        return None
