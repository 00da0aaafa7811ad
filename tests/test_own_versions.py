"""A module's own ``__version__`` (a bundled backport) is offered ``exclude`` wherever it shows up,
while a stale copy of the project's version is still caught; real projects in real git."""

from __future__ import annotations

import shutil
from pathlib import Path

import tomlkit

from release import adopt, config
from release.checklist.project import versions_item
from release.checklist.rows import Context

from .conftest import git, replace_in, run_engine, snapshot

PROJECTS = Path(__file__).parent / "projects"
BACKPORT = "shape_hatch_static/util/backport.py"
EXCLUDE = f'exclude = ["{BACKPORT}"]'
BACKPORT_TEXT = '''\
"""A backport of a standard-library module, bundled with its own version."""

__version__ = "3.5.0.1"


def match(name: str) -> bool:
    return bool(name)
'''


def project_with_backport(tmp_path: Path, value: str = "3.5.0.1") -> Path:
    """hatch-static (1.2.0, tagged v1.2.0) with ``util/backport.py`` saying ``value``."""
    project = tmp_path / "hatch-static"
    shutil.copytree(PROJECTS / "hatch-static", project)
    util = project / "shape_hatch_static" / "util"
    util.mkdir()
    (util / "__init__.py").write_text("")
    (util / "backport.py").write_text(BACKPORT_TEXT.replace("3.5.0.1", value))
    commit(project, "Initial commit")
    git(project, "tag", "v1.2.0")
    return project


def commit(project: Path, message: str) -> None:
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", message)


