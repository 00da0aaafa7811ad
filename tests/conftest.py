"""Shared fixtures: the sample project in a real git repository with a bare remote."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator, Mapping, ParamSpec, Protocol, Sequence, TypeVar

import pytest
from filelock import FileLock

from release.demo import SAMPLE

pytest_plugins = ["tests.pypi_server", "tests.fake_github"]

P = ParamSpec("P")
R = TypeVar("R")


# The sessions of the outward contract (../shared/INTERFACE.md).
INTERFACE_SESSIONS = (
    "tests",
    "mypy",
    "black",
    "coverage",
    "build",
    "smoke-venv",
    "release-check",
    "bump",
    "notes",
    "publish-test",
    "publish",
    "github-release",
    "hotfix",
    "yank",
    "doctor",
    "demo",
    "format",
    "lint",
    "typecheck",
)


def pytest_configure(config: pytest.Config) -> None:
    """Under ``coverage run`` with ``patch = ["subprocess"]``, coverage starts in every Python
    process started from here. Only the xdist workers (started by the controller) should be: a
    worker, or a run without workers, stops passing it on to the tools its tests start."""
    if os.environ.get("PYTEST_XDIST_WORKER") or not getattr(config.option, "numprocesses", None):
        os.environ.pop("COVERAGE_PROCESS_CONFIG", None)
    # The suite starts a few thousand Python processes (the engine's CLI, twine, build backends,
    # pypiserver, coverage). Where the machine sets PYTHONDONTWRITEBYTECODE, each of them compiled
    # every module it imports from source, every time: about half of their CPU time. The suite lets
    # Python keep its bytecode caches (in the test venv, the checkout's ignored __pycache__ dirs and
    # temporary venvs). Tools that run inside a project under test are still started with
    # PYTHONDONTWRITEBYTECODE=1 by the engine itself (release/tools.py), so nothing is written there.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    # xdist hands tests out in chunks of up to half of what is left per worker and never takes
    # back what it handed out: a worker could still have a chunk to run (a minute-long test in it)
    # while the others had finished (30 s of one worker alone at the end of a run). One test at a
    # time (a worker holds the running test and the next) lets every idle worker take the next.
    # The tests keep their usual order: running the slow ones first (tried) put the venv and
    # install tests side by side, which made the run's total test time 10 % longer.
    if getattr(config.option, "maxschedchunk", 0) is None:
        config.option.maxschedchunk = 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``long`` (the self-release, the kill-anywhere chains) run first. Handed out in
    the files' order, the self-release test started near the end and ran for its last 20 s with
    the other workers idle. Only these few move: the rest keep their order (see above)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def pytest_unconfigure(config: pytest.Config) -> None:
    """The worker's engine fork server (tests/engine_fork.py) stops with the worker."""
    from tests import engine_fork

    engine_fork.stop()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores. Many tests wait on a subprocess, a server or a
    poll part of the time; the extra worker keeps the cores busy then (on 2 cores: 3 workers
    ran the suite in 199 s against 246 s with 2)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` for a test's own setup; fail loudly."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, encoding="utf-8"
    )
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits made by tests (and by the engine under test) have an author, on any machine."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Release Tester")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tester@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test can reach a real index or GitHub: every default points at a closed loopback port
    and tokens from the developer's shell are removed. Tests that need a server set their own."""
    closed = "http://127.0.0.1:9"
    for var in ("RELEASE_TEST_UPLOAD_URL", "RELEASE_UPLOAD_URL"):
        monkeypatch.setenv(var, f"{closed}/")
    for var in ("RELEASE_TEST_INDEX_URL", "RELEASE_INDEX_URL"):
        monkeypatch.setenv(var, f"{closed}/simple/")
    monkeypatch.setenv("RELEASE_GITHUB_API_URL", closed)
    for var in (
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "TWINE_USERNAME",
        "TWINE_PASSWORD",
        "GITHUB_STEP_SUMMARY",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def _mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the run, shared by its workers (mypy writes it atomically)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return tmp_path_factory.getbasetemp().parent / "mypy-cache"
    return tmp_path_factory.getbasetemp() / "mypy-cache"


@pytest.fixture(autouse=True)
def _tools_start_fast(monkeypatch: pytest.MonkeyPatch, _mypy_cache: Path) -> None:
    """The tools the engine runs on the projects under test, minus costs no test is about.

    * pytest does not load the dev environment's third-party plugins (hypothesis, xdist, ...): the
      projects released in tests declare none, and loading them costs ~0.7 s of CPU per run. A test
      that needs one names it (``-p xdist``).
    * mypy keeps its cache in one directory per test run: the sample's copies share the typeshed
      results instead of type-checking the standard library again in every copy. mypy still checks
      each project's own files (a cached result is reused only for identical content).
    * uv downloads at most 4 files at a time. The tests' pypiservers answer one request at a time
      with a listen queue of 5; uv's default of 50 at once overflows it, and every dropped
      connection waits 1 s for TCP to retry (installing nox-release's 46 wheels took 10 s, not 2).
    """
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("UV_CONCURRENT_DOWNLOADS", "4")
    monkeypatch.setenv("MYPY_CACHE_DIR", str(_mypy_cache))


def failing(
    real: Callable[P, R], fail_on: int, error: BaseException, *, from_then_on: bool = False
) -> Callable[P, R]:
    """``real``, except that its ``fail_on``-th call (1-based) raises ``error``, and with
    ``from_then_on`` every later call too."""
    calls = 0

    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        nonlocal calls
        calls += 1
        if calls == fail_on or (from_then_on and calls > fail_on):
            raise error
        return real(*args, **kwargs)

    return wrapper


def failing_replace(fail_on: int, error: BaseException) -> Callable[..., None]:
    """An ``os.replace`` that raises ``error`` on its ``fail_on``-th call (1-based)."""
    return failing(os.replace, fail_on, error)


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit ``path`` in place as a user would: ``old`` (which must be there) becomes ``new``,
    every other byte (line endings too) kept."""
    text = path.read_bytes().decode("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_bytes(text.replace(old, new).encode("utf-8"))


def copy_sample(dest: Path) -> Path:
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return dest


def one_commit_repo(root: Path) -> Path:
    """A new git repository at ``root`` on main with one commit (``a.txt``), no remote."""
    root.mkdir(parents=True)
    git(root, "init", "--quiet", "-b", "main")
    (root / "a.txt").write_text("a\n", encoding="utf-8")
    git(root, "add", "a.txt")
    git(root, "commit", "--quiet", "-m", "A")
    return root


def init_repo(project: Path, *tags: str) -> Path:
    """``git init`` ``project`` on main, commit everything, and make the lightweight ``tags``
    (no remote)."""
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Initial commit")
    for tag in tags:
        git(project, "tag", tag)
    return project


def make_repo(project: Path, remote: Path) -> Path:
    """``git init`` ``project`` on main, commit everything, push to a new bare ``remote``."""
    git(project.parent, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Initial commit")
    git(project, "remote", "add", "origin", str(remote))
    git(project, "push", "--quiet", "-u", "origin", "main")
    return project


def _sample_digest() -> str:
    """A digest of the sample's files: a build is shared only with runs of the same sample."""
    digest = hashlib.sha256()
    for path in sorted(SAMPLE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.parent.name != "dist":
            digest.update(str(path.relative_to(SAMPLE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def sample_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dist/`` of one real build of the sample at 0.2.0 (sdist and wheel), built once per test
    run and shared by every xdist worker. Read-only: copy it before changing anything."""
    from release import dist

    if os.environ.get("PYTEST_XDIST_WORKER"):  # the run's directory, common to its workers only
        shared = tmp_path_factory.getbasetemp().parent
    else:  # not under xdist: this process is the whole run
        shared = tmp_path_factory.getbasetemp()
    target = shared / f"sample-dist-{_sample_digest()}"
    with FileLock(str(target) + ".lock"):
        done = target / "done"
        if not done.is_file():
            project = target / "sample"
            if project.exists():
                shutil.rmtree(project)
            copy_sample(project)
            dist.build(project, target / "dist")
            done.write_text("built\n")
    return target / "dist"


#: The sample's release files at 0.2.0, by name: the assets of the GitHub tests.
ASSET_WHEEL = "omi_openclaw-0.2.0-py3-none-any.whl"
ASSET_SDIST = "omi_openclaw-0.2.0.tar.gz"


def write_assets(folder: Path) -> list[Path]:
    """``folder`` with a wheel and an sdist of the sample at 0.2.0, to attach to a GitHub release:
    made-up bytes (GitHub stores an asset as it is, unread), of two sizes."""
    folder.mkdir()
    wheel = folder / ASSET_WHEEL
    wheel.write_bytes(b"PK\x03\x04 wheel bytes of omi-openclaw 0.2.0\n" * 40)
    sdist = folder / ASSET_SDIST
    sdist.write_bytes(b"\x1f\x8b sdist bytes of omi-openclaw 0.2.0\n" * 55)
    return [wheel, sdist]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample project (no git)."""
    return copy_sample(tmp_path / "omi")


@pytest.fixture
def sample_repo(tmp_path: Path) -> Iterator[Path]:
    """A copy of the sample project, committed on main, with a bare ``origin`` it is pushed to."""
    project = copy_sample(tmp_path / "omi")
    yield make_repo(project, tmp_path / "origin.git")


REPO = Path(__file__).resolve().parent.parent


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (outside .git, ignored ones included) and its bytes: what a
    command wrote, or that it wrote nothing."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def tree_copy(target: Path) -> Path:
    """This checkout's files as a clone would hold them (tracked and new, not ignored), no .git."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    return target


def engine_env(**extra: str) -> dict[str, str]:
    """The environment for ``python -m release`` in a subprocess: this checkout importable."""
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_captured(
    argv: Sequence[str | Path],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    *,
    no_terminal: bool = False,
    stderr_to_stdout: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd`` as a user would, its output captured as UTF-8 text; with
    ``no_terminal``, stdin is /dev/null: nobody there to answer; with ``stderr_to_stdout``, both
    streams in one pipe (``stderr`` is None). ``python -m release ARGS`` is forked from a process
    that has imported the engine already where that runs as a start would (tests/engine_fork.py)."""
    words = [str(arg) for arg in argv]
    stdin = subprocess.DEVNULL if no_terminal else None
    if words[:3] == [sys.executable, "-m", "release"]:
        from tests import engine_fork

        done = engine_fork.run(
            words[3:],
            cwd,
            env,
            timeout,
            stdin=stdin,
            server_env=engine_env(),
            stderr_to_stdout=stderr_to_stdout,
        )
        if done is not None:
            return done
    return start_captured(words, cwd, env, timeout, stdin=stdin, stderr_to_stdout=stderr_to_stdout)


def start_captured(
    argv: Sequence[str | Path],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    *,
    stdin: int | None = None,
    stderr_to_stdout: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Start ``argv`` as a new process (never forked), its output captured as UTF-8 text."""
    return subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=env,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if stderr_to_stdout else subprocess.PIPE,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


class StartedIndex(Protocol):
    """A package index a test started (:class:`tests.pypi_server.PypiServer`,
    :class:`release.localindex.LocalIndex`)."""

    @property
    def upload_url(self) -> str: ...

    @property
    def index_url(self) -> str: ...


def indexes_env(test: StartedIndex, production: StartedIndex) -> dict[str, str]:
    """The engine's environment naming ``test`` the test index and ``production`` the index."""
    return {
        "RELEASE_TEST_UPLOAD_URL": test.upload_url,
        "RELEASE_TEST_INDEX_URL": test.index_url,
        "RELEASE_UPLOAD_URL": production.upload_url,
        "RELEASE_INDEX_URL": production.index_url,
    }


def purelib(python: Path | str) -> Path:
    """Where ``python`` (a venv's interpreter) installs pure-Python packages."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return Path(done.stdout.strip())


def run_engine(
    project: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m release ARGS`` in ``project`` as a user would, capturing its output."""
    import sys

    return run_captured(
        [sys.executable, "-m", "release", *args], project, env or engine_env(), timeout
    )
