"""``nox -s demo``: an offline release of the bundled OMI-shaped sample, end to end.

A temporary copy of the sample gets a git repository with a bare remote; two pypiservers on
127.0.0.1 stand in for TestPyPI and PyPI; ``publish 0.3.0 --yes`` runs as a user would run it; then
``omi-openclaw`` is installed from the local production index into a fresh venv and ``omi --version``
must print 0.3.0. Servers and files are removed at the end, also on failure.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import origin, proc, smoke
from .errors import CheckFailed, UsageError
from .localindex import LocalIndex
from .output import Out, result_lines

SAMPLE = Path(__file__).resolve().parent / "sample"
"""The OMI-shaped sample project the demo releases; it ships inside the package (and its wheel)."""
DEMO_VERSION = "0.3.0"


def _git(cwd: Path, *args: str) -> None:
    proc.run(["git", *args], cwd=cwd, check=True, what=f"git {args[0]}")


def _banner(out: Out, text: str) -> None:
    out(f"\n=== {text} " + "=" * max(0, 70 - len(text)))


def prepare_project(workdir: Path, out: Out) -> Path:
    """The sample, copied and committed, with a bare ``origin`` it is pushed to."""
    if not SAMPLE.is_dir():
        raise UsageError(
            f"the demo's sample project is not at {SAMPLE}",
            "reinstall nox-release: its package lost the bundled sample (release/sample)",
        )
    project = workdir / "omi-openclaw"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    remote = workdir / "origin.git"
    _git(workdir, "init", "--quiet", "--bare", "-b", "main", str(remote))
    _git(project, "init", "--quiet", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "--quiet", "-m", "OMI 0.2.0 and the changes since")
    _git(project, "remote", "add", "origin", str(remote))
    _git(project, "push", "--quiet", "-u", "origin", "main")
    out(f"sample project: {project}\nbare remote:    {remote}")
    return project


def demo_env(test_index: LocalIndex, prod_index: LocalIndex) -> dict[str, str]:
    env = dict(os.environ)
    tree = origin.source_tree()
    if tree is not None:  # run from a checkout: the release subprocess imports the same engine
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), env.get("PYTHONPATH")]))
    # The sample is a fresh copy in a new directory each run; mypy's cache for it is kept in one
    # place (the engine keeps one per project directory), so a warm demo does not analyse the
    # standard library again. A cache dir set by the user wins.
    cache_home = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    env.setdefault("MYPY_CACHE_DIR", str(cache_home / "nox-release" / "mypy" / "demo"))
    env.update(
        {
            "RELEASE_TEST_UPLOAD_URL": test_index.upload_url,
            "RELEASE_TEST_INDEX_URL": test_index.index_url,
            "RELEASE_UPLOAD_URL": prod_index.upload_url,
            "RELEASE_INDEX_URL": prod_index.index_url,
            # The local indexes accept any credentials; twine still wants some to send.
            "TWINE_USERNAME": "demo",
            "TWINE_PASSWORD": "demo-password-not-secret",
            "GIT_AUTHOR_NAME": env.get("GIT_AUTHOR_NAME", "nox-release demo"),
            "GIT_AUTHOR_EMAIL": env.get("GIT_AUTHOR_EMAIL", "demo@nox-release.invalid"),
            "GIT_COMMITTER_NAME": env.get("GIT_COMMITTER_NAME", "nox-release demo"),
            "GIT_COMMITTER_EMAIL": env.get("GIT_COMMITTER_EMAIL", "demo@nox-release.invalid"),
        }
    )
    return env


def run(out: Out = print, keep: bool = False) -> int:
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="nox-release-demo-"))
    test_index = LocalIndex(workdir / "testpypi")
    prod_index = LocalIndex(workdir / "pypi")
    try:
        _banner(out, "1. a project to release: OMI 0.2.0 with unreleased changes")
        project = prepare_project(workdir, out)

        _banner(out, "2. two local package indexes (pypiserver on 127.0.0.1)")
        LocalIndex.start_together(test_index, prod_index)
        out(f"test index:       {test_index.index_url}\nproduction index: {prod_index.index_url}")

        _banner(out, f"3. nox-release publish {DEMO_VERSION} --yes")
        out(
            "(--allow-unknown: offline, GitHub's CI status and critical issues cannot be asked, "
            "so those rows are UNKNOWN, not PASS)"
        )
        env = demo_env(test_index, prod_index)
        if env.get("RELEASE_GITHUB_API_URL"):
            out(f"GitHub API: {env['RELEASE_GITHUB_API_URL']} (the release step runs against it)")
        else:
            # The demo never talks to the real GitHub: without a stand-in API, no token either.
            env.pop("GITHUB_TOKEN", None)
            env.pop("GH_TOKEN", None)
            out(
                "GitHub: RELEASE_GITHUB_API_URL is not set, so the GitHub release step says SKIPPED "
                "(docs/sessions/demo.md shows how to run it against a local stand-in)"
            )
        result = proc.run(
            [sys.executable, "-m", "release", "publish", DEMO_VERSION, "--yes", "--allow-unknown"],
            cwd=project,
            env=env,
            stream=True,
        )
        if not result.ok:
            raise CheckFailed(
                f"the demo release failed (exit {result.returncode})",
                "read the step output above; the demo directory was removed",
            )

        _banner(out, "4. install omi-openclaw from the local production index")
        results = smoke.install_from_index(
            project="omi-openclaw",
            version=DEMO_VERSION,
            index_url=prod_index.index_url,
            extra_index_url=None,
            package="omi_openclaw",
            commands=["omi --version"],
            timeout=60,
        )
        out(result_lines(results))
        smoke.check_smoke(results)

        _banner(out, "done")
        out(
            f"Released omi-openclaw {DEMO_VERSION} end to end in {time.perf_counter() - started:.1f} s."
        )
        return 0
    finally:
        test_index.stop()
        prod_index.stop()
        if keep:
            out(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
