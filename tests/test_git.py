"""release.git remembers what an object id names (content-addressed, final) and nothing about refs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from release import proc
from release.git import Git
from tests.conftest import git, one_commit_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = one_commit_repo(tmp_path / "repo")
    git(root, "tag", "-a", "v1", "-m", "Release v1\n\nbody")
    return root


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every git command run through release.proc from now on."""
    seen: list[list[str]] = []
    real = proc.run

    def counting(args: list[str], **kwargs: object) -> proc.Result:
        seen.append([str(arg) for arg in args])
        return real(args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(proc, "run", counting)
    return seen


def test_what_an_object_id_names_is_asked_once(repo: Path, calls: list[list[str]]) -> None:
    g = Git(repo)
    obj = g.object_id("refs/tags/v1")
    assert obj is not None
    commit = git(repo, "rev-parse", "HEAD")
    before = len(calls)
    for _ in range(3):
        assert g.is_annotated_tag(obj)
        assert g.tag_message(obj) == "Release v1\n\nbody\n"
        assert g.commit_of(obj) == commit
        assert g.has_object(obj)
    assert len(calls) - before == 4  # type, message, commit, presence: once each
    assert not g.is_annotated_tag(commit)  # a commit's type is final too
    asked = len(calls)
    assert not g.is_annotated_tag(commit)
    assert len(calls) == asked


def test_refs_and_missing_objects_are_asked_every_time(repo: Path, calls: list[list[str]]) -> None:
    g = Git(repo)
    assert g.is_annotated_tag("refs/tags/v1")
    git(repo, "tag", "-d", "v1")
    git(repo, "tag", "v1")  # now a lightweight tag: the ref's answer changes
    assert not g.is_annotated_tag("refs/tags/v1")
    assert g.commit_of("refs/tags/v1") == git(repo, "rev-parse", "HEAD")

    # an object not (yet) here: a fetch could bring it, so "absent" is never kept
    (repo / "b.txt").write_text("b\n", encoding="utf-8")
    blob = git(repo, "hash-object", "b.txt")
    assert not g.has_object(blob)
    assert g.commit_of(blob) is None
    git(repo, "hash-object", "-w", "b.txt")
    assert g.has_object(blob)


def refs_and_index(root: Path) -> tuple[str, bytes]:
    return git(root, "show-ref", "--head"), (root / ".git" / "index").read_bytes()


def test_the_work_trees_snapshot_is_made_while_another_git_holds_the_index_lock(
    repo: Path,
) -> None:
    """A checklist row's ``git status`` holds ``.git/index.lock`` while the build row snapshots the
    tree: ``git stash create`` then failed, often silently (about 3 runs in 10 on a dirty tree)."""
    (repo / "a.txt").write_text("changed, not staged\n", encoding="utf-8")
    (repo / "b.txt").write_text("new, staged\n", encoding="utf-8")
    git(repo, "add", "b.txt")
    (repo / "untracked.txt").write_text("left out\n", encoding="utf-8")
    before = refs_and_index(repo)
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")  # what a concurrent git command holds
    try:
        stash = subprocess.run(["git", "stash", "create"], cwd=repo, capture_output=True)
        tree = Git(repo).worktree_tree()
        commit = Git(repo).worktree_commit()
    finally:
        lock.unlink()

    assert stash.returncode != 0  # the old way, in the same state
    assert git(repo, "ls-tree", "--name-only", tree).split() == ["a.txt", "b.txt"]
    assert git(repo, "show", f"{tree}:a.txt") == "changed, not staged"
    assert git(repo, "rev-parse", f"{commit}^{{tree}}") == tree
    assert git(repo, "rev-parse", f"{commit}^") == git(repo, "rev-parse", "HEAD")
    assert refs_and_index(repo) == before  # no ref moved, the index untouched


def test_a_clean_work_trees_snapshot_is_head(repo: Path) -> None:
    (repo / "untracked.txt").write_text("not part of it\n", encoding="utf-8")
    assert Git(repo).worktree_commit() == git(repo, "rev-parse", "HEAD")
    assert Git(repo).worktree_tree() == git(repo, "rev-parse", "HEAD^{tree}")
