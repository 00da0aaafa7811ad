"""A project whose version is its git tag and which keeps no changelog: the bump writes no file,
so there is no release commit to make, and the tag goes on the commit the branch is at. publish
used to stop at its commit step ("nothing to commit") on every run, so such a project could not
be released. Real git with a bare ``origin``, a real pdm-backend build, two real package indexes
on loopback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from release import config
from release.publish import CommitStep, Release

from .conftest import git, indexes_env, make_repo, run_engine
from .pypi_server import MakeServer

pytestmark = pytest.mark.slow

PROJECTS = Path(__file__).parent / "projects"


def released_without_changelog(tmp_path: Path) -> Path:
    """pdm-backend's scm version, ``changelog = false``, tagged v1.2.0, then one pushed commit."""
    project = tmp_path / "pdm-scm"
    shutil.copytree(PROJECTS / "pdm-scm", project)
    (project / "CHANGELOG.md").unlink()
    with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write("\n[tool.release]\nchangelog = false\ncoverage-threshold = 0\n")
        pyproject.write('\n[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    (project / "tests").mkdir()
    (project / "tests" / "test_shape.py").write_text(
        "import shape_pdm_scm\n\n\ndef test_imports() -> None:\n"
        "    assert shape_pdm_scm.__doc__\n"
    )
    make_repo(project, tmp_path / "origin.git")
    git(project, "tag", "-a", "v1.2.0", "-m", "Release 1.2.0")
    (project / "README.md").write_text("# shape-pdm-scm\n\nThe shape, from its tag.\n")
    git(project, "commit", "--quiet", "-am", "Say more in the README")
    git(project, "push", "--quiet", "origin", "main", "v1.2.0")
    return project


def test_the_tag_goes_on_head_and_the_release_completes(
    tmp_path: Path, make_pypi_server: MakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = released_without_changelog(tmp_path)
    head = git(project, "rev-parse", "HEAD")
    release = Release(config.load(project), "1.2.1")
    assert release.release_commit() == head
    assert CommitStep(release).is_done()

    test, production = make_pypi_server(), make_pypi_server()
    env = {**indexes_env(test, production), "TWINE_USERNAME": "t", "TWINE_PASSWORD": "pw-vcs"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    plan = run_engine(project, "plan", "1.2.1")
    assert "[done ] commit: none to make: the bump writes no file" in plan.stdout, plan.stdout

    done = run_engine(project, "publish", "1.2.1", "--yes", "--allow-unknown")

    assert done.returncode == 0, done.stdout + done.stderr
    assert git(project, "rev-parse", "v1.2.1^{commit}") == head  # no commit of its own
    assert git(project, "rev-parse", "HEAD") == head
    remote = git(project, "ls-remote", "--tags", "origin", "v1.2.1").split()
    assert remote[1] == "refs/tags/v1.2.1"
    assert sorted(path.name for path in production.packages.iterdir()) == [
        "shape_pdm_scm-1.2.1-py3-none-any.whl",
        "shape_pdm_scm-1.2.1.tar.gz",
    ]
