"""The rows about the project's files: the version copies and the CHANGELOG."""

from __future__ import annotations

from .rows import FAIL, PASS, SKIPPED, WARN, Context, Row


def versions_item(ctx: Context) -> list[Row]:
    from .. import versions
    from ..versions.foreign import exclude_advice, own_version_candidates

    if ctx.cfg.version_source.is_vcs:
        from ..vcs_row import vcs_version_row

        return [vcs_version_row(ctx.cfg, ctx.version)]
    copies = versions.version_copies(ctx.cfg)
    if not versions.drift(copies):
        if ctx.cfg.version_source.kind == "version-files":
            from ..computed_row import computed_version_row

            return [computed_version_row(ctx.cfg, len(copies), copies[0].value)]
        return [Row("version copies", PASS, f"{len(copies)} copies, all {copies[0].value}")]
    listing = ", ".join(f"{ctx.cfg.relative(c.path)}:{c.line}={c.value}" for c in copies)
    fix = "nox -s bump -- <version> fixes all"
    own = own_version_candidates(ctx.cfg, copies, copies[0].value)
    if own:
        fix += f"; or, {exclude_advice(ctx.cfg, own, copies[0].value)}"
    return [Row("version copies", FAIL, f"drift: {listing}", fix)]


def changelog_item(ctx: Context) -> list[Row]:
    from .. import changelog

    path = ctx.cfg.changelog
    if ctx.cfg.changelog_kind == "none":
        return [Row("changelog", SKIPPED, "the project keeps none (changelog = false)")]
    if ctx.cfg.changelog_kind == "towncrier":
        return [_towncrier_row(ctx)]
    if not path.is_file():
        return [Row("changelog", FAIL, f"{ctx.cfg.relative(path)} not found", "create it")]
    text = path.read_text(encoding="utf-8")
    errors, warnings = changelog.review(text)
    if ctx.version and changelog.find(text, ctx.version) is not None:
        warnings = [p for p in warnings if "[Unreleased] section is empty" not in p]
    name = ctx.cfg.relative(path)
    if errors:
        return [Row("changelog", FAIL, "; ".join(errors), f"edit {name} as the reason says")]
    if warnings:
        return [Row("changelog", WARN, "; ".join(warnings), f"worth fixing in {name}")]
    return [Row("changelog", PASS, "parses; dates, order and links consistent")]


def _towncrier_row(ctx: Context) -> Row:
    """towncrier writes the news file: the row checks it has the section of the version."""
    from .. import history

    recorded = history.History.read(ctx.cfg)
    name = ctx.cfg.relative(ctx.cfg.changelog)
    if ctx.version is None:
        waiting = sum(len(entries) for entries in recorded.unreleased_changes().values())
        return Row("changelog", PASS, f"towncrier: {waiting} news fragment(s) waiting")
    if recorded.has_notes(ctx.version):
        return Row("changelog", PASS, f"towncrier built the {ctx.version} section of {name}")
    return Row(
        "changelog",
        FAIL,
        f"{name} has no section for {ctx.version}",
        f"nox -s bump -- {ctx.version} runs towncrier build",
    )
