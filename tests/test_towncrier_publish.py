"""publish's preflight recognises the bump of a towncrier project: the version files, the news
file towncrier built and the fragments it removed, uncommitted or as HEAD's commit, and nothing
beside it. Real git with a bare ``origin``, the real ``towncrier build`` (run by ``bump``), two
real package indexes on loopback. The Markdown fixture keeps its settings in pyproject.toml, the
reStructuredText one in towncrier.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from release import config, doctor
from release.publish import CommitStep, Release
from release.publish.preflight import problems

from .conftest import git, indexes_env, make_repo, run_engine
from .pypi_server import MakeServer

pytestmark = pytest.mark.slow

PROJECTS = Path(__file__).parent / "projects"
DATE = "2026-12-03"
VERSION = "1.2.1"
KINDS = [
    ("changelog-towncrier", "CHANGELOG.md", "changelog.d/+shape.feature.md"),
    ("towncrier-toml", "CHANGES.rst", "changes/42.bugfix.rst"),
]


@pytest.fixture
def indexes(make_pypi_server: MakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test and a production index the preflight can read, and credentials for both."""
    for name, value in indexes_env(make_pypi_server(), make_pypi_server()).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TWINE_USERNAME", "tester")
    monkeypatch.setenv("TWINE_PASSWORD", "pw-towncrier")


def released(name: str, tmp_path: Path) -> Path:
    """The fixture ``name`` on main, tagged v1.2.0 and pushed to a bare origin."""
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    make_repo(project, tmp_path / "origin.git")
    git(project, "tag", "-a", "v1.2.0", "-m", "Release 1.2.0")
    git(project, "push", "--quiet", "origin", "v1.2.0")
    return project


def bumped(name: str, tmp_path: Path) -> Path:
    project = released(name, tmp_path)
    done = run_engine(project, "bump", VERSION, "--date", DATE)
    assert done.returncode == 0, done.stdout + done.stderr
    return project


def stoppers(project: Path) -> list[str]:
    """What the preflight of publish 1.2.1 finds (the checklist items aside)."""
    return [problem.message for problem in problems(Release(config.load(project), VERSION))]


@pytest.mark.parametrize(("name", "news", "fragment"), KINDS, ids=[kind[0] for kind in KINDS])
def test_the_towncrier_bump_passes_the_preflight_before_and_after_its_commit(
    name: str, news: str, fragment: str, tmp_path: Path, indexes: None
) -> None:
    project = bumped(name, tmp_path)
    changed = git(project, "status", "--porcelain").splitlines()
    assert f"M  {news}" in changed and f"D  {fragment}" in changed  # towncrier stages them
    assert Release(config.load(project), VERSION).changes_not_by_bump() == []
    assert stoppers(project) == []
    plan = run_engine(project, "plan", VERSION)
    assert "[done ] bump" in plan.stdout and "[to do] commit" in plan.stdout, plan.stdout

    git(project, "commit", "--quiet", "-am", f"Release version {VERSION}")  # as a user would

    assert Release(config.load(project), VERSION).head_is_bump_commit()
    assert stoppers(project) == []
    plan = run_engine(project, "plan", VERSION)
    assert "[done ] commit" in plan.stdout, plan.stdout
    judged = doctor.upcoming(config.load(project))  # the release in progress, no problem
    assert (judged.release.version, judged.problems) == (VERSION, [])


def test_publish_commits_the_towncrier_bump_it_recognises(tmp_path: Path, indexes: None) -> None:
    """The commit step takes the fragments' removal along with the news file."""
    project = bumped("towncrier-toml", tmp_path)
    release = Release(config.load(project), VERSION)

    CommitStep(release).run(lambda _: None)

    assert git(project, "status", "--porcelain") == ""
    assert Release(config.load(project), VERSION).head_is_bump_commit()
    assert stoppers(project) == []


def test_changes_beside_the_towncrier_bump_are_still_refused(tmp_path: Path, indexes: None) -> None:
    project = bumped("towncrier-toml", tmp_path)
    news = project / "CHANGES.rst"
    built = news.read_text(encoding="utf-8")

    news.write_text(built + "\nA line towncrier did not write.\n", encoding="utf-8")
    (project / "README.md").write_text("edited\n", encoding="utf-8")
    assert stoppers(project) == [
        f"changes the bump to {VERSION} does not make: CHANGES.rst, README.md"
    ]

    news.write_text(built, encoding="utf-8")
    git(project, "checkout", "--quiet", "--", "README.md")
    git(project, "rm", "--quiet", "--", "README.md")  # not a fragment
    assert stoppers(project) == [f"changes the bump to {VERSION} does not make: README.md"]

    git(project, "reset", "--quiet", "--", "README.md")
    git(project, "checkout", "--quiet", "--", "README.md")
    (project / "README.md").write_text("edited\n", encoding="utf-8")
    git(project, "commit", "--quiet", "-am", f"Release version {VERSION}")
    assert not Release(config.load(project), VERSION).head_is_bump_commit()
    assert stoppers(project) == [
        f"main has 1 unpushed commit(s) that are not the bump to {VERSION}"
    ]


def test_only_the_fragments_towncrier_consumed_may_go(tmp_path: Path, indexes: None) -> None:
    """A file of the fragments' directory towncrier leaves (its README) is no fragment: removing
    it beside the bump is refused."""
    project = released("towncrier-toml", tmp_path)
    (project / "changes" / "README.rst").write_text("News fragments go here.\n", "utf-8")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Say what changes/ is for")
    git(project, "push", "--quiet", "origin", "main")
    done = run_engine(project, "bump", VERSION, "--date", DATE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (project / "changes" / "README.rst").is_file()
    assert stoppers(project) == []

    git(project, "rm", "--quiet", "changes/README.rst")

    assert stoppers(project) == [f"changes the bump to {VERSION} does not make: changes/README.rst"]
