"""Every GitHub REST call the release makes: the release and its assets, CI status, critical issues.

urllib only, API version 2022-11-28. The base URL comes from ``RELEASE_GITHUB_API_URL`` (default
the public API), the token from ``GITHUB_TOKEN`` (or ``GH_TOKEN``). The token is sent to the API
and upload hosts only: redirects are followed by hand and lose the ``Authorization`` header when
they leave the host that was asked (asset downloads redirect to a storage host). No message ever
contains the token.

A release is created as a draft, its assets are uploaded, and only then is it published: with
immutable releases enabled, GitHub forbids adding assets after publication, so this order is the
one that works everywhere. A draft is invisible to the get-by-tag endpoint, so a re-run after a
crash finds it in the release list and carries on.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import mimetypes
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterator, Mapping, Sequence

from packaging.version import InvalidVersion, Version

from . import __version__, proc
from .config import GITHUB_REPO
from .errors import CredentialsError, GitHubError, StepFailed

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

FAILED_CONCLUSIONS = frozenset(
    {"failure", "timed_out", "cancelled", "action_required", "startup_failure", "stale"}
)
PASSED_CONCLUSIONS = frozenset({"success", "neutral", "skipped"})

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
_MAX_PAGES = 50
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
_URL_TEMPLATE = re.compile(r"\{[^}]*\}$")
_MEDIA_TYPES = (
    (".tar.gz", "application/gzip"),
    (".whl", "application/zip"),
    (".zip", "application/zip"),
    (".attestation", "application/json"),
    (".asc", "application/pgp-signature"),
)


def media_type(name: str) -> str:
    """The Content-Type an asset named ``name`` is uploaded with."""
    lowered = name.lower()
    for suffix, kind in _MEDIA_TYPES:
        if lowered.endswith(suffix):
            return kind
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def is_prerelease(version: str) -> bool:
    """Whether ``version`` is an alpha, beta, release candidate or dev release (PEP 440)."""
    try:
        return Version(version).is_prerelease
    except InvalidVersion:
        return False


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


@dataclass(frozen=True)
class LocalFile:
    """A file to attach to a release, with what identifies its bytes."""

    path: Path
    size: int
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name

    @classmethod
    def read(cls, path: Path) -> LocalFile:
        if not path.is_file():
            raise StepFailed(
                f"{path} does not exist, so it cannot be attached to the GitHub release",
                "build the distributions first (nox -s build) and re-run",
            )
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return cls(path, path.stat().st_size, digest.hexdigest())


@dataclass(frozen=True)
class ReleaseReport:
    """What ``publish_release`` did; a re-run that changed nothing has only ``unchanged`` assets."""

    tag: str
    url: str
    created: bool = False
    published: bool = False
    updated: tuple[str, ...] = ()
    uploaded: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    replaced_broken: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.created or self.published or self.updated or self.uploaded)

    def summary(self) -> str:
        parts = ["created" if self.created else "found"]
        if self.updated:
            parts.append("updated " + ", ".join(self.updated))
        if self.uploaded:
            parts.append(f"uploaded {len(self.uploaded)} asset(s)")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} asset(s) already there")
        if self.published:
            parts.append("published")
        return f"GitHub release {self.tag}: {', '.join(parts)} — {self.url}"

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True)
class _AssetPlan:
    missing: list[LocalFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    broken: list[dict[str, Any]] = field(default_factory=list)


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
        return None


class GitHub:
    """The GitHub REST API for one repository (``owner/name``)."""

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
    def from_env(cls, repo: str, env: Mapping[str, str] | None = None) -> GitHub:
        environ = os.environ if env is None else env
        return cls(
            repo,
            token=token_from_env(environ),
            api_url=environ.get("RELEASE_GITHUB_API_URL") or None,
        )

    def __repr__(self) -> str:
        return f"GitHub({self.repo!r}, api_url={self.api_url!r})"

    # -- the operations ---------------------------------------------------------------------

    def release_exists(self, tag: str) -> bool:
        """Whether a published (non-draft) release exists for ``tag``."""
        return self._published_release(tag) is not None

    def release_is_complete(self, tag: str, files: Sequence[Path]) -> bool:
        """Whether ``tag`` has a published release already carrying every file, same size."""
        release = self._published_release(tag)
        if release is None:
            return False
        assets = {asset.get("name"): asset for asset in self._assets(release)}
        for path in files:
            asset = assets.get(path.name)
            if asset is None or asset.get("state") != "uploaded":
                return False
            if asset.get("size") != path.stat().st_size:
                return False
        return True

    def publish_release(
        self,
        *,
        tag: str,
        title: str,
        body: str,
        prerelease: bool,
        files: Sequence[Path],
    ) -> ReleaseReport:
        """Create or complete the release for ``tag``; safe to run again.

        Every asset decision is taken before anything changes: a file already attached with other
        bytes stops the run (GitHubError) and nothing is overwritten.
        """
        self._require_token("publish the GitHub release", NEED_CONTENTS_WRITE)
        local = _local_files(files)
        release = self._find_release(tag)
        created = release is None
        if release is None:
            self._require_remote_tag(tag)
            release = self._create_draft(tag, title, body, prerelease)
            plan = _AssetPlan(missing=list(local.values()))
        else:
            plan = self._plan_assets(tag, self._assets(release), local)
        needs_assets = bool(plan.missing or plan.broken)
        if needs_assets and release.get("immutable") and not release.get("draft"):
            raise GitHubError(
                f"the GitHub release {tag} is immutable and lacks "
                + ", ".join(item.name for item in plan.missing)
                + "; GitHub forbids adding assets to a published immutable release",
                "leave it as it is (the files are on the package index), or publish the next "
                "version; an immutable release's tag can't be reused",
            )
        updated = () if created else self._sync_text(release, title, body, prerelease)
        for asset in plan.broken:
            self._delete_asset(asset)
        uploaded = [self._upload(release, item).get("name", item.name) for item in plan.missing]
        published = False
        if release.get("draft"):
            release = self._publish_draft(release, tag, prerelease)
            published = True
        return ReleaseReport(
            tag=tag,
            url=str(release.get("html_url") or ""),
            created=created,
            published=published,
            updated=updated,
            uploaded=tuple(str(name) for name in uploaded),
            unchanged=tuple(plan.unchanged),
            replaced_broken=tuple(str(asset.get("name")) for asset in plan.broken),
        )

    def ci_status(self, sha: str, *, ignore_run_id: str | None = None) -> tuple[str, str]:
        """("success"|"failure"|"pending"|"unknown", one-line detail) for commit ``sha``.

        Check runs (GitHub Actions, apps) and commit statuses (other CI) are separate systems, so
        both are read. ``ignore_run_id`` drops the check runs of one Actions run: a release
        workflow asking about its own commit would otherwise wait for itself.
        """
        self._require_token("read the CI status", NEED_CHECKS_READ)
        runs = list(
            self._pages(
                self._repo_url(f"commits/{_quote(sha)}/check-runs"),
                what=f"reading the check runs of {sha[:12]}",
                need=NEED_CHECKS_READ,
                key="check_runs",
            )
        )
        combined = _as_dict(
            self._request(
                "GET",
                self._repo_url(f"commits/{_quote(sha)}/status"),
                what=f"reading the commit statuses of {sha[:12]}",
                need=NEED_STATUSES_READ,
            ).json(),
            "combined status",
        )
        return summarize_ci(sha, runs, combined, ignore_run_id=ignore_run_id)

    def critical_issues(self, labels: Sequence[str]) -> list[tuple[int, str]]:
        """Open issues (not pull requests) carrying any of ``labels``, by number."""
        self._require_token("list critical issues", NEED_ISSUES_READ)
        found: dict[int, str] = {}
        for label in dict.fromkeys(labels):
            # the labels parameter matches issues having *all* listed labels: one query per label
            url = self._repo_url("issues", {"state": "open", "labels": label})
            for item in self._pages(
                url, what=f"listing open {label!r} issues", need=NEED_ISSUES_READ
            ):
                issue = _as_dict(item, "issue")
                if "pull_request" in issue:
                    continue
                found[int(issue["number"])] = str(issue.get("title") or "")
        return sorted(found.items())

    # -- releases ---------------------------------------------------------------------------

    def _published_release(self, tag: str) -> dict[str, Any] | None:
        self._require_token("look up the GitHub release", NEED_CONTENTS_READ)
        reply = self._request(
            "GET",
            self._repo_url(f"releases/tags/{_quote(tag)}"),
            what=f"looking up the release for {tag}",
            need=NEED_CONTENTS_READ,
            ok=(200, 404),
        )
        if reply.status == 404:
            return None
        return _as_dict(reply.json(), "release")

    def _find_release(self, tag: str) -> dict[str, Any] | None:
        release = self._published_release(tag)
        if release is not None:
            return release
        # a draft left by an interrupted run is not found by tag; it is among the newest releases
        url = self._repo_url("releases")
        for item in self._pages(url, what="listing releases", need=NEED_CONTENTS_READ, pages=1):
            candidate = _as_dict(item, "release")
            if candidate.get("draft") and candidate.get("tag_name") == tag:
                return candidate
        return None

    def _require_remote_tag(self, tag: str) -> None:
        reply = self._request(
            "GET",
            self._repo_url(f"git/ref/tags/{_quote(tag)}"),
            what=f"checking that tag {tag} is on GitHub",
            need=NEED_CONTENTS_READ,
            ok=(200, 404),
        )
        if reply.status == 404 or not isinstance(reply.json(), dict):
            raise GitHubError(
                f"tag {tag} is not on GitHub ({self.repo})",
                f"push it first (git push origin {tag}); a release for a missing tag would make "
                "GitHub tag the default branch instead",
            )

    def _create_draft(self, tag: str, title: str, body: str, prerelease: bool) -> dict[str, Any]:
        payload = {
            "tag_name": tag,
            "name": title,
            "body": body,
            "draft": True,
            "prerelease": prerelease,
        }
        reply = self._request(
            "POST",
            self._repo_url("releases"),
            payload=payload,
            what=f"creating the release {tag}",
            need=NEED_CONTENTS_WRITE,
            ok=(201,),
            conflict_hint=(
                f"a release for {tag} probably exists already (a draft the token cannot see, or "
                f"one made by hand): look at https://github.com/{self.repo}/releases, delete or "
                "publish it, and re-run"
            ),
        )
        return _as_dict(reply.json(), "release")

    def _sync_text(
        self, release: dict[str, Any], title: str, body: str, prerelease: bool
    ) -> tuple[str, ...]:
        wanted: dict[str, Any] = {"name": title, "body": body, "prerelease": prerelease}
        changes = {key: value for key, value in wanted.items() if release.get(key) != value}
        if not changes:
            return ()
        reply = self._request(
            "PATCH",
            self._repo_url(f"releases/{int(release['id'])}"),
            payload=changes,
            what=f"updating the release {release.get('tag_name')}",
            need=NEED_CONTENTS_WRITE,
        )
        release.update(_as_dict(reply.json(), "release"))
        return tuple({"name": "title"}.get(key, key) for key in changes)

    def _publish_draft(self, release: dict[str, Any], tag: str, prerelease: bool) -> dict[str, Any]:
        payload = {"draft": False, "make_latest": "false" if prerelease else "true"}
        reply = self._request(
            "PATCH",
            self._repo_url(f"releases/{int(release['id'])}"),
            payload=payload,
            what=f"publishing the release {tag}",
            need=NEED_CONTENTS_WRITE,
        )
        return _as_dict(reply.json(), "release")

    # -- assets -----------------------------------------------------------------------------

    def _assets(self, release: dict[str, Any]) -> list[dict[str, Any]]:
        url = self._repo_url(f"releases/{int(release['id'])}/assets")
        what = f"listing the assets of {release.get('tag_name')}"
        return [
            _as_dict(item, "asset") for item in self._pages(url, what=what, need=NEED_CONTENTS_READ)
        ]

    def _plan_assets(
        self, tag: str, assets: list[dict[str, Any]], local: Mapping[str, LocalFile]
    ) -> _AssetPlan:
        plan = _AssetPlan()
        conflicts: list[str] = []
        by_name = {str(asset.get("name")): asset for asset in assets}
        for name, item in local.items():
            asset = by_name.get(name)
            if asset is None:
                plan.missing.append(item)
            elif asset.get("state") != "uploaded":
                # an upload that failed upstream leaves a "starter" asset that may be deleted
                plan.broken.append(asset)
                plan.missing.append(item)
            elif self._same_bytes(asset, item):
                plan.unchanged.append(name)
            else:
                conflicts.append(name)
        if conflicts:
            raise GitHubError(
                f"the GitHub release {tag} already has {', '.join(conflicts)} with different "
                "bytes than dist/; nothing was uploaded or overwritten",
                "find out which build is the released one; if the release's file is wrong, delete "
                f"that asset on https://github.com/{self.repo}/releases/tag/{tag} and re-run",
            )
        return plan

    def _same_bytes(self, asset: dict[str, Any], item: LocalFile) -> bool:
        if asset.get("size") != item.size:
            return False
        digest = asset.get("digest")
        if isinstance(digest, str) and digest.startswith("sha256:"):
            return digest.split(":", 1)[1].lower() == item.sha256
        return self._download_sha256(asset) == item.sha256

    def _download_sha256(self, asset: dict[str, Any]) -> str:
        reply = self._request(
            "GET",
            self._repo_url(f"releases/assets/{int(asset['id'])}"),
            accept="application/octet-stream",
            what=f"downloading the asset {asset.get('name')} to compare it",
            need=NEED_CONTENTS_READ,
        )
        return hashlib.sha256(reply.body).hexdigest()

    def _delete_asset(self, asset: dict[str, Any]) -> None:
        self._request(
            "DELETE",
            self._repo_url(f"releases/assets/{int(asset['id'])}"),
            what=f"deleting the incomplete asset {asset.get('name')}",
            need=NEED_CONTENTS_WRITE,
            ok=(204,),
        )

    def _upload(self, release: dict[str, Any], item: LocalFile) -> dict[str, Any]:
        template = release.get("upload_url")
        if not isinstance(template, str) or not template:
            raise GitHubError(
                f"GitHub's release {release.get('tag_name')} has no upload_url",
                "re-run; if it persists, GitHub's API answered in an unexpected shape",
            )
        base = _URL_TEMPLATE.sub("", template)
        url = f"{base}?{urllib.parse.urlencode({'name': item.name})}"
        data = item.path.read_bytes()
        reply = self._request(
            "POST",
            url,
            data=data,
            content_type=media_type(item.name),
            what=f"uploading {item.name}",
            need=NEED_CONTENTS_WRITE,
            ok=(201,),
            conflict_hint=(
                f"an asset named {item.name} appeared on the release meanwhile (another run?); "
                "re-run to compare it with dist/"
            ),
        )
        return _as_dict(reply.json(), "asset")

    # -- HTTP -------------------------------------------------------------------------------

    def _repo_url(self, path: str, query: Mapping[str, str] | None = None) -> str:
        url = f"{self.api_url}/repos/{self.repo}/{path}"
        return f"{url}?{urllib.parse.urlencode(query)}" if query else url

    def _require_token(self, action: str, need: str) -> None:
        if not self._token:
            raise CredentialsError(
                f"no GitHub token: GITHUB_TOKEN is not set, so nox-release cannot {action}",
                f"export GITHUB_TOKEN=<a token with {need} on {self.repo}>; in GitHub Actions "
                "pass env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }} and grant "
                f"permissions: {need}",
            )

    def _pages(
        self, url: str, *, what: str, need: str, key: str | None = None, pages: int = _MAX_PAGES
    ) -> Iterator[Any]:
        separator = "&" if "?" in url else "?"
        next_url: str | None = f"{url}{separator}per_page=100"
        for _ in range(pages):
            if next_url is None:
                return
            reply = self._request("GET", next_url, what=what, need=need)
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

    def _request(
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
                self._redact(f"cannot reach GitHub at {host}: {reason}"),
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
                self._redact(f"GitHub's API rate limit stopped {what}{said_part}"),
                _rate_limit_hint(reply.headers),
            )
        if status == 401:
            return CredentialsError(
                self._redact(f"GitHub rejected the token while {what} (401{said_part})"),
                "the token in GITHUB_TOKEN is invalid, expired or revoked: create a new one and "
                "export GITHUB_TOKEN=<token>",
            )
        if status == 403:
            accepted = reply.headers.get("x-accepted-github-permissions", "")
            accepted_part = f" (GitHub accepts: {accepted})" if accepted else ""
            return CredentialsError(
                self._redact(
                    f"GitHub refused {what} (403{said_part}): the token lacks {need}"
                    + accepted_part
                ),
                f"grant the token {need} on {self.repo} (fine-grained token: repository "
                "permission; workflow: permissions: block; classic token: the repo scope)",
            )
        if status == 404:
            return GitHubError(
                self._redact(f"GitHub answered 404 Not Found while {what} in {self.repo}"),
                f"check github-repo ({self.repo}) in [tool.release]: the repository does not "
                "exist, or the token cannot see it (a private repository needs a token with "
                "access to it)",
            )
        if status == 422:
            return GitHubError(
                self._redact(f"GitHub rejected {what} (422{said_part})"),
                conflict_hint
                or "the request conflicts with the repository's state; read "
                "GitHub's reason above",
            )
        return GitHubError(
            self._redact(f"GitHub answered {status} while {what}{said_part}"),
            "GitHub may be having trouble (https://www.githubstatus.com); re-run later — the "
            "release step resumes where it stopped",
        )

    def _redact(self, text: str) -> str:
        if not self._token:
            return text
        return proc.redact(text, {"GITHUB_TOKEN": self._token})


def summarize_ci(
    sha: str,
    check_runs: Sequence[Any],
    combined: Mapping[str, Any],
    *,
    ignore_run_id: str | None = None,
) -> tuple[str, str]:
    """Fold check runs and the combined commit status into one verdict and a one-line detail."""
    failed: list[str] = []
    pending: list[str] = []
    passed = 0
    own_run = f"/actions/runs/{ignore_run_id}/" if ignore_run_id else None
    for item in check_runs:
        run = _as_dict(item, "check run")
        if own_run and any(
            own_run in str(run.get(key) or "") for key in ("html_url", "details_url")
        ):
            continue
        name = str(run.get("name") or "check")
        if run.get("status") != "completed":
            pending.append(name)
        elif run.get("conclusion") in PASSED_CONCLUSIONS:
            passed += 1
        else:
            failed.append(f"{name} ({run.get('conclusion') or 'no conclusion'})")
    for item in combined.get("statuses") or []:
        status = _as_dict(item, "commit status")
        context = str(status.get("context") or "status")
        state = status.get("state")
        if state == "success":
            passed += 1
        elif state == "pending":
            pending.append(context)
        else:
            failed.append(f"{context} ({state})")
    short = sha[:12]
    if failed:
        return "failure", f"{len(failed)} failed on {short}: {_listing(failed)}"
    if pending:
        return "pending", f"{len(pending)} still running on {short}: {_listing(pending)}"
    if passed == 0:
        return "unknown", f"no CI results for {short}"
    return "success", f"all {passed} CI checks passed on {short}"


def ci_row(repo: str | None, sha: str, env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """("PASS"|"FAIL"|"UNKNOWN", reason) for the checklist; never raises for GitHub trouble.

    In GitHub Actions (``GITHUB_RUN_ID`` set) the current run's own check runs are ignored.
    """
    environ = os.environ if env is None else env
    if not repo:
        return "UNKNOWN", "github-repo is not set in [tool.release]; CI status not checked"
    if not token_from_env(environ):
        return "UNKNOWN", (
            "GITHUB_TOKEN is not set; CI status not checked (export a token with "
            f"{NEED_CHECKS_READ} and {NEED_STATUSES_READ})"
        )
    try:
        client = GitHub.from_env(repo, environ)
        state, detail = client.ci_status(sha, ignore_run_id=environ.get("GITHUB_RUN_ID") or None)
    except (GitHubError, CredentialsError) as exc:
        return "UNKNOWN", _one_line(exc)
    if state == "success":
        return "PASS", detail
    if state == "failure":
        return "FAIL", detail
    if state == "pending":
        return "FAIL", f"{detail}; wait for CI to finish and re-run"
    return "UNKNOWN", detail


def critical_row(
    repo: str | None, labels: Sequence[str], env: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """("PASS"|"FAIL"|"UNKNOWN", reason): open issues carrying a critical label block a release."""
    environ = os.environ if env is None else env
    if not repo:
        return "UNKNOWN", "github-repo is not set in [tool.release]; issues not checked"
    if not labels:
        return "PASS", "no critical-labels configured"
    if not token_from_env(environ):
        return "UNKNOWN", (
            f"GITHUB_TOKEN is not set; open critical issues not checked (export a token with "
            f"{NEED_ISSUES_READ})"
        )
    try:
        issues = GitHub.from_env(repo, environ).critical_issues(labels)
    except (GitHubError, CredentialsError) as exc:
        return "UNKNOWN", _one_line(exc)
    wanted = "/".join(labels)
    if not issues:
        return "PASS", f"no open issues labelled {wanted}"
    listed = _listing([f"#{number} {title}" for number, title in issues])
    return "FAIL", f"{len(issues)} open {wanted} issue(s): {listed}"


def _local_files(files: Sequence[Path]) -> dict[str, LocalFile]:
    local: dict[str, LocalFile] = {}
    for path in files:
        item = LocalFile.read(Path(path))
        if item.name in local:
            raise StepFailed(
                f"two files named {item.name} were given for the GitHub release",
                "attach each distribution file once",
            )
        local[item.name] = item
    return local


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


def _listing(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", and {len(items) - limit} more" if len(items) > limit else "")


def _one_line(exc: GitHubError | CredentialsError) -> str:
    text = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
    return " ".join(text.split())


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in (headers or {}).items()}


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def _as_dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise GitHubError(
            f"GitHub answered with a {type(value).__name__} where a {what} object was expected",
            "check RELEASE_GITHUB_API_URL points at a GitHub API",
        )
    return value
