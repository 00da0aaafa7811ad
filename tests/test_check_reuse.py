"""The checklist's checker rows through the check-result cache: release-check records a PASS,
publish's preflight on the same tree reuses it and says so; --no-cache, a changed tree or another
tool version run the checker again. Real mypy and black on the sample in real git."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from release import cache, checklist, config
from release.cache import CheckCache
from tests.conftest import run_engine

ITEMS = [checklist.typecheck_item, checklist.format_item]


def rows_by_item(root: Path, by: str, *, enabled: bool = True) -> dict[str, checklist.Row]:
    ctx = checklist.Context(config.load(root), cache=CheckCache(root, by=by, enabled=enabled))
    return {row.item: row for row in checklist.run_items(ctx, ITEMS)}


def reused(row: checklist.Row, by: str = "release-check") -> bool:
    return re.match(rf"from {by} (just now|\d+ s ago), same tree: ", row.reason) is not None


@pytest.mark.slow
def test_a_pass_is_reused_on_the_same_tree_and_says_so(sample_repo: Path) -> None:
    first = rows_by_item(sample_repo, "release-check")
    assert [first[name].status for name in ("mypy", "black")] == ["PASS", "PASS"]
    assert not any(reused(row) for row in first.values())

    second = rows_by_item(sample_repo, "publish")
    for name in ("mypy", "black"):
        assert second[name].status == "PASS"
        assert reused(second[name]), second[name].reason
        assert second[name].reason.endswith(first[name].reason)


@pytest.mark.slow
def test_no_cache_a_changed_tree_or_tool_run_the_checker_again(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows_by_item(sample_repo, "release-check")

    forced = rows_by_item(sample_repo, "publish", enabled=False)
    assert not any(reused(row) for row in forced.values())

    monkeypatch.setattr(cache, "tool_version", lambda name: f"{name} 999.0")
    upgraded = rows_by_item(sample_repo, "publish")
    assert not any(reused(row) for row in upgraded.values())
    monkeypatch.undo()

    module = sample_repo / "src" / "omi_openclaw" / "__init__.py"
    module.write_text(module.read_text() + "\nbroken: int = 'not an int'\n")
    changed = rows_by_item(sample_repo, "publish")
    assert changed["mypy"].status == "FAIL"  # checked again, and the change is found
    assert not reused(changed["mypy"])


@pytest.mark.slow
def test_a_fail_is_never_stored(sample_repo: Path) -> None:
    module = sample_repo / "src" / "omi_openclaw" / "__init__.py"
    module.write_text(module.read_text() + "\nbroken: int = 'not an int'\n")
    assert rows_by_item(sample_repo, "release-check")["mypy"].status == "FAIL"
    again = rows_by_item(sample_repo, "publish")["mypy"]
    assert again.status == "FAIL" and not reused(again)


@pytest.mark.slow
def test_an_untracked_file_under_the_checked_paths_is_not_cached(sample_repo: Path) -> None:
    (sample_repo / "src" / "omi_openclaw" / "extra.py").write_text("VALUE = 1\n")
    rows_by_item(sample_repo, "release-check")
    assert not any(reused(row) for row in rows_by_item(sample_repo, "publish").values())


@pytest.mark.slow
def test_an_untracked_directory_elsewhere_does_not_stop_reuse(sample_repo: Path) -> None:
    (sample_repo / "notes").mkdir()
    (sample_repo / "notes" / "todo.txt").write_text("later\n")
    rows_by_item(sample_repo, "release-check")
    assert all(reused(row) for row in rows_by_item(sample_repo, "publish").values())


@pytest.mark.slow
def test_publish_preflight_reuses_what_release_check_recorded(sample_repo: Path) -> None:
    rows_by_item(sample_repo, "release-check")

    done = run_engine(sample_repo, "publish", "0.3.0", "--dry-run", "--allow-unknown")
    output = done.stdout + done.stderr
    assert re.search(r"PASS\s+mypy: from release-check .*, same tree: ", output), output
    assert re.search(r"PASS\s+black: from release-check .*, same tree: ", output), output

    forced = run_engine(
        sample_repo, "publish", "0.3.0", "--dry-run", "--allow-unknown", "--no-cache"
    )
    output = forced.stdout + forced.stderr
    assert re.search(r"PASS\s+mypy: ", output), output
    assert "from release-check" not in output
