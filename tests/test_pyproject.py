"""Finding every copy of the version and editing them byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from release import config
from release.errors import ConfigError
from release.files import read_text
from release.pyproject import VersionCopy, current_version, drift, edits_for, version_copies
from release.demo import SAMPLE

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "demo-pkg"
{version_line}
description = "a demo"
{extra}
"""


def make_project(
    root: Path,
    *,
    version_line: str = 'version = "0.2.0"',
    extra: str = "",
    modules: dict[str, str] | None = None,
    newline: str = "\n",
) -> Path:
    """A src-layout project ``demo_pkg`` with the given pyproject lines and module texts."""
    text = PYPROJECT.format(version_line=version_line, extra=extra).replace("\n", newline)
    (root / "pyproject.toml").write_bytes(text.encode())
    package = root / "src" / "demo_pkg"
    package.mkdir(parents=True)
    for name, body in (modules or {"__init__.py": '__version__ = "0.2.0"\n'}).items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body.replace("\n", newline).encode())
    return root


def load(root: Path) -> config.Config:
    return config.load(root, env={})


def refusal(root: Path) -> ConfigError:
    """The ConfigError (exit 2) that reading the project's version copies raises."""
    with pytest.raises(ConfigError) as caught:
        version_copies(load(root))
    return caught.value


def only_value_changed(before: str, after: str, old: str, new: str) -> bool:
    """``after`` is ``before`` with exactly one ``old`` replaced by ``new`` and nothing else."""
    return any(
        before[:index] + new + before[index + len(old) :] == after
        for index in range(len(before))
        if before.startswith(old, index)
    )


