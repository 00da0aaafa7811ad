"""One release and where its state lives: in the world, not in this clone.

A release is its tag and the commit it points to; its tested bytes are the files named (with their
sha256) in the tag's record (:mod:`.record`). The tag is looked for on the remote first (pushed),
then in the remote's shared record ref (``refs/nox-release/tags/<tag>``, pushed before the first
upload so that any clone can finish the release), then locally. The file ``.git/nox-release/<tag>
.json`` only caches what this clone checked (tests passed on a tree, a wheel verified): losing it
repeats a check, never an irreversible step.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import bump, changelog, config, dist, matrixdist, pyproject
from ..config import Config
from ..changelog import towncrier
from ..errors import ReleaseError, ToolMissing, UsageError
from ..git import Git
from . import record as records
from .record import Record

SHARED_PREFIX = "refs/nox-release/tags/"


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


@dataclass(frozen=True)
class PublishOptions:
    """What ``publish`` is asked for beyond the version (its flags): built once, then carried by
    the :class:`Release` to the preflight and the steps."""

    bump: bump.BumpOptions = bump.BumpOptions()  # --date, --allow-empty: the bump step's
    dry_run: bool = False
    yes: bool = False  # do not ask before the first irreversible step
    allow_unknown: bool = False  # an UNKNOWN checklist row does not stop the release
    security: bool = False  # a security release: its notes need a Security entry
    disclose: bool = False  # a security release whose notes may name CVE ids or exploits
    use_cache: bool = True  # reuse a checker's PASS recorded for the same tree


@dataclass
class Release:
    """Everything the steps of one release share."""

    cfg: Config
    version: str
    options: PublishOptions = PublishOptions()
    #: publish-from = "ci" in a local ``publish``: CI uploads one build to both indexes.
    ci_uploads: bool = False
    git: Git = field(init=False)
    _remote: dict[str, str] | None = field(init=False, default=None)
    _bump_commit: dict[str, bool] = field(init=False, default_factory=dict)
    _writes_nothing: dict[str, bool] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.git = Git(self.cfg.root)

    @property
    def tag(self) -> str:
        return self.cfg.tag(self.version)

    @property
    def shared_ref(self) -> str:
        return SHARED_PREFIX + self.tag

    @property
    def dist_dir(self) -> Path:
        return self.cfg.root / "dist"

    @property
    def commit_message(self) -> str:
        return records.first_line(self.version)

    # -- the local cache (never the truth) ---------------------------------------------------------

    def _cache_file(self) -> Path:
        return self.git.git_dir() / "nox-release" / f"{self.tag}.json"

    def state(self) -> dict[str, object]:
        path = self._cache_file()
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def remember(self, key: str, value: object) -> None:
        """Cache what was checked; written atomically (a kill leaves the old file or the new)."""
        path = self._cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.state()
        data[key] = value
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(data, indent=2))
        os.replace(tmp, path)

    # -- the remote --------------------------------------------------------------------------------

    def remote(self) -> dict[str, str]:
        """``refs/... -> object`` on the remote (ls-remote, cached until :meth:`refresh`)."""
        if self._remote is None:
            self._remote = self.git.remote_objects(self.cfg.remote)
        return self._remote

    def refresh(self) -> None:
        self._remote = None

    def remote_or_empty(self) -> dict[str, str]:
        try:
            return self.remote()
        except ReleaseError:
            return {}

    def remote_commit(self, ref: str) -> str | None:
        """The commit of a remote ref, its objects fetched so that local git can use them."""
        obj = self.remote_or_empty().get(ref)
        if obj is None:
            return None
        if not self.git.has_object(obj):
            self.git.fetch_ref(self.cfg.remote, ref)
        return self.git.commit_of(obj)

    # -- the tag and its record --------------------------------------------------------------------

    def _ours(self, obj: str | None) -> str | None:
        if obj is None or not self.git.is_annotated_tag(obj):
            return None
        return obj if records.is_release_tag(self.git.tag_message(obj), self.version) else None

    def pushed_tag(self) -> str | None:
        """The tag object of the remote's tag (fetched), whoever made it; None if not pushed."""
        ref = f"refs/tags/{self.tag}"
        obj = self.remote_or_empty().get(ref)
        if obj is not None and not self.git.has_object(obj):
            self.git.fetch_ref(self.cfg.remote, ref)
        return obj

    def shared_tag(self) -> str | None:
        obj = self.remote_or_empty().get(self.shared_ref)
        if obj is not None and not self.git.has_object(obj):
            self.git.fetch_ref(self.cfg.remote, self.shared_ref)
        return self._ours(obj)

    def local_tag(self) -> str | None:
        """The local tag object, whoever made it."""
        obj = self.git.object_id(f"refs/tags/{self.tag}")
        return obj if obj is not None and self.git.commit_of(obj) is not None else None

    def release_tag(self) -> str | None:
        """The tag object of this release, made by this tool: pushed, shared, else local."""
        pushed = self.pushed_tag()
        if pushed is not None:
            return self._ours(pushed)
        return self.shared_tag() or self._ours(self.local_tag())

    def record(self) -> Record | None:
        obj = self.release_tag()
        return None if obj is None else records.parse(self.git.tag_message(obj), self.version)

    def recorded_files(self) -> dict[str, str]:
        found = self.record()
        return dict(found.files) if found else {}

    def release_commit(self) -> str | None:
        """The release commit: the tag's; before the tag, HEAD once it is the bump's commit."""
        obj = self.release_tag()
        if obj is not None:
            return self.git.commit_of(obj)
        if self.tracked_changes():
            return None
        if self.head_is_bump_commit() or self.bump_writes_nothing():
            return self.git.head()
        return None

    def bump_writes_nothing(self) -> bool:
        """The bump to this version changes no file on HEAD (a version from git tags, and no
        changelog): there is no release commit to make, and HEAD is what the tag will name."""
        if not self.cfg.version_source.is_vcs or self.cfg.changelog_kind != "none":
            return False  # a bump already applied on HEAD writes nothing too: that is not this
        head = self.git.head()
        if head not in self._writes_nothing:
            self._writes_nothing[head] = self.bump_of(head, self.options.bump.date) == {}
        return self._writes_nothing[head]

    def branch(self) -> str:
        """The branch the release goes to: the record's, else the checked-out one, else config."""
        found = self.record()
        if found and found.branch:
            return found.branch
        return self.git.branch() or self.cfg.branch

    # -- the bump, recognised by its result --------------------------------------------------------

    def bump_plan(self) -> bump.BumpPlan:
        return bump.plan_bump(
            self.cfg, self.version, self.options.bump, tags=self.git.tags() - {self.tag}
        )

    def bump_of(self, base: str, date: str | None) -> dict[str, str | None] | None:
        """``{path: text}`` the bump to this version makes when run on commit ``base`` (None for
        a file it removes: the news fragments towncrier consumes); None when it refuses there.

        A bump that runs a command (``towncrier build``) is run in full on a scratch export of
        ``base``, a git repository of its own so that towncrier's ``git add``/``git rm`` stay
        there: the news file it writes is compared, not guessed."""
        with tempfile.TemporaryDirectory(prefix="release-bump-") as scratch:
            source = self.git.export(base, Path(scratch) / "src")
            try:
                there = config.load(source, tags=self.git.tags())
                options = bump.BumpOptions(date=date, allow_empty=True)
                planned = bump.plan_bump(there, self.version, options, tags=set())
            except ReleaseError:
                return None
            if not planned.commands:
                return {there.relative(path): text for path, text in planned.edits.items()}
            Git(source).run("init", "--quiet")
            Git(source).run("add", "--all")  # towncrier removes the fragments git tracks
            try:
                return bump.outcome(planned, there.changelog)
            except ToolMissing:
                raise
            except ReleaseError:
                return None

    def _section_date(self, text: str | None) -> str | None:
        """The date of this version's section in the changelog ``text``: the bump that wrote
        it is recognised with that date."""
        if text is None or self.cfg.changelog_kind == "none":
            return None
        if self.cfg.changelog_kind == "towncrier":
            return towncrier.section_date(text, self.version)
        section = changelog.find(text, self.version)
        return section.date if section else None

    def head_is_bump_commit(self) -> bool:
        """Whether HEAD is exactly the bump to this version made on its parent, whatever its
        message (``bump``, review, ``git commit``)."""
        head = self.git.head()
        if head not in self._bump_commit:
            self._bump_commit[head] = self._is_bump_commit(head)
        return self._bump_commit[head]

    def _is_bump_commit(self, head: str) -> bool:
        if self.git.commit_of(f"{head}^") is None:
            return False
        name = self.cfg.relative(self.cfg.changelog)
        date = self._section_date(self.git.show(head, name))
        result = self.bump_of(f"{head}^", date)
        if not result or set(self.git.files_in(head)) != set(result):
            return False
        return all(self.git.show(head, path) == text for path, text in result.items())

    def tracked_changes(self) -> list[str]:
        return self.git.dirty_files(untracked=False)

    def changes_not_by_bump(self) -> list[str]:
        """Tracked changes in the work tree that the bump to this version would not make."""
        changed = self.tracked_changes()
        if not changed:
            return []
        text = (
            self.cfg.changelog.read_text(encoding="utf-8") if self.cfg.changelog.is_file() else None
        )
        result = self.bump_of("HEAD", self._section_date(text) or self.options.bump.date) or {}
        foreign = []
        for path in changed:
            target = self.cfg.root / path
            now = target.read_text(encoding="utf-8") if target.is_file() else None
            if path not in result or now != result[path]:
                foreign.append(path)
        return foreign

    # -- the files -------------------------------------------------------------------------------

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

    def current_version(self) -> str:
        return pyproject.current_version(self.cfg)
