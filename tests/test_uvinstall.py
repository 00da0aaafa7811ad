"""uv as the smoke tests' fast installer: used only where it does what pip would, and proven.

Where uv is not on PATH (or cannot do it) pip does the job as before: the same results, proven by
pip's install report.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from packaging.tags import sys_tags

from release import index, smoke
from release.index import IndexFile
from release.output import result_lines
from release.smoke import uvinstall
from release.smoke.venv import isolated_pip_env, scratch_venv
from tests.pypi_server import PypiServer
from tests.test_index import PROJECT, SDIST, WHEEL, build_project, do_upload, twine_credentials

needs_uv = pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")


def _verify(server: PypiServer, timeout: float = 120.0) -> list[smoke.SmokeResult]:
    return smoke.install_from_index(
        project=PROJECT,
        version="0.2.0",
        index_url=server.index_url,
        extra_index_url=None,
        package="omi_openclaw",
        commands=["omi --version"],
        timeout=timeout,
    )


@pytest.mark.slow
@needs_uv
def test_uv_installs_from_the_index_and_proves_the_files_are_the_listed_wheel(
    pypi_server: PypiServer, sample_dist: Path, tmp_path: Path
) -> None:
    do_upload(pypi_server, [sample_dist / SDIST, sample_dist / WHEEL], twine_credentials(tmp_path))
    results = _verify(pypi_server)
    assert all(result.ok for result in results), result_lines(results)
    assert results[0].detail == (
        f"downloaded {pypi_server.url}/packages/{WHEEL} (by uv; every file of that wheel is "
        "installed byte for byte)"
    )
    # the sample declares no dependency: no second install
    assert results[1].detail == "none to install (its METADATA declares none for this environment)"


@pytest.mark.slow
def test_without_uv_pip_installs_and_its_report_proves_the_origin(
    pypi_server: PypiServer, sample_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uvinstall, "uv_binary", lambda: None)
    do_upload(pypi_server, [sample_dist / SDIST, sample_dist / WHEEL], twine_credentials(tmp_path))
    results = _verify(pypi_server)
    assert all(result.ok for result in results), result_lines(results)
    assert results[0].detail == f"downloaded {pypi_server.url}/packages/{WHEEL}"
    wheel_results = smoke.smoke_test(
        sample_dist / WHEEL, package="omi_openclaw", version="0.2.0", commands=["omi --version"]
    )
    assert all(result.ok for result in wheel_results), result_lines(wheel_results)
    assert "(uv" not in wheel_results[0].detail


@pytest.mark.slow
@needs_uv
def test_a_wheel_with_dependencies_is_left_to_pip(tmp_path: Path) -> None:
    """Its dependencies are found the way the machine's pip finds them: uv is not used."""
    built = build_project(
        tmp_path, {"pyproject.toml": {"dependencies = []": 'dependencies = ["omi-missing-dep"]'}}
    )
    wheel = next(path for path in built if path.name.endswith(".whl"))
    results = smoke.smoke_test(wheel, package="omi_openclaw", version="0.2.0", commands=[])
    assert [result.ok for result in results] == [False]
    assert "pip failed" in results[0].detail and "omi-missing-dep" in results[0].detail


@pytest.mark.slow
@needs_uv
def test_installed_files_that_differ_from_the_listed_wheel_are_refused(
    pypi_server: PypiServer, sample_dist: Path, tmp_path: Path
) -> None:
    do_upload(pypi_server, [sample_dist / WHEEL], twine_credentials(tmp_path))
    listed = IndexFile(
        WHEEL,
        index.sha256_of(sample_dist / WHEEL),
        pypi_server.url + "/packages/" + WHEEL,
        None,
    )
    with scratch_venv("test-uv-") as venv:
        done = uvinstall.install_release(venv, PROJECT, "0.2.0", pypi_server.index_url, "install")
        assert isinstance(done, smoke.SmokeResult) and done.ok, done
        cli = next(venv.root.glob("lib/python*/site-packages/omi_openclaw/cli.py"))
        cli.write_text(cli.read_text() + "\n# changed after the install\n")
        refused = uvinstall._prove(
            "install", venv, PROJECT, "0.2.0", [listed], pypi_server.index_url
        )
        assert not refused.ok
        assert "1 file(s) differ or are missing: omi_openclaw/cli.py" in refused.detail
        wrong_hash = IndexFile(WHEEL, "0" * 64, listed.url, None)
        refused = uvinstall._prove(
            "install", venv, PROJECT, "0.2.0", [wrong_hash], pypi_server.index_url
        )
        assert not refused.ok and "not have the sha256 the index lists" in refused.detail


