"""HTTP to GitHub's REST API for one repository: auth, redirects, pagination, rate limits, errors.

urllib only, API version 2022-11-28. The base URL comes from ``RELEASE_GITHUB_API_URL`` (default
the public API), the token from ``GITHUB_TOKEN`` (or ``GH_TOKEN``). The token is sent to the API
and upload hosts only: redirects are followed by hand and lose the ``Authorization`` header when
they leave the host that was asked (asset downloads redirect to a storage host). No message ever
contains the token.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Any, Iterator, Mapping, Sequence, TypeVar

from .. import __version__, proc
from ..config import GITHUB_REPO
from ..errors import CredentialsError, GitHubError

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
JSON_MEDIA_TYPE = "application/vnd.github+json"
USER_AGENT = f"nox-release/{__version__}"
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")

# The permission each family of calls needs, spelled as a workflow's ``permissions:`` entry (the
# same names as a fine-grained token's repository permissions).
NEED_CONTENTS_READ = "contents: read"
NEED_CONTENTS_WRITE = "contents: write"
NEED_CHECKS_READ = "checks: read"
NEED_STATUSES_READ = "statuses: read"
NEED_ISSUES_READ = "issues: read"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
MAX_PAGES = 50
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
_T = TypeVar("_T", bound="Transport")


def token_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """The GitHub token from ``GITHUB_TOKEN`` (or ``GH_TOKEN``), if one is set."""
    environ = os.environ if env is None else env
    for name in TOKEN_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status, lower-cased headers and the raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise GitHubError(
                f"GitHub answered {self.url} with something that is not JSON",
                "check RELEASE_GITHUB_API_URL points at a GitHub API (https://api.github.com or "
                "https://HOST/api/v3)",
            ) from exc

    def message(self) -> str:
        """GitHub's own explanation from an error body, with any validation details."""
        try:
            payload = json.loads(self.body) if self.body else None
        except ValueError:
            return ""
        if not isinstance(payload, dict):
            return ""
        text = str(payload.get("message") or "")
        details = [_describe_validation(item) for item in payload.get("errors") or []]
        details = [item for item in details if item]
        return f"{text} ({'; '.join(details)})" if details else text


def _describe_validation(item: Any) -> str:
    if isinstance(item, str):
        return item
    if not isinstance(item, dict):
        return ""
    if item.get("message"):
        return str(item["message"])
    where = ".".join(str(item[key]) for key in ("resource", "field") if item.get(key))
    return f"{where} {item.get('code', 'invalid')}".strip()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back to the caller, which decides whether the token may follow."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        del req, fp, code, msg, headers, newurl  # every redirect is the caller's to follow
        return None


