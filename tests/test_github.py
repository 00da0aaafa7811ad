"""release.github against a loopback fake of GitHub's REST API that checks every request."""

from __future__ import annotations

import hashlib
import socket
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from release import github
from release.errors import CredentialsError, GitHubError, ReleaseError, StepFailed
from release.github import GitHub, ReleaseReport, is_prerelease
from tests.conftest import ASSET_SDIST as SDIST, ASSET_WHEEL as WHEEL, write_assets
from tests.fake_github import FAKE_TOKEN, FakeGitHub

pytestmark = pytest.mark.slow  # every test here starts the fake's loopback servers

TAG = "v0.2.0"
SHA = "3f2a9c0d1e4b5a69788796a5b4c3d2e1f0a9b8c7"


@pytest.fixture
def dist(tmp_path: Path) -> list[Path]:
    return write_assets(tmp_path / "dist")


def client(fake: FakeGitHub, **env: str) -> GitHub:
    return GitHub.from_env(fake.repo, fake.env(**env))


def publish(
    gh: GitHub, files: list[Path], *, body: str = "notes", pre: bool = False
) -> ReleaseReport:
    return gh.publish_release(
        tag=TAG, title="omi-openclaw v0.2.0", body=body, prerelease=pre, files=files
    )


def changed(report: ReleaseReport) -> bool:
    return bool(report.created or report.published or report.updated or report.uploaded)


def assert_token_hidden(exc: BaseException) -> None:
    assert FAKE_TOKEN not in str(exc)
    assert FAKE_TOKEN not in repr(exc.args)
    if isinstance(exc, ReleaseError):
        assert FAKE_TOKEN not in exc.message + exc.hint


# -- creating and re-running a release ----------------------------------------------------------