def add_release_table(project: Path, body: str) -> None:
    with (project / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(f"\n[tool.release]\n{body}\n")
    commit(project, "release config")


def test_versions_offers_exclude_for_a_module_with_its_own_version(tmp_path: Path) -> None:
    project = project_with_backport(tmp_path)

    listed = run_engine(project, "versions")

    assert listed.returncode == 1, listed.stdout + listed.stderr
    assert "drift: the copies disagree (1.2.0, 3.5.0.1)" in listed.stdout
    assert "  fix: set them all with: nox -s bump -- <version>" in listed.stdout
    assert (
        f"  or: if {BACKPORT}:3 (3.5.0.1) is its module's own version (a bundled or backported "
        f"module), not a copy of 1.2.0, leave it out: add {EXCLUDE} to [tool.release]"
    ) in listed.stdout
    add_release_table(project, EXCLUDE)
    again = run_engine(project, "versions")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "backport" not in again.stdout
    assert "all 2 copies at 1.2.0" in again.stdout


def test_bump_refuses_naming_the_exclude_then_leaves_the_module_alone(tmp_path: Path) -> None:
    project = project_with_backport(tmp_path)
    before = snapshot(project)

    refused = run_engine(project, "bump", "patch")

    assert refused.returncode == 2
    assert f"error: 1.2.1 is older than 3.5.0.1 in {BACKPORT}:3" in refused.stderr
    assert f"leave it out: add {EXCLUDE} to [tool.release]" in refused.stderr
    assert "if it is a copy, give a version above 3.5.0.1" in refused.stderr
    assert snapshot(project) == before
    add_release_table(project, EXCLUDE)
    bumped = run_engine(project, "bump", "patch", "--date", "2026-12-01")
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert (project / BACKPORT).read_text() == BACKPORT_TEXT
    assert '__version__: str = "1.2.1"' in (project / "shape_hatch_static/__init__.py").read_text()


def test_bump_over_a_lower_own_version_says_how_to_leave_it_out(tmp_path: Path) -> None:
    project = project_with_backport(tmp_path, "0.9")

    planned = run_engine(project, "bump", "patch", "--dry-run", "--date", "2026-12-01")

    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert f"  {BACKPORT}:3  0.9 → 1.2.1" in planned.stdout
    assert f"  note: if {BACKPORT}:3 (0.9) is its module's own version" in planned.stdout
    assert f"add {EXCLUDE} to [tool.release], and bump again" in planned.stdout


def test_a_stale_copy_in_the_package_init_is_still_drift_and_bump_sets_it(tmp_path: Path) -> None:
    project = project_with_backport(tmp_path, "1.2.0")  # the module copies the version
    replace_in(project / "shape_hatch_static/__init__.py", '"1.2.0"', '"1.1.0"')
    commit(project, "stale")

    listed = run_engine(project, "versions")

    assert listed.returncode == 1
    assert "drift: the copies disagree (1.1.0, 1.2.0)" in listed.stdout
    assert "exclude" not in listed.stdout  # the package's own version module is never foreign
    bumped = run_engine(project, "bump", "patch", "--date", "2026-12-01")
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert "exclude" not in bumped.stdout
    assert '"1.2.1"' in (project / "shape_hatch_static/__init__.py").read_text()
    assert '"1.2.1"' in (project / BACKPORT).read_text()


def test_the_checklist_row_offers_the_exclude(tmp_path: Path) -> None:
    project = project_with_backport(tmp_path)

    (row,) = versions_item(Context(config.load(project, env={})))

    assert row.status == "FAIL"
    assert row.fix.startswith("nox -s bump -- <version> fixes all; or, if ")
    assert f"leave it out: add {EXCLUDE} to [tool.release]" in row.fix


def test_a_version_file_named_in_the_config_is_a_copy_not_a_candidate(tmp_path: Path) -> None:
    project = project_with_backport(tmp_path)
    add_release_table(project, f'version-files = ["{BACKPORT}"]')

    listed = run_engine(project, "versions")

    assert listed.returncode == 1
    assert "exclude" not in listed.stdout


def test_init_proposes_exclude_for_a_foreign_version_and_says_why(tmp_path: Path) -> None:
    project = project_with_backport(tmp_path)
    lines: list[str] = []

    assert adopt.run_init(project, yes=True, out=lines.append) == 0

    said = "\n".join(lines)
    assert f"{BACKPORT}:3: __version__ 3.5.0.1, not a version of the project (1.2.0):" in said
    assert "taken as that module's own (a bundled or backported module)" in said
    doc = tomlkit.parse((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert doc["tool"]["release"]["exclude"] == [BACKPORT]
    commit(project, "adopted")
    assert run_engine(project, "versions").returncode == 0


def test_a_version_the_project_had_is_a_stale_copy_not_a_module_version(tmp_path: Path) -> None:
    project = project_with_backport(tmp_path, "1.2.0")
    git(project, "tag", "v1.3.0")  # the project is at 1.3.0; util/backport.py stayed at 1.2.0
    replace_in(project / "pyproject.toml", '"1.2.0"', '"1.3.0"')
    replace_in(project / "shape_hatch_static/__init__.py", '"1.2.0"', '"1.3.0"')
    commit(project, "1.3.0")

    listed = run_engine(project, "versions")

    assert listed.returncode == 1
    assert "drift: the copies disagree (1.2.0, 1.3.0)" in listed.stdout
    assert "exclude" not in listed.stdout
    lines: list[str] = []
    assert adopt.run_init(project, yes=True, out=lines.append) == 0
    assert not any("module's own" in line for line in lines), lines
    doc = tomlkit.parse((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert "exclude" not in doc["tool"]["release"]


def test_a_vcs_project_is_offered_the_exclude_too(tmp_path: Path) -> None:
    project = tmp_path / "hatch-vcs"
    shutil.copytree(PROJECTS / "hatch-vcs", project)
    backport = project / "src/shape_hatch_vcs/backport.py"
    backport.write_text(BACKPORT_TEXT)
    commit(project, "Initial commit")
    git(project, "tag", "v1.2.0")

    listed = run_engine(project, "versions")

    assert listed.returncode == 1
    glob = "src/shape_hatch_vcs/backport.py"
    assert f'not a copy of 1.2.0, leave it out: add exclude = ["{glob}"]' in listed.stdout
