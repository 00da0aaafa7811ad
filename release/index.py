"""The package index: simple-API look-ups, uploads through twine, where credentials come from.

This is the one module that talks to package indexes. Look-ups use urllib (no extra dependency);
uploads use twine, one file at a time, each looked up first so that a re-run after a failure
resumes: a file already there with the same bytes is skipped, one with other bytes stops everything.
"""

from __future__ import annotations

import base64
import configparser
import hashlib
import json
import os
import stat
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from http.client import HTTPException
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from . import proc
from .config import PYPI_UPLOAD_URL, TESTPYPI_UPLOAD_URL
from .version import next_patch
from .errors import CredentialsError, PackageIndexError, ToolFailed, UploadConflict, UsageError

_PYPI_HOSTS = {
    "pypi.org": "https://pypi.org",
    "upload.pypi.org": "https://pypi.org",
    "test.pypi.org": "https://test.pypi.org",
}
# Hosts twine rewrites to https (twine.utils.normalize_repository_url).
_TWINE_HTTPS_HOSTS = {"pypi.python.org", "testpypi.python.org", "upload.pypi.org", "test.pypi.org"}
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{SIMPLE_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
UPLOAD_TIMEOUT = 900.0
TOKEN_USERNAME = "__token__"
INDEX_HINT = (
    "re-run when it is reachable; if it stays unreachable, check the index URL "
    "([tool.release] index-url / test-index-url or RELEASE_*_URL) and the network"
)
_KEYRING_PROBE = """\
import sys
try:
    import keyring
except ImportError:
    print("absent")
    raise SystemExit(0)
system, username = sys.argv[1], sys.argv[2] or None
try:
    if username is None:
        credential = keyring.get_credential(system, None)
        found = credential is not None and bool(credential.password)
    else:
        found = bool(keyring.get_password(system, username))
except Exception:
    found = False
print("found" if found else "none")
"""


@dataclass(frozen=True)
class IndexFile:
    """One file of a project as the index lists it; ``yanked`` is None, or the reason ("" if none
    was given) when the file is yanked (PEP 592)."""

    filename: str
    sha256: str | None
    url: str
    yanked: str | None


@dataclass(frozen=True)
class UploadReport:
    """File names uploaded now and those skipped because the index already had them."""

    uploaded: list[str]
    skipped: list[str]


def display_url(url: str) -> str:
    """``url`` without any user:password part, fit for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def project_page(index_url: str, project: str) -> str:
    """The simple-API page of ``project`` on the index at ``index_url``."""
    return index_url.rstrip("/") + "/" + str(canonicalize_name(project)) + "/"


def list_files(index_url: str, project: str, *, timeout: float = 10.0) -> list[IndexFile]:
    """Every file of ``project`` on the index; [] when the index does not know the project."""
    page = project_page(index_url, project)
    fetched = _get(page, timeout=timeout, accept=ACCEPT)
    if fetched is None:
        return []
    final_url, content_type, body = fetched
    if content_type == SIMPLE_JSON:
        return _files_from_json(body, final_url)
    return _files_from_html(body.decode("utf-8", errors="replace"), final_url)


def _request(url: str, accept: str) -> urllib.request.Request:
    """A GET request; credentials written into the URL become a Basic Authorization header."""
    parts = urlsplit(url)
    headers = {"Accept": accept, "User-Agent": "nox-release"}
    if parts.username is not None:
        pair = f"{parts.username}:{parts.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        url = display_url(url)
    return urllib.request.Request(url, headers=headers)


def _get(url: str, *, timeout: float, accept: str) -> tuple[str, str, bytes] | None:
    """(final URL after redirects, content type, body); None on 404."""
    try:
        with urllib.request.urlopen(_request(url, accept), timeout=timeout) as response:
            return response.geturl(), response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise PackageIndexError(
            f"could not read {display_url(url)}: HTTP {exc.code} {exc.reason}",
            "check the URL and any credentials it needs; " + INDEX_HINT,
        ) from exc
    except (urllib.error.URLError, HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise PackageIndexError(f"could not read {display_url(url)}: {reason}", INDEX_HINT) from exc


def _files_from_json(body: bytes, base_url: str) -> list[IndexFile]:
    try:
        data: Any = json.loads(body)
        entries = data["files"]
        files = []
        for entry in entries:
            yanked = entry.get("yanked", False)
            files.append(
                IndexFile(
                    filename=str(entry["filename"]),
                    sha256=(entry.get("hashes") or {}).get("sha256"),
                    url=urljoin(base_url, str(entry["url"])),
                    yanked=yanked if isinstance(yanked, str) else ("" if yanked else None),
                )
            )
        return files
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PackageIndexError(
            f"{display_url(base_url)} sent a malformed PEP 691 JSON page ({exc})", INDEX_HINT
        ) from exc


class _LinkParser(HTMLParser):
    """The anchors of a PEP 503 project page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = dict(attrs)
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.links.append((self._open, "".join(self._text).strip()))
            self._open = None


def _files_from_html(text: str, base_url: str) -> list[IndexFile]:
    parser = _LinkParser()
    parser.feed(text)
    parser.close()
    files = []
    for attrs, label in parser.links:
        href = attrs.get("href")
        if not href:
            continue
        url, fragment = urldefrag(urljoin(base_url, href))
        filename = label or Path(urlsplit(url).path).name
        algorithm, _, digest = fragment.partition("=")
        files.append(
            IndexFile(
                filename=filename,
                sha256=digest.lower() if algorithm == "sha256" and digest else None,
                url=url,
                yanked=(attrs["data-yanked"] or "") if "data-yanked" in attrs else None,
            )
        )
    return files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_status(index_url: str, project: str, files: Sequence[Path]) -> dict[str, str]:
    """Per local file name: "absent", "same" (same name and sha256 on the index) or "conflict"."""
    listed = {entry.filename: entry for entry in list_files(index_url, project)}
    status = {}
    for path in files:
        entry = listed.get(path.name)
        if entry is None:
            status[path.name] = "absent"
            continue
        remote = entry.sha256 or _download_sha256(entry.url)
        status[path.name] = "same" if remote == sha256_of(path) else "conflict"
    return status


def download(url: str) -> bytes:
    """The bytes of a file an index lists (its ``url`` from :func:`list_files`)."""
    fetched = _get(url, timeout=60.0, accept="*/*")
    if fetched is None:
        raise PackageIndexError(
            f"could not read {display_url(url)}: it is listed but answers 404",
            "re-run when the index serves it",
        )
    return fetched[2]


def _download_sha256(url: str) -> str:
    """The sha256 of a listed file whose page gave no hash: download it and hash it."""
    fetched = _get(url, timeout=60.0, accept="*/*")
    if fetched is None:
        raise PackageIndexError(f"{display_url(url)} is listed but answers 404", INDEX_HINT)
    return hashlib.sha256(fetched[2]).hexdigest()


def upload(
    files: Sequence[Path],
    *,
    upload_url: str,
    index_url: str,
    project: str,
    env: Mapping[str, str] | None = None,
    attestations: bool = False,
    after_each: Callable[[str], None] | None = None,
) -> UploadReport:
    """Upload what the index does not have yet, one file at a time; safe to re-run.

    Every file is looked up before the first upload: one already there with other bytes raises
    UploadConflict and nothing is uploaded.
    """
    if not files:
        raise UsageError("nothing to upload", "run nox -s build first")
    status = file_status(index_url, project, files)
    conflicts = [path for path in files if status[path.name] == "conflict"]
    if conflicts:
        raise _conflict(conflicts[0], index_url)
    report = UploadReport(uploaded=[], skipped=[])
    for path in files:
        current = file_status(index_url, project, [path])[path.name]
        if current == "conflict":
            raise _conflict(path, index_url)
        if current == "same":
            report.skipped.append(path.name)
            continue
        _twine_upload(path, upload_url, index_url, env, attestations)
        report.uploaded.append(path.name)
        if after_each is not None:
            after_each(path.name)
    return report


def _conflict(path: Path, index_url: str) -> UploadConflict:
    return UploadConflict(
        f"{path.name} is already on {display_url(index_url)} with different contents",
        "PyPI never accepts a file name twice, even after deletion: release "
        f"{_next_patch(path.name)} instead (bump, rebuild, publish)",
    )


def _next_patch(filename: str) -> str:
    """X.Y.(Z+1) for the version in a distribution file name."""
    try:
        if filename.endswith(".whl"):
            version = parse_wheel_filename(filename)[1]
        else:
            version = parse_sdist_filename(filename)[1]
    except (InvalidWheelFilename, InvalidSdistFilename):
        return "X.Y.(Z+1)"
    return next_patch(version)


def twine_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment twine runs in: the caller's, without repository overrides (the upload URL
    is always given explicitly), and with ``__token__`` as user name for a bare ``pypi-`` token."""
    result = dict(os.environ if env is None else env)
    result.pop("TWINE_REPOSITORY", None)
    result.pop("TWINE_REPOSITORY_URL", None)
    password = result.get("TWINE_PASSWORD", "")
    if password.startswith("pypi-") and not result.get("TWINE_USERNAME"):
        result["TWINE_USERNAME"] = TOKEN_USERNAME
    return result


def _twine_upload(
    path: Path,
    upload_url: str,
    index_url: str,
    env: Mapping[str, str] | None,
    attestations: bool,
) -> None:
    environment = twine_env(env)
    try:
        section = _pypirc_section(upload_url, environment)
    except CredentialsError:
        section = None  # twine does not read it with --repository-url; env credentials may do
    if section is not None:
        # twine ignores ~/.pypirc when given --repository-url, so name the matching section.
        target = ["--repository", section.name, "--config-file", str(section.path)]
    else:
        target = ["--repository-url", upload_url]
    args = ["--no-color", "upload", "--non-interactive", "--disable-progress-bar", *target]
    if attestations:
        args.append("--attestations")
    result = proc.run(
        proc.python_tool("twine", *args, path),
        env=environment,
        timeout=UPLOAD_TIMEOUT,
        what=f"twine upload {path.name}",
    )
    if not result.ok:
        raise _upload_failure(path, upload_url, index_url, result, environment)


def _upload_failure(
    path: Path,
    upload_url: str,
    index_url: str,
    result: proc.Result,
    env: Mapping[str, str],
) -> Exception:
    output = result.output
    lowered = output.lower()
    if "already exists" in lowered or "has already been used" in lowered:
        return _conflict(path, index_url)
    if "credential not found" in lowered:
        _found, advice = credentials_available(upload_url, env)
        return CredentialsError(
            f"twine found no credentials for {display_url(upload_url)} to upload {path.name}",
            f"{advice}; then re-run (uploads already done are skipped)",
        )
    if any(sign in lowered for sign in ("403 forbidden", "401 unauthorized", "authentication")):
        return CredentialsError(
            f"{display_url(upload_url)} refused the credentials for {path.name}:\n"
            f"{result.tail(10)}",
            "check the token (and that it may upload this project), then re-run: "
            "uploads already done are skipped",
        )
    return ToolFailed(
        f"twine upload of {path.name} to {display_url(upload_url)} failed "
        f"(exit {result.returncode}):\n{result.tail(15)}",
        "fix the cause shown above and re-run: files already uploaded are skipped",
    )


# --- credentials ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    name: str
    path: Path
    username: str | None
    password: str | None


def normalize_upload_url(url: str) -> str:
    """The upload URL as twine compares it: https for PyPI's hosts, no credentials."""
    parts = urlsplit(display_url(url))
    scheme = "https" if parts.netloc in _TWINE_HTTPS_HOSTS else parts.scheme
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def _same_url(first: str, second: str) -> bool:
    return normalize_upload_url(first).rstrip("/") == normalize_upload_url(second).rstrip("/")


