from __future__ import annotations

from pathlib import Path

import pytest

from release import config
from release.errors import ConfigError
from release.layout import canonical_name


def write(project: Path, text: str) -> None:
    (project / "pyproject.toml").write_text(text, encoding="utf-8")


def flat_project(tmp_path: Path, release_table: str = "") -> Path:
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").write_text("")
    write(tmp_path, f'[project]\nname = "My.Pkg"\nversion = "1.0.0"\n{release_table}')
    return tmp_path


def test_sample_defaults(sample: Path) -> None:
    cfg = config.load(sample, env={})
    assert cfg.name == "omi-openclaw"
    assert cfg.package == "omi_openclaw"
    assert cfg.source == sample / "src" / "omi_openclaw"
    assert cfg.scripts == {"omi": "omi_openclaw.cli:main"}
    assert cfg.smoke_commands[0] == "omi --version"
    assert cfg.branch == "main" and cfg.remote == "origin"
    assert cfg.tag("0.3.0") == "v0.3.0"
    assert cfg.title("0.3.0") == "OMI v0.3.0"
    assert cfg.coverage_threshold == 60
    assert cfg.typecheck_paths == ("src/omi_openclaw",)
    assert cfg.format_paths == ("src", "tests")
    assert cfg.upload_url == config.PYPI_UPLOAD_URL
    assert cfg.test_index_url == config.TESTPYPI_INDEX_URL
    assert cfg.file_prefix == "omi_openclaw"
    assert cfg.github_repo == "omi-dev/omi-openclaw"
    assert cfg.publish_from == "local"


def test_flat_layout_and_default_smoke_commands(tmp_path: Path) -> None:
    project = flat_project(tmp_path, '[project.scripts]\nmp = "mypkg:main"\n')
    cfg = config.load(project, env={})
    assert cfg.package == "mypkg"
    assert cfg.source == project / "mypkg"
    assert cfg.smoke_commands == ("mp --version",)
    assert cfg.project_name == "my-pkg"
    # the formatter and the linter see the package, not only the tests
    assert cfg.format_paths == ("mypkg", "tests")


def test_environment_overrides_index_urls(sample: Path) -> None:
    env = {
        "RELEASE_TEST_UPLOAD_URL": "http://127.0.0.1:1/",
        "RELEASE_TEST_INDEX_URL": "http://127.0.0.1:1/simple/",
        "RELEASE_UPLOAD_URL": "http://127.0.0.1:2/",
        "RELEASE_INDEX_URL": "http://127.0.0.1:2/simple/",
    }
    cfg = config.load(sample, env=env)
    assert cfg.test_upload_url == "http://127.0.0.1:1/"
    assert cfg.test_index_url == "http://127.0.0.1:1/simple/"
    assert cfg.upload_url == "http://127.0.0.1:2/"
    assert cfg.index_url == "http://127.0.0.1:2/simple/"


def test_unknown_key_names_the_closest_valid_key(tmp_path: Path) -> None:
    project = flat_project(tmp_path, "[tool.release]\ncoverage-treshold = 70\n")
    with pytest.raises(ConfigError) as caught:
        config.load(project, env={})
    assert "coverage-treshold" in caught.value.message
    assert "coverage-threshold" in caught.value.hint


def test_wrong_type_names_key_and_type(tmp_path: Path) -> None:
    project = flat_project(tmp_path, '[tool.release]\nsmoke-commands = "omi --version"\n')
    with pytest.raises(ConfigError) as caught:
        config.load(project, env={})
    assert "smoke-commands" in caught.value.message
    assert "a list of strings" in caught.value.message


@pytest.mark.parametrize(
    "table",
    [
        "major-on-zero = 1",
        "coverage-threshold = 150",
        "coverage-threshold = true",
        'tag-format = "release-"',
        'publish-from = "laptop"',
        'github-repo = "not a repo"',
        "test-args = [1, 2]",
    ],
)
def test_invalid_values_are_refused(tmp_path: Path, table: str) -> None:
    project = flat_project(tmp_path, f"[tool.release]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        config.load(project, env={})
    assert caught.value.hint


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "x"\nversion = "1.0.0\n')
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path, env={})
    assert "line 3" in caught.value.message
    assert "column" in caught.value.message