def test_the_sample_has_three_copies(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    cfg = load(root)
    assert version_copies(cfg) == [
        VersionCopy(root / "pyproject.toml", 7, "0.2.0", "pyproject"),
        VersionCopy(root / "src/omi_openclaw/__init__.py", 3, "0.2.0", "module"),
        VersionCopy(root / "src/omi_openclaw/cli.py", 10, "0.2.0", "module"),
    ]
    assert current_version(cfg) == "0.2.0"
    assert not drift(version_copies(cfg))


def test_edits_change_only_the_value_in_each_file(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    edits = edits_for(load(root), "0.3.0")
    assert sorted(edits) == sorted(
        [
            root / "pyproject.toml",
            root / "src/omi_openclaw/__init__.py",
            root / "src/omi_openclaw/cli.py",
        ]
    )
    for path, text in edits.items():
        assert only_value_changed(read_text(path), text, "0.2.0", "0.3.0"), path
    # edits_for reads, it never writes
    assert 'version = "0.2.0"' in read_text(root / "pyproject.toml")


def test_single_quotes_comments_and_crlf_are_kept(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        version_line="version = '0.2.0'   # keep me",
        modules={"__init__.py": "__version__ = '0.2.0'\n"},
        newline="\r\n",
    )
    edits = edits_for(load(tmp_path), "1.0.0rc1")
    pyproject_text = edits[tmp_path / "pyproject.toml"]
    assert "version = '1.0.0rc1'   # keep me\r\n" in pyproject_text
    assert pyproject_text == read_text(tmp_path / "pyproject.toml").replace("0.2.0", "1.0.0rc1")
    assert edits[tmp_path / "src/demo_pkg/__init__.py"] == "__version__ = '1.0.0rc1'\r\n"


def test_only_module_level_assignments_count(tmp_path: Path) -> None:
    module = (
        '"""Docs."""\n'
        "import sys\n"
        '__version__: str = "0.2.0"\n'
        "def helper():\n"
        '    __version__ = "9.9.9"\n'
        "    return __version__\n"
        "class Thing:\n"
        '    __version__ = "8.8.8"\n'
        "if sys.version_info > (3,):\n"
        '    __version__ = "7.7.7"\n'
        "text = \"__version__ = '6.6.6'\"\n"
    )
    make_project(tmp_path, modules={"__init__.py": module})
    copies = version_copies(load(tmp_path))
    assert [(copy.line, copy.value, copy.kind) for copy in copies[1:]] == [(3, "0.2.0", "module")]
    edited = edits_for(load(tmp_path), "0.3.0")[tmp_path / "src/demo_pkg/__init__.py"]
    assert edited == module.replace('str = "0.2.0"', 'str = "0.3.0"')


def test_non_ascii_before_the_literal_on_the_same_line(tmp_path: Path) -> None:
    module = 'größe = "groß"; __version__ = "0.2.0"  # ünïcode\n'
    make_project(tmp_path, modules={"__init__.py": module})
    edited = edits_for(load(tmp_path), "0.2.1")[tmp_path / "src/demo_pkg/__init__.py"]
    assert edited == 'größe = "groß"; __version__ = "0.2.1"  # ünïcode\n'


def test_every_module_under_source_is_scanned_and_drift_is_seen(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        modules={
            "__init__.py": '__version__ = "0.2.0"\n',
            "cli.py": "__version__ = '0.1.0'\n",
            "sub/__init__.py": "",
            "sub/about.py": '__version__ = "0.2.0"\n',
            "__pycache__/stale.py": '__version__ = "0.0.1"\n',
        },
    )
    copies = version_copies(load(tmp_path))
    assert [(copy.path.name, copy.value) for copy in copies] == [
        ("pyproject.toml", "0.2.0"),
        ("__init__.py", "0.2.0"),
        ("cli.py", "0.1.0"),
        ("about.py", "0.2.0"),
    ]
    assert drift(copies)
    edits = edits_for(load(tmp_path), "0.2.0")
    assert list(edits) == [tmp_path / "src/demo_pkg/cli.py"]
    assert edits[tmp_path / "src/demo_pkg/cli.py"] == "__version__ = '0.2.0'\n"


@pytest.mark.parametrize(
    ("extra", "modules", "copy", "edit"),
    [
        pytest.param(
            '[tool.setuptools.dynamic]\nversion = {attr = "demo_pkg.about.__version__"}\n',
            {
                "__init__.py": "from .about import __version__\n",
                "about.py": "__version__ = '0.5.1'\n",
            },
            ("about.py", 1, "0.5.1", "module"),
            ("0.6.0", "__version__ = '0.6.0'\n"),
            id="setuptools-attr",
        ),
        pytest.param(
            '[tool.hatch.version]\npath = "src/demo_pkg/__about__.py"\n',
            {
                "__init__.py": "from .__about__ import __version__\n",
                "__about__.py": '# about\n__version__ = "0.2.0"\n',
            },
            ("__about__.py", 2, "0.2.0", "module"),
            ("0.2.1", '# about\n__version__ = "0.2.1"\n'),
            id="hatch-path",
        ),
        pytest.param(
            '[tool.hatch.version]\nsource = "code"\npath = "src/demo_pkg/__about__.py"\n'
            'expression = "VERSION"\n',
            {
                "__init__.py": "",
                "__about__.py": '"""about"""\nVERSION = "0.2.0"\n__version__ = VERSION\n',
            },
            ("__about__.py", 2, "0.2.0", "module"),
            ("0.2.1", '"""about"""\nVERSION = "0.2.1"\n__version__ = VERSION\n'),
            id="hatch-code-name",
        ),
        pytest.param(
            "[tool.hatch.version]\n"
            'path = "src/demo_pkg/meta.txt"\n'
            "pattern = 'release: (?P<version>[^\\s]+)'\n",
            {"__init__.py": "", "meta.txt": "name: demo\nrelease: 0.2.0\n"},
            ("meta.txt", 2, "0.2.0", "version-file"),
            ("0.3.0", "name: demo\nrelease: 0.3.0\n"),
            id="hatch-custom-pattern",
        ),
    ],
)
def test_the_file_the_backend_reads_is_the_one_copy(
    tmp_path: Path,
    extra: str,
    modules: dict[str, str],
    copy: tuple[str, int, str, str],
    edit: tuple[str, str],
) -> None:
    make_project(tmp_path, version_line='dynamic = ["version"]', extra=extra, modules=modules)
    cfg = load(tmp_path)
    name, line, value, kind = copy
    path = tmp_path / "src/demo_pkg" / name
    assert current_version(cfg) == value
    assert version_copies(cfg) == [VersionCopy(path, line, value, kind)]
    assert edits_for(cfg, edit[0]) == {path: edit[1]}


@pytest.mark.parametrize(
    ("extra", "found", "reader"),
    [
        pytest.param(
            '[tool.hatch.version]\nsource = "code"\npath = "src/demo_pkg/v.py"\n'
            'expression = "compute()"\n',
            "[tool.hatch.version] source 'code' ('compute()' in src/demo_pkg/v.py)",
            "name the file it reads",
            id="hatch-code-expression",
        ),
        pytest.param(
            '[tool.hatch.version]\nsource = "code"\npath = "src/demo_pkg/v.py"\n',
            "[tool.hatch.version] source 'code' ('__version__' in src/demo_pkg/v.py)",
            "name the file it reads",
            id="hatch-code-computed-name",
        ),
        pytest.param(
            '[tool.pdm.version]\nsource = "call"\ngetter = "demo_pkg.v:compute"\n',
            "[tool.pdm.version] source 'call' (getter 'demo_pkg.v:compute')",
            "name the file the getter reads",
            id="pdm-call",
        ),
        pytest.param(
            '[tool.hatch.version]\nsource = "a-plugin"\n',
            "[tool.hatch.version] source 'a-plugin'",
            "name the file the version source plugin reads",
            id="hatch-plugin",
        ),
    ],
)
def test_a_computed_version_needs_its_file_in_version_files(
    tmp_path: Path, extra: str, found: str, reader: str
) -> None:
    """Without version-files: exit 2 naming what was found and the setting; with it: that file's
    version line is the one copy (the build's own read of it is proven by the release's checks)."""
    modules = {"__init__.py": "", "v.py": "__version__ = '.'.join(['0', '2', '0'])\n"}
    make_project(tmp_path, version_line='dynamic = ["version"]', extra=extra, modules=modules)
    error = refusal(tmp_path)
    assert error.message == f"the version comes from {found}, which nox-release cannot edit"
    assert reader in error.hint and "version-files = [" in error.hint

    (tmp_path / "src/demo_pkg/_meta.py").write_text('# facts\nversion = "0.2.0"\n')
    with (tmp_path / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write('\n[tool.release]\nversion-files = ["src/demo_pkg/_meta.py"]\n')
    cfg = load(tmp_path)
    meta = tmp_path / "src/demo_pkg/_meta.py"
    assert cfg.version_source.kind == "version-files"
    assert cfg.version_source.description == f"src/demo_pkg/_meta.py, read by {found}"
    assert version_copies(cfg) == [VersionCopy(meta, 2, "0.2.0", "version-file")]
    assert edits_for(cfg, "0.3.0") == {meta: '# facts\nversion = "0.3.0"\n'}


def test_hatch_env_source_is_refused_saying_where_the_version_comes_from(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        version_line='dynamic = ["version"]',
        extra='[tool.hatch.version]\nsource = "env"\nvariable = "PKG_VERSION"\n',
    )
    error = refusal(tmp_path)
    assert "environment variable 'PKG_VERSION' when the build runs" in error.message
    assert "does not set build variables" in error.hint


def test_setuptools_attr_naming_a_missing_module(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        version_line='dynamic = ["version"]',
        extra='[tool.setuptools.dynamic]\nversion = {attr = "demo_pkg.nowhere.__version__"}\n',
    )
    error = refusal(tmp_path)
    assert "'demo_pkg.nowhere'" in error.message
    assert "attr" in error.hint


def test_setuptools_file_form(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        version_line='dynamic = ["version"]',
        extra='[tool.setuptools.dynamic]\nversion = {file = "VERSION"}\n',
    )
    (tmp_path / "VERSION").write_text("0.2.0\n")
    cfg = load(tmp_path)
    assert version_copies(cfg)[0] == VersionCopy(tmp_path / "VERSION", 1, "0.2.0", "version-file")
    assert edits_for(cfg, "0.3.0")[tmp_path / "VERSION"] == "0.3.0\n"


def test_hatch_vcs_source_is_the_tag_and_never_refused(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        version_line='dynamic = ["version"]',
        extra='[tool.hatch.version]\nsource = "vcs"\n',
        modules={"__init__.py": ""},
    )
    cfg = config.load(tmp_path, env={}, tags={"v0.3.0", "v0.2.0"})
    assert cfg.version_source.is_vcs and cfg.version_source.tool == "hatch-vcs"
    assert version_copies(cfg) == []
    assert edits_for(cfg, "0.4.0") == {}


@pytest.mark.parametrize(
    "table",
    [
        'source = "code"\npath = "src/demo_pkg/__init__.py"\nexpression = "compute()"',
        'source = "a-plugin"',
        'source = "env"\nvariable = "PKG_VERSION"',
    ],
)
def test_an_unreadable_hatch_source_never_tells_to_change_the_scheme(
    tmp_path: Path, table: str
) -> None:
    make_project(
        tmp_path,
        version_line='dynamic = ["version"]',
        extra=f"[tool.hatch.version]\n{table}\n",
    )
    error = refusal(tmp_path)
    assert table.split("\n")[0].split(" = ")[1].strip('"') in error.message
    hint = error.hint
    assert "static" not in hint and "use a" not in hint and "regex" not in hint
    assert "version-files" in hint


def test_version_files_add_to_the_scan(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        extra='[tool.release]\nversion-files = ["docs/conf.py"]\n',
        modules={"__init__.py": '__version__ = "0.2.0"\n', "other.py": '__version__ = "0.2.0"\n'},
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/conf.py").write_text('project = "demo"\nversion = "0.2.0"\nrelease = "x"\n')
    copies = version_copies(load(tmp_path))
    assert [(copy.path.name, copy.line, copy.kind) for copy in copies] == [
        ("pyproject.toml", 7, "pyproject"),
        ("__init__.py", 1, "module"),
        ("other.py", 1, "module"),
        ("conf.py", 2, "version-file"),
    ]
    assert not drift(copies)


def test_a_version_file_without_a_version_line(tmp_path: Path) -> None:
    make_project(tmp_path, extra='[tool.release]\nversion-files = ["NOTES.txt"]\n')
    (tmp_path / "NOTES.txt").write_text("nothing here\n")
    error = refusal(tmp_path)
    assert "NOTES.txt" in error.message
    assert "version-files" in error.hint


def test_a_missing_version_file(tmp_path: Path) -> None:
    make_project(tmp_path, extra='[tool.release]\nversion-files = ["VERSION"]\n')
    error = refusal(tmp_path)
    assert "VERSION" in error.message and "does not exist" in error.message


def test_missing_project_version_names_the_key_and_the_fix(tmp_path: Path) -> None:
    make_project(tmp_path, version_line="")
    error = refusal(tmp_path)
    assert "[project] version" in error.message
    assert 'version = "0.1.0"' in error.hint
    assert error.exit_code == 2


def test_dynamic_version_without_a_source(tmp_path: Path) -> None:
    make_project(tmp_path, version_line='dynamic = ["version"]')
    (tmp_path / "pyproject.toml").write_text(
        read_text(tmp_path / "pyproject.toml").replace("hatchling.build", "setuptools.build_meta")
    )
    error = refusal(tmp_path)
    assert "dynamic version" in error.message
    assert "[tool.setuptools.dynamic]" in error.hint


def test_a_version_that_is_not_a_string(tmp_path: Path) -> None:
    make_project(tmp_path, version_line="version = 3")
    error = refusal(tmp_path)
    assert "must be a string" in error.message


def test_drift() -> None:
    def copy(value: str) -> VersionCopy:
        return VersionCopy(Path("x.py"), 1, value, "module")

    assert not drift([copy("0.2.0")])
    assert not drift([copy("0.2.0"), copy("0.2.0")])
    assert drift([copy("0.2.0"), copy("0.3.0")])


def test_test_data_and_nested_projects_in_the_package_are_not_copies(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        modules={
            "__init__.py": '__version__ = "0.2.0"\n',
            "tests/data/fake.py": '__version__ = "9.9.9"\n',
            "examples/app/pyproject.toml": '[project]\nname = "app"\nversion = "0.0.1"\n',
            "examples/app/app.py": '__version__ = "0.0.1"\n',
        },
    )
    copies = version_copies(load(tmp_path))
    assert [copy.path.name for copy in copies] == ["pyproject.toml", "__init__.py"]


def test_sphinx_short_version_follows_as_x_y_even_when_stale(tmp_path: Path) -> None:
    make_project(tmp_path)
    conf = tmp_path / "docs" / "conf.py"
    conf.parent.mkdir()
    conf.write_text('version = "0.1"\nrelease = "0.2.0"\n')
    copies = version_copies(load(tmp_path))
    short = [copy for copy in copies if copy.path == conf and copy.form == "major.minor"]
    assert [copy.value for copy in short] == ["0.1"]
    assert drift(copies)
    assert edits_for(load(tmp_path), "0.3.0")[conf] == 'version = "0.3"\nrelease = "0.3.0"\n'
