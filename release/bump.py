"""Release steps 1-2: the new version in every copy, and the CHANGELOG's Unreleased promoted.

:func:`plan_bump` reads the files and computes every edit and every refusal before anything is
written; :func:`apply` then writes all files together. A bump that was already (partly) applied is
recognised and completed, so re-running ``bump X`` is safe.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Collection

from packaging.version import InvalidVersion, Version

from . import files, history, proc, version, versions
from .changelog.scan import is_iso_date
from .config import Config
from .errors import ChangelogError, NothingToRelease, UsageError, VersionError
from .output import Out
from .versions import VersionCopy
from .versions.foreign import exclude_advice, own_version_candidates
from .versions.scheme import detect, release_version, scheme


@dataclass(frozen=True)
class BumpPlan:
    """What a bump changes: ``edits`` maps each file to its new text; empty when already done."""

    current: str
    version: str
    edits: dict[Path, str]
    messages: list[str]
    already_done: bool
    commands: tuple[tuple[str, ...], ...] = ()  # python -m ..., after the files are written
    root: Path = Path(".")  # where the commands run


@dataclass(frozen=True)
class BumpOptions:
    """How the version ``bump`` is given gets released; publish's bump step takes the same
    (``--date``, ``--allow-empty``)."""

    pre: str | None = None  # a, b or rc: the rule's next version as a pre-release
    date: str | None = None  # the release date, YYYY-MM-DD; today when None
    summary: str | None = None  # the Version Comparison table's summary
    allow_empty: bool = False  # release an empty Unreleased section


@dataclass(frozen=True)
class _State:
    """What the files say before the bump."""

    copies: list[VersionCopy]
    current: Version
    history: history.History
    reference: str  # the version source's version (for VCS: the last tag's)
    own: list[VersionCopy]  # copies that disagree with it and may be their module's own version
    scheme: version.Scheme  # 2 or 3 release numbers, as the project writes them


def plan_bump(
    cfg: Config, spec: str, options: BumpOptions = BumpOptions(), *, tags: Collection[str] = ()
) -> BumpPlan:
    """Everything ``bump spec`` would write, after every check; raises instead of half-planning.
    ``tags`` are the tags that exist (a tagged version was released)."""
    day = release_date(options.date)
    state = _read_state(cfg, tags)
    target, note = _target(cfg, spec, options.pre, state)
    text = str(target)
    in_progress = _check_target(cfg, state, target, tags)
    edits = versions.edits_for(cfg, text, date=day)
    messages = _scheme_notes(state.scheme, spec, target) + ([note] if note else [])
    if cfg.version_source.is_vcs:
        messages.append(
            f"the version comes from git tags ({cfg.version_source.tool}): no version file is "
            f"written; the tag {cfg.tag(text)} makes {text}"
        )
    if in_progress and not _fully_applied(state, text):
        messages.append(f"completing the bump to {text}, which was partly applied")
    messages += [
        f"{cfg.relative(copy.path)}:{copy.line}  {copy.value} → {text}"
        for copy in state.copies
        if copy.value != text
    ]
    own = [copy for copy in state.own if copy.value != text]
    if own:
        messages.append(f"note: {exclude_advice(cfg, own, state.reference)}, and bump again")
    recorded = state.history.release(
        text, day, summary=options.summary, allow_empty=options.allow_empty
    )
    edits.update(recorded.edits)
    messages += recorded.messages
    return BumpPlan(
        current=str(state.current),
        version=text,
        edits=edits,
        messages=messages,
        already_done=not edits and not recorded.commands,
        commands=tuple(tuple(command) for command in recorded.commands),
        root=cfg.root,
    )


def apply(plan: BumpPlan) -> None:
    """Write every edit of ``plan``: all files change, or (on any failure) none does."""
    for command in plan.commands:  # missing, it would fail after the version files were written
        proc.require_module(command[0], purpose=f"runs {' '.join(command[:2])} for the bump")
    files.write_together(plan.edits)
    for command in plan.commands:  # towncrier build: it writes its file, removes the fragments
        proc.run(proc.project_tool(*command), cwd=plan.root, check=True)


def outcome(plan: BumpPlan, news_file: Path) -> dict[str, str | None]:
    """What applying ``plan`` changes, by path relative to ``plan.root``: each file's new text,
    or None for a file it removes. It applies the plan, so ``plan.root`` must be a scratch copy
    of the project: the edits, then what the commands change (``towncrier build`` edits
    ``news_file`` or writes a new one, and removes the fragments it consumed)."""
    before = _files_under(plan.root)
    old_news = news_file.read_text(encoding="utf-8") if news_file.is_file() else None
    apply(plan)
    after = _files_under(plan.root)
    changed: dict[str, str | None] = {
        path.relative_to(plan.root).as_posix(): text for path, text in plan.edits.items()
    }
    changed.update({path: None for path in before - after})
    for path in after - before:
        changed[path] = (plan.root / path).read_text(encoding="utf-8")
    if news_file.is_file() and news_file.read_text(encoding="utf-8") != old_news:
        changed[news_file.relative_to(plan.root).as_posix()] = news_file.read_text("utf-8")
    return changed


def _files_under(root: Path) -> set[str]:
    """Every file under ``root`` (posix paths relative to it), ``.git`` left out."""
    found = set()
    for folder, dirs, names in os.walk(root):
        dirs[:] = [name for name in dirs if name != ".git"]
        base = Path(folder).relative_to(root)
        found |= {(base / name).as_posix() for name in names}
    return found


def run_bump(
    cfg: Config,
    spec: str,
    options: BumpOptions = BumpOptions(),
    *,
    dry_run: bool = False,
    tags: Collection[str] = (),
    out: Out = print,
) -> int:
    """``bump``: plan, then print the diff (``dry_run``) or write every file together."""
    plan = plan_bump(cfg, spec, options, tags=tags)
    # a version from git tags and no changelog: the tag is all there is, nothing was applied
    tag_only = cfg.version_source.is_vcs and cfg.changelog_kind == history.NONE
    if plan.already_done and not tag_only:
        out(f"{plan.version} is already applied in every version copy and the changelog")
        out("nothing to do")
        return 0
    out(f"bump {plan.current} → {plan.version}")
    for message in plan.messages:
        out(f"  {message}")
    if plan.already_done:
        out("nothing to write: the project keeps no changelog (changelog = false)")
        return 0
    if dry_run:
        out(files.unified_diff(cfg.root, plan.edits).rstrip("\n"))
        for command in plan.commands:
            out(f"would run: python -m {' '.join(command)}")
        out("dry run: nothing written")
        return 0
    apply(plan)
    wrote = f"wrote {len(plan.edits)} file{'s' if len(plan.edits) != 1 else ''}"
    ran = [" ".join(command[:2]) for command in plan.commands]  # towncrier build: its own file
    out(wrote + (f" and ran {', '.join(ran)}" if ran else ""))
    out(f"next: review and commit the change, then release it: nox -s publish -- {plan.version}")
    return 0


def run_versions(cfg: Config, out: Out = print) -> int:
    """``versions``: every copy of the version as ``file:line value``; 1 when they disagree."""
    source = cfg.version_source
    out(f"version source: {source.description}")
    out(f"tag format: {cfg.tag_format} ({cfg.tag_format_origin})")
    copies = versions.version_copies(cfg)
    expected = None
    if source.is_vcs:
        expected = _show_vcs(cfg, source, out)
    for copy in copies:
        form = "" if copy.form == "full" else f", {copy.form}"
        out(f"{cfg.relative(copy.path)}:{copy.line}  {copy.value}  ({copy.kind}{form})")
    reference = expected or (copies[0].value if copies else None)
    off = [c for c in copies if reference is not None and c.value != c.expected(reference)]
    if off:
        values = sorted({copy.value for copy in copies} | {reference or ""} - {""})
        out(f"drift: the copies disagree ({', '.join(values)})")
        out("  fix: set them all with: nox -s bump -- <version>")
        own = own_version_candidates(cfg, copies, reference)
        if own and reference is not None:
            out(f"  or: {exclude_advice(cfg, own, reference)}")
        return 1
    if copies:
        out(f"all {len(copies)} copies at {reference}")
    return 0


def _show_vcs(cfg: Config, source: versions.VersionSource, out: Out) -> str | None:
    """The tag lines of ``versions`` for a VCS version; the version the copies should hold."""
    state = versions.vcs_state(cfg)
    if state.last_tag:
        out(f"last tag: {state.last_tag} ({state.last_version})")
    else:
        out(f"last tag: none yet (a build now says {versions.NO_TAG_VERSION} or a dev version)")
    pending = pending_version(cfg, state.last_version)
    if pending:
        out(f"next tag: {cfg.tag(pending)} makes {pending} (released in the changelog, untagged)")
    else:
        current = version.parse_current_version(state.current, "the last tag")
        found = detect(cfg)
        rule = "minor" if found.parts == 2 else "patch"
        nxt = version.next_version(current, rule, None, found)
        out(f"next tag: none pending; bump {rule} would make {cfg.tag(str(nxt))} ({nxt})")
    for path in source.generated:
        out(f"{cfg.relative(path)}  generated by {source.tool} at build time (not a copy)")
    return pending or state.last_version


def pending_version(cfg: Config, last: str | None) -> str | None:
    """The newest version the changelog releases that is newer than the last tag (bumped, not
    yet tagged), for a VCS-versioned project."""
    try:  # a changelog bump could not read has no say here (`versions` still lists the copies)
        released_versions = history.History.read(cfg).versions()
    except (ChangelogError, IsADirectoryError):
        return None
    floor = Version(last) if last else None
    found: list[Version] = []
    for released in released_versions:
        found += [parsed for parsed, _ in _parsed(released, "")]
    newer = [parsed for parsed in found if floor is None or parsed > floor]
    return str(max(newer)) if newer else None


def run_notes(cfg: Config, wanted: str, out: Out = print) -> int:
    """``notes``: print the CHANGELOG section of one version (the release notes)."""
    recorded = history.History.read(cfg)
    if recorded.kind == history.NONE:
        raise ChangelogError(
            "this project keeps no changelog (changelog = false in [tool.release]): no notes",
            "write the notes by hand, or set changelog to the project's CHANGELOG file",
        )
    try:
        key = str(release_version(cfg, wanted)[0])
    except VersionError:
        key = wanted.strip()
    if not recorded.has_notes(key):
        known = recorded.versions()
        raise ChangelogError(
            f"{cfg.relative(cfg.changelog)} has no section for {key}",
            "give one of its versions: " + ", ".join(known) if known else "run bump first",
        )
    out(recorded.notes(key))
    return 0


def release_date(date: str | None) -> str:
    """``date`` checked to be a real YYYY-MM-DD day; today when None."""
    if date is None:
        return datetime.date.today().isoformat()
    if not is_iso_date(date):
        raise UsageError(
            f"--date {date!r} is not a calendar date in YYYY-MM-DD form",
            "write it like --date 2026-10-02, or leave --date out for today",
        )
    return date


# --- the steps of plan_bump ---------------------------------------------------------------------


def _read_state(cfg: Config, tags: Collection[str]) -> _State:
    copies = versions.version_copies(cfg)
    if cfg.version_source.is_vcs:
        state = versions.vcs_state(cfg)
        where = f"tag {state.last_tag}" if state.last_tag else "the tags (none yet)"
        current = version.parse_current_version(state.current, where)
        reference = state.current
    else:
        primary = copies[0]
        where = f"{cfg.relative(primary.path)}:{primary.line}"
        current = version.parse_current_version(primary.value, where)
        reference = primary.value
    own = own_version_candidates(cfg, copies, reference)
    recorded = history.History.read(cfg)
    found = scheme(cfg, reference, tags, _safe_versions(recorded))
    return _State(copies, current, recorded, reference, own, found)


def _safe_versions(recorded: history.History) -> list[str]:
    """The changelog's versions; none when it cannot be read (its edit says why, later)."""
    try:
        return recorded.versions()
    except ChangelogError:
        return []


