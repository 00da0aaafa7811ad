"""Every git call the release makes, on one repository."""

from __future__ import annotations

import io
import os
import re
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

from . import proc
from .errors import GitError

NETWORK_TIMEOUT = 60.0
# A full object id (SHA-1 or SHA-256): it names the same content for ever.
_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
T = TypeVar("T")


class Git:
    """git in the work tree at ``root``.

    What an object named by its full id is (a tag or not, its message, its commit) can not change:
    git objects are addressed by their content. Those answers are kept for the life of the
    instance, once they are facts: an object found, never an object not (yet) there, which a fetch
    can bring. Everything about refs (what a tag or branch points to) is asked every time.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._facts: dict[tuple[str, str], object] = {}
        self._git_dir: Path | None = None

    def _fact(self, kind: str, ref: str, read: Callable[[], T], lasting: Callable[[T], bool]) -> T:
        """``read()``, remembered for an object id when ``lasting`` says the answer is final."""
        key = (kind, ref)
        if key in self._facts:
            return self._facts[key]  # type: ignore[return-value]
        value = read()
        if _OBJECT_ID.fullmatch(ref) and lasting(value):
            self._facts[key] = value
        return value

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float | None = None,
        hint: str = "",
        input_text: str | None = None,
        env: dict[str, str] | None = None,
    ) -> proc.Result:
        result = proc.run(
            ["git", *args],
            cwd=self.root,
            timeout=timeout,
            input_text=input_text,
            env=env,
            what=f"git {args[0]}",
            redact_output=False,
        )
        if check and not result.ok:
            raise GitError(
                proc.redact(
                    f"git {' '.join(args)} failed (exit {result.returncode}): {result.tail(10)}"
                ),
                hint or "fix the repository state shown above and re-run",
            )
        return result

    def _out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    # -- reading ---------------------------------------------------------------------------------

    def is_repo(self) -> bool:
        return self.run("rev-parse", "--git-dir", check=False).ok

    def git_dir(self) -> Path:
        """The repository's git directory, absolute (asked once: it does not move during a run)."""
        if self._git_dir is None:
            self._git_dir = Path(self._out("rev-parse", "--absolute-git-dir"))
        return self._git_dir

    def branch(self) -> str | None:
        """The checked-out branch, or None on a detached HEAD."""
        result = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        return result.stdout.strip() or None if result.ok else None

    def head(self) -> str:
        return self._out("rev-parse", "HEAD")

    def dirty_files(self, *, untracked: bool = True) -> list[str]:
        """Paths with uncommitted changes (a rename as its two paths); untracked files too unless
        ``untracked=False`` (ignored ones never)."""
        mode = "normal" if untracked else "no"
        status = ("status", "--porcelain", "--no-renames", f"--untracked-files={mode}")
        lines = self.run(*status).stdout.splitlines()
        return [line[3:] for line in lines if line.strip()]

    def worktree_tree(self) -> str:
        """The tree of the tracked files as they are in the work tree now, staged or not (what
        ``git stash create`` records), made in a private copy of the index.

        ``git stash create`` takes the index lock: next to another git command holding it (a
        checklist row running in parallel), it fails, often without a word. A private index
        has no other user, and nothing in the repository changes but new objects.
        """
        shared = self.git_dir() / "index"
        with tempfile.TemporaryDirectory(prefix="nox-release-index-") as scratch:
            private = Path(scratch) / "index"
            if shared.is_file():  # git replaces it whole (lock file, then rename): a copy is whole
                shutil.copyfile(shared, private)
            env = {**os.environ, "GIT_INDEX_FILE": str(private)}
            self.run("add", "--update", env=env)
            return self.run("write-tree", env=env).stdout.strip()

    def worktree_commit(self) -> str:
        """HEAD when the tracked files are as committed; else a commit of them on top of HEAD,
        which no ref points to (for a clone to check out)."""
        head = self.head()
        tree = self.worktree_tree()
        if tree == self._out("rev-parse", f"{head}^{{tree}}"):
            return head
        who = {"NAME": "nox-release", "EMAIL": "nox-release@localhost"}
        env = {
            **os.environ,
            **{f"GIT_{role}_{k}": v for role in ("AUTHOR", "COMMITTER") for k, v in who.items()},
        }
        message = "nox-release: the work tree's tracked files"
        return self.run("commit-tree", tree, "-p", head, "-m", message, env=env).stdout.strip()

    def tags(self) -> set[str]:
        """Every local tag; empty outside a git repository."""
        if not self.is_repo():
            return set()
        return set(self.run("tag", "--list").stdout.split())

    def commit_of(self, ref: str) -> str | None:
        """The commit ``ref`` (a branch, tag or sha) points to, or None if it does not exist."""

        def read() -> str | None:
            result = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
            return result.stdout.strip() or None if result.ok else None

        return self._fact("commit", ref, read, lambda commit: commit is not None)

    def is_annotated_tag(self, ref: str) -> bool:
        """Whether ``ref`` (a tag name, ``refs/...`` or an object id) is an annotated tag object."""

        def read() -> str | None:
            result = self.run("cat-file", "-t", ref, check=False)
            return result.stdout.strip() if result.ok else None

        return self._fact("type", ref, read, lambda kind: kind is not None) == "tag"

    def tag_message(self, ref: str) -> str:
        """The message of the annotated tag object ``ref``, byte for byte (no cleanup)."""

        def read() -> str:
            raw = self.run("cat-file", "tag", ref).stdout
            return raw.split("\n\n", 1)[1] if "\n\n" in raw else ""

        return self._fact("message", ref, read, lambda _message: True)

    def object_id(self, ref: str) -> str | None:
        """The object ``ref`` names (a tag object for an annotated tag), or None."""
        result = self.run("rev-parse", "--verify", "--quiet", ref, check=False)
        return result.stdout.strip() or None if result.ok else None

    def has_object(self, sha: str) -> bool:
        """Whether the object ``sha`` is in this repository (``rev-parse`` would not check)."""

        def read() -> bool:
            return self.run("cat-file", "-e", sha, check=False).ok

        return self._fact("present", sha, read, lambda present: present)

    def commit_time(self, ref: str) -> int:
        """The committer time of ``ref``, in seconds since the epoch (for SOURCE_DATE_EPOCH)."""
        return int(self._out("log", "-1", "--format=%ct", ref))

    def show(self, ref: str, path: str) -> str | None:
        """The text of ``path`` at ``ref``, or None when it is not there."""
        result = self.run("show", f"{ref}:{path}", check=False)
        return result.stdout if result.ok else None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self.run("merge-base", "--is-ancestor", ancestor, descendant, check=False).ok

    def message(self, ref: str = "HEAD") -> str:
        return self._out("log", "-1", "--format=%B", ref)

    def files_in(self, ref: str = "HEAD") -> list[str]:
        """The files a commit changed (against its first parent); a rename is its two paths."""
        return self._out("diff", "--name-only", "--no-renames", f"{ref}^", ref).splitlines()

    def remote_url(self, remote: str) -> str | None:
        result = self.run("remote", "get-url", remote, check=False)
        return result.stdout.strip() if result.ok else None

    # -- the remote ----------------------------------------------------------------------------

    def fetch(self, remote: str) -> None:
        """Fetch branches and tags; GitError if the remote cannot be reached."""
        self.run(
            "fetch",
            "--quiet",
            "--tags",
            remote,
            timeout=NETWORK_TIMEOUT,
            hint=f"check that the remote '{remote}' exists and can be reached (git remote -v)",
        )

    def fetch_ref(self, remote: str, ref: str) -> None:
        """Fetch the objects of one remote ref, creating no local ref (only FETCH_HEAD)."""
        self.run(
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            remote,
            ref,
            timeout=NETWORK_TIMEOUT,
            hint=f"check that the remote '{remote}' can be reached (git remote -v), then re-run",
        )

    def _ls_remote(self, remote: str) -> list[tuple[str, str]]:
        """``(object, ref)`` per line of ``git ls-remote``, peeled ``^{}`` lines included."""
        out = self.run(
            "ls-remote",
            remote,
            timeout=NETWORK_TIMEOUT,
            hint=f"check that the remote '{remote}' exists and can be reached (git remote -v)",
        ).stdout
        lines = []
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            lines.append((sha, ref))
        return lines

    def remote_objects(self, remote: str) -> dict[str, str]:
        """``refs/... -> object`` on the remote, unpeeled: an annotated tag gives its tag object."""
        refs: dict[str, str] = {}
        for sha, ref in self._ls_remote(remote):
            if not ref.endswith("^{}"):
                refs[ref] = sha
        return refs

    def remote_refs(self, remote: str) -> dict[str, str]:
        """``refs/... -> commit`` on the remote, tags peeled to their commits (ls-remote)."""
        refs: dict[str, str] = {}
        for sha, ref in self._ls_remote(remote):
            if ref.endswith("^{}"):
                refs[ref[:-3]] = sha  # the peeled commit wins over the tag object
            else:
                refs.setdefault(ref, sha)
        return refs

    def ahead_behind(self, local: str, upstream: str) -> tuple[int, int]:
        """How many commits ``local`` has that ``upstream`` lacks, and the other way round."""
        out = self._out("rev-list", "--left-right", "--count", f"{local}...{upstream}")
        ahead, behind = out.split()
        return int(ahead), int(behind)

    # -- writing -------------------------------------------------------------------------------

    def commit(self, message: str, paths: list[str]) -> str:
        """Commit ``paths`` as they are in the work tree: a path gone from it (a news fragment
        ``towncrier build`` removed) is committed as removed."""
        present = [path for path in paths if (self.root / path).exists()]
        gone = [path for path in paths if path not in present]
        if present:
            self.run("add", "--", *present)
        if gone:
            self.run("rm", "--quiet", "--cached", "--ignore-unmatch", "--", *gone)
        self.run("commit", "--quiet", "-m", message, "--", *paths)
        return self.head()

    def create_tag(
        self, tag: str, message: str, ref: str = "HEAD", *, replace: bool = False
    ) -> None:
        """An annotated tag whose message is kept verbatim (``#`` lines included)."""
        force = ["--force"] if replace else []
        self.run(
            "tag",
            "--annotate",
            "--cleanup=verbatim",
            *force,
            tag,
            "-F",
            "-",
            ref,
            input_text=message,
        )

    def set_ref(self, ref: str, target: str) -> None:
        """Point the local ``ref`` at the object ``target`` (e.g. a fetched tag object)."""
        self.run("update-ref", ref, target)

    def merge_commit(self, first: str, second: str, message: str) -> str | None:
        """A merge commit of ``first`` and ``second`` made without touching the work tree, or
        None when they conflict (``git merge-tree --write-tree``)."""
        result = self.run("merge-tree", "--write-tree", first, second, check=False)
        if not result.ok:
            return None
        tree = result.stdout.split("\n", 1)[0].strip()
        return self._out("commit-tree", tree, "-p", first, "-p", second, "-m", message)

    def clone_at(self, commit: str, dest: Path, tag: str | None = None) -> Path:
        """A clean checkout of ``commit`` in ``dest`` (a local clone sharing this one's objects);
        ``tag`` is made there too, so VCS version plugins see the release's version."""
        self.run(
            "clone", "--quiet", "--shared", "--no-checkout", "--no-tags", str(self.root), str(dest)
        )
        other = Git(dest)
        other.run("checkout", "--quiet", "--detach", commit)
        if tag is not None:
            other.run("tag", "--force", tag, commit)
        return dest

    def create_branch(self, name: str, start: str) -> None:
        self.run("switch", "--quiet", "-c", name, start)

    def push_atomic(self, remote: str, *refspecs: str) -> None:
        """Push all refs or none (``git push --atomic``)."""
        self.run(
            "push",
            "--atomic",
            "--quiet",
            remote,
            *refspecs,
            timeout=NETWORK_TIMEOUT,
            hint="read the remote's answer above (a protected branch, a hook, a missing "
            "permission), fix it and re-run: nothing was pushed",
        )

    def export(self, ref: str, dest: Path) -> Path:
        """Write the tree of ``ref`` (tracked files only) into ``dest``."""
        data = proc.run_bytes(["git", "archive", "--format=tar", ref], cwd=self.root)
        if data is None:
            raise GitError(f"git archive {ref} failed", f"check that {ref} exists (git log {ref})")
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(dest, filter="data")
            else:  # Python 3.10 before 3.10.12: git archive output is trusted anyway
                tar.extractall(dest)
        return dest