@pytest.mark.slow
@needs_uv
def test_a_version_the_index_does_not_list_is_retried_until_the_deadline(
    pypi_server: PypiServer, sample_dist: Path, tmp_path: Path
) -> None:
    do_upload(pypi_server, [sample_dist / WHEEL], twine_credentials(tmp_path))
    results = smoke.install_from_index(
        project=PROJECT,
        version="9.9.9",
        index_url=pypi_server.index_url,
        extra_index_url=None,
        package=None,
        commands=[],
        timeout=1.0,
    )
    assert len(results) == 1 and not results[0].ok
    assert "was still not on the index after 1 s" in results[0].detail
    assert "the index lists no file of omi-openclaw 9.9.9" in results[0].detail


def test_only_requirements_for_this_environment_count() -> None:
    assert uvinstall.applicable([]) == []
    assert uvinstall.applicable(['tomli; python_version < "3"']) == []
    assert uvinstall.applicable(['rich; extra == "pretty"']) == []
    assert [str(r) for r in uvinstall.applicable(["packaging>=24"]) or []] == ["packaging>=24"]
    assert uvinstall.applicable(["not a requirement !!"]) is None


def test_files_on_the_index_host_are_downloaded_with_the_index_urls_credentials() -> None:
    index_url = "https://user:pw@pkgs.example.com:8443/simple/"
    own = "https://pkgs.example.com:8443/packages/omi.whl"
    assert uvinstall._with_credentials(own, index_url) == (
        "https://user:pw@pkgs.example.com:8443/packages/omi.whl"
    )
    cdn = "https://files.pythonhosted.org/packages/omi.whl"
    assert uvinstall._with_credentials(cdn, index_url) == cdn
    other_port = "https://pkgs.example.com/packages/omi.whl"
    assert uvinstall._with_credentials(other_port, index_url) == other_port
    assert uvinstall._with_credentials(own, "https://pkgs.example.com:8443/simple/") == own


def test_the_wheels_checked_are_those_this_python_installs_the_most_specific_first() -> None:
    best = next(iter(sys_tags()))
    specific = f"omi-1.0-{best.interpreter}-{best.abi}-{best.platform}.whl"
    names = ["omi-1.0-py3-none-any.whl", "omi-1.0-cp99-cp99-plan9_mips.whl", specific]
    wheels = [IndexFile(name, None, f"http://127.0.0.1:9/packages/{name}", None) for name in names]
    assert [w.filename for w in uvinstall._compatible(wheels)] == [specific, names[0]]
    assert uvinstall._compatible(wheels[1:2]) == []


def test_the_install_checks_keep_how_to_connect_and_drop_where_to_look(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pip's and uv's connection settings reach the installer; their index settings do not."""
    kept = {
        "PIP_CERT": "/etc/ca.pem",
        "PIP_DEFAULT_TIMEOUT": "60",
        "UV_HTTP_TIMEOUT": "60",
        "UV_NATIVE_TLS": "1",
        "UV_CONCURRENT_DOWNLOADS": "4",
    }
    dropped = {
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple/",
        "PIP_FIND_LINKS": "/opt/wheels",
        "UV_INDEX_URL": "http://127.0.0.1:9/simple/",
        "UV_EXTRA_INDEX_URL": "http://127.0.0.1:9/simple/",
        "UV_FIND_LINKS": "/opt/wheels",
    }
    for key, value in {**kept, **dropped}.items():
        monkeypatch.setenv(key, value)
    env = isolated_pip_env()
    assert {key: env.get(key) for key in kept} == kept
    assert not set(dropped) & set(env)
    assert env["PIP_CONFIG_FILE"] == os.devnull and env["UV_NO_CONFIG"] == "1"
