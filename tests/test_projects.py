"""The fixture corpus (tests/projects/): one tiny project per version shape, each released end to end
in a real git repository with tags: ``versions``, ``bump`` (every other byte kept), ``notes`` and
release-check's version and changelog rows. The VCS shapes (and every backend) are built for real
in the slow tests."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from release import config
from release.git import Git
from release.publish import sources
from release.checklist import FAIL, PASS, Context, changelog_item, versions_item
from release.versions import tagged

from .conftest import git, run_engine, snapshot

PROJECTS = Path(__file__).parent / "projects"
DATE = "2026-12-01"
OLD, NEW = "1.2.0", "1.3.0"


@dataclass(frozen=True)
class Shape:
    """A fixture project: its version source, tag style and the files a bump changes."""

    name: str
    kind: str
    changed: tuple[str, ...]  # besides CHANGELOG.md
    tag_format: str = "v{version}"
    tool: str = ""
    generated: str = ""  # the version file a VCS plugin writes (created here, never bumped)
    copies: int = 0  # how many copies ``versions`` lists, when not one per changed file

    @property
    def is_vcs(self) -> bool:
        return self.kind == "vcs"


SHAPES = (
    Shape(
        "setuptools-static",
        "pep621",
        ("pyproject.toml", "src/shape_static/__init__.py"),
    ),
    Shape("setuptools-attr", "setuptools-attr", ("src/shape_attr/__init__.py",), "{version}"),
    Shape("setuptools-file", "setuptools-file", ("VERSION",), "release-{version}"),
    Shape("setuptools-cfg", "setuptools-attr", ("src/shape_cfg/__init__.py",)),
    Shape("setuptools-cfg-static", "setup-cfg", ("setup.cfg",)),
    Shape("hatch-static", "pep621", ("pyproject.toml", "shape_hatch_static/__init__.py")),
    Shape("hatch-path", "hatch-path", ("src/shape_hatch_path/__about__.py",)),
    Shape("hatch-code", "hatch-code", ("src/shape_hatch_code/__about__.py",)),
    # computed versions: the file the build reads them from is named in version-files
    Shape("hatch-code-expr", "version-files", ("src/shape_hatch_expr/_meta.py",)),
    Shape("pdm-call", "version-files", ("shape_pdm_call/_meta.py",)),
    Shape(
        "hatch-vcs",
        "vcs",
        (),
        tool="hatch-vcs",
        generated="src/shape_hatch_vcs/_version.py",
    ),
    Shape("poetry-static", "poetry", ("pyproject.toml", "src/shape_poetry/__init__.py")),
    Shape("flit-module", "flit", ("shape_flit/__init__.py",)),
    Shape("flit-imported", "flit", ("shape_flit_imported/about.py",)),  # __init__ imports it
    Shape("pdm-file", "pdm-file", ("src/shape_pdm_file/__init__.py",)),
    Shape("pdm-scm", "vcs", (), tool="pdm-backend", generated="src/shape_pdm_scm/_version.py"),
    Shape(
        "setuptools-scm",
        "vcs",
        (),
        tool="setuptools-scm",
        generated="src/shape_scm/_version.py",
    ),
    Shape("uv-lock", "pep621", ("pyproject.toml", "src/shape_uv_lock/__init__.py", "uv.lock")),
    Shape(
        "citation-sphinx",
        "pep621",
        ("pyproject.toml", "src/shape_cite/__init__.py", "CITATION.cff", "docs/conf.py"),
        copies=5,
    ),
    Shape("vendored", "pep621", ("pyproject.toml", "src/shape_vendored/__init__.py")),
)


def released_repo(shape: Shape, tmp_path: Path) -> Path:
    """The shape's project committed on main and tagged at 1.2.0 in its tag style, one commit
    after the tag (the Unreleased entry), as a project looks before its next release."""
    project = tmp_path / shape.name
    shutil.copytree(PROJECTS / shape.name, project)
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Release 1.2.0")
    git(project, "tag", "-a", shape.tag_format.format(version=OLD), "-m", f"Release {OLD}")
    (project / "NEWS").write_text("the shape command\n", encoding="utf-8")
    git(project, "add", "NEWS")
    git(project, "commit", "--quiet", "-m", "Add the shape command")
    if shape.generated:
        # what the build hook leaves in a developer's tree (git-ignored): never a version copy
        (project / shape.generated).write_text("__version__ = version = '1.2.1.dev1'\n")
    return project


def only_versions_changed(before: bytes, after: bytes) -> bool:
    """Line for line, ``after`` is ``before`` with 1.2.0 → 1.3.0 (1.2 → 1.3 for Sphinx's short
    version, and CITATION.cff's release date): no other byte differs."""
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    if len(old_lines) != len(new_lines):
        return False
    for old, new in zip(old_lines, new_lines):
        if old == new:
            continue
        expected = old.replace(OLD.encode(), NEW.encode())
        expected = expected.replace(b'"1.2"', b'"1.3"').replace(b"2025-01-31", DATE.encode())
        if expected != new:
            return False
    return True


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_versions_bump_notes_and_rows(shape: Shape, tmp_path: Path) -> None:
    project = released_repo(shape, tmp_path)
    cfg = config.load(project, env={})
    assert cfg.version_source.kind == shape.kind
    assert cfg.version_source.is_vcs == shape.is_vcs
    assert cfg.tag_format == shape.tag_format

    shown = run_engine(project, "versions")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert f"version source: {cfg.version_source.description}" in shown.stdout
    assert f"tag format: {shape.tag_format} (inferred from tags" in shown.stdout
    if shape.is_vcs:
        assert f"last tag: {shape.tag_format.format(version=OLD)} ({OLD})" in shown.stdout
        assert f"{shape.generated}  generated by {shape.tool}" in shown.stdout
    else:
        assert f"all {shape.copies or len(shape.changed)} copies at {OLD}" in shown.stdout

    before = snapshot(project)
    bumped = run_engine(project, "bump", "minor", "--date", DATE)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    after = snapshot(project)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"CHANGELOG.md", *shape.changed}
    for name in shape.changed:
        assert only_versions_changed(before[name], after[name]), name
    assert f"## [{NEW}] - {DATE}" in after["CHANGELOG.md"].decode()
    if "uv.lock" in shape.changed:  # the dependency that shares the version keeps it
        lock = after["uv.lock"].decode()
        assert 'name = "shape-helper"\nversion = "1.2.0"' in lock
        assert 'name = "shape-uv-lock"\nversion = "1.3.0"' in lock
    if "CITATION.cff" in shape.changed:
        assert f'date-released: "{DATE}"' in after["CITATION.cff"].decode()
        assert 'version = "1.3"\nrelease = "1.3.0"' in after["docs/conf.py"].decode()

    again = run_engine(project, "versions")
    assert again.returncode == 0, again.stdout + again.stderr
    if shape.is_vcs:
        assert f"next tag: {shape.tag_format.format(version=NEW)} makes {NEW}" in again.stdout
        assert "no version file is written" in bumped.stdout
    else:
        assert f"copies at {NEW}" in again.stdout

    notes = run_engine(project, "notes", NEW)
    assert notes.returncode == 0, notes.stdout + notes.stderr
    assert "The `shape` command prints the project's shape." in notes.stdout

    git(project, "commit", "--quiet", "-am", f"Release {NEW}")
    ctx = Context(config.load(project, env={}), NEW)
    assert [row.status for row in changelog_item(ctx)] == [PASS]
    if not shape.is_vcs:  # the VCS row builds the tagged tree: see the slow test
        rows = versions_item(ctx)
        assert [row.status for row in rows] == [PASS], rows


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_the_build_carries_the_bumped_version(shape: Shape, tmp_path: Path) -> None:
    """The real backend builds the bumped project: its wheel says 1.3.0. For a VCS project the
    version row builds the tree tagged v1.3.0 (in a scratch clone: the repository gets no tag)."""
    project = released_repo(shape, tmp_path)
    bumped = run_engine(project, "bump", "minor", "--date", DATE)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    git(project, "commit", "--quiet", "-am", f"Release {NEW}")
    cfg = config.load(project, env={})
    tags_before = git(project, "tag", "--list")
    rows = versions_item(Context(cfg, NEW))
    assert [row.status for row in rows] == [PASS], rows
    assert git(project, "tag", "--list") == tags_before
    if shape.is_vcs:
        assert f"carries {NEW}" in rows[0].reason
    else:
        from release import dist

        built = dist.build(project, tmp_path / "dist")
        wheel = next(path for path in built if path.suffix == ".whl")
        assert tagged.wheel_version(wheel) == NEW