class Transport:
    """Authenticated requests to the GitHub REST API about one repository (``owner/name``)."""

    def __init__(
        self,
        repo: str,
        *,
        token: str | None = None,
        api_url: str | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not GITHUB_REPO.match(repo):
            raise GitHubError(
                f"{repo!r} is not a GitHub repository name",
                'set github-repo = "owner/name" in [tool.release]',
            )
        self.repo = repo
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self.timeout = timeout
        self._token = token or None
        self._opener = urllib.request.build_opener(_NoRedirect)

    @classmethod
    def from_env(cls: type[_T], repo: str, env: Mapping[str, str] | None = None) -> _T:
        environ = os.environ if env is None else env
        return cls(
            repo,
            token=token_from_env(environ),
            api_url=environ.get("RELEASE_GITHUB_API_URL") or None,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.repo!r}, api_url={self.api_url!r})"

    def repo_url(self, path: str, query: Mapping[str, str] | None = None) -> str:
        url = f"{self.api_url}/repos/{self.repo}/{path}"
        return f"{url}?{urllib.parse.urlencode(query)}" if query else url

    def require_token(self, action: str, need: str) -> None:
        if not self._token:
            raise CredentialsError(
                f"no GitHub token: GITHUB_TOKEN is not set, so nox-release cannot {action}",
                f"export GITHUB_TOKEN=<a token with {need} on {self.repo}>; in GitHub Actions "
                "pass env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }} and grant "
                f"permissions: {need}",
            )

    def read_or_none(self, path: str, *, what: str, need: str = NEED_CONTENTS_READ) -> Any:
        """The JSON at ``path`` in the repository, or None when GitHub answers 404."""
        reply = self.request("GET", self.repo_url(path), what=what, need=need, ok=(200, 404))
        return None if reply.status == 404 else reply.json()

    def pages(
        self, url: str, *, what: str, need: str, key: str | None = None, pages: int = MAX_PAGES
    ) -> Iterator[Any]:
        """Every item of a paginated list, following ``Link: rel="next"``, 100 a page."""
        separator = "&" if "?" in url else "?"
        next_url: str | None = f"{url}{separator}per_page=100"
        for _ in range(pages):
            if next_url is None:
                return
            reply = self.request("GET", next_url, what=what, need=need)
            payload = reply.json()
            items = payload.get(key) if key and isinstance(payload, dict) else payload
            if not isinstance(items, list):
                raise GitHubError(
                    f"GitHub answered {what} with an unexpected shape (no list)",
                    "check RELEASE_GITHUB_API_URL points at a GitHub API",
                )
            yield from items
            match = _NEXT_LINK.search(reply.headers.get("link", ""))
            next_url = match.group(1) if match else None

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        need: str,
        payload: Mapping[str, Any] | None = None,
        data: bytes | None = None,
        content_type: str | None = None,
        accept: str = JSON_MEDIA_TYPE,
        ok: Sequence[int] = (200,),
        conflict_hint: str = "",
    ) -> Reply:
        """One call; redirects followed (the token only to the same host); errors raised."""
        if payload is not None:
            data = json.dumps(payload).encode("utf-8")
            content_type = "application/json"
        origin = urllib.parse.urlsplit(url).netloc
        reply = self._send(method, url, data, content_type, accept, with_token=True)
        for _ in range(_MAX_REDIRECTS):
            location = reply.headers.get("location")
            if reply.status not in _REDIRECTS or not location:
                break
            url = urllib.parse.urljoin(url, location)
            if reply.status == 303:
                method, data, content_type = "GET", None, None
            same_host = urllib.parse.urlsplit(url).netloc == origin
            reply = self._send(method, url, data, content_type, accept, with_token=same_host)
        if reply.status not in ok:
            raise self._failure(reply, what, need, conflict_hint)
        return reply

    def _send(
        self,
        method: str,
        url: str,
        data: bytes | None,
        content_type: str | None,
        accept: str,
        *,
        with_token: bool,
    ) -> Reply:
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        if with_token:
            headers["X-GitHub-Api-Version"] = API_VERSION
            headers["Authorization"] = f"Bearer {self._token}"
        if data is not None:
            headers["Content-Type"] = content_type or "application/octet-stream"
            headers["Content-Length"] = str(len(data))
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return Reply(response.status, _lower(response.headers), response.read(), url)
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read()
            finally:
                exc.close()
            return Reply(exc.code, _lower(exc.headers), body, url)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            host = urllib.parse.urlsplit(url).netloc
            raise GitHubError(
                self.redact(f"cannot reach GitHub at {host}: {reason}"),
                "you seem to be offline, or a proxy or firewall blocks it; connect and re-run "
                "(RELEASE_GITHUB_API_URL selects another API host)",
            ) from None

    def _failure(
        self, reply: Reply, what: str, need: str, conflict_hint: str
    ) -> GitHubError | CredentialsError:
        said = reply.message()
        said_part = f": {said}" if said else ""
        status = reply.status
        limited = reply.headers.get("x-ratelimit-remaining") == "0"
        if status in (403, 429) and (limited or "retry-after" in reply.headers):
            return GitHubError(
                self.redact(f"GitHub's API rate limit stopped {what}{said_part}"),
                _rate_limit_hint(reply.headers),
            )
        if status == 401:
            return CredentialsError(
                self.redact(f"GitHub rejected the token while {what} (401{said_part})"),
                "the token in GITHUB_TOKEN is invalid, expired or revoked: create a new one and "
                "export GITHUB_TOKEN=<token>",
            )
        if status == 403:
            accepted = reply.headers.get("x-accepted-github-permissions", "")
            accepted_part = f" (GitHub accepts: {accepted})" if accepted else ""
            return CredentialsError(
                self.redact(
                    f"GitHub refused {what} (403{said_part}): the token lacks {need}"
                    + accepted_part
                ),
                f"grant the token {need} on {self.repo} (fine-grained token: repository "
                "permission; workflow: permissions: block; classic token: the repo scope)",
            )
        if status == 404:
            return GitHubError(
                self.redact(f"GitHub answered 404 Not Found while {what} in {self.repo}"),
                f"check github-repo ({self.repo}) in [tool.release]: the repository does not "
                "exist, or the token cannot see it (a private repository needs a token with "
                "access to it)",
            )
        if status == 422:
            return GitHubError(
                self.redact(f"GitHub rejected {what} (422{said_part})"),
                conflict_hint
                or "the request conflicts with the repository's state; read "
                "GitHub's reason above",
            )
        return GitHubError(
            self.redact(f"GitHub answered {status} while {what}{said_part}"),
            "GitHub may be having trouble (https://www.githubstatus.com); re-run later — the "
            "release step resumes where it stopped",
        )

    def redact(self, text: str) -> str:
        if not self._token:
            return text
        return proc.redact(text, {"GITHUB_TOKEN": self._token})

    @property
    def has_token(self) -> bool:
        return self._token is not None


def _rate_limit_hint(headers: Mapping[str, str]) -> str:
    retry_after = headers.get("retry-after", "")
    if retry_after.isdigit():
        return f"GitHub asks to wait {retry_after} s (secondary rate limit); re-run after that"
    reset = headers.get("x-ratelimit-reset", "")
    if reset.isdigit():
        moment = datetime.fromtimestamp(int(reset), tz=timezone.utc)
        minutes = max(0, round((int(reset) - time.time()) / 60))
        return (
            f"the limit resets at {moment:%Y-%m-%d %H:%M:%S} UTC (in about {minutes} min); "
            "re-run then — an authenticated token has 5,000 requests an hour"
        )
    return "wait a few minutes and re-run; set GITHUB_TOKEN for a higher limit"


def listing(items: Sequence[str], limit: int = 5) -> str:
    """``a, b, c, and 2 more``: a short list for a one-line reason."""
    shown = ", ".join(items[:limit])
    return shown + (f", and {len(items) - limit} more" if len(items) > limit else "")


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in (headers or {}).items()}


def quote(part: str) -> str:
    """One URL path segment (a tag, a sha), with ``/`` escaped."""
    return urllib.parse.quote(part, safe="")


def as_dict(value: Any, what: str) -> dict[str, Any]:
    """``value`` as a JSON object, or a GitHubError naming what GitHub answered instead."""
    if not isinstance(value, dict):
        raise GitHubError(
            f"GitHub answered with a {type(value).__name__} where a {what} object was expected",
            "check RELEASE_GITHUB_API_URL points at a GitHub API",
        )
    return value
