"""The project's record of changes, whichever kind it keeps: a Keep a Changelog file (edited by
nox-release), a towncrier news file (built by ``towncrier build``), or none (``changelog = false``).

What bump, notes and publish ask of it goes through :class:`History`, so each kind answers in its
own way: a Keep a Changelog file has its Unreleased section promoted; a towncrier project has
``towncrier build --version X`` run after the version files are written, and its notes read from
the section that built; a project without a changelog has versions written and empty notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import changelog, files
from .changelog import towncrier
from .config import Config
from .errors import ChangelogError, ReleaseError
from .towncrier_config import TowncrierSettings

KEEP_A_CHANGELOG, TOWNCRIER, NONE = "keep-a-changelog", "towncrier", "none"

# towncrier's own fragment types, as the Keep a Changelog categories the bump rules know.
_FRAGMENT_CATEGORIES = {
    "feature": "Added",
    "bugfix": "Fixed",
    "doc": "Documentation",
    "removal": "Removed",
    "misc": "Changed",
}
_OTHER_FORMATS = ("CHANGELOG.rst", "CHANGES.rst", "HISTORY.rst", "NEWS.rst", "CHANGELOG.txt")
_FRAGMENT = re.compile(r"[^.]*\.(?P<type>[\w-]+)(?:\.\d+)?(?:\.(?:md|rst|txt))?")


@dataclass(frozen=True)
class Release:
    """What releasing a version changes in the history: file edits, then commands to run."""

    edits: dict[Path, str]
    commands: list[list[str]]
    messages: list[str]


class History:
    """The record of changes of the project ``cfg`` releases, as it is on disk now."""

    def __init__(self, cfg: Config, text: str) -> None:
        self.cfg = cfg
        self.kind = cfg.changelog_kind
        self.text = text

    @classmethod
    def read(cls, cfg: Config) -> History:
        if cfg.changelog_kind == NONE:
            return cls(cfg, "")
        try:
            return cls(cfg, files.read_text(cfg.changelog))
        except FileNotFoundError:
            if cfg.changelog_kind == TOWNCRIER:
                return cls(cfg, "")  # towncrier creates it on the first build
            others = [name for name in _OTHER_FORMATS if (cfg.root / name).is_file()]
            found = f" (there is {others[0]}: only Markdown is edited)" if others else ""
            raise ChangelogError(
                f"{cfg.relative(cfg.changelog)} does not exist{found}",
                "create it with a '## [Unreleased]' section (keepachangelog.com), "
                'or set changelog = "<file>" in [tool.release] (false: the project keeps none, '
                "bump writes the versions only)",
            ) from None

    # -- what a release asks ------------------------------------------------------------------

    def is_released(self, version: str) -> bool:
        """``version`` has its section (a project without changelog has nothing to write)."""
        if self.kind == NONE:
            return True
        if self.kind == TOWNCRIER:
            return towncrier.section(self.text, version) is not None
        return changelog.is_released(self.text, version)

    def versions(self) -> list[str]:
        """The versions with a section, in PEP 440 normal form."""
        if self.kind == NONE:
            return []
        if self.kind == TOWNCRIER:
            return towncrier.versions(self.text)
        self._check_editable()
        return [section.version for section in changelog.parse(self.text) if section.version]

    def has_notes(self, version: str) -> bool:
        if self.kind == NONE:
            return False
        if self.kind == TOWNCRIER:
            return towncrier.section(self.text, version) is not None
        return changelog.find(self.text, version) is not None

    def notes(self, version: str) -> str:
        """The release notes of ``version``: its section's text ("" without a changelog)."""
        if self.kind == NONE:
            return ""
        if self.kind == TOWNCRIER:
            found = towncrier.section(self.text, version)
            if found is None:
                raise ChangelogError(
                    f"{self.cfg.relative(self.cfg.changelog)} has no section for {version}",
                    f"run bump (it runs towncrier build --version {version})",
                )
            return found
        return changelog.notes(self.text, version)

    def unreleased_changes(self) -> dict[str, list[str]]:
        """The changes waiting for a release, by Keep a Changelog category (what ``auto`` reads)."""
        if self.kind == NONE:
            return {}
        if self.kind == TOWNCRIER:
            return self._fragments()
        return changelog.unreleased_changes(self.text)

    def security_notes(self, version: str) -> tuple[bool, str] | None:
        """For a security release of ``version``: whether its changes have a Security category,
        and their text (what must not name a CVE before disclosure). Its section once recorded,
        else what waits for it (Unreleased, or towncrier's fragments). None: the project keeps
        no changelog, so there are no notes to check."""
        if self.kind == NONE:
            return None
        if self.has_notes(version):
            body = self.notes(version)
            return has_security_heading(body), body
        changes = self.unreleased_changes()
        text = "\n".join(entry for entries in changes.values() for entry in entries)
        return any(name.lower() == "security" for name in changes), text

    def is_breaking(self) -> bool:
        if self.kind == KEEP_A_CHANGELOG:
            return changelog.is_breaking(self.text)
        return any("breaking" in name.lower() for name in self.unreleased_changes())

    def release(self, version: str, day: str, *, summary: str | None, allow_empty: bool) -> Release:
        """The edits (and commands) that record ``version``; nothing when already recorded."""
        path = self.cfg.relative(self.cfg.changelog)
        if self.is_released(version):
            return Release({}, [], [])
        if self.kind == TOWNCRIER:
            if not allow_empty and not self._fragments():
                raise ChangelogError(
                    f"towncrier has no news fragments to build {version} from "
                    f"(looked in {self.cfg.relative(self._fragment_dir())})",
                    f"add a fragment (e.g. 123.feature{self.cfg.changelog.suffix or '.md'}), "
                    "or pass --allow-empty",
                )
            command = ["towncrier", "build", "--version", version, "--date", day, "--yes"]
            return Release({}, [command], [f"{path}  towncrier build --version {version}"])
        self._check_editable()
        text = changelog.release(
            self.text,
            version,
            day,
            tag_format=self.cfg.tag_format,
            summary=summary,
            allow_empty=allow_empty,
        )
        return Release(
            {self.cfg.changelog: text}, [], [f"{path}  [Unreleased] → [{version}] - {day}"]
        )

    def _check_editable(self) -> None:
        """Refuse a Keep a Changelog file bump cannot edit, naming it and the way out."""
        problem = changelog.unreadable(self.text)
        if problem is None:
            return
        path = self.cfg.relative(self.cfg.changelog)
        raise ChangelogError(
            f"{path} line {problem.line}: {problem.message}",
            f"{problem.hint}; or, to keep {path} as it is, set changelog = false in "
            "[tool.release]: bump then writes the versions only and leaves the changelog to you",
        )

    # -- towncrier's fragments ----------------------------------------------------------------

    def _settings(self) -> TowncrierSettings:
        """towncrier's settings (config.load read them where towncrier does)."""
        return self.cfg.towncrier or TowncrierSettings(self.cfg.pyproject)

    def _fragment_dir(self) -> Path:
        return self._settings().fragment_dir(self.cfg.root)

    def _fragments(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        folder = self._fragment_dir()
        if not folder.is_dir():
            return found
        types = set(self._settings().fragment_types())
        for fragment in sorted(folder.iterdir()):
            match = _FRAGMENT.fullmatch(fragment.name)
            if not fragment.is_file() or match is None or match.group("type") not in types:
                continue
            kind = match.group("type")
            category = _FRAGMENT_CATEGORIES.get(kind, kind.capitalize())
            text = fragment.read_text(encoding="utf-8").strip()
            found.setdefault(category, []).append(text or fragment.name)
        return found


def recorded_versions(cfg: Config) -> list[str]:
    """The versions the project's changelog has a section for; [] when it can not be read (what
    asks only wants the versions it names, and the changelog's own row reports its problems)."""
    try:
        return History.read(cfg).versions()
    except (ReleaseError, OSError):
        return []


_UNDERLINE = re.compile(r"^([-=~^*+#])\1{2,}\s*$")


def has_security_heading(notes: str) -> bool:
    """The notes have a Security category: a Markdown heading (``### Security``) or a
    reStructuredText one (``Security`` over a line of ``-``, ``~``, ``^``…), as towncrier writes."""
    lines = [line.strip() for line in notes.splitlines()]
    for line, following in zip(lines, lines[1:] + [""]):
        if line.startswith("#") and line.lstrip("#").strip().lower() == "security":
            return True
        if line.lower() == "security" and _UNDERLINE.match(following):
            return True
    return False