@pytest.mark.slow
def test_a_build_that_does_not_read_version_files_fails_the_row_and_the_build(
    tmp_path: Path,
) -> None:
    """A computed version whose build reads another file than the one in version-files: the
    version row writes another version there and builds (FAIL: the build still makes 1.2.0), and
    the build command names the source instead of calling the fresh files a stale build."""
    shape = next(shape for shape in SHAPES if shape.name == "hatch-code-expr")
    project = released_repo(shape, tmp_path)
    (project / "src/shape_hatch_expr/versioning.py").write_text(
        'def release_version() -> str:\n    return "1.2.0"\n', encoding="utf-8"
    )
    git(project, "commit", "--quiet", "-am", "Compute the version elsewhere")
    cfg = config.load(project, env={})
    before = snapshot(project)
    (row,) = versions_item(Context(cfg, None))
    assert (row.status, row.reason) == (FAIL, "with 1.2.1 written, the build still makes 1.2.0")
    assert "does not take the version from src/shape_hatch_expr/_meta.py" in row.fix
    assert "version-files" in row.fix
    assert snapshot(project) == before  # the probe was written and built in a scratch copy

    assert run_engine(project, "bump", "minor", "--date", DATE).returncode == 0
    built = run_engine(project, "build")
    assert built.returncode == 1, built.stdout + built.stderr
    assert "is version 1.2.0, not 1.3.0 (built just now)" in built.stderr
    assert "stale" not in built.stderr
    assert "does not read the version from src/shape_hatch_expr/_meta.py" in built.stderr


