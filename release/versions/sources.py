"""Where a project keeps its version, detected from its own pyproject.toml (never imposed).

One function per kind of source; :func:`resolve` tries them in the order the build backends do and
returns the :class:`VersionSource` with the :class:`~release.versions.text.Site` of the
authoritative copy (None for a VCS version: there the tag is the version).
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit

from ..config import Config, parse_toml, plain
from ..errors import ConfigError
from ..files import read_text
from .text import Site, VersionCopy, assignment_sites, dig, line_of, regex_sites, toml_string_site

# hatch's default: __version__ or VERSION (any case), an optional leading "v" is not the version.
_HATCH_LINE = re.compile(
    r"^(?:__version__|version)[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*"
    r"(?P<quote>[\"'])v?(?P<value>[^\"'\r\n]+)(?P=quote)",
    re.MULTILINE | re.IGNORECASE,
)
# A version line in a version file: __version__ = "…", version = "…" (optionally annotated).
_VERSION_LINE = re.compile(
    r"^(?:__version__|version)[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*"
    r"(?P<quote>[\"'])(?P<value>[^\"'\r\n]*)(?P=quote)",
    re.MULTILINE,
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NO_SOURCE_HINT = (
    "nox-release reads [project] version, setuptools attr/file, hatch path and code, Poetry, "
    "PDM file, flit's __version__ and VCS tags (setuptools-scm, hatch-vcs, pdm-backend scm); "
    "list the files that hold the version in [tool.release] version-files"
)


@dataclass(frozen=True)
class VersionSource:
    """How the project declares its version.

    ``kind`` is one of ``pep621``, ``setuptools-attr``, ``setuptools-file``, ``hatch-path``,
    ``poetry``, ``pdm-file``, ``flit`` or ``vcs``; ``tool`` names the VCS plugin
    (``setuptools-scm``, ``hatch-vcs``, ``pdm-backend``, ``poetry-dynamic-versioning``);
    ``generated`` are the version files that plugin writes at build time (never bumped).
    """

    kind: str
    description: str
    tool: str = ""
    generated: tuple[Path, ...] = field(default=())

    @property
    def is_vcs(self) -> bool:
        """The version is the git tag: bump writes no version file; publish tags, then builds."""
        return self.kind == "vcs"


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, text: str) -> tomlkit.TOMLDocument:
    """``text`` parsed, the same document for the same text: shared, so only read, never changed
    (resolve and the functions it passes it to only read it)."""
    return parse_toml(path, text)


def resolve(cfg: Config) -> tuple[VersionSource, Site | None]:
    """The project's version source and the site of its authoritative copy (None for VCS)."""
    path = cfg.pyproject
    text = read_file(cfg, path)
    doc = _parsed(path, text)
    project = plain(doc.get("project"))
    tool = plain(doc.get("tool", {}))
    tool = tool if isinstance(tool, dict) else {}
    dynamic = project.get("dynamic", []) if isinstance(project, dict) else []
    is_dynamic = isinstance(dynamic, list) and "version" in dynamic
    if isinstance(project, dict) and "version" in project:
        if is_dynamic:
            raise ConfigError(
                f"{path.name} has [project] version and also lists version in [project] dynamic",
                "keep one: remove version from dynamic, or remove the static version",
            )
        site = toml_string_site(
            path, text, ("project", "version"), "pyproject", "[project] version"
        )
        return VersionSource("pep621", "[project] version in pyproject.toml"), site
    vcs = _vcs_source(cfg, doc, tool)
    if vcs is not None:
        return vcs, None
    poetry_version = dig(tool, "poetry", "version")
    if not isinstance(project, dict) and poetry_version is None:
        from_setup_cfg = _setup_cfg(cfg)
        if from_setup_cfg is not None:
            return from_setup_cfg
    if not is_dynamic and poetry_version is None:
        raise ConfigError(
            f"{path.name} has no [project] version (nor a dynamic version, "
            "nor [tool.poetry] version)",
            'add version = "0.1.0" under [project] (or keep the version where your build '
            'backend reads it and list [project] dynamic = ["version"])',
        )
    return _dynamic_source(cfg, doc, tool, text)


