"""Where twine would find upload credentials: the environment, ~/.pypirc, keyring, trusted
publishing. The secret itself is never returned."""

from __future__ import annotations

import configparser
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit, urlunsplit

from .. import proc
from ..config import PYPI_UPLOAD_URL, TESTPYPI_UPLOAD_URL
from ..errors import CredentialsError, ToolFailed
from .simple import display_url

# Hosts twine rewrites to https (twine.utils.normalize_repository_url).
_TWINE_HTTPS_HOSTS = {"pypi.python.org", "testpypi.python.org", "upload.pypi.org", "test.pypi.org"}
TOKEN_USERNAME = "__token__"
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
