"""release.index (and smoke.install_from_index) against a real pypiserver on 127.0.0.1.

pypiserver serves PEP 503 HTML only and knows no yanking; the PEP 691 JSON, redirect and PEP 592
cases use a small local HTTP server that answers the way the simple API specifications say.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import logging
import os
import shutil
import stat
import threading
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

from release import config, dist, index, smoke
from release.errors import CredentialsError, PackageIndexError, ToolFailed, UploadConflict
from release.output import result_lines
from release.smoke import uvinstall
from release.smoke.install import prove_origin
from release.index import IndexFile, UploadReport
from tests.pypi_server import MakeServer, PypiServer
from release.demo import SAMPLE

PROJECT = "omi-openclaw"
SDIST = "omi_openclaw-0.2.0.tar.gz"
WHEEL = "omi_openclaw-0.2.0-py3-none-any.whl"
COMMANDS = ["omi --version", "omi init --data-dir {tmp}/data", "omi status --data-dir {tmp}/data"]
NULL_KEYRING = "keyring.backends.null.Keyring"
MARKER = "s3cr3t-MARKER-4711"
URL_MARKER = "url-s3cr3t-0815"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_project(target: Path, edits: dict[str, dict[str, str]] | None = None) -> list[Path]:
    """Build a copy of the sample, with text replacements per file (relative path -> old -> new)."""
    project = target / "sample"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("dist", "__pycache__"))
    for relative, replacements in (edits or {}).items():
        path = project / relative
        text = path.read_text()
        for old, new in replacements.items():
            assert old in text
            text = text.replace(old, new)
        path.write_text(text)
    return dist.build(project, project / "dist")


@pytest.fixture
def files(sample_dist: Path) -> list[Path]:
    """The sample's sdist and wheel at 0.2.0 (built once per run), in upload order."""
    return [sample_dist / SDIST, sample_dist / WHEEL]