def is_pypi(upload_url: str) -> bool:
    """PyPI or TestPyPI, where twine defaults the user name to __token__ and can use trusted
    publishing."""
    return normalize_upload_url(upload_url).startswith((PYPI_UPLOAD_URL, TESTPYPI_UPLOAD_URL))


def pypirc_path(env: Mapping[str, str] | None = None) -> Path:
    """``~/.pypirc`` for the HOME of ``env`` (twine reads that of the process it runs in)."""
    environment = os.environ if env is None else env
    home = environment.get("HOME") or environment.get("USERPROFILE")
    return (Path(home) if home else Path.home()) / ".pypirc"


def _pypirc_section(upload_url: str, env: Mapping[str, str]) -> _Section | None:
    """The ~/.pypirc section, with a user name or password, whose repository is ``upload_url``."""
    path = pypirc_path(env)
    if not path.is_file():
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        # configparser's message can quote the file's lines, secrets included: never chain it.
        raise CredentialsError(
            f"{path} cannot be parsed",
            "fix its syntax (https://packaging.python.org/specifications/pypirc/)",
        ) from None
    servers = parser.get("distutils", "index-servers", fallback="pypi testpypi").split()
    defaults = {"pypi": PYPI_UPLOAD_URL, "testpypi": TESTPYPI_UPLOAD_URL}
    for name in servers:
        repository = parser.get(name, "repository", fallback=defaults.get(name))
        if not repository or not parser.has_section(name) or not _same_url(repository, upload_url):
            continue
        username = parser.get(name, "username", fallback=None)
        password = parser.get(name, "password", fallback=None)
        if username or password:
            return _Section(name, path, username, password)
    return None


