"""GitHub's rules the release follows: immutable releases, and "Latest" for hotfixes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from release import checklist, config
from release.errors import GitHubError
from release.github import GitHub, should_be_latest, tagged_versions
from tests.conftest import ASSET_SDIST as SDIST, ASSET_WHEEL as WHEEL
from tests.conftest import engine_env, git, run_engine, write_assets
from tests.fake_github import FakeGitHub

TAG = "v0.2.0"


@pytest.fixture
def dist(tmp_path: Path) -> list[Path]:
    return write_assets(tmp_path / "dist")


def client(fake: FakeGitHub) -> GitHub:
    return GitHub.from_env(fake.repo, fake.env())


def publish(
    fake: FakeGitHub, files: list[Path], *, latest: bool = True, version: str | None = None
) -> str:
    gh = client(fake)
    report = gh.publish_release(
        tag=TAG,
        title="OMI v0.2.0",
        body="notes",
        prerelease=False,
        files=files,
        latest=latest,
        version=version,
    )
    return str(report)


# -- immutable releases ---------------------------------------------------------------------------


@pytest.fixture
def immutable_releases(fake_github: FakeGitHub) -> None:
    """The repository has immutable releases turned on, and the release's tag is pushed."""
    fake_github.immutable_releases = True
    fake_github.add_tag(TAG)


