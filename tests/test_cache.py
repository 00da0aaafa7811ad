"""release.cache: PASS rows stored by (tree, tool and version, environment, settings), in real git
repositories."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from release import cache
from release.cache import CheckCache, Hit, Key
from tests.conftest import git

MYPY_PASS = {"item": "mypy", "status": "PASS", "reason": "Success: no issues found", "fix": ""}
TOOL = "mypy 1.0"
SETTINGS = {"paths": ["src"]}


def key_of(
    store: CheckCache, tool: str = TOOL, settings: dict[str, object] | None = None
) -> Key | None:
    return store.key("mypy", tool, {"paths": ["src"]} if settings is None else settings)


def stored(root: Path, by: str = "release-check") -> CheckCache:
    """A cache of ``root`` holding a PASS for mypy on the tree as it is now."""
    store = CheckCache(root, by=by)
    assert store.put(key_of(store), [MYPY_PASS])
    return store


def test_a_pass_is_reused_for_the_same_tree_and_says_where_it_came_from(sample_repo: Path) -> None:
    stored(sample_repo)
    later = CheckCache(sample_repo, by="publish")
    hit = later.get(key_of(later))
    assert hit is not None
    assert hit.rows == (MYPY_PASS,)
    assert hit.by == "release-check"
    assert hit.describe(now=hit.at + 180) == "from release-check 3 min ago, same tree"


def test_the_store_lives_in_the_git_directory_and_leaves_the_tree_clean(sample_repo: Path) -> None:
    store = stored(sample_repo)
    path = store.path()
    assert path == sample_repo / ".git" / cache.DIR_NAME / cache.FILE_NAME
    assert path.is_file()
    assert git(sample_repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert [p.name for p in path.parent.iterdir()] == [cache.FILE_NAME]  # no temp file left


def test_a_changed_tree_misses_and_the_same_content_hits_again(sample_repo: Path) -> None:
    stored(sample_repo)
    module = sample_repo / "src" / "omi_openclaw" / "__init__.py"
    original = module.read_text()
    module.write_text(original + "\nEXTRA = 1\n")
    changed = CheckCache(sample_repo, by="publish")
    assert changed.tree() is not None
    assert changed.get(key_of(changed)) is None
    git(sample_repo, "commit", "--quiet", "-am", "a change")
    committed = CheckCache(sample_repo, by="publish")
    assert committed.get(key_of(committed)) is None
    module.write_text(original)  # back to the tree that passed: its content, its result
    back = CheckCache(sample_repo, by="publish")
    assert back.tree() != committed.tree()
    assert back.get(key_of(back)) is not None


def test_an_uncommitted_change_is_part_of_the_tree(sample_repo: Path) -> None:
    """The tree is what the tool saw, committed or not."""
    (sample_repo / "README.md").write_text("changed, not committed\n")
    store = stored(sample_repo)
    assert store.tree() != git(sample_repo, "rev-parse", "HEAD^{tree}")
    again = CheckCache(sample_repo, by="publish")
    assert again.get(key_of(again)) is not None


def test_untracked_files_mean_no_tree_and_nothing_cached(sample_repo: Path) -> None:
    (sample_repo / "src" / "omi_openclaw" / "scratch.py").write_text("x: int = 'no'\n")
    store = CheckCache(sample_repo, by="release-check")
    assert store.tree() is None
    assert store.key("mypy", TOOL, SETTINGS) is None
    assert not store.put(None, [MYPY_PASS])
    assert store.get(None) is None
    assert not (sample_repo / ".git" / cache.DIR_NAME).exists()


def test_another_tool_version_or_settings_miss(sample_repo: Path) -> None:
    store = stored(sample_repo)
    assert store.get(key_of(store, tool="mypy 1.1")) is None
    assert store.get(key_of(store, settings={"paths": ["src", "tests"]})) is None
    assert store.get(key_of(store)) is not None


def test_another_environment_misses(sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(sample_repo)
    monkeypatch.setattr(cache, "environment_digest", lambda: "another set of distributions")
    other = CheckCache(sample_repo, by="publish")
    assert other.get(key_of(other)) is None


def test_the_environment_digest_names_the_installed_distributions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = cache.environment_digest()
    assert digest == cache.environment_digest()
    assert len(digest) == 64
    (tmp_path / "another_tool-1.0.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    with_another = cache.environment_digest()
    assert with_another != digest
    (tmp_path / "another_tool-1.0.dist-info").rename(tmp_path / "another_tool-1.1.dist-info")
    assert cache.environment_digest() not in (digest, with_another)
    assert cache.tool_version("pytest").startswith("pytest ")
    assert (
        cache.tool_version("no-such-distribution-xyz") == "no-such-distribution-xyz (not installed)"
    )


def test_only_all_pass_results_are_stored(sample_repo: Path) -> None:
    store = CheckCache(sample_repo, by="release-check")
    key = key_of(store)
    failed = dict(MYPY_PASS, status="FAIL", reason="1 error")
    unknown = dict(MYPY_PASS, status="UNKNOWN")
    assert not store.put(key, [failed])
    assert not store.put(key, [MYPY_PASS, unknown])
    assert not store.put(key, [])
    assert store.get(key) is None


def test_no_cache_looks_nothing_up_but_records_the_fresh_pass(sample_repo: Path) -> None:
    stored(sample_repo)
    forced = CheckCache(sample_repo, by="publish", enabled=False)
    assert forced.get(key_of(forced)) is None
    assert forced.put(key_of(forced), [dict(MYPY_PASS, reason="fresh")])
    hit = CheckCache(sample_repo, by="release-check").get(key_of(forced))
    assert hit is not None and hit.by == "publish" and hit.rows[0]["reason"] == "fresh"


def test_a_damaged_store_is_an_empty_cache_and_is_replaced(sample_repo: Path) -> None:
    store = stored(sample_repo)
    path = store.path()
    assert path is not None
    for damage in ("{not json", '{"entries": []}', '{"entries": {"%s": {"rows": 3}}}'):
        path.write_text(damage % key_of(store).digest if "%s" in damage else damage)  # type: ignore[union-attr]
        assert store.get(key_of(store)) is None
    assert store.put(key_of(store), [MYPY_PASS])
    assert store.get(key_of(store)) is not None
    assert json.loads(path.read_text())["version"] == 1


def test_a_stored_row_that_is_not_a_pass_is_never_returned(sample_repo: Path) -> None:
    store = stored(sample_repo)
    path = store.path()
    assert path is not None
    data = json.loads(path.read_text())
    for entry in data["entries"].values():
        entry["rows"][0]["status"] = "FAIL"
    path.write_text(json.dumps(data))
    assert store.get(key_of(store)) is None


def test_worktrees_of_one_repository_share_results(sample_repo: Path, tmp_path: Path) -> None:
    stored(sample_repo)
    other = tmp_path / "other-worktree"
    git(sample_repo, "worktree", "add", "--quiet", "--detach", str(other))
    store = CheckCache(other, by="publish")
    assert store.tree() == CheckCache(sample_repo, by="x").tree()
    assert store.get(key_of(store)) is not None


def test_outside_a_repository_nothing_is_cached(sample: Path) -> None:
    store = CheckCache(sample, by="release-check")
    assert store.key("mypy", TOOL, SETTINGS) is None
    assert store.path() is None
    assert not store.put(Key("mypy", "tree", TOOL, "env", "{}"), [MYPY_PASS])


def test_concurrent_rows_all_land(sample_repo: Path) -> None:
    store = CheckCache(sample_repo, by="release-check")
    items = [f"item-{n}" for n in range(8)]
    threads = [
        threading.Thread(
            target=store.put, args=(store.key(item, TOOL, SETTINGS), [dict(MYPY_PASS, item=item)])
        )
        for item in items
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fresh = CheckCache(sample_repo, by="publish")
    assert all(fresh.get(fresh.key(item, TOOL, SETTINGS)) is not None for item in items)


def test_the_oldest_entries_go_first(sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    store = CheckCache(sample_repo, by="release-check")
    for n in range(5):
        assert store.put(store.key(f"item-{n}", TOOL, SETTINGS), [MYPY_PASS])
    kept = [store.get(store.key(f"item-{n}", TOOL, SETTINGS)) is not None for n in range(5)]
    assert kept == [False, False, True, True, True]


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "just now"),
        (-3, "just now"),
        (40, "40 s ago"),
        (180, "3 min ago"),
        (3 * 3600, "3 h ago"),
        (5 * 86400, "5 days ago"),
    ],
)
def test_age(seconds: float, text: str) -> None:
    assert cache.age(seconds) == text
    assert (
        Hit(rows=(), by="release-check", at=1000.0)
        .describe(now=1000.0 + seconds)
        .startswith("from release-check ")
    )


@pytest.mark.parametrize(
    "untracked, paths, seen",
    [
        ("mypy.ini", ["src"], True),  # configuration at the top: every tool may read it
        ("dist/", ["src", "tests"], False),
        ("src/pkg/new.py", ["src"], True),
        ("src/", ["src/pkg"], True),  # an untracked directory holding a checked path
        ("srcx/a.py", ["src"], False),
        ("docs/notes.txt", ["./src/", "tests"], False),
        ("docs/notes.txt", ["."], True),
        ("anything/", None, True),
    ],
)
def test_which_untracked_files_a_tool_could_see(
    untracked: str, paths: list[str] | None, seen: bool
) -> None:
    assert cache._visible(untracked, paths) is seen