@pytest.mark.slow
def test_the_vcs_row_fails_when_the_tag_does_not_make_the_version(tmp_path: Path) -> None:
    """A tag format whose tags hatch-vcs cannot read as versions: the build of the tagged tree
    fails, and the row says so (naming tag-format) instead of passing."""
    shape = next(shape for shape in SHAPES if shape.name == "hatch-vcs")
    project = released_repo(shape, tmp_path)
    assert run_engine(project, "bump", NEW, "--date", DATE).returncode == 0
    git(project, "commit", "--quiet", "-am", f"Release {NEW}")
    cfg = dataclasses.replace(config.load(project, env={}), tag_format="x{version}")
    (row,) = versions_item(Context(cfg, NEW))
    assert row.status == FAIL
    assert f"the build of the tree tagged x{NEW} failed" in row.reason
    assert "x1.3.0" in row.reason
    assert "tag-format" in row.fix


@pytest.mark.slow
def test_build_and_smoke_of_a_vcs_project_between_releases(tmp_path: Path) -> None:
    """Between two tags the tree builds as a dev version: ``build`` checks dist/ against what the
    build made (the tag is the version), not against the last tag."""
    shape = next(shape for shape in SHAPES if shape.name == "setuptools-scm")
    project = released_repo(shape, tmp_path)
    done = run_engine(project, "build")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "version from git tags, setuptools-scm" in done.stdout
    wheels = list((project / "dist").glob("*.whl"))
    assert len(wheels) == 1 and tagged.wheel_version(wheels[0]).startswith("1.2.1.dev1")