def _dynamic_source(
    cfg: Config, doc: tomlkit.TOMLDocument, tool: dict[str, Any], text: str
) -> tuple[VersionSource, Site]:
    setuptools_version = dig(tool, "setuptools", "dynamic", "version")
    hatch_version = dig(tool, "hatch", "version")
    pdm_version = dig(tool, "pdm", "version")
    backend = str(dig(plain(doc.get("build-system", {})), "build-backend") or "")
    if isinstance(setuptools_version, dict):
        return _setuptools(cfg, setuptools_version)
    if isinstance(hatch_version, dict):
        return _hatch(cfg, hatch_version)
    if isinstance(pdm_version, dict):
        return _pdm(cfg, pdm_version)
    if isinstance(dig(tool, "poetry", "version"), str):
        keys = ("tool", "poetry", "version")
        site = toml_string_site(cfg.pyproject, text, keys, "pyproject", "[tool.poetry] version")
        return VersionSource("poetry", "[tool.poetry] version in pyproject.toml"), site
    if backend.startswith("flit_core"):
        module = dig(tool, "flit", "module", "name")
        path = _flit_module(cfg, module if isinstance(module, str) else None)
        imported = _imported_from(path, "__version__")
        if imported is not None and not _assigns(cfg, path, "__version__"):
            # ``from .package_data import __version__`` (idna): flit imports the module for it
            site = module_attr_site(cfg, imported, "__version__", "flit")
            where = f"__version__ in {cfg.relative(imported)}, imported by {cfg.relative(path)}"
            return VersionSource("flit", f"{where} (flit)"), site
        site = module_attr_site(cfg, path, "__version__", "flit")
        return VersionSource("flit", f"__version__ in {cfg.relative(path)} (flit)"), site
    declare = {
        "setuptools": '[tool.setuptools.dynamic] version = {attr = "pkg.__version__"}',
        "hatchling": '[tool.hatch.version] path = "src/pkg/__init__.py"',
        "pdm": '[tool.pdm.version] source = "file", path = "src/pkg/__init__.py"',
    }
    known = next((text for prefix, text in declare.items() if backend.startswith(prefix)), None)
    raise ConfigError(
        f"{cfg.pyproject.name} declares a dynamic version but no source nox-release can read",
        (
            f"your build backend needs it declared too, e.g. {known}; " + _NO_SOURCE_HINT
            if known
            else _NO_SOURCE_HINT
        ),
    )


def _setup_cfg(cfg: Config) -> tuple[VersionSource, Site] | None:
    from .setupcfg import version_spec_site

    found = version_spec_site(cfg)
    if found is None:
        return None
    value, site = found
    where = "setup.cfg [metadata] version"
    if value.startswith("attr:"):
        spec = value[len("attr:") :].strip()
        module, _, attr = spec.rpartition(".")
        if not module or not attr:
            raise ConfigError(
                f"{where} {value!r} is not module.attribute", "write attr: pkg.__version__"
            )
        path = _find_module(cfg, module, where)
        return VersionSource("setuptools-attr", f"{where} = attr: {spec}"), module_attr_site(
            cfg, path, attr, where
        )
    if value.startswith("file:"):
        name = value[len("file:") :].strip()
        return VersionSource("setuptools-file", f"{where} = file: {name}"), _whole_file_site(
            cfg, cfg.root / name, where
        )
    return VersionSource("setup-cfg", where), site


# --- VCS ----------------------------------------------------------------------------------------


def _vcs_source(
    cfg: Config, doc: tomlkit.TOMLDocument, tool: dict[str, Any]
) -> VersionSource | None:
    hatch = dig(tool, "hatch", "version")
    if isinstance(hatch, dict) and hatch.get("source") == "vcs":
        hook = dig(tool, "hatch", "build", "hooks", "vcs", "version-file")
        generated = _paths(cfg, [hook, dig(tool, "setuptools_scm", "version_file")])
        return VersionSource("vcs", "git tags (hatch-vcs)", "hatch-vcs", generated)
    pdm = dig(tool, "pdm", "version")
    if isinstance(pdm, dict) and pdm.get("source") == "scm":
        generated = _paths(cfg, [pdm.get("write_to")], under=("", "src"))
        return VersionSource("vcs", "git tags (pdm-backend scm)", "pdm-backend", generated)
    dynamic_versioning = dig(tool, "poetry-dynamic-versioning", "enable")
    if dynamic_versioning is True:
        return VersionSource(
            "vcs", "git tags (poetry-dynamic-versioning)", "poetry-dynamic-versioning"
        )
    scm = tool.get("setuptools_scm")
    requires = dig(plain(doc.get("build-system", {})), "requires") or []
    wants_scm = any(
        isinstance(req, str) and re.match(r"^\s*setuptools[-_]scm\b", req, re.IGNORECASE)
        for req in requires
    )
    project = plain(doc.get("project"))
    dynamic = project.get("dynamic", []) if isinstance(project, dict) else []
    has_static = dig(tool, "setuptools", "dynamic", "version") is not None
    if (isinstance(scm, dict) or wants_scm) and "version" in dynamic and not has_static:
        scm = scm if isinstance(scm, dict) else {}
        generated = _paths(cfg, [scm.get("version_file"), scm.get("write_to")])
        return VersionSource("vcs", "git tags (setuptools-scm)", "setuptools-scm", generated)
    return None


def _paths(cfg: Config, names: list[Any], under: tuple[str, ...] = ("",)) -> tuple[Path, ...]:
    return tuple(
        cfg.root / base / name for name in names if isinstance(name, str) for base in under
    )


