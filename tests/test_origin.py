"""release.origin: sessions install the engine from where it was installed (PEP 610).

The direct_url.json shapes are those PEP 610 specifies (and pip writes); the slow tests install
nox-release for real (a wheel file, a directory, an editable directory) into fresh venvs and ask
the installed engine where it came from.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest

from release import __version__, origin, smoke
from release.errors import UsageError
from tests.conftest import REPO, purelib, tree_copy


def test_no_direct_url_means_the_index() -> None:
    found = origin.from_direct_url(None, "1.2.0")
    assert found.install_args == ("nox-release==1.2.0",)
    assert "package index" in found.where


def test_a_local_directory_is_installed_again(tmp_path: Path) -> None:
    data = {"url": tmp_path.as_uri(), "dir_info": {}}
    assert origin.from_direct_url(data).install_args == (str(tmp_path),)


def test_an_editable_directory_stays_editable(tmp_path: Path) -> None:
    data = {"url": tmp_path.as_uri(), "dir_info": {"editable": True}}
    assert origin.from_direct_url(data).install_args == ("-e", str(tmp_path))


def test_a_wheel_file_is_installed_again(tmp_path: Path) -> None:
    wheel = tmp_path / "my dir" / "nox_release-0.1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"")
    data = {"url": wheel.as_uri(), "archive_info": {"hashes": {"sha256": "0" * 64}}}
    assert "%20" in data["url"]
    assert origin.from_direct_url(data).install_args == (str(wheel),)


def test_a_file_that_is_gone_is_said_so(tmp_path: Path) -> None:
    wheel = tmp_path / "nox_release-0.1.0-py3-none-any.whl"
    data = {"url": wheel.as_uri(), "archive_info": {}}
    with pytest.raises(UsageError, match="no longer exists") as caught:
        origin.from_direct_url(data)
    assert "reinstall nox-release" in caught.value.hint


def test_an_archive_url_is_a_direct_reference() -> None:
    url = "https://example.org/files/nox_release-0.1.0-py3-none-any.whl"
    data = {"url": url, "archive_info": {"hash": "sha256=" + "0" * 64}}
    assert origin.from_direct_url(data).install_args == (f"nox-release @ {url}",)


def test_a_vcs_url_is_pinned_to_the_installed_commit() -> None:
    data: dict[str, Any] = {
        "url": "https://github.com/nox-release/nox-release.git",
        "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": "a" * 40},
    }
    assert origin.from_direct_url(data).install_args == (
        f"nox-release @ git+https://github.com/nox-release/nox-release.git@{'a' * 40}",
    )
    data["subdirectory"] = "engine"
    assert origin.from_direct_url(data).install_args[0].endswith("#subdirectory=engine")


def _installed_editable_from(tree: Path) -> bool:
    """Whether this environment has nox-release installed editable from ``tree`` (as nox's
    coverage session does with ``-e .[test]``), read from its PEP 610 record."""
    try:
        raw = importlib.metadata.distribution("nox-release").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return False
    data = json.loads(raw or "{}")
    path = Path(url2pathname(urlsplit(str(data.get("url", ""))).path))
    return bool(data.get("dir_info", {}).get("editable")) and path.resolve() == tree.resolve()


def test_running_from_this_checkout() -> None:
    assert origin.engine_origin(REPO).install_args == ()
    expected = ("-e", str(REPO)) if _installed_editable_from(REPO) else (str(REPO),)
    assert origin.engine_origin(REPO / "docs").install_args == expected


# -- real installs ----------------------------------------------------------------------------------

_ASK = "import json, pathlib, release.origin as o; print(json.dumps(o.engine_origin(pathlib.Path.cwd()).install_args))"


def _venv(where: Path) -> Path:
    """A fresh venv that sees this environment's packages (tomlkit, hatchling) after its own."""
    python = smoke.fresh_venv(where)
    site = purelib(python)
    (site / "zz_outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _pip_install(python: Path, *args: str | Path) -> None:
    env = dict(os.environ, PIP_CONFIG_FILE=os.devnull)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index"]
        + ["--no-deps", "--no-build-isolation", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _asked(python: Path, cwd: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [python, "-c", _ASK], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout))


@pytest.mark.slow
def test_installed_from_a_wheel_file(tmp_path: Path) -> None:
    tree = tree_copy(tmp_path / "tree")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist"],
        cwd=tree,
        capture_output=True,
        check=True,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    python = _venv(tmp_path / "venv")
    _pip_install(python, wheel)
    assert _asked(python, tmp_path) == [str(wheel)]
    shutil.rmtree(tree)  # the wheel is all that is needed
    assert _asked(python, tmp_path) == [str(wheel)]


@pytest.mark.slow
@pytest.mark.parametrize("editable", [False, True], ids=["directory", "editable"])
def test_installed_from_a_directory(tmp_path: Path, editable: bool) -> None:
    tree = tree_copy(tmp_path / "tree")
    python = _venv(tmp_path / "venv")
    _pip_install(python, *(["-e"] if editable else []), tree)
    expected = ["-e", str(tree)] if editable else [str(tree)]
    assert _asked(python, tmp_path) == expected
    assert _asked(python, tree) == []  # run in the tree itself: the project is the engine


def test_the_version_is_the_running_one() -> None:
    assert origin.from_direct_url(None).install_args == (f"nox-release=={__version__}",)