def credentials_available(
    upload_url: str, env: Mapping[str, str] | None = None
) -> tuple[bool, str]:
    """Whether twine would find upload credentials for ``upload_url``, and where from (or what to
    set). Mirrors twine's order: environment, ~/.pypirc, keyring, trusted publishing. The secret
    itself is never returned."""
    environment = twine_env(env)
    pypi = is_pypi(upload_url)
    try:
        section = _pypirc_section(upload_url, environment)
    except CredentialsError as exc:
        return False, f"{exc.message}: {exc.hint}"
    username = (
        environment.get("TWINE_USERNAME")
        or (section.username if section else None)
        or (TOKEN_USERNAME if pypi else None)
    )
    if environment.get("TWINE_PASSWORD"):
        given = os.environ if env is None else env
        if given.get("TWINE_USERNAME"):
            return True, "TWINE_PASSWORD and TWINE_USERNAME"
        if environment.get("TWINE_USERNAME"):
            return True, "TWINE_PASSWORD (an API token, user name __token__)"
        if username:
            return True, "TWINE_PASSWORD"
        return False, "TWINE_PASSWORD is set but no user name: set TWINE_USERNAME as well"
    if section is not None and section.password:
        if username:
            return True, f"{section.path} [{section.name}]"
        return False, f"{section.path} [{section.name}] has a password but no username: add one"
    if _keyring_has(normalize_upload_url(upload_url), username, environment):
        return True, f"keyring entry for {display_url(upload_url)}"
    if pypi and username == TOKEN_USERNAME and environment.get("ACTIONS_ID_TOKEN_REQUEST_URL"):
        return True, "trusted publishing (GitHub Actions OIDC)"
    return False, _what_to_set(upload_url, pypi)