def base_env(home: Path, **extra: str) -> dict[str, str]:
    """os.environ without any TWINE_* variable, a HOME without ~/.pypirc and an empty keyring."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TWINE_") and key != "ACTIONS_ID_TOKEN_REQUEST_URL"
    }
    env.update(HOME=str(home), PYTHON_KEYRING_BACKEND=NULL_KEYRING, **extra)
    return env


def twine_credentials(home: Path) -> dict[str, str]:
    """A user name and password; pypiserver with authentication disabled accepts any."""
    return base_env(home, TWINE_USERNAME="tester", TWINE_PASSWORD=MARKER)


def do_upload(server: PypiServer, paths: list[Path], env: dict[str, str]) -> UploadReport:
    return index.upload(
        paths, upload_url=server.upload_url, index_url=server.index_url, project=PROJECT, env=env
    )


# --- list_files and file_status on pypiserver ----------------------------------------------


@pytest.mark.slow
def test_unknown_project_has_no_files(pypi_server: PypiServer) -> None:
    assert index.list_files(pypi_server.index_url, PROJECT) == []


@pytest.mark.slow
def test_list_files_and_file_status_after_an_upload(
    pypi_server: PypiServer, files: list[Path], tmp_path: Path
) -> None:
    assert index.file_status(pypi_server.index_url, PROJECT, files) == {
        SDIST: "absent",
        WHEEL: "absent",
    }
    report = do_upload(pypi_server, files, twine_credentials(tmp_path))
    assert report == UploadReport(uploaded=[SDIST, WHEEL], skipped=[])
    assert pypi_server.files() == [WHEEL, SDIST]
    listed = sorted(index.list_files(pypi_server.index_url, "Omi_OpenClaw"), key=lambda f: f.url)
    assert listed == [
        IndexFile(WHEEL, sha256(files[1]), f"{pypi_server.url}/packages/{WHEEL}", None),
        IndexFile(SDIST, sha256(files[0]), f"{pypi_server.url}/packages/{SDIST}", None),
    ]
    assert index.file_status(pypi_server.index_url, PROJECT, files) == {
        SDIST: "same",
        WHEEL: "same",
    }


# --- upload ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_second_upload_skips_what_is_there(
    pypi_server: PypiServer, files: list[Path], tmp_path: Path
) -> None:
    env = twine_credentials(tmp_path)
    assert do_upload(pypi_server, files[:1], env) == UploadReport([SDIST], [])
    assert do_upload(pypi_server, files, env) == UploadReport(uploaded=[WHEEL], skipped=[SDIST])
    assert do_upload(pypi_server, files, env) == UploadReport(uploaded=[], skipped=[SDIST, WHEEL])
    assert pypi_server.files() == [WHEEL, SDIST]


@pytest.mark.slow
def test_a_different_file_with_the_same_name_conflicts_and_nothing_is_uploaded(
    pypi_server: PypiServer, files: list[Path], tmp_path: Path
) -> None:
    env = twine_credentials(tmp_path)
    do_upload(pypi_server, files[1:], env)
    changed = tmp_path / "other" / WHEEL
    changed.parent.mkdir()
    shutil.copy(files[1], changed)
    with zipfile.ZipFile(changed, "a") as archive:
        archive.comment = b"rebuilt"
    assert index.file_status(pypi_server.index_url, PROJECT, [changed]) == {WHEEL: "conflict"}
    with pytest.raises(UploadConflict) as caught:
        do_upload(pypi_server, [files[0], changed], env)
    assert caught.value.message == (
        f"{WHEEL} is already on {pypi_server.index_url} with different contents"
    )
    assert "PyPI never accepts a file name twice, even after deletion" in caught.value.hint
    assert "release 0.2.1 instead" in caught.value.hint
    assert pypi_server.files() == [WHEEL]


@pytest.mark.slow
def test_index_down_raises_package_index_error_and_recovers(
    pypi_server: PypiServer, files: list[Path], tmp_path: Path
) -> None:
    env = twine_credentials(tmp_path)
    do_upload(pypi_server, files[:1], env)
    pypi_server.stop()
    with pytest.raises(PackageIndexError) as caught:
        index.list_files(pypi_server.index_url, PROJECT, timeout=2)
    assert f"could not read {pypi_server.index_url}omi-openclaw/" in caught.value.message
    assert "index-url" in caught.value.hint
    with pytest.raises(PackageIndexError):
        do_upload(pypi_server, files, env)
    assert pypi_server.files() == [SDIST]
    pypi_server.start()
    assert do_upload(pypi_server, files, env) == UploadReport(uploaded=[WHEEL], skipped=[SDIST])


@pytest.mark.slow
def test_upload_uses_the_matching_pypirc_section(
    pypi_server: PypiServer, files: list[Path], tmp_path: Path
) -> None:
    """twine ignores ~/.pypirc with --repository-url; upload names the section instead."""
    env = base_env(tmp_path)
    with pytest.raises(CredentialsError) as caught:
        do_upload(pypi_server, files[:1], env)
    assert caught.value.message.startswith(
        f"twine found no credentials for {pypi_server.upload_url}"
    )
    assert "no upload credentials" in caught.value.hint
    (tmp_path / ".pypirc").write_text(
        "[distutils]\nindex-servers =\n    local\n\n"
        f"[local]\nrepository = {pypi_server.upload_url}\nusername = tester\npassword = {MARKER}\n"
    )
    assert do_upload(pypi_server, files[:1], env) == UploadReport([SDIST], [])


@pytest.mark.slow
def test_a_malformed_pypirc_does_not_stop_uploads_with_env_credentials(
    pypi_server: PypiServer, files: list[Path], tmp_path: Path
) -> None:
    (tmp_path / ".pypirc").write_text(f"[pypi\npassword = {MARKER}\n")
    assert do_upload(pypi_server, files[:1], twine_credentials(tmp_path)).uploaded == [SDIST]


@pytest.mark.slow
def test_no_secret_in_any_output(
    pypi_server: PypiServer,
    files: list[Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    env = twine_credentials(tmp_path)
    seen: list[str] = []
    # twine fails (the URL has no upload endpoint); the password is also written into the URL
    wrong = f"http://tester:{URL_MARKER}@127.0.0.1:{pypi_server.port}/nothing/"
    with pytest.raises(ToolFailed) as failed:
        index.upload(
            files[:1],
            upload_url=wrong,
            index_url=pypi_server.index_url,
            project=PROJECT,
            env=env,
        )
    assert "405 Method Not Allowed" in failed.value.message
    seen += [str(failed.value)]
    seen += [repr(do_upload(pypi_server, files, env)), repr(do_upload(pypi_server, files, env))]
    changed = tmp_path / WHEEL
    shutil.copy(files[1], changed)
    with zipfile.ZipFile(changed, "a") as archive:
        archive.comment = b"rebuilt"
    with pytest.raises(UploadConflict) as conflict:
        do_upload(pypi_server, [changed], env)
    seen += [str(conflict.value)]
    seen += [str(index.credentials_available(pypi_server.upload_url, env))]
    seen += [str(index.credentials_available(wrong, env))]
    captured = capsys.readouterr()
    text = "\n".join([*seen, captured.out, captured.err, caplog.text])
    assert MARKER not in text
    assert URL_MARKER not in text


# --- the simple API as specified (PEP 503 / 592 / 691) on a local HTTP server ----------------


@dataclass
class FakeIndex:
    """Answers GET with canned responses; records the Accept header of every request."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    accepts: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def fake_index() -> Iterator[FakeIndex]:
    fake = FakeIndex()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            fake.accepts.append(self.headers.get("Accept", ""))
            status, headers, body = fake.routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_list_files_reads_pep_691_json_after_a_redirect(fake_index: FakeIndex) -> None:
    page = {
        "meta": {"api-version": "1.1"},
        "name": "omi-openclaw",
        "files": [
            {
                "filename": SDIST,
                "url": "../../files/" + SDIST,
                "hashes": {"sha256": "ab" * 32},
                "yanked": False,
            },
            {
                "filename": WHEEL,
                "url": "https://files.example/" + WHEEL,
                "hashes": {},
                "yanked": "broken entry point",
            },
            {"filename": "omi_openclaw-0.1.0.tar.gz", "url": "/x.tar.gz", "yanked": True},
        ],
    }
    fake_index.routes["/old/omi-openclaw/"] = (
        301,
        {"Location": f"{fake_index.url}/simple/omi-openclaw/"},
        b"",
    )
    fake_index.routes["/simple/omi-openclaw/"] = (
        200,
        {"Content-Type": "application/vnd.pypi.simple.v1+json"},
        json.dumps(page).encode(),
    )
    listed = index.list_files(fake_index.url + "/old", "Omi.OpenClaw")
    assert listed == [
        IndexFile(SDIST, "ab" * 32, f"{fake_index.url}/files/{SDIST}", None),
        IndexFile(WHEEL, None, "https://files.example/" + WHEEL, "broken entry point"),
        IndexFile("omi_openclaw-0.1.0.tar.gz", None, f"{fake_index.url}/x.tar.gz", ""),
    ]
    assert fake_index.accepts[0].startswith("application/vnd.pypi.simple.v1+json")
    assert "text/html;q=0.1" in fake_index.accepts[0]
    assert len(fake_index.accepts) == 2  # the redirect was followed with the same Accept
    assert fake_index.accepts[1] == fake_index.accepts[0]


