"""``[tool.release]`` in the target project's pyproject.toml, read into a frozen :class:`Config`.

Everything is optional; the defaults come from the project's layout (src or flat), its
``[project.scripts]`` and the environment (``RELEASE_*`` index URL overrides).
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Collection, Mapping

import tomlkit
import tomlkit.exceptions

from . import checkers, towncrier_config
from .errors import ConfigError
from .towncrier_config import TowncrierSettings
from .layout import canonical_name, dig_table, discover_package, package_hints, project_name

if TYPE_CHECKING:
    from .versions import VersionSource

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
PYPI_INDEX_URL = "https://pypi.org/simple/"
TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/"
TESTPYPI_INDEX_URL = "https://test.pypi.org/simple/"

ENV_OVERRIDES = {
    "test-upload-url": "RELEASE_TEST_UPLOAD_URL",
    "test-index-url": "RELEASE_TEST_INDEX_URL",
    "upload-url": "RELEASE_UPLOAD_URL",
    "index-url": "RELEASE_INDEX_URL",
}

# key -> (expected type name, python types accepted)
_STR = ("a string", (str,))
_LIST = ("a list of strings", (list,))
_BOOL = ("true or false", (bool,))
_NUMBER = ("a number from 0 to 100", (int, float))
_STR_OR_FALSE = ("a string or false", (str, bool))
KEYS: dict[str, tuple[str, tuple[type, ...]]] = {
    "package": _STR,
    "source": _STR,
    "branch": _STR,
    "remote": _STR,
    "tag-format": _STR,
    "changelog": _STR_OR_FALSE,
    "version-files": _LIST,
    "exclude": _LIST,
    "coverage-threshold": _NUMBER,
    "major-on-zero": _BOOL,
    "typecheck-paths": _LIST,
    "format-paths": _LIST,
    "test-args": _LIST,
    "smoke-commands": _LIST,
    "release-title": _STR,
    "github-repo": _STR,
    "critical-labels": _LIST,
    "publish-from": _STR,
    "test-upload-url": _STR,
    "test-index-url": _STR,
    "upload-url": _STR,
    "index-url": _STR,
    "format-check": _STR_OR_FALSE,
    "lint": _STR_OR_FALSE,
    "typecheck": _STR_OR_FALSE,
    "advisory": _LIST,
    "wheels": _STR,
    "wheel-builds": _LIST,
}

GITHUB_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
"""``owner/name`` as GitHub spells a repository."""


def file_prefix(name: str) -> str:
    """The distribution name as it starts sdist and wheel file names: ``omi_openclaw``."""
    return canonical_name(name).replace("-", "_")


@dataclass(frozen=True)
class Config:
    """The release configuration of one project; paths are absolute."""

    root: Path
    name: str
    package: str
    source: Path
    branch: str = "main"
    remote: str = "origin"
    tag_format: str = "v{version}"
    changelog: Path = Path("CHANGELOG.md")
    version_files: tuple[Path, ...] = ()
    coverage_threshold: float = 60.0
    major_on_zero: bool = False
    typecheck_paths: tuple[str, ...] = ()
    format_paths: tuple[str, ...] = ()
    test_args: tuple[str, ...] = ()
    smoke_commands: tuple[str, ...] = ()
    release_title: str = "{name} v{version}"
    github_repo: str | None = None
    critical_labels: tuple[str, ...] = ("critical",)
    publish_from: str = "local"
    test_upload_url: str = TESTPYPI_UPLOAD_URL
    test_index_url: str = TESTPYPI_INDEX_URL
    upload_url: str = PYPI_UPLOAD_URL
    index_url: str = PYPI_INDEX_URL
    #: "matrix" / "single" when [tool.release] says so; None = detected (release.compiled)
    wheels: str | None = None
    #: cibuildwheel build identifiers (globs) the release must ship; None = from [tool.cibuildwheel]
    wheel_builds: tuple[str, ...] | None = None
    scripts: Mapping[str, str] = field(default_factory=dict)
    pyproject: Path = Path("pyproject.toml")
    exclude: tuple[str, ...] = ()
    tag_format_origin: str = "default"

    @functools.cached_property
    def version_source(self) -> VersionSource:
        """How the project declares its version; ``.is_vcs`` when the git tag is the version."""
        from .versions import detect_source

        return detect_source(self)

    changelog_kind: str = "keep-a-changelog"  # "keep-a-changelog", "towncrier" or "none"
    towncrier: TowncrierSettings | None = None  # a towncrier project's settings
    format_check: str | None = None  # "black" or "ruff"
    lint: str | None = None  # "ruff"
    typecheck: str | None = None  # "mypy" or "pyright"
    advisory: tuple[str, ...] = ()  # checklist rows that WARN instead of FAIL
    checkers_origin: Mapping[str, str] = field(default_factory=dict)  # job -> how it was found

    def checker(self, job: str) -> checkers.Checker | None:
        """The configured checker of ``job`` ("format-check", "lint", "typecheck"), if any."""
        tool = {"format-check": self.format_check, "lint": self.lint}.get(job, self.typecheck)
        return checkers.checker(job, tool, self.format_paths, self.typecheck_paths)

    @property
    def project_name(self) -> str:
        """The PEP 503 normalized distribution name (``omi-openclaw``)."""
        return canonical_name(self.name)

    @property
    def file_prefix(self) -> str:
        """The distribution name as PEP 427/625 file names spell it (``omi_openclaw``)."""
        return file_prefix(self.name)

    def is_release_file(self, filename: str, version: str) -> bool:
        """Whether ``filename`` is an sdist or wheel of this project at ``version``."""
        prefix = f"{self.file_prefix}-{version}"
        return filename.startswith((prefix + "-", prefix + "."))

    def tag(self, version: str) -> str:
        return self.tag_format.format(version=version)

    def title(self, version: str) -> str:
        return self.release_title.format(name=self.name, version=version)

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, for messages."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def read_pyproject(path: Path) -> tomlkit.TOMLDocument:
    """Parse pyproject.toml, turning syntax errors into a ConfigError with line and column."""
    if not path.is_file():
        if (path.parent / "setup.py").is_file():
            raise ConfigError(
                f"{path} not found: this project is configured by setup.py alone, which "
                "nox-release does not read (it would have to run it to learn the name and the "
                "version)",
                "name the project where nox-release reads it: a pyproject.toml with "
                "[build-system] (setuptools), and setup.cfg [metadata] name and version "
                "(version = attr: pkg.__version__); setup.py keeps working as it is",
            )
        raise ConfigError(
            f"{path} not found",
            "run the command in the project's root directory (where pyproject.toml is)",
        )
    return parse_toml(path, path.read_text(encoding="utf-8"))


def parse_toml(path: Path, text: str) -> tomlkit.TOMLDocument:
    """``text`` (the contents of ``path``) as a tomlkit document; ConfigError with line and column."""
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(
            f"{path.name} is not valid TOML: line {exc.line}, column {exc.col}: {_parse_reason(exc)}",
            f"fix the syntax at {path.name}:{exc.line}:{exc.col}",
        ) from None


def _parse_reason(exc: tomlkit.exceptions.ParseError) -> str:
    text = str(exc)
    return re.sub(r"\s*at line \d+ col \d+\s*$", "", text)


def plain(value: Any) -> Any:
    """tomlkit items as plain Python values."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def _check_types(table: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, list(KEYS), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(KEYS)
            raise ConfigError(f"unknown key '{key}' in [tool.release]", hint)
        value = plain(raw)
        expected, types = KEYS[key]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if ok and types == _LIST[1]:
            ok = all(isinstance(item, str) for item in value)
        if ok and types == _STR_OR_FALSE[1]:
            ok = value is not True
        if ok and types == _NUMBER[1]:
            ok = 0 <= value <= 100
        if not ok:
            raise ConfigError(
                f"[tool.release] {key} must be {expected}, not {value!r}",
                f"set {key} to {expected} in pyproject.toml",
            )
        values[key] = value
    return values


