"""release.dist on real builds of the sample project (release/sample, copied to a temp dir)."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import packaging
import pytest
import tomlkit

from release import dist, smoke
from release.errors import CheckFailed, ToolFailed, UsageError
from release.demo import SAMPLE
from tests.conftest import purelib

NAME = "omi-openclaw"
SDIST = "omi_openclaw-0.2.0.tar.gz"
WHEEL = "omi_openclaw-0.2.0-py3-none-any.whl"


def copy_sample(target: Path) -> Path:
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("dist", "__pycache__"))
    return target


@pytest.fixture
def built(sample_dist: Path) -> Path:
    """dist/ of one real build of the sample at 0.2.0, shared by the run (copy it to change it)."""
    return sample_dist


@pytest.fixture
def dist_copy(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "dist"
    shutil.copytree(built, target)
    return target


@pytest.mark.slow
def test_build_makes_normalized_sdist_and_wheel(built: Path) -> None:
    assert sorted(path.name for path in built.iterdir()) == [WHEEL, SDIST]


@pytest.mark.slow
def test_check_dist_accepts_the_build_and_reads_metadata(dist_copy: Path) -> None:
    files = dist.check_dist(dist_copy, NAME, "0.2.0")
    assert files.sdist == dist_copy / SDIST
    assert files.wheel == dist_copy / WHEEL
    assert files.all == (dist_copy / SDIST, dist_copy / WHEEL)
    assert dist.wheel_metadata_version(files.wheel) == "0.2.0"


@pytest.mark.slow
def test_check_dist_accepts_attestations_and_hidden_files(dist_copy: Path) -> None:
    (dist_copy / (WHEEL + ".publish.attestation")).write_text("{}")
    (dist_copy / ".gitignore").write_text("*\n")
    assert dist.check_dist(dist_copy, NAME, "0.2.0").wheel.name == WHEEL


@pytest.mark.slow
def test_twine_check_passes_on_the_build(built: Path) -> None:
    dist.twine_check(sorted(built.iterdir()))


@pytest.mark.slow
def test_build_empties_the_output_dir_first(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "sample")
    stale = project / "dist" / "omi_openclaw-0.1.0-py3-none-any.whl"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    files = dist.build(project, project / "dist")
    assert [path.name for path in files] == [WHEEL, SDIST]
    assert not stale.exists()


@pytest.mark.slow
def test_check_dist_fails_on_a_stale_extra_file(dist_copy: Path) -> None:
    (dist_copy / "omi_openclaw-0.1.0-py3-none-any.whl").write_bytes(b"old")
    with pytest.raises(CheckFailed) as caught:
        dist.check_dist(dist_copy, NAME, "0.2.0")
    assert "2 wheels" in caught.value.message
    assert "omi_openclaw-0.1.0-py3-none-any.whl is version 0.1.0" in caught.value.message
    assert "nox -s build" in caught.value.hint


@pytest.mark.slow
def test_check_dist_fails_on_an_unrelated_file(dist_copy: Path) -> None:
    (dist_copy / "notes.txt").write_text("x")
    with pytest.raises(CheckFailed, match="notes.txt is not a distribution"):
        dist.check_dist(dist_copy, NAME, "0.2.0")


@pytest.mark.slow
def test_check_dist_fails_on_the_wrong_version(dist_copy: Path) -> None:
    with pytest.raises(CheckFailed) as caught:
        dist.check_dist(dist_copy, NAME, "0.3.0")
    message = caught.value.message
    assert f"{SDIST} is version 0.2.0, not 0.3.0" in message
    assert f"{WHEEL} is version 0.2.0, not 0.3.0" in message


@pytest.mark.slow
def test_check_dist_fails_on_a_missing_wheel(dist_copy: Path) -> None:
    (dist_copy / WHEEL).unlink()
    with pytest.raises(CheckFailed, match=r"no wheel \(expected omi_openclaw-0.2.0-\*.whl\)"):
        dist.check_dist(dist_copy, NAME, "0.2.0")


@pytest.mark.slow
def test_check_dist_fails_on_another_project(dist_copy: Path) -> None:
    with pytest.raises(CheckFailed, match="belongs to omi-openclaw, not other-project"):
        dist.check_dist(dist_copy, "other-project", "0.2.0")


@pytest.mark.slow
def test_check_dist_fails_on_a_non_normalized_sdist_name(dist_copy: Path) -> None:
    (dist_copy / SDIST).rename(dist_copy / "omi-openclaw-0.2.0.tar.gz")
    with pytest.raises(CheckFailed, match="not named as PEP 625 requires: " + SDIST):
        dist.check_dist(dist_copy, NAME, "0.2.0")


@pytest.mark.slow
def test_check_dist_reads_the_version_inside_the_wheel(dist_copy: Path) -> None:
    """A wheel renamed to the new version still says 0.2.0 in its METADATA."""
    (dist_copy / WHEEL).rename(dist_copy / "omi_openclaw-0.3.0-py3-none-any.whl")
    (dist_copy / SDIST).rename(dist_copy / "omi_openclaw-0.3.0.tar.gz")
    with pytest.raises(CheckFailed, match="says Version: 0.2.0 in its METADATA, not 0.3.0"):
        dist.check_dist(dist_copy, NAME, "0.3.0")


@pytest.mark.slow
def test_check_dist_fails_on_a_broken_wheel(dist_copy: Path) -> None:
    (dist_copy / WHEEL).write_bytes(b"not a zip")
    with pytest.raises(CheckFailed, match="no readable .dist-info/METADATA"):
        dist.check_dist(dist_copy, NAME, "0.2.0")


def test_check_dist_fails_when_nothing_was_built(tmp_path: Path) -> None:
    with pytest.raises(CheckFailed, match="does not exist") as caught:
        dist.check_dist(tmp_path / "dist", NAME, "0.2.0")
    assert "nox -s build" in caught.value.hint


def test_check_dist_fails_on_an_empty_dir(tmp_path: Path) -> None:
    with pytest.raises(CheckFailed) as caught:
        dist.check_dist(tmp_path, NAME, "0.2.0")
    assert "no sdist (expected omi_openclaw-0.2.0.tar.gz)" in caught.value.message
    assert "no wheel" in caught.value.message


def test_wheel_metadata_version_of_a_hand_made_wheel(tmp_path: Path) -> None:
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo/__init__.py", "")
        archive.writestr("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\n")
    assert dist.wheel_metadata_version(wheel) is None
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo-1.0.dist-info/METADATA", "Name: demo\nVersion: 1.0\n\nbody\n")
    assert dist.wheel_metadata_version(wheel) == "1.0"


def test_build_refuses_to_empty_the_project_itself(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "sample")
    with pytest.raises(UsageError, match="refusing to empty"):
        dist.build(project, project)
    with pytest.raises(UsageError):
        dist.build(project, tmp_path)
    assert (project / "pyproject.toml").is_file()


def test_twine_check_needs_files() -> None:
    with pytest.raises(UsageError):
        dist.twine_check([])


@pytest.mark.slow
def test_twine_check_fails_on_a_readme_pypi_cannot_render(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "sample")
    (project / "README.rst").write_text("Title\n=====\n\n.. nosuchdirective::\n")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('readme = "README.md"', 'readme = "README.rst"')
    )
    files = dist.build(project, project / "dist")
    with pytest.raises(ToolFailed) as caught:
        dist.twine_check(files)
    assert 'Unknown directive type "nosuchdirective"' in caught.value.message
    assert "\x1b[" not in caught.value.message


@pytest.mark.slow
def test_build_failure_shows_the_tool_output(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "sample")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.2.0"', 'version = "zero"'))
    with pytest.raises(ToolFailed) as caught:
        dist.build(project, project / "dist")
    assert "sdist and wheel) failed" in caught.value.message
    assert "zero" in caught.value.message


@pytest.mark.slow
def test_a_missing_build_tool_is_named_as_missing(tmp_path: Path) -> None:
    """In a venv with the engine's imports but without build, ``python -m release build`` says
    build is missing (not that the project's packaging is broken) and writes nothing."""
    python = smoke.fresh_venv(tmp_path / "venv")
    site = purelib(python)
    for module in (packaging, tomlkit):
        assert module.__file__ is not None
        shutil.copytree(Path(module.__file__).parent, site / module.__name__)
    project = copy_sample(tmp_path / "sample")
    env = dict(os.environ, PYTHONPATH=str(Path(dist.__file__).parent.parent))
    done = subprocess.run(
        [python, "-m", "release", "build"], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the tool 'build' is missing" in done.stderr
    assert "pip install build" in done.stderr
    assert "packaging error" not in done.stderr
    assert not (project / "dist").exists()