def test_list_files_reads_pep_503_html_with_pep_592_yanking(fake_index: FakeIndex) -> None:
    html = (
        "<!DOCTYPE html><html><body>"
        f'<a href="/p/{SDIST}#sha256={"CD" * 32}">{SDIST}</a><br>'
        f'<a href="https://cdn.example/{WHEEL}#md5=00" data-yanked="">{WHEEL}</a>'
        '<a href="/p/omi_openclaw-0.1.0.tar.gz" data-yanked="bad &gt; worse">'
        " omi_openclaw-0.1.0.tar.gz </a>"
        "</body></html>"
    )
    fake_index.routes["/simple/omi-openclaw/"] = (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        html.encode(),
    )
    assert index.list_files(fake_index.url + "/simple/", PROJECT) == [
        IndexFile(SDIST, "cd" * 32, f"{fake_index.url}/p/{SDIST}", None),
        IndexFile(WHEEL, None, f"https://cdn.example/{WHEEL}", ""),
        IndexFile(
            "omi_openclaw-0.1.0.tar.gz",
            None,
            f"{fake_index.url}/p/omi_openclaw-0.1.0.tar.gz",
            "bad > worse",
        ),
    ]


def test_file_status_downloads_a_file_listed_without_hash(
    fake_index: FakeIndex, tmp_path: Path
) -> None:
    same = tmp_path / SDIST
    same.write_bytes(b"sdist bytes")
    other = tmp_path / WHEEL
    other.write_bytes(b"my wheel")
    fake_index.routes["/simple/omi-openclaw/"] = (
        200,
        {"Content-Type": "text/html"},
        f'<a href="/f/{SDIST}">{SDIST}</a><a href="/f/{WHEEL}">{WHEEL}</a>'.encode(),
    )
    fake_index.routes[f"/f/{SDIST}"] = (200, {}, b"sdist bytes")
    fake_index.routes[f"/f/{WHEEL}"] = (200, {}, b"their wheel")
    status = index.file_status(fake_index.url + "/simple", PROJECT, [same, other])
    assert status == {SDIST: "same", WHEEL: "conflict"}


