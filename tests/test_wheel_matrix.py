"""Platform-wheel projects: detection, the ``wheels`` / ``wheel-builds`` keys, the builds a release
must ship, and the pure checks of a many-wheel dist/ (file names and METADATA only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from packaging.utils import parse_wheel_filename

from release import cibw, compiled, config, wheelset
from release.errors import ConfigError

SETUPTOOLS = {"build-system": {"build-backend": "setuptools.build_meta"}}


# -- detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pyproject", "setup_py", "sign"),
    [
        (SETUPTOOLS, "setup(ext_modules=[Extension('m', ['m.c'])])", "setup.py passes ext_modules"),
        (SETUPTOOLS, "from setuptools import Extension\nx = Extension('m', ['m.c'])", "Extension"),
        (SETUPTOOLS, "setup(ext_modules = cythonize('*.pyx'))", "ext_modules"),
        (
            {"tool": {"setuptools": {"ext-modules": [{"name": "m", "sources": ["m.c"]}]}}},
            None,
            "[tool.setuptools] ext-modules",
        ),
        ({"tool": {"scikit-build": {"wheel": {"packages": ["src/m"]}}}}, None, "scikit-build"),
        (
            {"build-system": {"build-backend": "scikit_build_core.build"}},
            None,
            "scikit-build-core",
        ),
        ({"build-system": {"build-backend": "mesonpy"}}, None, "meson-python"),
        ({"build-system": {"build-backend": "maturin"}}, None, "maturin"),
        ({"tool": {"maturin": {"features": ["pyo3/extension-module"]}}}, None, "[tool.maturin]"),
        ({"tool": {"cibuildwheel": {"skip": "pp*"}}}, None, "[tool.cibuildwheel]"),
    ],
)
def test_compiled_projects_need_a_wheel_matrix(
    pyproject: dict[str, Any], setup_py: str | None, sign: str
) -> None:
    plan = compiled.wheel_plan(pyproject, setup_py)
    assert plan.matrix
    assert any(sign in reason for reason in plan.reasons), plan.reasons
    assert sign.strip("[]") in plan.describe() or "platform wheels" in plan.describe()


@pytest.mark.parametrize(
    ("pyproject", "setup_py"),
    [
        ({"build-system": {"build-backend": "hatchling.build"}}, None),
        (SETUPTOOLS, "from setuptools import setup\nsetup()"),
        (SETUPTOOLS, "setup()  # ext_modules=[Extension('m', ['m.c'])] was dropped"),
        ({"build-system": {"build-backend": "flit_core.buildapi"}, "tool": {"ruff": {}}}, None),
    ],
)
def test_pure_projects_build_one_wheel(pyproject: dict[str, Any], setup_py: str | None) -> None:
    plan = compiled.wheel_plan(pyproject, setup_py)
    assert plan.mode == "single" and not plan.matrix and plan.reasons == ()
    assert "pure-Python" in plan.describe()


def test_the_wheels_key_overrides_detection_both_ways() -> None:
    mesonpy = {"build-system": {"build-backend": "mesonpy"}}
    forced = compiled.wheel_plan(mesonpy, None, "single")
    assert not forced.matrix and forced.configured
    assert forced.describe() == 'one wheel (wheels = "single" in [tool.release])'
    assert compiled.wheel_plan({}, None, "matrix").matrix


def write_project(root: Path, release_table: str) -> Path:
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "__init__.py").write_text('__version__ = "1.0.0"\n', encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "pkg"\nversion = "1.0.0"\n\n[tool.release]\n{release_table}\n',
        encoding="utf-8",
    )
    return root


def test_config_reads_the_wheels_and_wheel_builds_keys(tmp_path: Path) -> None:
    root = write_project(tmp_path, 'wheels = "matrix"\nwheel-builds = ["cp312-*"]')
    cfg = config.load(root)
    assert cfg.wheels == "matrix"
    assert cfg.wheel_builds == ("cp312-*",)
    assert config.load(write_project(tmp_path / "b", "")).wheels is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('wheels = "many"', 'wheels must be "matrix" or "single", not \'many\''),
        ("wheels = true", "wheels must be a string"),
        ('wheel-builds = "cp312-*"', "wheel-builds must be a list of strings"),
    ],
)
def test_config_rejects_bad_wheel_keys(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.load(write_project(tmp_path, table))
    assert message in caught.value.message
    assert caught.value.hint


# -- the builds a release must ship ----------------------------------------------------------------


def cibw_config(requires: str = ">=3.10", **table: Any) -> cibw.WheelConfig:
    data: dict[str, Any] = {"project": {"requires-python": requires}}
    if table:
        data["tool"] = {"cibuildwheel": table}
    return cibw.WheelConfig.from_pyproject(data)


def test_default_builds_follow_requires_python_and_cibuildwheels_default_archs() -> None:
    builds = cibw_config(">=3.12").expected_builds()
    pythons = ["cp312", "cp313", "cp314"]
    platforms = [
        "manylinux_x86_64",
        "musllinux_x86_64",
        "manylinux_i686",
        "musllinux_i686",
        "macosx_x86_64",
        "macosx_arm64",
        "win_amd64",
        "win32",
    ]
    assert sorted(builds) == sorted(f"{py}-{plat}" for py in pythons for plat in platforms)


def test_build_skip_and_archs_narrow_the_builds() -> None:
    config_ = cibw_config(
        ">=3.9",
        build="cp311-* cp312-*",
        skip=["*musllinux*", "*-win32"],
        linux={"archs": ["x86_64", "aarch64"]},
        macos={"archs": "arm64"},
        windows={"archs": "AMD64"},
    )
    assert config_.expected_builds() == [
        "cp311-manylinux_x86_64",
        "cp312-manylinux_x86_64",
        "cp311-manylinux_aarch64",
        "cp312-manylinux_aarch64",
        "cp311-macosx_arm64",
        "cp312-macosx_arm64",
        "cp311-win_amd64",
        "cp312-win_amd64",
    ]
    runners = {(r.label, r.archs) for r in config_.runners()}
    assert runners == {
        ("ubuntu-latest", ("x86_64",)),
        ("ubuntu-24.04-arm", ("aarch64",)),
        ("macos-14", ("arm64",)),
        ("windows-latest", ("AMD64",)),
    }


def test_wheel_builds_replaces_the_cibuildwheel_selection() -> None:
    data = {"project": {"requires-python": ">=3.10"}, "tool": {"cibuildwheel": {"skip": "*"}}}
    chosen = cibw.WheelConfig.from_pyproject(data, ["cp313-manylinux_x86_64", "cp313-win_*"])
    assert chosen.expected_builds() == [
        "cp313-manylinux_x86_64",
        "cp313-win_amd64",
        "cp313-win_arm64",
    ]
    assert {r.label for r in chosen.runners()} == {
        "ubuntu-latest",
        "windows-latest",
        "windows-11-arm",
    }


def test_a_wheel_covers_builds_by_its_tags() -> None:
    universe = cibw.all_builds(cibw.CPYTHONS)

    def covered(filename: str) -> set[str]:
        tags = parse_wheel_filename(filename)[3]
        return cibw.covered_builds(tags, universe)

    many = covered("m-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    assert many == {"cp311-manylinux_x86_64"}
    abi3 = covered("m-1.0-cp312-abi3-macosx_11_0_arm64.whl")
    assert abi3 == {"cp312-macosx_arm64", "cp313-macosx_arm64", "cp314-macosx_arm64"}
    assert covered("m-1.0-py3-none-any.whl") == set(universe)
    assert covered("m-1.0-cp311-cp311-linux_x86_64.whl") == set()


# -- the many-wheel dist/ --------------------------------------------------------------------------

PLATFORMS = (
    "manylinux_2_17_x86_64.manylinux2014_x86_64",
    "macosx_10_9_x86_64",
    "macosx_11_0_arm64",
    "win_amd64",
)
SMALL = cibw_config(">=3.10", build="cp311-*", skip="*-win32 *i686 *musllinux*")


def complete(version: str = "1.2.0") -> list[str]:
    return [f"cext_demo-{version}.tar.gz"] + [
        f"cext_demo-{version}-cp311-cp311-{platform}.whl" for platform in PLATFORMS
    ]


def judge(
    files: list[str], config_: cibw.WheelConfig = SMALL, versions: dict[str, str] | None = None
) -> wheelset.WheelSet:
    metadata = {
        name: wheelset.WheelMeta((versions or {}).get(name, "1.2.0"), ">=3.10")
        for name in files
        if name.endswith(".whl")
    }
    return wheelset.check("cext-demo", "1.2.0", files, metadata, config_, "cext_demo")


def test_a_complete_many_wheel_dist_passes_and_reports_its_platforms() -> None:
    verdict = judge(complete() + [complete()[1] + ".publish.attestation"])
    assert verdict.ok, verdict.problems
    assert verdict.sdist == "cext_demo-1.2.0.tar.gz" and len(verdict.wheels) == 4
    assert verdict.present == [
        "Linux x86_64: cp311",
        "Windows AMD64: cp311",
        "macOS arm64: cp311",
        "macOS x86_64: cp311",
    ]
    report = verdict.report("requires-python and [tool.cibuildwheel]")
    assert "4 wheel(s) and an sdist" in report and "missing" not in report


def test_missing_platforms_are_reported_against_what_the_config_asks_for() -> None:
    files = [name for name in complete() if "win_amd64" not in name and "arm64" not in name]
    verdict = judge(files)
    assert not verdict.ok and verdict.problems == []
    assert verdict.missing == ["cp311-macosx_arm64", "cp311-win_amd64"]
    report = verdict.report("[tool.cibuildwheel]")
    assert "missing (2, asked for by [tool.cibuildwheel]):" in report
    assert "macOS arm64: cp311" in report and "Windows AMD64: cp311" in report


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda files: files[1:], "0 sdists where exactly one is expected"),
        (lambda files: files + ["cext_demo-1.1.0.tar.gz"], "2 sdists"),
        (
            lambda files: files + ["cext_demo-1.1.0-cp311-cp311-win32.whl"],
            "cext_demo-1.1.0-cp311-cp311-win32.whl is version 1.1.0, not 1.2.0 (stale build)",
        ),
        (
            lambda files: files + ["cext_demo-1.2.0-cp311-cp311-manylinux_2_17_x86_64.whl"],
            "both have the tag cp311-cp311-manylinux_2_17_x86_64",
        ),
        (
            lambda files: files + ["cext_demo-1.2.0-cp38-cp38-win_amd64.whl"],
            "is built for Python 3.8 (cp38), which requires-python >=3.10 excludes",
        ),
        (
            lambda files: files + ["cext_demo-1.2.0-cp311-cp311-linux_x86_64.whl"],
            "plain linux_x86_64 wheel, which PyPI refuses",
        ),
        (lambda files: files + ["notes.txt"], "notes.txt is not a distribution of this release"),
        (
            lambda files: files + ["other-1.2.0-cp311-cp311-win32.whl"],
            "belongs to other, not cext-demo",
        ),
        (lambda files: [files[0]], "no wheel (expected cext_demo-1.2.0-*.whl)"),
    ],
)
def test_a_wrong_many_wheel_dist_names_each_problem(change: Any, problem: str) -> None:
    verdict = judge(change(complete()))
    assert not verdict.ok
    assert any(problem in line for line in verdict.problems), verdict.problems


def test_metadata_must_agree_with_the_file_name() -> None:
    files = complete()
    verdict = judge(files, versions={files[2]: "1.1.0"})
    assert verdict.problems == [f"{files[2]} says Version: 1.1.0 in its METADATA"]


def test_an_abi3_wheel_per_platform_covers_every_python() -> None:
    files = ["cext_demo-1.2.0.tar.gz"] + [
        f"cext_demo-1.2.0-cp310-abi3-{platform}.whl" for platform in PLATFORMS
    ]
    wide = cibw_config(">=3.10", skip="*-win32 *i686 *musllinux*")
    verdict = judge(files, wide)
    assert verdict.ok, (verdict.problems, verdict.missing)
    assert "Linux x86_64: cp310-abi3" in verdict.present