# --- static sources -----------------------------------------------------------------------------


def _setuptools(cfg: Config, table: dict[str, Any]) -> tuple[VersionSource, Site]:
    where = "[tool.setuptools.dynamic] version"
    if isinstance(table.get("attr"), str):
        module, _, attr = table["attr"].rpartition(".")
        if not module or not attr:
            raise ConfigError(
                f"{where} attr {table['attr']!r} is not module.attribute",
                'write it like attr = "pkg.__version__"',
            )
        path = _find_module(cfg, module, where)
        source = VersionSource("setuptools-attr", f"{where} attr {table['attr']}")
        return source, module_attr_site(cfg, path, attr, where)
    files = table.get("file")
    if isinstance(files, str) or (isinstance(files, list) and len(files) == 1):
        name = str(files if isinstance(files, str) else files[0])
        source = VersionSource("setuptools-file", f"{where} file {name}")
        return source, _whole_file_site(cfg, cfg.root / name, where)
    raise ConfigError(
        f'{where} must be {{attr = "pkg.__version__"}} or {{file = "VERSION"}} (one file)',
        'write it like version = {attr = "pkg.__version__"}',
    )


def _hatch(cfg: Config, table: dict[str, Any]) -> tuple[VersionSource, Site]:
    where = "[tool.hatch.version]"
    source = table.get("source", "regex")
    if source == "code":
        return _hatch_code(cfg, table)
    if source == "env":
        variable = table.get("variable")
        raise ConfigError(
            f"{where} takes the version from the environment variable {variable!r} when the "
            "build runs (hatch's env source): no file holds it, so a bump has nothing to write",
            "nox-release does not set build variables yet, so it cannot release this project "
            "as it is configured (a file in [tool.release] version-files would not reach the "
            "build: hatch reads only the variable)",
        )
    if source != "regex":
        return _listed_file(cfg, f"{where} source {source!r}", "the version source plugin")
    if not isinstance(table.get("path"), str):
        raise ConfigError(
            f"{where} has no path to the file that holds the version",
            f'hatch needs path = "src/<pkg>/__init__.py" in {where}',
        )
    path = cfg.root / table["path"]
    text = read_file(cfg, path, where)
    pattern = table.get("pattern")
    if isinstance(pattern, str):
        match = _compile(pattern, where).search(text)
        group = "version"
    else:
        match = _HATCH_LINE.search(text)
        group = "value"
    if match is None or group not in match.groupdict():
        raise ConfigError(
            f"{cfg.relative(path)} (named by {where} path) has no version line",
            'add a line __version__ = "X.Y.Z" to it',
        )
    start, end = match.span(group)
    kind = "module" if path.suffix == ".py" else "version-file"
    copy = VersionCopy(path, line_of(text, start), text[start:end], kind)
    return VersionSource("hatch-path", f"{where} path {table['path']}"), Site(copy, start, end)


def _hatch_code(cfg: Config, table: dict[str, Any]) -> tuple[VersionSource, Site]:
    """hatch's code source: the file at ``path`` is loaded and ``expression`` (``__version__``
    by default) evaluated. A name bound to a string literal at the file's top level is edited in
    place; anything computed needs the file it is computed from, in version-files."""
    where = "[tool.hatch.version]"
    expression = table.get("expression", "__version__")
    if not isinstance(table.get("path"), str):
        raise ConfigError(
            f"{where} source 'code' has no path to the file that holds the version",
            f'hatch needs path = "src/<pkg>/__about__.py" in {where}',
        )
    path = cfg.root / table["path"]
    shown = f"{where} code {table['path']}"
    if isinstance(expression, str) and _IDENTIFIER.match(expression):
        text = read_file(cfg, path, where)
        site = next(assignment_sites(path, text, expression, cfg.relative(path)), None)
        if site is not None:
            return VersionSource("hatch-code", f"{shown} ({expression})"), site
    return _listed_file(cfg, f"{where} source 'code' ({expression!r} in {table['path']})", "it")


def _listed_file(cfg: Config, found: str, reader: str) -> tuple[VersionSource, Site]:
    """A version source nox-release cannot edit (computed, or a plugin's): the build still reads
    it, from a file the project names in ``[tool.release] version-files``; the first version line
    there is the authoritative copy. The release's own checks (the version row, the smoke test of
    the built wheel) then prove that the build reads what the bump wrote."""
    if not cfg.version_files:
        raise ConfigError(
            f"the version comes from {found}, which nox-release cannot edit",
            f"name the file {reader} reads the version from in [tool.release]: "
            'version-files = ["src/<pkg>/_version.py"] (a __version__ = "X.Y.Z" or '
            'version = "X.Y.Z" line); bump edits it there',
        )
    path = cfg.version_files[0]
    site = version_file_sites(cfg, path)[0]
    return VersionSource("version-files", f"{cfg.relative(path)}, read by {found}"), site


