"""A local stand-in for GitHub's REST API (version 2022-11-28), strict about what the docs require.

Three loopback HTTP servers play GitHub's three hosts: the API (api.github.com), the upload host
(uploads.github.com, reached through a release's ``upload_url`` template) and the storage host that
asset downloads redirect to. Every request is checked the way GitHub's REST docs describe it —
path, method, the Accept / X-GitHub-Api-Version / Authorization / User-Agent headers, JSON field
names and types, ``name=`` on uploads, the asset's Content-Type and Content-Length, no token sent
to the storage host — and anything off is recorded in ``violations``; the fixture fails the test
when that list is not empty. Answers follow GitHub's: status codes, JSON shapes (``upload_url``
template, ``assets``, ``digest``), pagination ``Link`` headers and rate-limit headers.

State (releases, assets, tags, issues, check runs, statuses) lives in memory so that tests can set
it up and inspect it. Failures GitHub can produce are simulated by the state itself (wrong token →
401, a missing permission → 403 with ``x-accepted-github-permissions``, another repository → 404,
a release for an existing tag → 422, ``rate_limit_remaining = 0`` → 403 rate limit) or injected
with :meth:`FakeGitHub.inject`. With ``immutable_releases`` (the repository setting) a release
becomes immutable when it is published, and then, as GitHub documents, its assets can't be added
(422 "Cannot upload assets to an immutable release."), deleted or replaced, and only its title and
notes can change. ``latest_tag`` follows ``make_latest`` ("true" is the default for a newly
published release; drafts and pre-releases are never latest).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

import pytest

API_VERSION = "2022-11-28"
JSON_ACCEPT = "application/vnd.github+json"
FAKE_TOKEN = "ghp_FAKE0123456789abcdefSECRETtoken"
ALL_PERMISSIONS = frozenset(
    {"contents=read", "contents=write", "checks=read", "statuses=read", "issues=read"}
)
CREATE_FIELDS: dict[str, type] = {
    "tag_name": str,
    "target_commitish": str,
    "name": str,
    "body": str,
    "draft": bool,
    "prerelease": bool,
    "discussion_category_name": str,
    "generate_release_notes": bool,
    "make_latest": str,
}
UPDATE_FIELDS: dict[str, type] = {
    key: kind for key, kind in CREATE_FIELDS.items() if key != "generate_release_notes"
}
MAKE_LATEST = {"true", "false", "legacy"}
EXPECTED_ASSET_TYPES = {".whl": "application/zip", ".tar.gz": "application/gzip"}
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")
_DOCS = "https://docs.github.com/rest"

Payload = Any  # a JSON-able value, or bytes for a raw body
Answer = tuple[int, Payload, dict[str, str]]


@dataclass
class FakeAsset:
    id: int
    name: str
    data: bytes
    content_type: str
    state: str = "uploaded"
    label: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class FakeRelease:
    id: int
    tag_name: str
    name: str | None = None
    body: str | None = None
    draft: bool = False
    prerelease: bool = False
    target_commitish: str = "main"
    immutable: bool = False
    make_latest: str | None = None
    assets: list[FakeAsset] = field(default_factory=list)

    def asset(self, name: str) -> FakeAsset | None:
        return next((asset for asset in self.assets if asset.name == name), None)

    def data(self, name: str) -> bytes:
        """The bytes of the asset called ``name``; the test fails if there is none."""
        asset = self.asset(name)
        assert asset is not None, f"the release {self.tag_name} has no asset {name}"
        return asset.data


@dataclass
class Recorded:
    """One request as the fake received it (headers lower-cased)."""

    host: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int = 0


@dataclass
class _Injection:
    status: int
    method: str | None
    path_contains: str | None
    message: str
    headers: dict[str, str]
    errors: list[dict[str, str]]
    times: int


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeGitHub, host: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.host = host

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PATCH(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def _answer(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        split = urllib.parse.urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        length = int(headers.get("content-length", "0") or "0")
        body = self.rfile.read(length) if length else b""
        request = Recorded(
            host=server.host,
            method=self.command,
            path=split.path,
            query=urllib.parse.parse_qs(split.query, keep_blank_values=True),
            headers=headers,
            body=body,
        )
        status, payload, extra = server.fake.handle(request)
        data = payload if isinstance(payload, bytes) else b""
        if not isinstance(payload, bytes) and payload is not None:
            data = json.dumps(payload).encode("utf-8")
            extra.setdefault("Content-Type", "application/json; charset=utf-8")
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


Route = tuple[str, "re.Pattern[str]", str, Callable[..., Answer]]


class FakeGitHub:
    """GitHub's REST API for one repository, in memory, on loopback."""

    def __init__(self, repo: str = "omi-labs/omi-openclaw", token: str = FAKE_TOKEN) -> None:
        self.repo = repo
        self.token = token
        self.permissions: set[str] = set(ALL_PERMISSIONS)
        # the repository setting "Enable release immutability": a release published from now on
        # is immutable (its assets can't be added, changed or deleted; only title and notes can)
        self.immutable_releases = False
        self.latest_tag: str | None = None  # the release GitHub marks "Latest"
        self.digests = True
        self.rate_limit_remaining = 5000
        self.rate_limit_reset = int(time.time()) + 3600
        self.tags: dict[str, str] = {}
        self.releases: list[FakeRelease] = []
        self.issues: list[dict[str, Any]] = []
        self.check_runs: dict[str, list[dict[str, Any]]] = {}
        self.statuses: dict[str, list[dict[str, Any]]] = {}
        self.tags_created_by_releases: list[str] = []
        self.violations: list[str] = []
        self.requests: list[Recorded] = []
        self._injections: list[_Injection] = []
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []
        self._routes: list[Route] = self._route_table()

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        for host in ("api", "uploads", "downloads"):
            server = _Server(self, host)
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.02}, name=f"fake-{host}"
            )
            thread.daemon = True
            thread.start()
            self._servers[host] = server
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    @property
    def api_url(self) -> str:
        return self._servers["api"].url

    @property
    def uploads_url(self) -> str:
        return self._servers["uploads"].url

    @property
    def downloads_url(self) -> str:
        return self._servers["downloads"].url

    def env(self, **extra: str) -> dict[str, str]:
        """An environment pointing nox-release at this fake with its valid token."""
        return {"GITHUB_TOKEN": self.token, "RELEASE_GITHUB_API_URL": self.api_url, **extra}

    # -- state helpers for tests --------------------------------------------------------------

    def add_tag(self, tag: str, sha: str = "a" * 40) -> None:
        self.tags[tag] = sha

    def add_release(
        self,
        tag: str,
        *,
        name: str | None = None,
        body: str | None = None,
        draft: bool = False,
        prerelease: bool = False,
        immutable: bool = False,
        assets: dict[str, bytes] | None = None,
    ) -> FakeRelease:
        self.tags.setdefault(tag, "a" * 40)
        release = FakeRelease(
            next(self._ids),
            tag,
            name=name,
            body=body,
            draft=draft,
            prerelease=prerelease,
            immutable=immutable,
        )
        for asset_name, data in (assets or {}).items():
            release.assets.append(
                FakeAsset(next(self._ids), asset_name, data, _expected_type(asset_name))
            )
        self.releases.append(release)
        return release

    def add_issue(
        self, number: int, title: str, labels: list[str], *, pull_request: bool = False
    ) -> None:
        issue: dict[str, Any] = {
            "id": number * 10,
            "number": number,
            "title": title,
            "state": "open",
            "labels": [{"name": label} for label in labels],
            "html_url": f"https://github.com/{self.repo}/issues/{number}",
        }
        if pull_request:
            issue["pull_request"] = {"url": f"{self.api_url}/repos/{self.repo}/pulls/{number}"}
        self.issues.append(issue)

    def add_check_run(
        self,
        sha: str,
        name: str,
        status: str = "completed",
        conclusion: str | None = "success",
        *,
        run_id: int = 1,
    ) -> None:
        job = len(self.check_runs.get(sha, [])) + 1
        url = f"https://github.com/{self.repo}/actions/runs/{run_id}/job/{job}"
        self.check_runs.setdefault(sha, []).append(
            {
                "id": next(self._ids),
                "head_sha": sha,
                "name": name,
                "status": status,
                "conclusion": conclusion if status == "completed" else None,
                "html_url": url,
                "details_url": url,
            }
        )

    def add_status(self, sha: str, context: str, state: str) -> None:
        self.statuses.setdefault(sha, []).append(
            {"context": context, "state": state, "description": f"{context} is {state}"}
        )

    def release(self, tag: str) -> FakeRelease | None:
        return next((item for item in self.releases if item.tag_name == tag), None)

    def inject(
        self,
        status: int,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        message: str = "simulated failure",
        headers: dict[str, str] | None = None,
        errors: list[dict[str, str]] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` (as GitHub shapes errors)."""
        self._injections.append(
            _Injection(
                status, method, path_contains, message, dict(headers or {}), errors or [], times
            )
        )

    def calls(self, method: str | None = None, host: str | None = None) -> list[Recorded]:
        return [
            item
            for item in self.requests
            if (method is None or item.method == method) and (host is None or item.host == host)
        ]

    # -- request handling ---------------------------------------------------------------------

    def handle(self, request: Recorded) -> Answer:
        with self._lock:
            self.requests.append(request)
            status, payload, headers = self._dispatch(request)
            request.status = status
            return status, payload, headers

    def _violation(self, request: Recorded, text: str) -> None:
        self.violations.append(f"{request.method} {request.host}{request.path}: {text}")

    def _dispatch(self, request: Recorded) -> Answer:
        if request.host == "downloads":
            return self._download(request)
        self._check_headers(request)
        injected = self._injected(request)
        if injected is not None:
            return injected
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return self._error(401, "Bad credentials")
        if self.rate_limit_remaining <= 0:
            return self._error(
                403,
                "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for "
                "help, please include the request ID.",
            )
        self.rate_limit_remaining -= 1
        prefix = f"/repos/{self.repo}/"
        if not request.path.lower().startswith(prefix.lower()):
            return self._error(404, "Not Found")
        rest = request.path[len(prefix) :]
        return self._route(request, rest)

    def _check_headers(self, request: Recorded) -> None:
        accept = request.headers.get("accept", "")
        asset_download = request.method == "GET" and "/releases/assets/" in request.path
        allowed = {JSON_ACCEPT, "application/octet-stream"} if asset_download else {JSON_ACCEPT}
        if accept not in allowed:
            self._violation(request, f"Accept is {accept!r}, docs say {JSON_ACCEPT}")
        if request.headers.get("x-github-api-version") != API_VERSION:
            self._violation(request, f"X-GitHub-Api-Version is not {API_VERSION}")
        if not request.headers.get("user-agent"):
            self._violation(request, "no User-Agent (GitHub rejects requests without one)")
        if not request.headers.get("authorization", "").startswith("Bearer "):
            self._violation(request, "no 'Authorization: Bearer <token>' header")
        if request.method in ("POST", "PATCH", "PUT") and "content-length" not in request.headers:
            self._violation(request, "a body without Content-Length")

    def _injected(self, request: Recorded) -> Answer | None:
        for item in self._injections:
            if item.times <= 0:
                continue
            if item.method and item.method != request.method:
                continue
            if item.path_contains and item.path_contains not in request.path:
                continue
            item.times -= 1
            return self._error(item.status, item.message, item.headers, item.errors)
        return None

    def _rate_headers(self) -> dict[str, str]:
        remaining = max(self.rate_limit_remaining, 0)
        return {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-used": str(5000 - remaining),
            "x-ratelimit-reset": str(self.rate_limit_reset),
            "x-ratelimit-resource": "core",
        }

    def _ok(self, status: int, payload: Payload, **headers: str) -> Answer:
        return status, payload, {**self._rate_headers(), **headers}

    def _error(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> Answer:
        payload: dict[str, Any] = {
            "message": message,
            "documentation_url": _DOCS,
            "status": str(status),
        }
        if errors:
            payload["errors"] = errors
        return status, payload, {**self._rate_headers(), **(headers or {})}

    def _route_table(self) -> list[Route]:
        def pattern(text: str) -> re.Pattern[str]:
            return re.compile(f"^{text}$")

        return [
            ("GET", pattern(r"releases"), "contents=read", self._list_releases),
            ("POST", pattern(r"releases"), "contents=write", self._create_release),
            ("GET", pattern(r"releases/tags/(?P<tag>[^/]+)"), "contents=read", self._by_tag),
            (
                "PATCH",
                pattern(r"releases/(?P<release_id>\d+)"),
                "contents=write",
                self._update_release,
            ),
            (
                "GET",
                pattern(r"releases/(?P<release_id>\d+)/assets"),
                "contents=read",
                self._list_assets,
            ),
            (
                "POST",
                pattern(r"releases/(?P<release_id>\d+)/assets"),
                "contents=write",
                self._upload,
            ),
            (
                "GET",
                pattern(r"releases/assets/(?P<asset_id>\d+)"),
                "contents=read",
                self._get_asset,
            ),
            (
                "DELETE",
                pattern(r"releases/assets/(?P<asset_id>\d+)"),
                "contents=write",
                self._delete_asset,
            ),
            ("GET", pattern(r"git/ref/tags/(?P<tag>[^/]+)"), "contents=read", self._tag_ref),
            (
                "GET",
                pattern(r"commits/(?P<ref>[^/]+)/check-runs"),
                "checks=read",
                self._check_runs,
            ),
            ("GET", pattern(r"commits/(?P<ref>[^/]+)/status"), "statuses=read", self._status),
            ("GET", pattern(r"issues"), "issues=read", self._list_issues),
        ]

    def _route(self, request: Recorded, rest: str) -> Answer:
        known_path = False
        for method, regex, permission, action in self._routes:
            match = regex.match(rest)
            if not match:
                continue
            known_path = True
            if method != request.method:
                continue
            upload = action == self._upload
            if upload != (request.host == "uploads"):
                self._violation(request, "asset uploads go to upload_url's host, nothing else")
                return self._error(404, "Not Found")
            if permission not in self.permissions:
                return self._error(
                    403,
                    "Resource not accessible by personal access token",
                    {"x-accepted-github-permissions": permission},
                )
            params = {key: urllib.parse.unquote(value) for key, value in match.groupdict().items()}
            answer: Answer = action(request, **params)
            return answer
        if known_path:
            self._violation(request, "method not documented for this path")
            return self._error(404, "Not Found")
        self._violation(request, "path not documented (or not served by this fake)")
        return self._error(404, "Not Found")

    # -- JSON shapes --------------------------------------------------------------------------

    def _asset_json(self, asset: FakeAsset, release: FakeRelease) -> dict[str, Any]:
        return {
            "url": f"{self.api_url}/repos/{self.repo}/releases/assets/{asset.id}",
            "browser_download_url": f"{self.downloads_url}/download/{asset.id}",
            "id": asset.id,
            "node_id": f"RA_{asset.id}",
            "name": asset.name,
            "label": asset.label,
            "state": asset.state,
            "content_type": asset.content_type,
            "size": len(asset.data),
            "digest": f"sha256:{asset.sha256}" if self.digests else None,
            "download_count": 0,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "uploader": {"login": "release-bot"},
        }

    def _release_json(self, release: FakeRelease) -> dict[str, Any]:
        base = f"{self.api_url}/repos/{self.repo}"
        shown_tag = f"untagged-{release.id}" if release.draft else release.tag_name
        return {
            "url": f"{base}/releases/{release.id}",
            "html_url": f"https://github.com/{self.repo}/releases/tag/{shown_tag}",
            "assets_url": f"{base}/releases/{release.id}/assets",
            "upload_url": f"{self.uploads_url}/repos/{self.repo}/releases/{release.id}"
            "/assets{?name,label}",
            "tarball_url": f"{base}/tarball/{release.tag_name}",
            "zipball_url": f"{base}/zipball/{release.tag_name}",
            "id": release.id,
            "node_id": f"RE_{release.id}",
            "tag_name": release.tag_name,
            "target_commitish": release.target_commitish,
            "name": release.name,
            "body": release.body,
            "draft": release.draft,
            "prerelease": release.prerelease,
            "immutable": release.immutable,
            "created_at": "2026-01-01T00:00:00Z",
            "published_at": None if release.draft else "2026-01-01T00:00:00Z",
            "author": {"login": "release-bot"},
            "assets": [self._asset_json(asset, release) for asset in release.assets],
        }

    def _page(self, request: Recorded, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        per_page = int(request.query.get("per_page", ["30"])[0])
        page = int(request.query.get("page", ["1"])[0])
        if per_page > 100:
            self._violation(request, f"per_page={per_page}, the docs' maximum is 100")
        start = (page - 1) * per_page
        chunk = items[start : start + per_page]
        headers: dict[str, str] = {}
        if start + per_page < len(items):
            query = {key: values[0] for key, values in request.query.items()}
            query["page"] = str(page + 1)
            link = f"{self.api_url}{request.path}?{urllib.parse.urlencode(query)}"
            headers["Link"] = f'<{link}>; rel="next"'
        return chunk, headers

    def _json_body(self, request: Recorded, fields: dict[str, type]) -> dict[str, Any] | None:
        if not request.headers.get("content-type", "").startswith("application/json"):
            self._violation(request, "a JSON body must be sent as application/json")
        try:
            payload = json.loads(request.body)
        except ValueError:
            self._violation(request, "the body is not JSON")
            return None
        if not isinstance(payload, dict):
            self._violation(request, "the body is not a JSON object")
            return None
        for key, value in payload.items():
            kind = fields.get(key)
            if kind is None:
                self._violation(request, f"body field {key!r} is not documented")
            elif not isinstance(value, kind):
                self._violation(request, f"body field {key!r} must be {kind.__name__}")
                return None
        latest = payload.get("make_latest")
        if latest is not None and latest not in MAKE_LATEST:
            self._violation(request, f"make_latest must be one of {sorted(MAKE_LATEST)}")
            return None
        if latest == "true" and (payload.get("prerelease") or payload.get("draft")):
            self._violation(request, "drafts and prereleases cannot be set as latest (the docs)")
        return payload

    # -- endpoints ----------------------------------------------------------------------------

    def _find(self, release_id: str) -> FakeRelease | None:
        return next((item for item in self.releases if item.id == int(release_id)), None)

    def _find_asset(self, asset_id: str) -> tuple[FakeRelease, FakeAsset] | None:
        for release in self.releases:
            for asset in release.assets:
                if asset.id == int(asset_id):
                    return release, asset
        return None

    def _list_releases(self, request: Recorded) -> Answer:
        newest_first = sorted(self.releases, key=lambda item: item.id, reverse=True)
        chunk, headers = self._page(request, [self._release_json(item) for item in newest_first])
        return self._ok(200, chunk, **headers)

    def _by_tag(self, request: Recorded, tag: str) -> Answer:
        release = self.release(tag)
        if release is None or release.draft:
            return self._error(404, "Not Found")
        return self._ok(200, self._release_json(release))

    def _create_release(self, request: Recorded) -> Answer:
        payload = self._json_body(request, CREATE_FIELDS)
        if payload is None or not isinstance(payload.get("tag_name"), str):
            if payload is not None:
                self._violation(request, "tag_name is required")
            return self._error(422, "Validation Failed")
        tag = payload["tag_name"]
        if self.release(tag) is not None:
            return self._error(
                422,
                "Validation Failed",
                errors=[{"resource": "Release", "code": "already_exists", "field": "tag_name"}],
            )
        draft = bool(payload.get("draft", False))
        if tag not in self.tags and not draft:
            self.tags[tag] = "b" * 40
            self.tags_created_by_releases.append(tag)
        release = FakeRelease(
            next(self._ids),
            tag,
            name=payload.get("name"),
            body=payload.get("body"),
            draft=draft,
            prerelease=bool(payload.get("prerelease", False)),
            target_commitish=payload.get("target_commitish", "main"),
            make_latest=payload.get("make_latest"),
        )
        self.releases.append(release)
        if not draft:
            self._published(release, payload.get("make_latest"))
        location = f"{self.api_url}/repos/{self.repo}/releases/{release.id}"
        return self._ok(201, self._release_json(release), Location=location)

    def _update_release(self, request: Recorded, release_id: str) -> Answer:
        release = self._find(release_id)
        if release is None:
            return self._error(404, "Not Found")
        payload = self._json_body(request, UPDATE_FIELDS)
        if payload is None:
            return self._error(422, "Validation Failed")
        if release.immutable:
            frozen = sorted(
                key
                for key, value in payload.items()
                if key not in ("name", "body", "make_latest")
                and getattr(release, key, None) != value
            )
            if frozen:
                return self._error(
                    422,
                    "Validation Failed",
                    errors=[
                        {
                            "resource": "Release",
                            "code": "custom",
                            "field": frozen[0],
                            "message": "only the title and notes of an immutable release can "
                            "be changed",
                        }
                    ],
                )
        for key in ("name", "body", "prerelease", "make_latest", "target_commitish"):
            if key in payload:
                setattr(release, key, payload[key])
        if payload.get("draft") is False and release.draft:
            release.draft = False
            if release.tag_name not in self.tags:
                self.tags[release.tag_name] = "b" * 40
                self.tags_created_by_releases.append(release.tag_name)
            self._published(release, payload.get("make_latest"))
        elif payload.get("make_latest") == "true" and not release.draft:
            self.latest_tag = release.tag_name
        if payload.get("make_latest") == "true" and release.prerelease:
            self._violation(request, "a prerelease cannot be set as latest (the docs)")
        return self._ok(200, self._release_json(release))

    def _published(self, release: FakeRelease, make_latest: str | None) -> None:
        """A release just became public: immutable if the repository says so; maybe "Latest"."""
        release.immutable = release.immutable or self.immutable_releases
        if release.prerelease:
            return  # GitHub never marks a pre-release as latest
        if make_latest in (None, "true"):  # the docs: "Defaults to true for newly published"
            self.latest_tag = release.tag_name
        elif make_latest == "legacy":
            public = [r for r in self.releases if not r.draft and not r.prerelease]
            self.latest_tag = max(public, key=lambda r: r.id).tag_name

    def _list_assets(self, request: Recorded, release_id: str) -> Answer:
        release = self._find(release_id)
        if release is None:
            return self._error(404, "Not Found")
        items = [self._asset_json(asset, release) for asset in release.assets]
        chunk, headers = self._page(request, items)
        return self._ok(200, chunk, **headers)

    def _upload(self, request: Recorded, release_id: str) -> Answer:
        names = request.query.get("name", [])
        if len(names) != 1 or not names[0]:
            self._violation(request, "an upload needs exactly one name= query parameter")
            return self._error(422, "Validation Failed")
        name = names[0]
        content_type = request.headers.get("content-type", "")
        if not _MEDIA_TYPE.match(content_type):
            self._violation(request, f"Content-Type {content_type!r} is not a media type")
        expected = _expected_type(name)
        if expected != "application/octet-stream" and content_type != expected:
            self._violation(request, f"{name} sent as {content_type!r}, expected {expected}")
        if request.headers.get("content-length") != str(len(request.body)):
            self._violation(request, "Content-Length does not match the body")
        if not request.body:
            self._violation(request, "an empty asset body")
        release = self._find(release_id)
        if release is None:
            return self._error(404, "Not Found")
        if release.immutable and not release.draft:
            return self._error(422, "Cannot upload assets to an immutable release.")
        if release.asset(name) is not None:
            return self._error(
                422,
                "Validation Failed",
                errors=[{"resource": "ReleaseAsset", "code": "already_exists", "field": "name"}],
            )
        asset = FakeAsset(next(self._ids), name, request.body, content_type)
        label = request.query.get("label", [None])[0]
        asset.label = label
        release.assets.append(asset)
        return self._ok(201, self._asset_json(asset, release))

    def _get_asset(self, request: Recorded, asset_id: str) -> Answer:
        found = self._find_asset(asset_id)
        if found is None:
            return self._error(404, "Not Found")
        release, asset = found
        if request.headers.get("accept") == "application/octet-stream":
            location = f"{self.downloads_url}/download/{asset.id}?X-Amz-Signature=fake"
            return self._ok(302, b"", Location=location)
        return self._ok(200, self._asset_json(asset, release))

    def _delete_asset(self, request: Recorded, asset_id: str) -> Answer:
        found = self._find_asset(asset_id)
        if found is None:
            return self._error(404, "Not Found")
        release, asset = found
        if release.immutable:
            return self._error(422, "Cannot delete assets of an immutable release.")
        release.assets.remove(asset)
        return self._ok(204, None)

    def _download(self, request: Recorded) -> Answer:
        if "authorization" in request.headers:
            self._violation(request, "the GitHub token was sent to the storage host")
        match = re.match(r"^/download/(\d+)$", request.path)
        found = self._find_asset(match.group(1)) if match else None
        if found is None:
            return 404, b"not found", {}
        return 200, found[1].data, {"Content-Type": "application/octet-stream"}

    def _tag_ref(self, request: Recorded, tag: str) -> Answer:
        sha = self.tags.get(tag)
        if sha is None:
            return self._error(404, "Not Found")
        base = f"{self.api_url}/repos/{self.repo}"
        return self._ok(
            200,
            {
                "ref": f"refs/tags/{tag}",
                "node_id": f"REF_{tag}",
                "url": f"{base}/git/refs/tags/{tag}",
                "object": {"sha": sha, "type": "commit", "url": f"{base}/git/commits/{sha}"},
            },
        )

    def _check_runs(self, request: Recorded, ref: str) -> Answer:
        runs = self.check_runs.get(ref, [])
        chunk, headers = self._page(request, runs)
        return self._ok(200, {"total_count": len(runs), "check_runs": chunk}, **headers)

    def _status(self, request: Recorded, ref: str) -> Answer:
        statuses = self.statuses.get(ref, [])
        states = {item["state"] for item in statuses}
        if states & {"error", "failure"}:
            combined = "failure"
        elif not statuses or "pending" in states:
            combined = "pending"
        else:
            combined = "success"
        return self._ok(
            200,
            {
                "state": combined,
                "statuses": statuses,
                "sha": ref,
                "total_count": len(statuses),
                "repository": {"full_name": self.repo},
                "commit_url": f"{self.api_url}/repos/{self.repo}/commits/{ref}",
            },
        )

    def _list_issues(self, request: Recorded) -> Answer:
        state = request.query.get("state", ["open"])[0]
        wanted = [label for label in request.query.get("labels", [""])[0].split(",") if label]
        selected = [
            issue
            for issue in self.issues
            if (state == "all" or issue["state"] == state)
            and all(label in {item["name"] for item in issue["labels"]} for label in wanted)
        ]
        chunk, headers = self._page(request, selected)
        return self._ok(200, chunk, **headers)


def _expected_type(name: str) -> str:
    for suffix, kind in EXPECTED_ASSET_TYPES.items():
        if name.endswith(suffix):
            return kind
    return "application/octet-stream"


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A started fake GitHub; the test fails if any request broke the documented contract."""
    fake = FakeGitHub().start()
    try:
        yield fake
    finally:
        fake.stop()
    assert not fake.violations, "requests that break GitHub's REST docs:\n" + "\n".join(
        fake.violations
    )


def serve(argv: list[str] | None = None) -> int:
    """``python -m tests.fake_github [--repo OWNER/NAME] [--tag TAG ...]``: run the fake until
    Ctrl-C, e.g. to watch ``nox -s demo`` create a GitHub release against it."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.fake_github", description=serve.__doc__)
    parser.add_argument("--repo", default="omi-dev/omi-openclaw")
    parser.add_argument("--tag", action="append", default=[], help="a tag GitHub already has")
    args = parser.parse_args(argv)
    fake = FakeGitHub(repo=args.repo).start()
    for tag in args.tag:
        fake.add_tag(tag)
    print(f"fake GitHub for {args.repo} on loopback; in another shell:")
    for key, value in fake.env().items():
        print(f"  export {key}={value}")
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
        for release in fake.releases:
            print(f"release {release.tag_name}: {[asset.name for asset in release.assets]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(serve())