def _scheme_notes(found: version.Scheme, spec: str, target: Version) -> list[str]:
    """What a project of two release numbers is told: its scheme, and when the bump writes a
    third number (a patch release, as such projects write them) how to stay at two."""
    if found.parts != 2:
        return []
    notes = [found.describe()]
    if len(target.release) == 3 and spec.strip().lower() in ("patch", "auto"):
        major, minor = target.release[0], target.release[1]
        notes.append(
            f"a patch release has a third number ({target}); "
            f"for {major}.{minor + 1}: bump minor (or bump {major}.{minor + 1})"
        )
    return notes


def _target(cfg: Config, spec: str, pre: str | None, state: _State) -> tuple[Version, str | None]:
    """The version ``spec`` names (with a normal-form note when it was spelled differently)."""
    rule = spec.strip().lower()
    if rule == "auto":
        changes = state.history.unreleased_changes()
        breaking = state.history.is_breaking()
        decided = version.decide(changes, breaking, state.current, cfg.major_on_zero)
        if decided is None:
            raise NothingToRelease(
                "no release needed: Unreleased has only documentation changes / is empty",
                f"add the changes under ## [Unreleased] in {cfg.relative(cfg.changelog)}, "
                "or give the version explicitly",
            )
        target = version.next_version(state.current, decided, pre, state.scheme)
        return target, f"auto: {decided} release"
    if rule in version.RULES:
        return version.next_version(state.current, rule, pre, state.scheme), None
    if pre is not None:
        raise UsageError(
            f"--pre {pre} goes with major, minor, patch or auto, not with a version ({spec})",
            f"write the pre-release in the version itself, for example {spec.strip()}{pre}1",
        )
    return version.parse_release_version(spec, state.scheme)


