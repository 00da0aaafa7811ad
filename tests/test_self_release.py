"""This repository releases itself: bump → push → what .github/workflows/release.yml runs.

A copy of this checkout (its tracked files as they are now) gets a git repository with a bare
remote, is bumped to the next minor version, committed, tagged and pushed. Then, in a fresh clone
checked out at the tag (as ``actions/checkout`` does), the ``run:`` lines of release.yml that call
our nox sessions are run as the engine commands those sessions call, with the workflow's own
arguments: ``release-check --version … --wait-ci …``, ``build``, ``publish-test`` and ``upload`` to
two local pypiservers, and ``github-release`` against the fake GitHub.

Kept to the minimum needed (it is still the slowest test): the copy's checklist runs one small test
file (``test-args``, with ``coverage-threshold = 0`` since one file covers little) instead of the
copy's whole suite; the nox sessions' environments are not created (the engine runs from this
environment, importing the copy's own ``release`` package); the PEP 740 signing step and
``--attestations`` are left out (Sigstore needs the network and a CI identity). Like the build
environments of every build test, it downloads packages: the wheels of nox-release's own
dependencies, put on the local production index as PyPI has them.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from release import changelog
from release.config import read_pyproject
from tests.conftest import REPO, engine_env, git, indexes_env, make_repo, run_captured, run_engine
from tests.fake_github import FakeGitHub
from tests.pypi_server import MakeServer
from tests.test_workflows import RELEASE, load, nox_sessions

pytestmark = [pytest.mark.slow, pytest.mark.long]

# the engine command each session of release.yml calls (release/sessions.py)
ENGINE = {
    "release-check": "check",
    "build": "build",
    "publish-test": "publish-test",
    "upload": "upload",
    "github-release": "github-release",
}
SMALL_TESTS = 'test-args = ["tests/test_files.py"]\ncoverage-threshold = 0\n'
TEST_ARGS = re.compile(r"^test-args = .*\n", re.MULTILINE)


def copy_checkout(dest: Path) -> Path:
    """This checkout's tracked files, with their current contents."""
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    for raw in names:
        name = raw.decode("utf-8")
        source = REPO / name
        if name and source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def runtime_dependencies(project: Path) -> list[str]:
    """``[project].dependencies`` of the copy: what PyPI would serve next to nox-release."""
    table = read_pyproject(project / "pyproject.toml")["project"]
    return [str(spec) for spec in table["dependencies"]]


def workflow_lines(workflow: dict[str, Any]) -> list[tuple[str, str]]:
    """(job, run line) of every step, in the order the jobs run."""
    return [
        (job, " ".join(step["run"].split()))
        for job in workflow["jobs"]
        for step in workflow["jobs"][job]["steps"]
        if "run" in step
    ]


def as_engine_command(line: str) -> str:
    """``nox -s SESSION -- ARGS`` as ``python -m release COMMAND ARGS``."""
    (session,) = nox_sessions(line)
    posargs = line.split(" -- ", 1)[1] if " -- " in line else ""
    words = [word for word in shlex.split(posargs, posix=False) if word != "--attestations"]
    return f"{shlex.quote(sys.executable)} -m release {ENGINE[session]} {' '.join(words)}"


