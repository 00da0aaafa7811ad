"""No secret ever shows: every command runs with credentials in every place they can be given.

The index URLs carry ``user:token@``, ``TWINE_PASSWORD`` and ``GITHUB_TOKEN`` are set, each to a
recognisable value; the two indexes are real pypiservers that check the upload password (htpasswd)
and GitHub is the fake. Every command of the engine runs — check, versions, plan, publish
--dry-run, doctor, a real publish, publish-test, upload, github-release, yank (refused, then
--mark-only), hotfix — and every output, every file under .git/nox-release, every tag message,
commit message and the CHANGELOG are searched for the secrets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import engine_env, git, run_engine
from tests.fake_github import FakeGitHub
from tests.pypi_server import index_with_password

pytestmark = pytest.mark.slow

USER = "release-bot"
URL_TOKEN = "urltok-7f3c9e1d5b"  # the password written into every RELEASE_*_URL
TWINE_SECRET = "twinepw-2a8e4c6b0d"  # TWINE_PASSWORD, the one the indexes accept
WRONG_SECRET = "twinepw-wrong-91b7"  # a password the indexes refuse
CREDENTIALS_IN_URL = re.compile(r"://[^/\s@]+:[^/\s@]+@")


def with_credentials(url: str) -> str:
    return url.replace("http://", f"http://{USER}:{URL_TOKEN}@", 1)


def test_no_command_shows_a_secret(
    sample_repo: Path, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    project = sample_repo
    fake_github.repo = "omi-dev/omi-openclaw"
    fake_github.add_check_run(git(project, "rev-parse", "HEAD"), "tests")
    secrets = (URL_TOKEN, TWINE_SECRET, WRONG_SECRET, fake_github.token)
    with (
        index_with_password(tmp_path / "test-index", USER, TWINE_SECRET) as test_url,
        index_with_password(tmp_path / "index", USER, TWINE_SECRET) as prod_url,
    ):
        env = engine_env(
            **fake_github.env(),
            RELEASE_TEST_UPLOAD_URL=with_credentials(test_url + "/"),
            RELEASE_TEST_INDEX_URL=with_credentials(test_url + "/simple/"),
            RELEASE_UPLOAD_URL=with_credentials(prod_url + "/"),
            RELEASE_INDEX_URL=with_credentials(prod_url + "/simple/"),
            TWINE_USERNAME=USER,
            TWINE_PASSWORD=TWINE_SECRET,
            RELEASE_VERIFY_TIMEOUT="20",
        )
        fake_github.add_tag("v0.3.0")  # GitHub sees the tag once it is pushed

        def run(*args: str, expect: int | None = 0, **extra: str) -> str:
            done = run_engine(project, *args, env={**env, **extra})
            output = f"$ {' '.join(args)}\n{done.stdout}{done.stderr}"
            if expect is not None:
                assert done.returncode == expect, output
            return output

        outputs = [
            run("versions"),
            run("plan", "0.3.0"),
            run("publish", "0.3.0", "--dry-run", expect=None),
            run("doctor", expect=None),
            run("check", expect=None),
            run("build"),
            # the index refuses the password: twine's own error is shown, no secret
            run("publish-test", "0.2.0", expect=1, TWINE_PASSWORD=WRONG_SECRET),
            run("publish", "0.3.0", "--yes"),
            run("publish-test", "0.3.0"),
            run("upload", "0.3.0", expect=None),
            run("github-release", "0.3.0"),
            run("yank", "0.3.0", "--reason", "broken", "--timeout", "0.5", expect=1),
            run("yank", "0.3.0", "--reason", "broken", "--mark-only"),
            run("hotfix", "0.3.0"),
        ]
        uploaded = sorted(path.name for path in (tmp_path / "index" / "packages").iterdir())

    assert uploaded == ["omi_openclaw-0.3.0-py3-none-any.whl", "omi_openclaw-0.3.0.tar.gz"]
    release = fake_github.release("v0.3.0")
    assert release is not None and len(release.assets) == 2
    everything = "\n".join(outputs)
    # the runs really went through the credentialed URLs (shown without their credentials)
    assert f"{test_url}/" in everything and f"{prod_url}/simple/" in everything
    assert "refused the credentials" in everything

    places = {f"output of {out.splitlines()[0]}": out for out in outputs}
    state = git_dir(project) / "nox-release"
    for path in sorted(state.rglob("*")) if state.is_dir() else []:
        if path.is_file():
            places[str(path.relative_to(project))] = path.read_text(encoding="utf-8")
    assert any(name.endswith(".json") for name in places), "publish recorded no state"
    for tag in git(project, "tag", "--list").split():
        places[f"tag {tag}"] = git(project, "cat-file", "-p", tag)
    places["commit messages"] = git(project, "log", "--all", "--format=%B")
    places["CHANGELOG.md"] = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    for where, text in places.items():
        for secret in secrets:
            assert secret not in text, f"{where} shows a secret:\n{text}"
        assert not CREDENTIALS_IN_URL.search(text), f"{where} shows a URL's credentials:\n{text}"


def git_dir(project: Path) -> Path:
    return Path(git(project, "rev-parse", "--absolute-git-dir"))