def test_http_errors_and_malformed_pages(fake_index: FakeIndex) -> None:
    fake_index.routes["/simple/broken/"] = (503, {}, b"down for maintenance")
    with pytest.raises(PackageIndexError, match="could not read .*: HTTP 503"):
        index.list_files(fake_index.url + "/simple/", "broken")
    fake_index.routes["/simple/bad-json/"] = (
        200,
        {"Content-Type": "application/vnd.pypi.simple.v1+json"},
        b'{"files": [{"url": "x"}]}',
    )
    with pytest.raises(PackageIndexError, match="malformed PEP 691"):
        index.list_files(fake_index.url + "/simple/", "bad-json")


def test_credentials_in_the_index_url_are_sent_but_never_shown(fake_index: FakeIndex) -> None:
    fake_index.routes["/simple/omi-openclaw/"] = (500, {}, b"")
    with pytest.raises(PackageIndexError) as caught:
        index.list_files(f"http://user:{MARKER}@127.0.0.1:{fake_index.port}/simple/", PROJECT)
    assert MARKER not in str(caught.value)
    assert f"http://127.0.0.1:{fake_index.port}/simple/omi-openclaw/" in caught.value.message


# --- install_from_index --------------------------------------------------------------------


def install_sample(
    index_url: str,
    *,
    extra_index_url: str | None = None,
    commands: list[str] = COMMANDS,
    timeout: float = 120.0,
) -> list[smoke.SmokeResult]:
    """``install_from_index`` of the sample at 0.2.0 from ``index_url``, then its smoke checks."""
    return smoke.install_from_index(
        project=PROJECT,
        version="0.2.0",
        index_url=index_url,
        extra_index_url=extra_index_url,
        package="omi_openclaw",
        commands=commands,
        timeout=timeout,
    )


@pytest.mark.slow
def test_install_from_index_installs_from_that_index(
    pypi_server: PypiServer, files: list[Path], tmp_path: Path
) -> None:
    do_upload(pypi_server, files, twine_credentials(tmp_path))
    results = install_sample(pypi_server.index_url)
    assert all(result.ok for result in results), result_lines(results)
    assert [result.what for result in results] == [
        f"install {PROJECT}==0.2.0 from {pypi_server.index_url}",
        f"install the dependencies of {PROJECT} 0.2.0",
        "import omi_openclaw",
        *COMMANDS,
    ]
    # the install report names the file pip downloaded: the wheel, from this server
    assert results[0].detail.startswith(f"downloaded {pypi_server.url}/packages/{WHEEL}")
    assert f"/packages/{WHEEL}" in pypi_server.requested()