def test_this_repository_releases_itself(
    tmp_path: Path, make_pypi_server: MakeServer, fake_github: FakeGitHub
) -> None:
    # -- the maintainer: bump, commit, tag, push ------------------------------------------------
    project = copy_checkout(tmp_path / "nox-release")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert 'publish-from = "ci"' in text  # this repository's release uploads from CI
    text = TEST_ARGS.sub("", text)
    pyproject.write_text(
        text.replace('publish-from = "ci"\n', 'publish-from = "ci"\n' + SMALL_TESTS, 1),
        encoding="utf-8",
    )
    make_repo(project, tmp_path / "origin.git")
    current = re.search(r'^version = "(.+)"$', text, re.MULTILINE)
    assert current is not None
    major, minor, _ = (int(part) for part in current.group(1).split("."))
    version, tag = f"{major}.{minor + 1}.0", f"v{major}.{minor + 1}.0"

    bumped = run_engine(project, "bump", "minor", "--date", "2026-12-02")
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    notes = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    # our link style: [Unreleased] compares from the new tag; the first release links its commits
    assert f"[Unreleased]: https://github.com/nox-release/nox-release/compare/{tag}...HEAD" in notes
    assert f"[{version}]: https://github.com/nox-release/nox-release/commits/{tag}" in notes
    assert changelog.lint(notes) == ["line 8: the [Unreleased] section is empty"]
    git(project, "commit", "-qam", f"Release version {version}")
    git(project, "tag", "-a", tag, "-m", f"Release version {version}")
    git(project, "push", "-q", "--atomic", "origin", "main", tag)

    # -- GitHub Actions on the tag: a fresh clone, detached at the tag ----------------------------
    ci = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(ci))
    git(ci, "checkout", "-q", "--detach", tag)
    sha = git(ci, "rev-parse", "HEAD")
    fake_github.repo = "nox-release/nox-release"
    fake_github.add_tag(tag, sha)
    for python in ("3.10", "3.11", "3.12", "3.13"):  # ci.yml's runs for the tagged commit
        fake_github.add_check_run(sha, f"nox (Python {python})")
    test_index, index = make_pypi_server(), make_pypi_server()
    # like PyPI, the production index already has nox-release's dependencies (the install check
    # of each index resolves them there)
    wheels = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:"]
        + ["--dest", str(index.packages), *runtime_dependencies(project)],
        capture_output=True,
        text=True,
    )
    assert wheels.returncode == 0, wheels.stderr
    dependencies = sorted(index.files())
    env = engine_env(
        **fake_github.env(),
        PYTHONPATH=str(ci),  # the engine is the copy's own release package
        GITHUB_REF_NAME=tag,
        GITHUB_ENV=str(tmp_path / "github_env"),
        **indexes_env(test_index, index),
        # in GitHub Actions twine gets a token by trusted publishing; pypiserver takes any
        TWINE_USERNAME="ci",
        TWINE_PASSWORD="stand-in-for-trusted-publishing",
    )
    ran: list[str] = []
    for job, line in workflow_lines(load(RELEASE)):
        if nox_sessions(line):
            command = as_engine_command(line)
        elif "GITHUB_ENV" in line:
            command = line  # the version from the tag
        else:
            continue  # installing nox/uv, signing attestations: not needed here
        done = run_captured(["bash", "-c", command], ci, env, timeout=900)
        assert done.returncode == 0, f"{job}: {command}\n{done.stdout}\n{done.stderr}"
        if nox_sessions(line):
            ran.append(ENGINE[nox_sessions(line)[0]])
        else:  # what a step appends to $GITHUB_ENV is in the environment of the next steps
            for entry in Path(env["GITHUB_ENV"]).read_text(encoding="utf-8").splitlines():
                key, _, value = entry.partition("=")
                env[key] = value
            ran.append(f"env {env['VERSION']}")

    assert ran == ["check", "build", f"env {version}", "publish-test", "upload", "github-release"]
    report = json.loads((ci / "release-check.json").read_text(encoding="utf-8"))
    rows = {row["item"]: row for row in report["rows"]}
    assert rows["release branch"]["status"] == "PASS"
    assert rows["changelog"]["status"] == "PASS"
    assert rows["version copies"]["status"] == "PASS", rows["version copies"]
    assert rows["CI of HEAD"] == {
        "item": "CI of HEAD",
        "status": "PASS",
        "reason": f"all 4 CI checks passed on {sha[:12]}",
        "fix": "",
    }
    assert not [row for row in report["rows"] if row["status"] == "FAIL"]
    built = sorted(path.name for path in (ci / "dist").iterdir())
    assert built == [f"nox_release-{version}-py3-none-any.whl", f"nox_release-{version}.tar.gz"]
    assert sorted(test_index.files()) == built
    assert sorted(set(index.files()) - set(dependencies)) == built
    release = fake_github.release(tag)
    assert release is not None and not release.draft and release.make_latest == "true"
    assert release.name == f"nox-release v{version}"
    assert release.body is not None and "### Added" in release.body
    for name in built:
        digest = hashlib.sha256((ci / "dist" / name).read_bytes()).hexdigest()
        asset = release.asset(name)
        assert asset is not None and asset.sha256 == digest