def test_first_run_creates_a_draft_uploads_both_files_then_publishes(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    fake_github.add_tag(TAG)
    report = publish(client(fake_github), dist, body="## Added\n- the omi command\n")

    assert report.created and report.published
    assert report.uploaded == (WHEEL, SDIST)
    assert report.url == f"https://github.com/{fake_github.repo}/releases/tag/{TAG}"
    assert str(report).startswith(f"GitHub release {TAG}: created, uploaded 2 asset(s), published")
    release = fake_github.release(TAG)
    assert release is not None
    assert (release.draft, release.prerelease, release.make_latest) == (False, False, "true")
    assert release.name == "omi-openclaw v0.2.0"
    assert release.body == "## Added\n- the omi command\n"
    assert {a.name: a.data for a in release.assets} == {p.name: p.read_bytes() for p in dist}
    assert {a.name: a.content_type for a in release.assets} == {
        WHEEL: "application/zip",
        SDIST: "application/gzip",
    }
    assert fake_github.tags_created_by_releases == []
    # order: the draft is created, the assets go to the upload host, then it is published
    writes = [(c.method, c.host) for c in fake_github.requests if c.method != "GET"]
    assert writes == [("POST", "api"), ("POST", "uploads"), ("POST", "uploads"), ("PATCH", "api")]
    create = fake_github.calls("POST", "api")[0]
    assert b'"draft": true' in create.body
    assert [c.query["name"] for c in fake_github.calls("POST", "uploads")] == [[WHEEL], [SDIST]]


def test_a_second_run_changes_nothing(fake_github: FakeGitHub, dist: list[Path]) -> None:
    fake_github.add_tag(TAG)
    gh = client(fake_github)
    publish(gh, dist)
    before = len(fake_github.requests)

    report = publish(gh, dist)

    assert not changed(report)
    assert report.unchanged == (WHEEL, SDIST)
    assert [c.method for c in fake_github.requests[before:]] == ["GET", "GET"]
    assert str(report) == (
        f"GitHub release {TAG}: found, 2 asset(s) already there — "
        f"https://github.com/{fake_github.repo}/releases/tag/{TAG}"
    )


def test_a_rerun_updates_the_body_and_uploads_only_the_missing_file(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    wheel, sdist = dist
    fake_github.add_release(
        TAG, name="omi-openclaw v0.2.0", body="old notes", assets={WHEEL: wheel.read_bytes()}
    )

    report = publish(client(fake_github), dist, body="new notes")

    assert (report.created, report.published) == (False, False)
    assert report.updated == ("body",)
    assert report.uploaded == (SDIST,)
    assert report.unchanged == (WHEEL,)
    release = fake_github.release(TAG)
    assert release is not None and release.body == "new notes"
    assert [c.query["name"] for c in fake_github.calls("POST", "uploads")] == [[SDIST]]
    assert release.data(SDIST) == sdist.read_bytes()


def test_an_interrupted_run_finds_its_draft_and_finishes_it(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    wheel, _ = dist
    fake_github.add_release(
        TAG,
        name="omi-openclaw v0.2.0",
        body="notes",
        draft=True,
        assets={WHEEL: wheel.read_bytes()},
    )

    report = publish(client(fake_github), dist)

    assert (report.created, report.published, report.uploaded) == (False, True, (SDIST,))
    assert [r.tag_name for r in fake_github.releases] == [TAG]
    release = fake_github.release(TAG)
    assert release is not None and not release.draft and release.make_latest == "true"


def test_an_asset_left_half_uploaded_is_deleted_and_uploaded_again(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    wheel, _ = dist
    release = fake_github.add_release(
        TAG,
        name="omi-openclaw v0.2.0",
        body="notes",
        assets={WHEEL: b"", SDIST: dist[1].read_bytes()},
    )
    release.assets[0].state = "starter"

    report = publish(client(fake_github), dist)

    assert report.replaced_broken == (WHEEL,)
    assert report.uploaded == (WHEEL,)
    assert release.data(WHEEL) == wheel.read_bytes()
    assert len(fake_github.calls("DELETE")) == 1


@pytest.mark.parametrize("digests", [True, False], ids=["digest-field", "download-compare"])
def test_a_same_named_asset_with_other_bytes_stops_the_run_and_is_not_overwritten(
    fake_github: FakeGitHub, dist: list[Path], digests: bool
) -> None:
    wheel, _ = dist
    fake_github.digests = digests
    other = bytes(reversed(wheel.read_bytes()))  # same size, other bytes
    fake_github.add_release(TAG, name="old title", body="old", assets={WHEEL: other})

    with pytest.raises(GitHubError) as caught:
        publish(client(fake_github), dist)

    assert WHEEL in caught.value.message and "different bytes" in caught.value.message
    assert "nothing was uploaded" in caught.value.message
    release = fake_github.release(TAG)
    assert release is not None and release.data(WHEEL) == other
    assert release.body == "old"  # checked before the first change
    assert fake_github.calls("POST") == [] and fake_github.calls("PATCH") == []
    downloads = fake_github.calls(host="downloads")
    assert len(downloads) == (0 if digests else 1)


def test_without_digests_an_identical_asset_is_downloaded_without_the_token(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    fake_github.digests = False
    fake_github.add_release(
        TAG, name="omi-openclaw v0.2.0", body="notes", assets={p.name: p.read_bytes() for p in dist}
    )

    report = publish(client(fake_github), dist)

    assert report.unchanged == (WHEEL, SDIST) and not changed(report)
    downloads = fake_github.calls(host="downloads")
    assert len(downloads) == 2
    assert all("authorization" not in call.headers for call in downloads)


def test_an_rc_is_a_prerelease_and_not_marked_latest(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    fake_github.add_tag(TAG)
    publish(client(fake_github), dist, pre=is_prerelease("0.2.0rc1"))

    release = fake_github.release(TAG)
    assert release is not None
    assert (release.prerelease, release.make_latest) == (True, "false")


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.0.0", False),
        ("1.0.0a1", True),
        ("1.0.0b2", True),
        ("1.0.0rc1", True),
        ("1.0.0.dev3", True),
        ("1.0.0.post1", False),
    ],
)
def test_prerelease_follows_pep_440(version: str, expected: bool) -> None:
    assert is_prerelease(version) is expected


def test_a_tag_missing_on_github_is_refused_before_anything_is_created(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    with pytest.raises(GitHubError) as caught:
        publish(client(fake_github), dist)

    assert f"tag {TAG} is not on GitHub" in caught.value.message
    assert f"git push origin {TAG}" in caught.value.hint
    assert fake_github.releases == [] and fake_github.tags_created_by_releases == []


def test_an_immutable_release_missing_a_file_is_reported_not_patched(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    wheel, _ = dist
    fake_github.add_release(
        TAG, name="t", body="b", immutable=True, assets={WHEEL: wheel.read_bytes()}
    )

    with pytest.raises(GitHubError, match="immutable") as caught:
        publish(client(fake_github), dist)

    assert SDIST in caught.value.message
    assert fake_github.calls("POST") == [] and fake_github.calls("PATCH") == []


def test_a_missing_dist_file_is_a_step_failure(fake_github: FakeGitHub, tmp_path: Path) -> None:
    fake_github.add_tag(TAG)
    with pytest.raises(StepFailed, match="does not exist"):
        publish(client(fake_github), [tmp_path / WHEEL])
    assert fake_github.requests == []


def test_release_state_says_missing_draft_or_published_and_which_files(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    gh = client(fake_github)
    wheel = dist[0]
    state = gh.release_state(TAG, dist)
    assert (state.status, state.missing, state.complete) == ("missing", (WHEEL, SDIST), False)
    assert state.describe() == f"no GitHub release for {TAG}"

    fake_github.add_release(TAG, draft=True, assets={WHEEL: wheel.read_bytes()})
    state = gh.release_state(TAG, dist)  # a draft is found although get-by-tag hides it
    assert (state.status, state.present, state.missing) == ("draft", (WHEEL,), (SDIST,))
    assert not state.complete

    fake_github.releases.clear()
    fake_github.add_release(TAG, assets={WHEEL: wheel.read_bytes(), SDIST: b"other bytes"})
    state = gh.release_state(TAG, dist)
    assert (state.status, state.present, state.differing) == ("published", (WHEEL,), (SDIST,))
    assert not state.complete and not state.stuck
    assert state.describe() == (
        f"GitHub release {TAG}: published, 1 asset(s) in place, other bytes in {SDIST}"
    )

    fake_github.releases.clear()
    fake_github.add_release(TAG, assets={p.name: p.read_bytes() for p in dist})
    assert gh.release_state(TAG, dist).complete
    # the release record (file name -> sha256) works without the files on disk
    record = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in dist}
    assert gh.release_state(TAG, record).complete
    assert not gh.release_state(TAG, {**record, "extra.whl": "0" * 64}).complete
    assert [c.method for c in fake_github.requests if c.method != "GET"] == []


# -- errors: each status gets its message and fix ------------------------------------------------


def test_a_rejected_token_is_a_credentials_error(fake_github: FakeGitHub, dist: list[Path]) -> None:
    fake_github.add_tag(TAG)
    gh = GitHub.from_env(fake_github.repo, fake_github.env(GITHUB_TOKEN="ghp_revokedTOKEN42"))
    with pytest.raises(CredentialsError) as caught:
        publish(gh, dist)
    assert "401" in caught.value.message and "Bad credentials" in caught.value.message
    assert "GITHUB_TOKEN" in caught.value.hint
    assert "ghp_revokedTOKEN42" not in str(caught.value)


def test_no_token_fails_before_any_request(fake_github: FakeGitHub, dist: list[Path]) -> None:
    gh = GitHub(fake_github.repo, api_url=fake_github.api_url)
    with pytest.raises(CredentialsError, match="GITHUB_TOKEN is not set") as caught:
        publish(gh, dist)
    assert "contents: write" in caught.value.hint
    assert fake_github.requests == []


@pytest.mark.parametrize(
    ("removed", "need", "call"),
    [
        ("contents=write", "contents: write", "publish"),
        ("checks=read", "checks: read", "ci"),
        ("statuses=read", "statuses: read", "ci"),
        ("issues=read", "issues: read", "issues"),
    ],
)
def test_a_missing_permission_names_the_scope(
    fake_github: FakeGitHub, dist: list[Path], removed: str, need: str, call: str
) -> None:
    fake_github.add_tag(TAG)
    fake_github.permissions.discard(removed)
    gh = client(fake_github)
    with pytest.raises(CredentialsError) as caught:
        if call == "publish":
            publish(gh, dist)
        elif call == "ci":
            gh.ci_status(SHA)
        else:
            gh.critical_issues(["critical"])
    assert "403" in caught.value.message
    assert f"lacks {need}" in caught.value.message
    assert f"GitHub accepts: {removed}" in caught.value.message
    assert need in caught.value.hint
    assert_token_hidden(caught.value)


def test_an_exhausted_rate_limit_says_when_it_resets(fake_github: FakeGitHub) -> None:
    fake_github.rate_limit_remaining = 0
    fake_github.rate_limit_reset = 1_900_000_000
    with pytest.raises(GitHubError) as caught:
        client(fake_github).ci_status(SHA)
    reset = datetime.fromtimestamp(1_900_000_000, tz=timezone.utc)
    assert "rate limit" in caught.value.message
    assert f"{reset:%Y-%m-%d %H:%M:%S} UTC" in caught.value.hint
    assert not isinstance(caught.value, CredentialsError)


def test_a_secondary_rate_limit_says_how_long_to_wait(fake_github: FakeGitHub) -> None:
    fake_github.inject(
        429, message="You have exceeded a secondary rate limit.", headers={"retry-after": "37"}
    )
    with pytest.raises(GitHubError, match="rate limit") as caught:
        client(fake_github).critical_issues(["critical"])
    assert "wait 37 s" in caught.value.hint


def test_an_unknown_repository_points_at_github_repo(fake_github: FakeGitHub) -> None:
    gh = GitHub.from_env("omi-labs/no-such-repo", fake_github.env())
    with pytest.raises(GitHubError) as caught:
        gh.ci_status(SHA)
    assert "404" in caught.value.message and "omi-labs/no-such-repo" in caught.value.message
    assert "github-repo" in caught.value.hint
    assert_token_hidden(caught.value)


def test_a_rejected_release_says_what_conflicts(fake_github: FakeGitHub, dist: list[Path]) -> None:
    fake_github.add_tag(TAG)
    fake_github.inject(
        422,
        method="POST",
        path_contains="/releases",
        message="Validation Failed",
        errors=[{"resource": "Release", "code": "already_exists", "field": "tag_name"}],
    )
    with pytest.raises(GitHubError) as caught:
        publish(client(fake_github), dist)
    assert "422" in caught.value.message
    assert "Release.tag_name already_exists" in caught.value.message
    assert f"a release for {TAG} probably exists already" in caught.value.hint


def test_a_server_error_suggests_a_rerun(fake_github: FakeGitHub) -> None:
    fake_github.inject(502, message="Server Error")
    with pytest.raises(GitHubError, match="502") as caught:
        client(fake_github).critical_issues(["critical"])
    assert "re-run" in caught.value.hint


def test_no_network_says_offline() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gh = GitHub("omi-labs/omi-openclaw", token=FAKE_TOKEN, api_url=f"http://127.0.0.1:{port}")
    with pytest.raises(GitHubError) as caught:
        gh.ci_status(SHA)
    assert "cannot reach GitHub" in caught.value.message
    assert "offline" in caught.value.hint
    assert_token_hidden(caught.value)


def test_an_invalid_repository_name_is_refused() -> None:
    with pytest.raises(GitHubError, match="not a GitHub repository name"):
        GitHub("https://github.com/omi-labs/omi-openclaw")


def test_the_fake_catches_a_request_that_breaks_the_docs(fake_github: FakeGitHub) -> None:
    request = urllib.request.Request(
        f"{fake_github.api_url}/repos/{fake_github.repo}/issues",
        headers={"Authorization": f"Bearer {FAKE_TOKEN}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    found = list(fake_github.violations)
    fake_github.violations.clear()  # this test made them on purpose
    assert any("Accept" in item for item in found)
    assert any("X-GitHub-Api-Version" in item for item in found)


# -- small pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (WHEEL, "application/zip"),
        (SDIST, "application/gzip"),
        ("omi_openclaw-0.2.0.zip", "application/zip"),
        (f"{WHEEL}.publish.attestation", "application/json"),
        ("SHA256SUMS", "application/octet-stream"),
    ],
)
def test_media_type(name: str, kind: str) -> None:
    assert github.media_type(name) == kind


def test_the_token_comes_from_github_token_then_gh_token() -> None:
    assert github.token_from_env({"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}) == "a"
    assert github.token_from_env({"GH_TOKEN": "b"}) == "b"
    assert github.token_from_env({"GITHUB_TOKEN": "  "}) is None
    gh = GitHub.from_env("o/r", {"GITHUB_TOKEN": FAKE_TOKEN})
    assert gh.api_url == "https://api.github.com"
    assert FAKE_TOKEN not in repr(gh)