@pytest.mark.slow
def test_install_from_index_ignores_the_machines_pip_configuration(
    make_pypi_server: MakeServer,
    files: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The release is elsewhere (find-links, another index) but not on the index: no install."""
    target, elsewhere = make_pypi_server(), make_pypi_server()
    do_upload(elsewhere, files, twine_credentials(tmp_path))
    links = tmp_path / "links"
    links.mkdir()
    shutil.copy(files[1], links)
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", elsewhere.index_url)
    monkeypatch.setenv("PIP_INDEX_URL", elsewhere.index_url)
    before = len(elsewhere.requested())
    results = install_sample(target.index_url, timeout=1.0)
    assert len(results) == 1 and not results[0].ok
    assert "was still not on the index after 1 s" in results[0].detail
    assert "/simple/omi-openclaw/" in target.requested()
    assert elsewhere.requested()[before:] == []


@pytest.mark.slow
def test_install_from_index_waits_for_the_index_to_catch_up(
    pypi_server: PypiServer, files: list[Path], tmp_path: Path
) -> None:
    """The release reaches the index only after pip was told it is not there: pip retries.

    The upload waits for pip's first look-up (seen in the server's log) instead of a fixed delay,
    and the install's deadline is far beyond any real duration, so a slow machine cannot fail it.
    """
    env = twine_credentials(tmp_path)
    errors: list[BaseException] = []
    finished = threading.Event()
    project_page = "/simple/omi-openclaw/"

    def upload_once_pip_has_looked() -> None:
        try:
            while project_page not in pypi_server.requested():
                if finished.wait(0.05):
                    return
            do_upload(pypi_server, files, env)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    thread = threading.Thread(target=upload_once_pip_has_looked)
    thread.start()
    try:
        results = install_sample(pypi_server.index_url, commands=["omi --version"], timeout=600.0)
    finally:
        finished.set()
        thread.join()
    assert errors == []
    assert all(result.ok for result in results), result_lines(results)
    answers = [status for _, path, status in pypi_server.requests() if path == project_page]
    assert answers[0] == "404" and "200" in answers, answers  # not there, then retried and found
    assert pypi_server.requested().count(project_page) >= 2


@pytest.mark.slow
def test_dependencies_may_come_from_the_extra_index_but_the_project_may_not(
    make_pypi_server: MakeServer, tmp_path: Path
) -> None:
    """A test index with the release, a production index with its dependency (as on TestPyPI)."""
    test_index, production = make_pypi_server(), make_pypi_server()
    env = twine_credentials(tmp_path)
    helper = tmp_path / "helper"
    (helper / "src" / "omi_helper").mkdir(parents=True)
    (helper / "src" / "omi_helper" / "__init__.py").write_text('VALUE = "helped"\n')
    (helper / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling>=1.21"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "omi-helper"\nversion = "1.0"\n'
    )
    index.upload(
        dist.build(helper, helper / "dist"),
        upload_url=production.upload_url,
        index_url=production.index_url,
        project="omi-helper",
        env=env,
    )
    release = build_project(
        tmp_path / "release",
        {"pyproject.toml": {"dependencies = []": 'dependencies = ["omi-helper"]'}},
    )
    do_upload(test_index, release, env)
    do_upload(production, release, env)  # also on production: pip must still take the test one

    def verify(extra: str | None) -> list[smoke.SmokeResult]:
        return install_sample(
            test_index.index_url, extra_index_url=extra, commands=["omi --version"], timeout=5.0
        )

    without = verify(None)
    assert [result.ok for result in without] == [True, False]
    assert "omi-helper" in without[1].detail
    # uv where it is on PATH, and pip: both take the dependency from the extra index
    installers = ["uv", "pip"] if uvinstall.uv_binary() else ["pip"]
    for installer in installers:
        with pytest.MonkeyPatch.context() as patch:
            if installer == "pip":
                patch.setattr(uvinstall, "uv_binary", lambda: None)
            served = len(production.requested())
            results = verify(production.index_url)
        assert all(result.ok for result in results), result_lines(results)
        assert results[0].detail.startswith(f"downloaded {test_index.url}/packages/{WHEEL}")
        by = " (uv)" if installer == "uv" else ""
        assert results[1].detail == f"dependencies resolved{by}", installer
        from_production = production.requested()[served:]
        assert any(path.startswith("/packages/omi_helper-1.0-") for path in from_production)
        assert f"/packages/{WHEEL}" not in from_production


def test_install_report_from_elsewhere_is_rejected(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    entry = {
        "metadata": {"name": "Omi_OpenClaw", "version": "0.2.0"},
        "download_info": {"url": f"file:///opt/wheels/{WHEEL}"},
    }
    report.write_text(json.dumps({"install": [entry]}))
    index_url = "http://127.0.0.1:9/simple/"
    result = prove_origin("install", report, PROJECT, "0.2.0", index_url)
    assert not result.ok and f"came from file:///opt/wheels/{WHEEL}" in result.detail
    entry["download_info"] = {"url": f"http://127.0.0.1:9/packages/{WHEEL}"}
    entry["metadata"] = {"name": "omi-openclaw", "version": "0.1.0"}
    report.write_text(json.dumps({"install": [entry]}))
    result = prove_origin("install", report, PROJECT, "0.2.0", index_url)
    assert not result.ok and result.detail == "pip installed 0.1.0, not 0.2.0"


# --- credentials ----------------------------------------------------------------------------

CUSTOM = "https://upload.example.org/legacy/"


def test_credentials_from_environment_variables(tmp_path: Path) -> None:
    found = index.credentials_available(
        CUSTOM, base_env(tmp_path, TWINE_USERNAME="me", TWINE_PASSWORD=MARKER)
    )
    assert found == (True, "TWINE_PASSWORD and TWINE_USERNAME")
    ok, advice = index.credentials_available(CUSTOM, base_env(tmp_path, TWINE_PASSWORD=MARKER))
    assert not ok and "set TWINE_USERNAME" in advice and MARKER not in advice
    token = base_env(tmp_path, TWINE_PASSWORD="pypi-" + MARKER)
    assert index.credentials_available(CUSTOM, token) == (
        True,
        "TWINE_PASSWORD (an API token, user name __token__)",
    )
    assert index.twine_env(token)["TWINE_USERNAME"] == "__token__"
    pypi = base_env(tmp_path, TWINE_PASSWORD=MARKER)
    assert index.credentials_available(config.PYPI_UPLOAD_URL, pypi) == (True, "TWINE_PASSWORD")


def test_twine_env_drops_repository_overrides() -> None:
    env = index.twine_env(
        {"TWINE_REPOSITORY_URL": "https://elsewhere/", "TWINE_REPOSITORY": "x", "A": "1"}
    )
    assert env == {"A": "1"}


@pytest.mark.slow
def test_no_credentials_anywhere(tmp_path: Path) -> None:
    ok, advice = index.credentials_available(CUSTOM, base_env(tmp_path))
    assert not ok
    assert advice.startswith(f"no upload credentials for {CUSTOM}: set TWINE_USERNAME and")
    ok, advice = index.credentials_available(config.PYPI_UPLOAD_URL, base_env(tmp_path))
    assert not ok and "API token in TWINE_PASSWORD" in advice and "trusted publishing" in advice


@pytest.mark.slow
def test_credentials_from_pypirc(tmp_path: Path) -> None:
    pypirc = tmp_path / ".pypirc"
    pypirc.write_text(
        "[distutils]\nindex-servers =\n    pypi\n    internal\n\n"
        f"[pypi]\npassword = pypi-{MARKER}\n\n"
        f"[internal]\nrepository = {CUSTOM}\nusername = me\npassword = {MARKER}\n"
    )
    env = base_env(tmp_path)
    assert index.credentials_available(CUSTOM.rstrip("/"), env) == (True, f"{pypirc} [internal]")
    assert index.credentials_available(config.PYPI_UPLOAD_URL, env) == (True, f"{pypirc} [pypi]")
    ok, advice = index.credentials_available("https://other.example/legacy/", env)
    assert not ok and MARKER not in advice
    pypirc.write_text(f"[pypi\npassword = {MARKER}\n")
    ok, advice = index.credentials_available(config.PYPI_UPLOAD_URL, env)
    assert not ok and "cannot be parsed" in advice and MARKER not in advice


@pytest.mark.slow
def test_credentials_from_keyring(tmp_path: Path) -> None:
    """A real keyring lookup in a subprocess, with a keyring backend that knows one service."""
    (tmp_path / "test_ring.py").write_text(
        "from keyring.backend import KeyringBackend\n"
        "from keyring.credentials import SimpleCredential\n"
        "class Ring(KeyringBackend):\n"
        "    priority = 1\n"
        f"    service = {CUSTOM!r}\n"
        "    def get_password(self, service, username):\n"
        "        return 'kr-secret' if service == self.service else None\n"
        "    def get_credential(self, service, username):\n"
        "        if service != self.service:\n"
        "            return None\n"
        "        return SimpleCredential(username or 'me', 'kr-secret')\n"
        "    def set_password(self, service, username, password):\n"
        "        raise NotImplementedError\n"
        "    def delete_password(self, service, username):\n"
        "        raise NotImplementedError\n"
    )
    env = base_env(tmp_path, PYTHONPATH=str(tmp_path))
    env["PYTHON_KEYRING_BACKEND"] = "test_ring.Ring"
    assert index.credentials_available(CUSTOM, env) == (True, f"keyring entry for {CUSTOM}")
    assert not index.credentials_available("https://other.example/legacy/", env)[0]


@pytest.mark.slow
def test_trusted_publishing_only_for_pypi(tmp_path: Path) -> None:
    env = base_env(tmp_path, ACTIONS_ID_TOKEN_REQUEST_URL="https://token.actions.example/")
    assert index.credentials_available(config.TESTPYPI_UPLOAD_URL, env) == (
        True,
        "trusted publishing (GitHub Actions OIDC)",
    )
    assert not index.credentials_available(CUSTOM, env)[0]


def test_pypirc_world_readable(tmp_path: Path) -> None:
    pypirc = tmp_path / ".pypirc"
    assert not index.pypirc_world_readable(pypirc)
    pypirc.write_text("[pypi]\n")
    pypirc.chmod(0o644)
    assert index.pypirc_world_readable(pypirc)
    pypirc.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert not index.pypirc_world_readable(pypirc)


def test_project_url_for_humans() -> None:
    assert (
        index.project_url_for_humans("https://pypi.org/simple/", "Omi_OpenClaw")
        == "https://pypi.org/manage/project/omi-openclaw/releases/"
    )
    assert (
        index.project_url_for_humans("https://test.pypi.org/simple", PROJECT)
        == "https://test.pypi.org/manage/project/omi-openclaw/releases/"
    )
    assert (
        index.project_url_for_humans("http://u:p@127.0.0.1:8080/simple/", PROJECT)
        == "http://127.0.0.1:8080/simple/omi-openclaw/"
    )


def test_display_url_hides_credentials() -> None:
    assert index.display_url("https://u:pw@host.example:8443/a/") == "https://host.example:8443/a/"
    assert index.display_url("https://host.example/a/") == "https://host.example/a/"


@pytest.mark.slow
def test_a_stopped_server_has_logged_every_request_it_answered(pypi_server: PypiServer) -> None:
    """The server writes a request's log line after the answer: stop() waits for the lines of
    requests already answered (tests count uploads in the log), however soon it follows them."""
    for number in range(5):
        page = f"/simple/answered-{number}/"
        try:
            urllib.request.urlopen(pypi_server.url + page, timeout=30).close()
        except urllib.error.HTTPError as error:
            assert error.code == 404  # unknown project: answered all the same
        pypi_server.stop()
        assert page in pypi_server.requested(), number
        pypi_server.start()


@pytest.mark.slow
def test_a_running_server_lists_every_request_it_answered(pypi_server: PypiServer) -> None:
    """requested() on a running server lets the log catch up too, and leaves out the /health
    requests LocalIndex sends itself: a test comparing counts before and after sees only its own."""
    before = pypi_server.requested()
    assert "/health" not in before
    for number in range(20):
        page = f"/simple/running-{number}/"
        try:
            urllib.request.urlopen(pypi_server.url + page, timeout=30).close()
        except urllib.error.HTTPError as error:
            assert error.code == 404
        assert pypi_server.requested()[len(before) :] == [
            f"/simple/running-{seen}/" for seen in range(number + 1)
        ]