def test_missing_pyproject_and_missing_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        config.load(tmp_path, env={})
    write(tmp_path, '[project]\nversion = "1.0"\n')
    with pytest.raises(ConfigError, match=r"no \[project\] name"):
        config.load(tmp_path, env={})


def test_several_packages_must_be_named(tmp_path: Path) -> None:
    for name in ("alpha", "beta"):
        (tmp_path / "src" / name).mkdir(parents=True)
        (tmp_path / "src" / name / "__init__.py").write_text("")
    write(tmp_path, '[project]\nname = "gamma"\nversion = "1.0.0"\n')
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path, env={})
    assert "alpha, beta" in caught.value.message
    write(
        tmp_path, '[project]\nname = "gamma"\nversion = "1.0.0"\n[tool.release]\npackage = "beta"\n'
    )
    assert config.load(tmp_path, env={}).source == tmp_path / "src" / "beta"


@pytest.mark.parametrize(
    "build_config",
    [
        '[tool.hatch.build.targets.wheel]\npackages = ["src/beta"]\n',
        '[tool.poetry]\npackages = [{ include = "beta", from = "src" }]\n',
        '[tool.flit.module]\nname = "beta"\n',
        '[tool.setuptools]\npackages = ["beta"]\n',
        '[tool.setuptools.dynamic]\nversion = {attr = "beta.__version__"}\n',
        '[tool.hatch.version]\npath = "src/beta/__about__.py"\n',
    ],
)
def test_the_build_configuration_names_the_package(build_config: str, tmp_path: Path) -> None:
    for name in ("alpha", "beta"):
        (tmp_path / "src" / name).mkdir(parents=True)
        (tmp_path / "src" / name / "__init__.py").write_text("")
    write(tmp_path, '[project]\nname = "gamma"\nversion = "1.0.0"\n' + build_config)
    cfg = config.load(tmp_path, env={})
    assert (cfg.package, cfg.source) == ("beta", tmp_path / "src" / "beta")


def test_package_matching_the_distribution_name_wins(tmp_path: Path) -> None:
    for name in ("gamma", "helpers"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    write(tmp_path, '[project]\nname = "gamma"\nversion = "1.0.0"\n')
    assert config.load(tmp_path, env={}).package == "gamma"


def test_no_package_at_all(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "gamma"\nversion = "1.0.0"\n')
    with pytest.raises(ConfigError, match="no Python package"):
        config.load(tmp_path, env={})


def test_explicit_package_directory_must_exist(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "g"\nversion = "1"\n[tool.release]\npackage = "nope"\n')
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(tmp_path, env={})


@pytest.mark.parametrize(
    "name",
    [
        "omi-openclaw",
        "Omi_OpenClaw",
        "omi.openclaw",
        "OMI--_.openclaw",
        "a",
        "zope.interface",
        "A_B-C.D",
    ],
)
def test_canonical_name_is_packagings(name: str) -> None:
    """The engine's own PEP 503 normalization (it spares every start the import of
    packaging.utils) gives what packaging gives."""
    from packaging.utils import canonicalize_name

    assert canonical_name(name) == str(canonicalize_name(name))


def test_a_project_configured_by_setup_py_alone_is_told_what_is_not_read(tmp_path: Path) -> None:
    """The name and version in setup.py can only be learned by running it; the messages say so
    (they used to say "run the command in the project's root directory", or to add [project])."""
    (tmp_path / "setup.py").write_text('from setuptools import setup\n\nsetup(name="legacy")\n')
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path, env={})
    assert "configured by setup.py alone" in caught.value.message
    assert "setup.cfg [metadata] name and version" in caught.value.hint

    write(tmp_path, '[build-system]\nrequires = ["setuptools"]\n')
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path, env={})
    assert "the name is in setup.py" in caught.value.message
    assert "setup.cfg [metadata] name = <distribution name>" in caught.value.hint