def _what_to_set(upload_url: str, pypi: bool) -> str:
    token = "an API token in TWINE_PASSWORD" if pypi else "TWINE_USERNAME and TWINE_PASSWORD"
    extra = ", or trusted publishing in GitHub Actions" if pypi else ""
    return (
        f"no upload credentials for {display_url(upload_url)}: set {token}, add a section with "
        f"repository = {display_url(upload_url)} and a password to ~/.pypirc, or store them in "
        f"keyring{extra}"
    )


def _keyring_has(system: str, username: str | None, env: Mapping[str, str]) -> bool:
    """Ask keyring, in a process with twine's environment, whether it holds a password."""
    try:
        result = proc.run(
            [sys.executable, "-c", _KEYRING_PROBE, system, username or ""], env=env, timeout=30.0
        )
    except ToolFailed:
        return False
    return result.ok and result.stdout.strip() == "found"


def pypirc_world_readable(path: Path | None = None) -> bool:
    """True when ~/.pypirc (or ``path``) exists and other users may read it."""
    target = pypirc_path() if path is None else path
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IROTH)


def project_url_for_humans(index_url: str, project: str) -> str:
    """Where a maintainer manages the project's releases (to yank one), or else its index page."""
    host = urlsplit(index_url).hostname or ""
    site = _PYPI_HOSTS.get(host)
    if site is not None:
        return f"{site}/manage/project/{canonicalize_name(project)}/releases/"
    return display_url(project_page(index_url, project))
