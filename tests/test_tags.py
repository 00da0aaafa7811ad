"""The tag format, inferred from the tags a project already has."""

from __future__ import annotations

from pathlib import Path

import pytest

from release import config
from release.errors import ConfigError
from release.versions import tags

from .conftest import git, run_engine


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (["v1.0.0", "v1.1.0", "nightly", "v1"], "v{version}"),
        (["1.0.0", "1.1.0rc1", "latest"], "{version}"),
        (["release-1.2.0"], "release-{version}"),
        (["pkg/v0.3.1", "pkg/v0.4.0"], "pkg/v{version}"),
        ([], "v{version}"),
        (["nightly", "stable"], "v{version}"),
    ],
)
def test_infer(found: list[str], expected: str) -> None:
    assert tags.infer(found).format == expected


def test_the_origin_names_the_newest_tags() -> None:
    inferred = tags.infer(["v1.0.0", "v1.10.0", "v1.9.0"])
    assert inferred.origin == "inferred from tags v1.10.0, v1.9.0 and 1 more"
    assert tags.infer([]).origin == "default: no version tags yet"


def test_mixed_formats_are_ambiguous_and_name_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        tags.infer(["v1.0.0", "1.1.0"])
    assert "v1.0.0" in caught.value.message and "1.1.0" in caught.value.message
    assert 'tag-format = "v{version}" or "{version}"' not in caught.value.hint
    assert "tag-format" in caught.value.hint
    assert '"{version}"' in caught.value.hint and '"v{version}"' in caught.value.hint


@pytest.mark.parametrize(
    ("fmt", "tag", "version"),
    [
        ("v{version}", "v1.2.0", "1.2.0"),
        ("v{version}", "1.2.0", None),
        ("{version}", "v1.2.0", None),
        ("release-{version}", "release-2.0rc1", "2.0rc1"),
        ("v{version}", "v", None),
        ("v{version}", "vnext", None),
    ],
)
def test_version_of(fmt: str, tag: str, version: str | None) -> None:
    parsed = tags.version_of(fmt, tag)
    assert (str(parsed) if parsed else None) == version


def test_last_tag_is_the_highest_version_not_the_newest_name() -> None:
    assert tags.last_tag("v{version}", ["v1.9.0", "v1.10.0", "v2.0.0rc1", "x"]) == (
        "v2.0.0rc1",
        tags.version_of("v{version}", "v2.0.0rc1"),
    )
    assert tags.last_tag("v{version}", ["1.0.0"]) is None


def test_config_infers_from_the_repository_and_a_set_key_wins(sample_repo: Path) -> None:
    git(sample_repo, "tag", "0.1.0")
    cfg = config.load(sample_repo, env={})
    assert (cfg.tag_format, cfg.tag_format_origin) == ("{version}", "inferred from tags 0.1.0")
    assert cfg.tag("0.2.0") == "0.2.0"
    git(sample_repo, "tag", "v0.0.9")
    with pytest.raises(ConfigError, match="more than one format"):
        config.load(sample_repo, env={})
    pyproject = sample_repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "[tool.release]\n", '[tool.release]\ntag-format = "v{version}"\n'
        )
    )
    cfg = config.load(sample_repo, env={})
    assert (cfg.tag_format, cfg.tag_format_origin) == ("v{version}", "set in [tool.release]")


def test_ambiguous_tags_exit_2_naming_the_key(sample_repo: Path) -> None:
    git(sample_repo, "tag", "0.1.0")
    git(sample_repo, "tag", "v0.0.9")
    done = run_engine(sample_repo, "versions")
    assert done.returncode == 2
    assert "tag-format" in done.stderr
