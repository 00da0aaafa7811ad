"""towncrier's settings are read where towncrier reads them: ``towncrier.toml`` at the root first,
else ``[tool.towncrier]`` in pyproject.toml. Each test runs the real ``towncrier build`` (through
``bump``) in a real git repository, so nox-release and towncrier are seen to agree on the news
file and on the fragments' directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from release import config
from release.checklist import Context, changelog_item

from .conftest import git, run_engine, snapshot

PROJECTS = Path(__file__).parent / "projects"
DATE = "2026-12-01"
FIX = "Fixed the width of the shape output."


def committed(name: str, tmp_path: Path) -> Path:
    """The fixture project ``name`` committed on main (towncrier stages and removes through git)."""
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "The release before")
    return project


def test_settings_in_towncrier_toml_name_the_news_file_and_the_fragments(tmp_path: Path) -> None:
    project = committed("towncrier-toml", tmp_path)
    cfg = config.load(project, env={})
    assert (cfg.changelog_kind, cfg.changelog) == ("towncrier", project / "CHANGES.rst")
    assert cfg.towncrier is not None and cfg.towncrier.source == project / "towncrier.toml"
    (waiting,) = changelog_item(Context(cfg))
    assert (waiting.status, waiting.reason) == ("PASS", "towncrier: 1 news fragment(s) waiting")

    dry = run_engine(project, "bump", "auto", "--date", DATE, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "auto: patch release" in dry.stdout  # the bugfix fragment in changes/ was read
    assert "CHANGES.rst  towncrier build --version 1.2.1" in dry.stdout

    bumped = run_engine(project, "bump", "patch", "--date", DATE)

    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert not (project / "NEWS.rst").exists()
    assert "1.2.1 (2026-12-01)\n==================" in (project / "CHANGES.rst").read_text("utf-8")
    assert not (project / "changes" / "42.bugfix.rst").exists()
    notes = run_engine(project, "notes", "1.2.1")
    assert notes.returncode == 0, notes.stdout + notes.stderr
    assert notes.stdout == f"Bugfixes\n--------\n\n- {FIX} (#42)\n"
    (row,) = changelog_item(Context(config.load(project, env={}), "1.2.1"))
    assert (row.status, row.reason) == ("PASS", "towncrier built the 1.2.1 section of CHANGES.rst")


def test_towncrier_toml_wins_over_pyproject_as_it_does_for_towncrier(tmp_path: Path) -> None:
    """A [tool.towncrier] table left in pyproject.toml is never read by towncrier once
    towncrier.toml exists: nox-release ignores it too."""
    project = committed("towncrier-toml", tmp_path)
    with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write('\n[tool.towncrier]\nfilename = "NEWS.md"\ndirectory = "news"\n')
    (project / "news").mkdir()
    (project / "news" / "7.feature.md").write_text("Not towncrier's.\n", encoding="utf-8")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "An unused table")

    assert config.load(project, env={}).changelog == project / "CHANGES.rst"
    dry = run_engine(project, "bump", "auto", "--date", DATE, "--dry-run")
    assert "auto: patch release" in dry.stdout, dry.stdout + dry.stderr  # not the news/ feature
    bumped = run_engine(project, "bump", "patch", "--date", DATE)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert FIX in (project / "CHANGES.rst").read_text(encoding="utf-8")
    assert not (project / "NEWS.md").exists() and (project / "news" / "7.feature.md").exists()


def test_without_directory_the_fragments_are_in_the_package(tmp_path: Path) -> None:
    """towncrier's default: <package_dir>/<package>/newsfragments."""
    project = committed("towncrier-toml", tmp_path)
    settings = project / "towncrier.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('directory = "changes"\n', ""), "utf-8"
    )
    fragments = project / "src" / "towncrier_toml" / "newsfragments"
    fragments.mkdir()
    (project / "changes" / "42.bugfix.rst").rename(fragments / "42.feature.rst")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Fragments in the package")

    bumped = run_engine(project, "bump", "auto", "--date", DATE)

    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert "auto: minor release" in bumped.stdout
    assert "1.3.0 (2026-12-01)" in (project / "CHANGES.rst").read_text(encoding="utf-8")
    assert not (fragments / "42.feature.rst").exists()


@pytest.mark.parametrize(
    ("text", "said", "fix"),
    [
        (
            '[tool.towncrier]\nfilename = "CHANGES.rst\n',
            "towncrier.toml is not valid TOML: line 2",
            "fix the syntax at towncrier.toml:2",
        ),
        (
            "[tool.towncrier]\nfilename = 3\n",
            "[tool.towncrier] filename in towncrier.toml must be a string, not 3",
            'write it like filename = "..."',
        ),
        (
            "[[tool.towncrier.type]]\nname = 'Fixes'\n",
            "[[tool.towncrier.type]] in towncrier.toml: every entry needs a directory",
            'write each as [[tool.towncrier.type]] with directory = "feature"',
        ),
    ],
)
def test_bad_towncrier_toml_is_bad_input_and_nothing_is_written(
    text: str, said: str, fix: str, tmp_path: Path
) -> None:
    project = committed("towncrier-toml", tmp_path)
    (project / "towncrier.toml").write_text(text, encoding="utf-8")
    before = snapshot(project)

    bumped = run_engine(project, "bump", "patch", "--date", DATE)

    assert bumped.returncode == 2, bumped.stdout + bumped.stderr
    assert said in bumped.stderr and f"fix: {fix}" in bumped.stderr
    assert snapshot(project) == before