def test_a_vcs_hotfix_branch_counts_from_the_tag_it_contains(tmp_path: Path) -> None:
    """On hotfix/1.2.1 (from v1.2.0, with v1.3.0 released on main) the current version is 1.2.0,
    as setuptools-scm sees it, so ``bump patch`` makes 1.2.1, not 1.3.1."""
    shape = next(shape for shape in SHAPES if shape.name == "setuptools-scm")
    project = released_repo(shape, tmp_path)
    git(project, "tag", "-a", "v1.3.0", "-m", "Release 1.3.0")
    git(project, "switch", "--quiet", "-c", "hotfix/1.2.1", "v1.2.0")
    shown = run_engine(project, "versions")
    assert "last tag: v1.2.0 (1.2.0)" in shown.stdout, shown.stdout + shown.stderr
    bumped = run_engine(project, "bump", "patch", "--date", DATE, "--allow-empty")
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert "bump 1.2.0 → 1.2.1" in bumped.stdout


def test_a_vcs_project_keeps_citation_in_step_and_ignores_stray_generated_files(
    tmp_path: Path,
) -> None:
    """hatch-vcs with a CITATION.cff: versions reports its drift from the tag, bump sets it; an old
    generated version file (git-ignored, not named in the configuration) is never a copy."""
    shape = next(shape for shape in SHAPES if shape.name == "hatch-vcs")
    project = released_repo(shape, tmp_path)
    (project / "CITATION.cff").write_text('cff-version: 1.2.0\nversion: "1.1.0"\n')
    stray = project / "src/shape_hatch_vcs/version.py"
    stray.write_text("# file generated by setuptools-scm\n__version__ = '0.9.dev1'\n")
    (project / ".gitignore").write_text(
        (project / ".gitignore").read_text() + "src/shape_hatch_vcs/version.py\n"
    )
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "cite")
    shown = run_engine(project, "versions")
    assert shown.returncode == 1, shown.stdout + shown.stderr
    assert "CITATION.cff:2  1.1.0  (citation)" in shown.stdout
    assert "version.py" not in shown.stdout.replace("_version.py", "")
    bumped = run_engine(project, "bump", "minor", "--date", DATE)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert (project / "CITATION.cff").read_text() == 'cff-version: 1.2.0\nversion: "1.3.0"\n'
    assert run_engine(project, "versions").returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["setuptools-static", "pdm-file", "setuptools-scm", "hatch-static"]
)
def test_the_release_build_is_the_same_bytes_in_another_clone(name: str, tmp_path: Path) -> None:
    """publish records its build's sha256 in the tag; a clone that has to build the files again
    (the first clone is gone, nothing was uploaded yet) must get the same bytes. setuptools' and
    pdm-backend's sdists carry the checkout's file times and the build's time: built twice, a
    second apart, they differed until the sdist was normalized (release/sdist.py)."""
    shape = next(shape for shape in SHAPES if shape.name == name)
    project = released_repo(shape, tmp_path)
    other = tmp_path / "other-clone"
    git(tmp_path, "clone", "--quiet", str(project), str(other))
    tag = shape.tag_format.format(version=NEW)
    built = []
    for clone in (project, other):
        repo = Git(clone)
        head = repo.commit_of("HEAD")
        assert head is not None
        files = sources.build_commit(repo, head, tag, tmp_path / clone.name)
        built.append({path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files})
        time.sleep(1.1)  # the second build starts in another second
    assert len(built[0]) == 2 and any(name.endswith(".tar.gz") for name in built[0])
    assert built[0] == built[1]


def test_versions_of_a_vcs_project_whose_changelog_bump_cannot_read(tmp_path: Path) -> None:
    """A typo in the changelog (a category written as a release heading, as one real project
    had) is the changelog's problem: `versions` still shows the tags and the copies."""
    shape = next(shape for shape in SHAPES if shape.name == "hatch-vcs")
    project = released_repo(shape, tmp_path)
    changelog = project / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace("### Added\n\n- First", "## Added\n\n- First")
    )

    shown = run_engine(project, "versions")

    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert f"last tag: {shape.tag_format.format(version=OLD)} ({OLD})" in shown.stdout
