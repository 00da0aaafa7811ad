"""The GitHub release of a tag and its assets: what state it is in, and making it complete.

A release is created as a draft, its assets are uploaded, and only then is it published: with
immutable releases enabled, GitHub forbids adding, changing or deleting assets once a release is
published (only its title and notes can still change), so this order is the one that works
everywhere. A draft is invisible to the get-by-tag endpoint, so a re-run after a crash finds it in
the release list and carries on.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from packaging.version import InvalidVersion

from .. import killpoint
from ..errors import GitHubError, StepFailed
from ..version import next_patch
from . import checks
from .model import (
    DRAFT,
    MISSING,
    PUBLISHED,
    Files,
    LocalFile,
    ReleaseReport,
    ReleaseState,
    local_files,
    media_type,
)
from .transport import (
    NEED_CONTENTS_READ,
    NEED_CONTENTS_WRITE,
    Transport,
    as_dict,
    quote,
)


@dataclass(frozen=True)
class _AssetPlan:
    missing: list[LocalFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    broken: list[dict[str, Any]] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)


class GitHub(Transport):
    """The GitHub REST API for one repository (``owner/name``): releases, CI, issues."""

    # -- the operations ---------------------------------------------------------------------

    def release_state(self, tag: str, files: Files) -> ReleaseState:
        """The release of ``tag`` (missing / draft / published), and which ``files`` it has.

        ``files`` are paths (compared by size and sha256) or a record ``{name: sha256}``.
        Reads only; a draft left by an interrupted run counts as a draft.
        """
        local = local_files(files)
        release = self._find_release(tag)
        if release is None:
            return ReleaseState(tag, MISSING, missing=tuple(local))
        plan = self._plan_assets(self._assets(release), local)
        return ReleaseState(
            tag,
            DRAFT if release.get("draft") else PUBLISHED,
            url=str(release.get("html_url") or ""),
            immutable=bool(release.get("immutable")),
            present=tuple(plan.unchanged),
            missing=tuple(item.name for item in plan.missing),
            differing=tuple(plan.differing),
        )

    def publish_release(
        self,
        *,
        tag: str,
        title: str,
        body: str,
        prerelease: bool,
        files: Sequence[Path],
        latest: bool = True,
        version: str | None = None,
    ) -> ReleaseReport:
        """Create or complete the release for ``tag``; safe to run again.

        Every asset decision is taken before anything changes: a file already attached with other
        bytes stops the run (GitHubError) and nothing is overwritten. ``latest`` = False (a
        hotfix of an older line) publishes without taking GitHub's "Latest" mark. ``version``
        only names the next patch version in the message about a stuck immutable release.
        """
        self.require_token("publish the GitHub release", NEED_CONTENTS_WRITE)
        local = local_files(files)
        release = self._find_release(tag)
        created = release is None
        if release is None:
            self._require_remote_tag(tag)
            release = self._create_draft(tag, title, body, prerelease)
            killpoint.hit("github.draft")
            plan = _AssetPlan(missing=list(local.values()))
        else:
            plan = self._plan_assets(self._assets(release), local)
        frozen = bool(release.get("immutable")) and not release.get("draft")
        if frozen and (plan.missing or plan.differing):
            raise _immutable_error(self.repo, tag, plan, version)
        if plan.differing:
            raise GitHubError(
                f"the GitHub release {tag} already has {', '.join(plan.differing)} with "
                "different bytes than dist/; nothing was uploaded or overwritten",
                "find out which build is the released one; if the release's file is wrong, delete "
                f"that asset on https://github.com/{self.repo}/releases/tag/{tag} and re-run",
            )
        updated = () if created else self._sync_text(release, title, body, prerelease, frozen)
        for asset in plan.broken:
            self._delete_asset(asset)
        uploaded = []
        for item in plan.missing:
            uploaded.append(self._upload(release, item).get("name", item.name))
            killpoint.hit("github.asset")
        published = False
        marked_latest = False
        if release.get("draft"):
            marked_latest = latest and not prerelease
            release = self._publish_draft(release, tag, marked_latest)
            killpoint.hit("github.published")
            published = True
        return ReleaseReport(
            tag=tag,
            url=str(release.get("html_url") or ""),
            created=created,
            published=published,
            latest=marked_latest,
            updated=updated,
            uploaded=tuple(str(name) for name in uploaded),
            unchanged=tuple(plan.unchanged),
            replaced_broken=tuple(str(asset.get("name")) for asset in plan.broken),
        )

    def ci_status(self, sha: str, *, ignore_run_id: str | None = None) -> tuple[str, str]:
        """See :func:`release.github.checks.ci_status`."""
        return checks.ci_status(self, sha, ignore_run_id=ignore_run_id)

    def critical_issues(self, labels: Sequence[str]) -> list[tuple[int, str]]:
        """See :func:`release.github.checks.critical_issues`."""
        return checks.critical_issues(self, labels)

    # -- releases ---------------------------------------------------------------------------

    def _published_release(self, tag: str) -> dict[str, Any] | None:
        self.require_token("look up the GitHub release", NEED_CONTENTS_READ)
        found = self.read_or_none(
            f"releases/tags/{quote(tag)}", what=f"looking up the release for {tag}"
        )
        return None if found is None else as_dict(found, "release")

    def _find_release(self, tag: str) -> dict[str, Any] | None:
        release = self._published_release(tag)
        if release is not None:
            return release
        # a draft left by an interrupted run is not found by tag; it is among the newest releases
        url = self.repo_url("releases")
        for item in self.pages(url, what="listing releases", need=NEED_CONTENTS_READ, pages=1):
            candidate = as_dict(item, "release")
            if candidate.get("draft") and candidate.get("tag_name") == tag:
                return candidate
        return None

    def _require_remote_tag(self, tag: str) -> None:
        found = self.read_or_none(
            f"git/ref/tags/{quote(tag)}", what=f"checking that tag {tag} is on GitHub"
        )
        if not isinstance(found, dict):
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
        reply = self.request(
            "POST",
            self.repo_url("releases"),
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
        return as_dict(reply.json(), "release")

    def _sync_text(
        self, release: dict[str, Any], title: str, body: str, prerelease: bool, frozen: bool
    ) -> tuple[str, ...]:
        wanted: dict[str, Any] = {"name": title, "body": body}
        if not frozen:  # an immutable release keeps everything but its title and notes
            wanted["prerelease"] = prerelease
        changes = {key: value for key, value in wanted.items() if release.get(key) != value}
        if not changes:
            return ()
        release.update(self._edit(release, changes, f"updating the release {release['tag_name']}"))
        return tuple({"name": "title"}.get(key, key) for key in changes)

    def _publish_draft(self, release: dict[str, Any], tag: str, latest: bool) -> dict[str, Any]:
        payload = {"draft": False, "make_latest": "true" if latest else "false"}
        return self._edit(release, payload, f"publishing the release {tag}")

    def _edit(self, release: dict[str, Any], payload: dict[str, Any], what: str) -> dict[str, Any]:
        reply = self.request(
            "PATCH",
            self.repo_url(f"releases/{int(release['id'])}"),
            payload=payload,
            what=what,
            need=NEED_CONTENTS_WRITE,
        )
        return as_dict(reply.json(), "release")

    # -- assets -----------------------------------------------------------------------------

    def _assets(self, release: dict[str, Any]) -> list[dict[str, Any]]:
        url = self.repo_url(f"releases/{int(release['id'])}/assets")
        what = f"listing the assets of {release.get('tag_name')}"
        return [
            as_dict(item, "asset") for item in self.pages(url, what=what, need=NEED_CONTENTS_READ)
        ]

    def _plan_assets(
        self, assets: list[dict[str, Any]], local: Mapping[str, LocalFile]
    ) -> _AssetPlan:
        plan = _AssetPlan()
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
                plan.differing.append(name)
        return plan

    def _same_bytes(self, asset: dict[str, Any], item: LocalFile) -> bool:
        if item.size is not None and asset.get("size") != item.size:
            return False
        digest = asset.get("digest")
        if isinstance(digest, str) and digest.startswith("sha256:"):
            return digest.split(":", 1)[1].lower() == item.sha256
        return self._download_sha256(asset) == item.sha256

    def _download_sha256(self, asset: dict[str, Any]) -> str:
        reply = self.request(
            "GET",
            self.repo_url(f"releases/assets/{int(asset['id'])}"),
            accept="application/octet-stream",
            what=f"downloading the asset {asset.get('name')} to compare it",
            need=NEED_CONTENTS_READ,
        )
        return hashlib.sha256(reply.body).hexdigest()

    def _delete_asset(self, asset: dict[str, Any]) -> None:
        self.request(
            "DELETE",
            self.repo_url(f"releases/assets/{int(asset['id'])}"),
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
        if item.path is None:
            raise StepFailed(
                f"{item.name} is not on disk, so it cannot be attached to the GitHub release",
                "build the distributions first (nox -s build) and re-run",
            )
        base = template.split("{", 1)[0]
        url = f"{base}?{urllib.parse.urlencode({'name': item.name})}"
        data = item.path.read_bytes()
        reply = self.request(
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
        return as_dict(reply.json(), "asset")


def _immutable_error(repo: str, tag: str, plan: _AssetPlan, version: str | None) -> GitHubError:
    try:
        following = f"nox -s publish -- {next_patch(version)}" if version else ""
    except InvalidVersion:
        following = ""
    following = following or "nox -s publish -- <the next patch version>"
    lacking = [item.name for item in plan.missing]
    problems = []
    if lacking:
        problems.append("lacks " + ", ".join(lacking))
    if plan.differing:
        problems.append("has other bytes in " + ", ".join(plan.differing))
    return GitHubError(
        f"the GitHub release {tag} is published and immutable, and it {' and '.join(problems)}: "
        "GitHub does not let anyone add, replace or delete the assets of an immutable release, so "
        "they cannot be added any more; nothing was changed",
        "the files on the package index are the release and stay as they are; to ship a GitHub "
        f"release with every file, release the next patch version ({following}) — "
        f"never move, delete or reuse the tag {tag}. See https://github.com/{repo}/releases/tag/"
        f"{tag}",
    )
