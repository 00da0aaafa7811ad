"""Simple-API look-ups (PEP 503 HTML and PEP 691 JSON pages) and downloads, through urllib."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from http.client import HTTPException
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from packaging.utils import canonicalize_name

from ..errors import PackageIndexError

_PYPI_HOSTS = {
    "pypi.org": "https://pypi.org",
    "upload.pypi.org": "https://pypi.org",
    "test.pypi.org": "https://test.pypi.org",
}
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{SIMPLE_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
INDEX_HINT = (
    "re-run when it is reachable; if it stays unreachable, check the index URL "
    "([tool.release] index-url / test-index-url or RELEASE_*_URL) and the network"
)


@dataclass(frozen=True)
class IndexFile:
    """One file of a project as the index lists it; ``yanked`` is None, or the reason ("" if none
    was given) when the file is yanked (PEP 592)."""

    filename: str
    sha256: str | None
    url: str
    yanked: str | None


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


def project_url_for_humans(index_url: str, project: str) -> str:
    """Where a maintainer manages the project's releases (to yank one), or else its index page."""
    host = urlsplit(index_url).hostname or ""
    site = _PYPI_HOSTS.get(host)
    if site is not None:
        return f"{site}/manage/project/{canonicalize_name(project)}/releases/"
    return display_url(project_page(index_url, project))