def version_file_sites(cfg: Config, path: Path) -> list[Site]:
    """The version lines of a file listed in ``[tool.release] version-files``."""
    where = "[tool.release] version-files"
    text = read_file(cfg, path, where)
    sites = regex_sites(path, text, _VERSION_LINE, "value", "version-file")
    if not sites:
        raise ConfigError(
            f'{cfg.relative(path)} (listed in {where}) has no __version__ = "…" or '
            'version = "…" line',
            f"add such a line to {cfg.relative(path)}, or remove it from version-files",
        )
    return sites


def _pdm(cfg: Config, table: dict[str, Any]) -> tuple[VersionSource, Site]:
    where = "[tool.pdm.version]"
    if table.get("source") == "call":
        getter = table.get("getter")
        return _listed_file(cfg, f"{where} source 'call' (getter {getter!r})", "the getter")
    if table.get("source") != "file" or not isinstance(table.get("path"), str):
        raise ConfigError(
            f"{where} takes the version from source {table.get('source')!r}, "
            "which nox-release cannot read",
            _NO_SOURCE_HINT,
        )
    path = cfg.root / table["path"]
    site = module_attr_site(cfg, path, "__version__", where)
    return VersionSource("pdm-file", f"{where} file {table['path']}"), site


def _flit_module(cfg: Config, module: str | None) -> Path:
    """flit_core reads ``__version__`` from the module named like the project (or [tool.flit.module])."""
    name = module or cfg.file_prefix
    for base in (cfg.root / "src", cfg.root):
        for candidate in (base / name / "__init__.py", base / f"{name}.py"):
            if candidate.is_file():
                return candidate
    return cfg.source / "__init__.py" if cfg.source.is_dir() else cfg.source


def _assigns(cfg: Config, path: Path, attr: str) -> bool:
    text = read_file(cfg, path, "flit")
    return next(assignment_sites(path, text, attr, cfg.relative(path)), None) is not None


def _imported_from(path: Path, attr: str) -> Path | None:
    """The sibling module ``path`` takes ``attr`` from at its top level (``from .data import
    __version__``), or None."""
    try:
        tree = ast.parse(read_text(path))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 1
            and node.module
            and any(alias.name == attr and alias.asname is None for alias in node.names)
        ):
            parts = node.module.split(".")
            for candidate in (
                path.parent.joinpath(*parts).with_suffix(".py"),
                path.parent.joinpath(*parts, "__init__.py"),
            ):
                if candidate.is_file():
                    return candidate
    return None


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise ConfigError(
            f"{where} pattern is not a valid regular expression: {exc}",
            "fix the pattern (it needs a (?P<version>...) group)",
        ) from None


def _find_module(cfg: Config, module: str, where: str) -> Path:
    parts = module.split(".")
    bases = [cfg.root / "src", cfg.root, cfg.source.parent]
    tried: list[Path] = []
    for base in bases:
        for candidate in (
            base.joinpath(*parts).with_suffix(".py"),
            base.joinpath(*parts, "__init__.py"),
        ):
            if candidate.is_file():
                return candidate
            tried.append(candidate)
    raise ConfigError(
        f"{where} names module {module!r}, which is not in the project "
        f"(looked for {', '.join(cfg.relative(path) for path in tried[:4])})",
        "point attr at the module that assigns the version, for example pkg.__version__",
    )


def module_attr_site(cfg: Config, path: Path, attr: str, where: str) -> Site:
    text = read_file(cfg, path, where)
    site = next(assignment_sites(path, text, attr, cfg.relative(path)), None)
    if site is not None:
        return site
    raise ConfigError(
        f"{cfg.relative(path)} (the version source of {where}) has no module-level "
        f'{attr} = "X.Y.Z"',
        f'add {attr} = "X.Y.Z" at the top level of {cfg.relative(path)}',
    )


def _whole_file_site(cfg: Config, path: Path, where: str) -> Site:
    text = read_file(cfg, path, where)
    value = text.strip()
    if not value or "\n" in value or "\r" in value:
        raise ConfigError(
            f"{cfg.relative(path)} (named by {where}) must hold just the version",
            "write only the version in it, for example 0.1.0",
        )
    start = text.index(value)
    copy = VersionCopy(path, line_of(text, start), value, "version-file")
    return Site(copy, start, start + len(value))


def read_file(cfg: Config, path: Path, where: str = "") -> str:
    try:
        return read_text(path)
    except FileNotFoundError:
        named = f" (named by {where})" if where else ""
        raise ConfigError(
            f"{cfg.relative(path)}{named} does not exist",
            "create it, or correct the path in pyproject.toml",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{cfg.relative(path)} is not UTF-8 text", "save it as UTF-8") from None
