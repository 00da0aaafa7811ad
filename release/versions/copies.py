"""The copies of the version besides the authoritative one, found in the project's files.

* every module-level ``__version__ = "…"`` under the package source, vendored code
  (``_vendor/``, ``vendor/``, ``third_party/``, ``_vendored/``), ``[tool.release] exclude`` globs
  and the version files a VCS plugin generates left out;
* the configured ``version-files`` (``__version__ = "…"`` or ``version = "…"`` lines);
* the project's own ``[[package]]`` entry in ``uv.lock``;
* ``version:`` in ``CITATION.cff`` (its ``date-released`` follows a bump too);
* ``release`` and ``version`` in a Sphinx ``conf.py`` (``docs/``, ``doc/``, ``*/source/``).
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path, PurePosixPath
from typing import Iterable

from ..config import Config
from ..files import read_text
from ..layout import canonical_name
from .sources import version_file_sites
from .text import Site, VersionCopy, assignment_sites, regex_sites

VENDORED = frozenset({"_vendor", "vendor", "third_party", "_vendored"})
# test data inside a package: its __version__ lines are fixtures, never the release version
TEST_DIRS = frozenset({"tests", "test", "testdata", "test_data", "fixtures"})
SPHINX_CONF = ("docs/conf.py", "doc/conf.py", "docs/source/conf.py", "doc/source/conf.py")

_CFF_VERSION = re.compile(
    r"^version:[ \t]*(?P<quote>[\"']?)(?P<value>[0-9][^\"'\s#]*)(?P=quote)[ \t]*(?:#.*)?$",
    re.MULTILINE,
)
_CFF_DATE = re.compile(
    r"^date-released:[ \t]*(?P<quote>[\"']?)(?P<value>\d{4}-\d{2}-\d{2})(?P=quote)", re.MULTILINE
)
_SHORT = re.compile(r"^\d+\.\d+$")  # Sphinx's short X.Y version
_LOCK_PACKAGE = re.compile(r"^\[\[package\]\]\r?$", re.MULTILINE)
_LOCK_FIELD = r'^{key} = "(?P<value>[^"\r\n]*)"\r?$'
_OWN_SOURCE = re.compile(r'^source = \{ (?:editable|virtual) = "\." \}\r?$', re.MULTILINE)


def other_sites(cfg: Config, generated: Iterable[Path], current: str | None) -> list[Site]:
    """Every copy other than the authoritative one, in a stable order."""
    skip = {path.resolve() for path in generated}
    sites = [
        site
        for path in python_files(cfg)
        if path.resolve() not in skip
        for site in assignment_sites(path, read_text(path), "__version__", cfg.relative(path))
    ]
    sites += [site for path in cfg.version_files for site in version_file_sites(cfg, path)]
    sites += _uv_lock_sites(cfg)
    sites += _citation_sites(cfg)
    sites += _sphinx_sites(cfg, current)
    return sites


def citation_date_site(cfg: Config) -> Site | None:
    """``date-released`` in CITATION.cff, when the file has one."""
    path = cfg.root / "CITATION.cff"
    if not path.is_file():
        return None
    found = regex_sites(path, read_text(path), _CFF_DATE, "value", "citation-date")
    return found[0] if found else None


def python_files(cfg: Config) -> list[Path]:
    """The package's modules; vendored directories, projects of their own inside the package (a
    directory with its own pyproject.toml or setup.py, e.g. a bundled sample) and ``exclude``
    globs left out."""
    source = cfg.source
    if source.is_file():
        return [source] if source.suffix == ".py" and not excluded(cfg, source) else []
    nested = {
        marker.parent
        for name in ("pyproject.toml", "setup.py")
        for marker in source.rglob(name)
        if marker.parent != source
    }
    return sorted(
        path
        for path in source.rglob("*.py")
        if not any(
            part.startswith(".") or part == "__pycache__" or part in VENDORED or part in TEST_DIRS
            for part in path.relative_to(source).parts[:-1]
        )
        and not any(project in path.parents for project in nested)
        and not excluded(cfg, path)
    )


def excluded(cfg: Config, path: Path) -> bool:
    """Whether ``path`` (or a directory above it) matches a ``[tool.release] exclude`` glob."""
    if not cfg.exclude:
        return False
    try:
        rel = PurePosixPath(path.relative_to(cfg.root).as_posix())
    except ValueError:
        return False
    candidates = [rel, *[parent for parent in rel.parents if str(parent) != "."]]
    return any(
        fnmatch.fnmatch(str(candidate), glob.rstrip("/"))
        for glob in cfg.exclude
        for candidate in candidates
    )


def _uv_lock_sites(cfg: Config) -> list[Site]:
    """The ``version`` of the project's own ``[[package]]`` in uv.lock (uv writes one key a line)."""
    path = cfg.root / "uv.lock"
    if not path.is_file():
        return []
    text = read_text(path)
    starts = [match.start() for match in _LOCK_PACKAGE.finditer(text)] + [len(text)]
    own = canonical_name(cfg.name)
    for begin, end in zip(starts, starts[1:]):
        block = text[begin:end]
        name = re.search(_LOCK_FIELD.format(key="name"), block, re.MULTILINE)
        if name is None or canonical_name(name["value"]) != own:
            continue
        if not _OWN_SOURCE.search(block):
            continue
        found = re.search(_LOCK_FIELD.format(key="version"), block, re.MULTILINE)
        if found is None:
            return []  # a dynamic version: uv records none
        start, stop = begin + found.start("value"), begin + found.end("value")
        copy = VersionCopy(path, text.count("\n", 0, start) + 1, found["value"], "uv.lock")
        return [Site(copy, start, stop)]
    return []


def _citation_sites(cfg: Config) -> list[Site]:
    path = cfg.root / "CITATION.cff"
    if not path.is_file():
        return []
    return regex_sites(path, read_text(path), _CFF_VERSION, "value", "citation")[:1]


def _sphinx_sites(cfg: Config, current: str | None) -> list[Site]:
    """``release`` and ``version`` literals in conf.py; a ``version`` holding only X.Y (when the
    project's versions have more parts) is Sphinx's short version and follows as X.Y."""
    sites: list[Site] = []
    for name in SPHINX_CONF:
        path = cfg.root / name
        if not path.is_file() or path.resolve() in {p.resolve() for p in cfg.version_files}:
            continue
        text = read_text(path)
        shown = cfg.relative(path)
        for attr in ("release", "version"):
            for site in assignment_sites(path, text, attr, shown, kind="sphinx"):
                copy = site.copy
                if attr == "version" and _SHORT.match(copy.value) and copy.value != current:
                    copy = VersionCopy(copy.path, copy.line, copy.value, "sphinx", "major.minor")
                sites.append(Site(copy, site.start, site.end))
        break
    return sorted(sites, key=lambda site: site.start)
