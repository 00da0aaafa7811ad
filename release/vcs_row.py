"""release-check's version row for a project whose version is its git tag (setuptools-scm,
hatch-vcs, pdm-backend ``scm``): the build of the tagged tree must carry the tag's version."""

from __future__ import annotations

from . import bump, versions
from .checklist import FAIL, PASS, Row
from .config import Config
from .errors import ReleaseError
from .version import same_version
from .git import Git
from .versions import tags, tagged
from .versions.foreign import exclude_advice, own_version_candidates

ROW = "version copies"


def vcs_version_row(cfg: Config, wanted: str | None) -> Row:
    """PASS when a wheel built from HEAD tagged for the version being released carries it."""
    source = cfg.version_source
    git = Git(cfg.root)
    state = versions.vcs_state(cfg)
    at_head = [
        tag
        for tag in git.tags()
        if tags.version_of(cfg.tag_format, tag) is not None and git.commit_of(tag) == git.head()
    ]
    expected = wanted or (str(tags.version_of(cfg.tag_format, at_head[0])) if at_head else None)
    expected = expected or bump.pending_version(cfg, state.last_version)
    if expected is None:
        last = f"last tag {state.last_tag}" if state.last_tag else "no version tag yet"
        return Row(ROW, PASS, f"the tag is the version ({source.tool}): {last}, nothing untagged")
    copies = versions.version_copies(cfg)
    off = [copy for copy in copies if copy.value != copy.expected(expected)]
    if off:
        listing = ", ".join(f"{cfg.relative(c.path)}:{c.line}={c.value}" for c in off)
        fix = f"nox -s bump -- {expected}"
        own = own_version_candidates(cfg, copies, expected)
        if own:
            fix += f"; or, {exclude_advice(cfg, own, expected)}"
        return Row(ROW, FAIL, f"drift from {expected}: {listing}", fix)
    tag = cfg.tag(expected)
    elsewhere = git.commit_of(tag)
    if elsewhere is not None and elsewhere != git.head():
        return Row(
            ROW,
            FAIL,
            f"{tag} already exists on another commit ({elsewhere[:12]}), not on HEAD",
            "release a newer version: that one was tagged already",
        )
    fix = (
        f"the tag format is {cfg.tag_format} ({cfg.tag_format_origin}); make tag-format in "
        f"[tool.release] match the tags {source.tool} reads as versions"
    )
    try:
        built = tagged.tagged_build_version(cfg, expected)
    except ReleaseError as error:
        lines = [line.strip() for line in error.message.splitlines() if line.strip()]
        said = next((line for line in reversed(lines) if "version" in line.lower()), lines[-1])
        return Row(ROW, FAIL, f"the build of the tree tagged {tag} failed: {said}", fix)
    if same_version(built, expected):
        return Row(ROW, PASS, f"a build of the tree tagged {tag} carries {built} ({source.tool})")
    return Row(
        ROW,
        FAIL,
        f"a build of the tree tagged {tag} carries {built}, not {expected} ({source.tool})",
        fix,
    )