@pytest.mark.slow
@pytest.mark.usefixtures("immutable_releases")
def test_with_immutable_releases_every_asset_goes_up_before_the_release_is_published(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    publish(fake_github, dist)

    release = fake_github.release(TAG)
    assert release is not None and release.immutable and not release.draft
    assert {asset.name for asset in release.assets} == {WHEEL, SDIST}
    state = client(fake_github).release_state(TAG, dist)
    assert state.complete and state.immutable and not state.stuck


@pytest.mark.slow
@pytest.mark.usefixtures("immutable_releases")
def test_a_published_immutable_release_missing_a_file_says_it_can_never_get_it(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    wheel, _ = dist
    publish(fake_github, [wheel])  # published with the wheel only: now frozen

    gh = client(fake_github)
    state = gh.release_state(TAG, dist)
    assert (state.status, state.immutable, state.missing, state.stuck) == (
        "published",
        True,
        (SDIST,),
        True,
    )
    before = len(fake_github.requests)
    with pytest.raises(GitHubError) as caught:
        publish(fake_github, dist, version="0.2.0")

    message, hint = caught.value.message, caught.value.hint
    assert f"lacks {SDIST}" in message and "cannot be added any more" in message
    assert "nothing was changed" in message
    assert "nox -s publish -- 0.2.1" in hint and "never move, delete or reuse the tag" in hint
    assert [c.method for c in fake_github.requests[before:]] == ["GET", "GET"]


@pytest.mark.slow
@pytest.mark.usefixtures("immutable_releases")
def test_the_fake_refuses_what_github_refuses_on_an_immutable_release(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    """The fake enforces immutability as GitHub documents it, whatever the client does."""
    publish(fake_github, dist[:1])
    release = fake_github.release(TAG)
    assert release is not None
    gh = client(fake_github)
    base = f"releases/{release.id}"
    upload = f"{fake_github.uploads_url}/repos/{fake_github.repo}/{base}/assets?name={SDIST}"
    with pytest.raises(GitHubError, match="Cannot upload assets to an immutable release"):
        gh.request(
            "POST",
            upload,
            data=b"x",
            content_type="application/gzip",
            what="uploading",
            need="contents: write",
            ok=(201,),
        )
    asset_url = gh.repo_url(f"releases/assets/{release.assets[0].id}")
    with pytest.raises(GitHubError, match="Cannot delete assets of an immutable release"):
        gh.request("DELETE", asset_url, what="deleting", need="contents: write", ok=(204,))
    with pytest.raises(GitHubError, match="only the title and notes"):
        gh.request("PATCH", gh.repo_url(base), payload={"prerelease": True}, what="x", need="x")
    gh.request("PATCH", gh.repo_url(base), payload={"body": "new notes"}, what="x", need="x")
    assert release.body == "new notes" and len(release.assets) == 1


@pytest.mark.slow
def test_a_mutable_published_release_still_gets_its_missing_file(
    fake_github: FakeGitHub, dist: list[Path]
) -> None:
    wheel, _ = dist
    fake_github.add_tag(TAG)
    publish(fake_github, [wheel])
    assert "uploaded 1 asset(s)" in publish(fake_github, dist)
    release = fake_github.release(TAG)
    assert release is not None and not release.immutable and len(release.assets) == 2


# -- "Latest" ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "tags", "latest"),
    [
        ("0.3.0", ["v0.1.0", "v0.2.0"], True),
        ("0.2.1", ["v0.2.0", "v0.3.0"], False),  # a hotfix of an older line
        ("0.2.1", ["v0.2.0", "v0.3.0rc1"], True),  # a higher pre-release does not count
        ("0.4.0rc1", ["v0.3.0"], False),  # GitHub never marks a pre-release latest
        ("1.0.0", ["v1.0.0", "other-9.9.9", "vnot-a-version"], True),
    ],
)
def test_should_be_latest(version: str, tags: list[str], latest: bool) -> None:
    assert should_be_latest(version, tags, "v{version}") is latest


def test_tagged_versions_follow_the_tag_format() -> None:
    tags = ["omi-1.0.0", "v2.0.0", "omi-1.1.0-final", "omi-x"]
    assert [str(v) for v in tagged_versions(tags, "omi-{version}")] == ["1.0.0"]


@pytest.mark.slow
def test_a_hotfix_release_is_not_marked_latest_and_its_tag_passes_the_branch_row(
    sample_repo: Path, fake_github: FakeGitHub
) -> None:
    project = sample_repo
    fake_github.repo = config.load(project).github_repo or ""
    git(project, "tag", "-a", "v0.2.0", "-m", "0.2.0")
    # 0.3.0 is out, from main
    assert run_engine(project, "bump", "0.3.0", "--date", "2026-11-01").returncode == 0
    git(project, "commit", "-qam", "Release version 0.3.0")
    git(project, "tag", "-a", "v0.3.0", "-m", "0.3.0")
    git(project, "push", "-q", "origin", "main", "v0.2.0", "v0.3.0")
    # the hotfix of 0.2.0
    assert run_engine(project, "hotfix", "0.2.0").returncode == 0
    changelog = project / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(
        text.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Security\n- a fix.\n", 1),
        encoding="utf-8",
    )
    assert run_engine(project, "bump", "0.2.1", "--date", "2026-11-05").returncode == 0
    git(project, "commit", "-qam", "Release version 0.2.1")
    git(project, "tag", "-a", "v0.2.1", "-m", "0.2.1")
    git(project, "push", "-q", "origin", "hotfix/0.2.1", "v0.2.1")
    built = run_engine(project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    for tag in ("v0.2.0", "v0.3.0"):
        fake_github.add_release(tag, name=tag)
    fake_github.latest_tag = "v0.3.0"
    fake_github.add_tag("v0.2.1", git(project, "rev-parse", "v0.2.1^{commit}"))

    done = run_engine(project, "github-release", "0.2.1", env=engine_env(**fake_github.env()))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "published (not marked latest)" in done.stdout
    release = fake_github.release("v0.2.1")
    assert release is not None and release.make_latest == "false" and not release.draft
    assert fake_github.latest_tag == "v0.3.0"
    wheel = project / "dist" / "omi_openclaw-0.2.1-py3-none-any.whl"
    assert (
        hashlib.sha256(release.data(wheel.name)).hexdigest()
        == hashlib.sha256(wheel.read_bytes()).hexdigest()
    )

    # CI checks the tag out: a detached HEAD on the hotfix branch is on a release branch
    git(project, "checkout", "-q", "--detach", "v0.2.1")
    rows = checklist.branch_item(checklist.Context(config.load(project)))
    assert [(r.status, r.reason) for r in rows] == [
        ("PASS", "detached HEAD contained in origin/hotfix/0.2.1")
    ]
    # a commit on no release branch still fails the row
    git(project, "commit", "-q", "--allow-empty", "-m", "local experiment")
    rows = checklist.branch_item(checklist.Context(config.load(project)))
    assert rows[0].status == "FAIL"
