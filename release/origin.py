"""Where this engine was installed from, so that the nox sessions install the same engine.

A session's venv needs nox-release too. Installing ``nox-release==VERSION`` from the package index
only works for a released version: an engine installed from a checkout, a wheel file or a git URL
would be replaced by another one, or not be found at all. PEP 610 says where an installed
distribution came from (``direct_url.json`` in its ``.dist-info``); this module turns that into
the pip arguments that install it again:

==============================  ======================================
installed from                  a session installs
==============================  ======================================
a source tree (running there)   that tree (``-e`` if installed editable)
a local directory               that directory (``-e`` if it was)
a wheel or sdist file           that file
an archive URL                  ``nox-release @ URL``
a VCS URL                       ``nox-release @ git+URL@COMMIT``
the index (no direct_url.json)  ``nox-release==VERSION``
==============================  ======================================
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit
from urllib.request import url2pathname

from . import __version__
from .config import read_pyproject
from .errors import UsageError

DISTRIBUTION = "nox-release"
PACKAGE_DIR = Path(__file__).resolve().parent
_REINSTALL = (
    "reinstall nox-release from where it lives now (pip install PATH-OR-URL) or from the index "
    "(pip install nox-release)"
)


@dataclass(frozen=True)
class Origin:
    """Where the engine came from, and the pip arguments that install it again."""

    where: str
    install_args: tuple[str, ...]


def engine_origin(cwd: Path | None = None) -> Origin:
    """The origin of the engine that is running (this very ``release`` package).

    ``cwd``: the project a session works on. When it is the engine's own source tree, the engine is
    the project and is installed with it: no arguments.
    """
    dist = _distribution()
    if dist is not None and _runs_from(dist):
        return from_direct_url(_direct_url(dist))
    tree = source_tree()
    if tree is not None:
        if cwd is not None and cwd.resolve() == tree:
            return Origin(f"{tree} (the project itself)", ())
        data = _direct_url(dist) if dist is not None else None
        editable = data is not None and _local_dir(data) == tree and _is_editable(data)
        return Origin(f"{tree} (source tree)", ("-e", str(tree)) if editable else (str(tree),))
    return from_direct_url(None)


def from_direct_url(data: Mapping[str, Any] | None, version: str = __version__) -> Origin:
    """The origin a PEP 610 ``direct_url.json`` describes (None: installed from an index)."""
    if data is None:
        return Origin(
            f"the package index ({DISTRIBUTION}=={version})", (f"{DISTRIBUTION}=={version}",)
        )
    url = str(data.get("url", ""))
    if "vcs_info" in data:
        return _vcs(url, data)
    if urlsplit(url).scheme != "file":
        if not url:
            raise UsageError(f"{DISTRIBUTION}'s direct_url.json names no URL", _REINSTALL)
        return Origin(url, (f"{DISTRIBUTION} @ {url}",))
    path = _file_path(url)
    if not path.exists():
        raise UsageError(
            f"{DISTRIBUTION} was installed from {path}, which no longer exists", _REINSTALL
        )
    if "dir_info" in data and _is_editable(data):
        return Origin(f"{path} (editable)", ("-e", str(path)))
    return Origin(str(path), (str(path),))


def _vcs(url: str, data: Mapping[str, Any]) -> Origin:
    info = data["vcs_info"]
    revision = info.get("commit_id") or info.get("requested_revision")
    spec = f"{info.get('vcs', 'git')}+{url}" + (f"@{revision}" if revision else "")
    subdirectory = data.get("subdirectory")
    if subdirectory:
        spec += f"#subdirectory={subdirectory}"
    return Origin(spec, (f"{DISTRIBUTION} @ {spec}",))


def _distribution() -> importlib.metadata.Distribution | None:
    try:
        return importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


def _runs_from(dist: importlib.metadata.Distribution) -> bool:
    """The distribution's own files are the ones running (not an editable pointer elsewhere)."""
    installed = Path(str(dist.locate_file("release/__init__.py")))
    return installed.is_file() and installed.resolve().parent == PACKAGE_DIR


def _direct_url(dist: importlib.metadata.Distribution) -> dict[str, Any] | None:
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(
            f"{DISTRIBUTION}'s direct_url.json is not valid JSON ({exc})", _REINSTALL
        ) from exc
    return data if isinstance(data, dict) else None


def installed_from_dir(dist: importlib.metadata.Distribution) -> Path | None:
    """The local directory ``dist`` was installed from (editable or not), per its PEP 610
    ``direct_url.json``; None when it came from an index, a file, a URL, or says nothing."""
    text = dist.read_text("direct_url.json")
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(data, dict) or "dir_info" not in data:
        return None
    return _local_dir(data)


def _is_editable(data: Mapping[str, Any]) -> bool:
    dir_info = data.get("dir_info")
    return isinstance(dir_info, dict) and dir_info.get("editable") is True


def _local_dir(data: Mapping[str, Any]) -> Path | None:
    url = str(data.get("url", ""))
    return _file_path(url).resolve() if urlsplit(url).scheme == "file" else None


def _file_path(url: str) -> Path:
    return Path(url2pathname(urlsplit(url).path))


def source_tree() -> Path | None:
    """The nox-release checkout the running engine is imported from, or None (installed)."""
    pyproject = PACKAGE_DIR.parent / "pyproject.toml"
    if not pyproject.is_file():
        return None
    name = read_pyproject(pyproject).get("project", {}).get("name")
    return PACKAGE_DIR.parent if name == DISTRIBUTION else None