def infer_tag_format(root: Path, tags: Collection[str] | None = None) -> tuple[str, str]:
    """The tag format the repository's tags use and where that came from (the default when
    there are no version tags); ConfigError when the tags mix formats."""
    from .versions import tags as tag_rules

    if tags is None:
        from .git import Git

        tags = Git(root).tags()
    found = tag_rules.infer(tags)
    return found.format, found.origin


def _format_paths(existing: Callable[[list[str]], tuple[str, ...]], source_rel: str) -> list[str]:
    """``src`` and ``tests`` where they exist, and the package's own top directory when it is
    not under them (a flat layout's ``httpx/``): the formatter and the linter see the code."""
    paths = list(existing(["src", "tests"]))
    top = source_rel.split("/", 1)[0]
    if top not in paths and not Path(top).is_absolute():
        paths.insert(0, top)
    return paths


def load(
    root: Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    tags: Collection[str] | None = None,
) -> Config:
    """Read the configuration of the project at ``root`` (default: the current directory).

    Without ``tag-format`` the format is inferred from ``tags`` (default: the repository's)."""
    root = (root or Path.cwd()).resolve()
    environ = os.environ if env is None else env
    pyproject = root / "pyproject.toml"
    doc = read_pyproject(pyproject)
    project = plain(doc.get("project", {}))
    project = project if isinstance(project, dict) else {}
    name = project_name(doc, root)
    tool = plain(doc.get("tool", {}))
    table = tool.get("release", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError("[tool.release] must be a table", "write it as a [tool.release] section")
    values = _check_types(table)

    if "package" in values:
        package = values["package"]
        if "source" in values:
            source = root / values["source"]
        else:
            source = next(
                (base / package for base in (root / "src", root) if (base / package).is_dir()),
                root / "src" / package,
            )
        if not source.is_dir():
            raise ConfigError(
                f"the package directory {source.relative_to(root)} does not exist",
                "set source to the directory that holds the package's __init__.py",
            )
    else:
        package, source = discover_package(root, name, package_hints(doc))
        if "source" in values:
            source = root / values["source"]

    scripts = project.get("scripts", {}) or dig_table(tool, "poetry", "scripts") or {}
    if not isinstance(scripts, dict):
        raise ConfigError(
            "[project.scripts] must be a table", "write it as name = 'module:function'"
        )

    if "tag-format" in values:
        tag_format, tag_origin = values["tag-format"], "set in [tool.release]"
    else:
        tag_format, tag_origin = infer_tag_format(root, tags)
    if "{version}" not in tag_format:
        raise ConfigError(
            f"tag-format {tag_format!r} has no {{version}} placeholder",
            'write it like "v{version}"',
        )
    publish_from = values.get("publish-from", "local")
    if publish_from not in ("local", "ci"):
        raise ConfigError(
            f'publish-from must be "local" or "ci", not {publish_from!r}',
            'set publish-from = "local" (upload from this machine) or "ci" (CI uploads on the tag)',
        )
    wheels = values.get("wheels")
    if wheels is not None and wheels not in ("matrix", "single"):
        raise ConfigError(
            f'wheels must be "matrix" or "single", not {wheels!r}',
            'set wheels = "matrix" (platform wheels built by CI) or "single" (one wheel built '
            "here), or remove the key to let nox-release detect it",
        )
    github_repo = values.get("github-repo")
    if github_repo is not None and not GITHUB_REPO.match(github_repo):
        raise ConfigError(
            f"github-repo must look like OWNER/NAME, not {github_repo!r}",
            'set github-repo = "owner/name" as in https://github.com/owner/name',
        )

    def existing(paths: list[str]) -> tuple[str, ...]:
        return tuple(path for path in paths if (root / path).exists())

    source_rel = source.relative_to(root).as_posix() if source.is_relative_to(root) else str(source)
    urls = {
        key: environ.get(var) or values.get(key) or default
        for key, var, default in (
            ("test-upload-url", ENV_OVERRIDES["test-upload-url"], TESTPYPI_UPLOAD_URL),
            ("test-index-url", ENV_OVERRIDES["test-index-url"], TESTPYPI_INDEX_URL),
            ("upload-url", ENV_OVERRIDES["upload-url"], PYPI_UPLOAD_URL),
            ("index-url", ENV_OVERRIDES["index-url"], PYPI_INDEX_URL),
        )
    }
    changelog_kind, changelog_path, towncrier = _changelog(root, doc, values)
    found = checkers.detect(root, doc.unwrap())
    chosen: dict[str, str | None] = {}
    origin: dict[str, str] = {}
    for job, allowed in checkers.JOBS.items():
        chosen[job], origin[job] = checkers.choice(job, allowed, values, found[job])
    return Config(
        root=root,
        name=name,
        package=package,
        source=source,
        branch=values.get("branch", "main"),
        remote=values.get("remote", "origin"),
        tag_format=tag_format,
        changelog=changelog_path,
        version_files=tuple(root / path for path in values.get("version-files", [])),
        coverage_threshold=float(values.get("coverage-threshold", 60)),
        major_on_zero=values.get("major-on-zero", False),
        typecheck_paths=tuple(values.get("typecheck-paths", [source_rel])),
        format_paths=tuple(values.get("format-paths", _format_paths(existing, source_rel))),
        test_args=tuple(values.get("test-args", [])),
        smoke_commands=tuple(
            values.get("smoke-commands", [f"{script} --version" for script in scripts])
        ),
        release_title=values.get("release-title", "{name} v{version}"),
        github_repo=github_repo,
        critical_labels=tuple(values.get("critical-labels", ["critical"])),
        publish_from=publish_from,
        test_upload_url=urls["test-upload-url"],
        test_index_url=urls["test-index-url"],
        upload_url=urls["upload-url"],
        index_url=urls["index-url"],
        wheels=wheels,
        wheel_builds=tuple(values["wheel-builds"]) if "wheel-builds" in values else None,
        scripts=dict(scripts),
        pyproject=pyproject,
        exclude=tuple(values.get("exclude", [])),
        tag_format_origin=tag_origin,
        changelog_kind=changelog_kind,
        towncrier=towncrier,
        format_check=chosen["format-check"],
        lint=chosen["lint"],
        typecheck=chosen["typecheck"],
        advisory=checkers.advisory(values.get("advisory", [])),
        checkers_origin=origin,
    )


def _changelog(
    root: Path, doc: tomlkit.TOMLDocument, values: Mapping[str, Any]
) -> tuple[str, Path, TowncrierSettings | None]:
    """The kind of changelog the project keeps, its file (towncrier's is its ``filename``) and
    towncrier's settings (read where towncrier reads them)."""
    setting = values.get("changelog")
    if setting is False:
        return "none", root / "CHANGELOG.md", None
    towncrier = towncrier_config.find(root, doc.unwrap())
    if towncrier is not None:
        return "towncrier", root / (setting or towncrier.filename), towncrier
    found = next((name for name in CHANGELOG_NAMES if (root / name).is_file()), "CHANGELOG.md")
    return "keep-a-changelog", root / (setting or found), None


# The names a Keep a Changelog file goes by, most common first (the first that exists is taken).
CHANGELOG_NAMES = (
    "CHANGELOG.md",
    "CHANGES.md",
    "HISTORY.md",
    "NEWS.md",
    "changelog.md",
    "docs/changelog.md",
    "docs/CHANGELOG.md",
)