def _check_target(cfg: Config, state: _State, target: Version, tags: Collection[str]) -> bool:
    """Refuse a target that is not new; True when the target is a bump already in progress.

    In progress means some copy already holds the target or the changelog already has its section,
    and nothing in the project is newer than it: then the missing edits are completed.
    """
    text = str(target)
    tag = cfg.tag(text)
    known = _known_versions(cfg, state)
    newer = [(seen, where) for seen, where in known if seen > target]
    started = any(copy.value == text for copy in state.copies)
    # without a changelog, every version "has its section": only a copy can show a started bump
    started = started or (state.history.kind != history.NONE and state.history.is_released(text))
    if started and not newer:
        if tag in tags and not _fully_applied(state, text):
            raise VersionError(
                f"tag {tag} already exists, but the bump to {text} is only partly applied",
                "release a newer version: " + _rule_examples(target, state.scheme),
            )
        if _fully_applied(state, text) and state.history.unreleased_changes():
            # A finished bump leaves [Unreleased] empty: new work after it means it was released.
            raise VersionError(
                f"{text} was released already: its section is dated and [Unreleased] has "
                "newer changes",
                "release a newer version: " + _rule_examples(target, state.scheme),
            )
        return True
    if target <= state.current:
        raise VersionError(
            f"{text} is not greater than the current version {state.current}",
            f"give a version above {state.current}, or a rule: "
            + _rule_examples(state.current, state.scheme),
        )
    if newer:
        seen, where = max(newer)
        own = [c for c in state.own if f"{cfg.relative(c.path)}:{c.line}" == where]
        above = f"give a version above {seen}"
        if own:  # a module's own version, or a copy ahead of the version source?
            above = f"{exclude_advice(cfg, own, state.reference)}; if it is a copy, {above}"
        raise VersionError(f"{text} is older than {seen} in {where}", above)
    if tag in tags:
        raise VersionError(
            f"{text} is already tagged ({tag}): that version was released",
            "release a newer version: " + _rule_examples(target, state.scheme),
        )
    return False


def _known_versions(cfg: Config, state: _State) -> list[tuple[Version, str]]:
    """Every version the project mentions (copies and released changelog sections), parsed."""
    found: list[tuple[Version, str]] = []
    for copy in state.copies:
        found += _parsed(copy.value, f"{cfg.relative(copy.path)}:{copy.line}")
    for released in state.history.versions():
        found += _parsed(released, cfg.relative(cfg.changelog))
    return found


def _parsed(text: str, where: str) -> list[tuple[Version, str]]:
    try:
        return [(Version(text), where)]
    except InvalidVersion:
        return []


def _fully_applied(state: _State, text: str) -> bool:
    at_target = all(copy.value == text for copy in state.copies)
    return at_target and state.history.is_released(text)


def _rule_examples(current: Version, found: version.Scheme) -> str:
    rules = [
        f"{rule} → {version.next_version(current, rule, None, found)}" for rule in version.RULES
    ]
    return ", ".join(reversed(rules))
