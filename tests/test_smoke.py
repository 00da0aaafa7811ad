"""release.smoke: the sample's real wheel in real fresh venvs."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from release import dist, smoke
from release.errors import CheckFailed, UsageError
from release.output import result_lines
from release.smoke import SmokeResult, checks
from release.demo import SAMPLE

COMMANDS = ["omi --version", "omi init --data-dir {tmp}/data", "omi status --data-dir {tmp}/data"]


def build_sample(target: Path, *, init_version: str = "0.2.0", cli_version: str = "0.2.0") -> Path:
    """A copy of the sample, with the given ``__version__`` copies, built; returns the wheel."""
    project = target / "sample"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("dist", "__pycache__"))
    package = project / "src" / "omi_openclaw"
    for module, version in (("__init__.py", init_version), ("cli.py", cli_version)):
        path = package / module
        path.write_text(
            path.read_text().replace('__version__ = "0.2.0"', f'__version__ = "{version}"')
        )
    files = dist.build(project, project / "dist")
    return next(path for path in files if path.suffix == ".whl")


@pytest.fixture
def wheel(sample_dist: Path) -> Path:
    """The sample's wheel at 0.2.0, built once per run."""
    return next(path for path in sample_dist.iterdir() if path.suffix == ".whl")


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where smoke_test creates its temporary venv and scratch dir, to check they are removed."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def by_what(results: list[SmokeResult]) -> dict[str, SmokeResult]:
    return {result.what: result for result in results}


@pytest.mark.slow
def test_smoke_passes_on_the_sample_wheel(wheel: Path, temp_root: Path) -> None:
    commands = [*COMMANDS, "python -m omi_openclaw.cli --version"]
    results = smoke.smoke_test(wheel, package="omi_openclaw", version="0.2.0", commands=commands)
    smoke.check_smoke(results)
    found = by_what(results)
    assert list(found) == [f"install {wheel.name}", "import omi_openclaw", *commands]
    assert all(result.ok for result in results)
    imported = found["import omi_openclaw"].detail
    assert imported.startswith("__version__ 0.2.0 (")
    assert "site-packages" in imported and str(SAMPLE) not in imported
    assert found["omi --version"].detail == "omi 0.2.0"
    assert found["omi status --data-dir {tmp}/data"].detail.startswith("OMI data in ")
    assert list(temp_root.iterdir()) == []


@pytest.mark.slow
def test_a_short_upload_password_bends_no_output_the_smoke_test_reads(
    wheel: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Output is masked of secret values; a password "0" masked "0.2.0" into "***.2.***" and
    failed a good wheel. The smoke venv's commands get no credentials, so nothing is masked."""
    monkeypatch.setenv("TWINE_PASSWORD", "0")
    monkeypatch.setenv("GITHUB_TOKEN", "y")

    results = smoke.smoke_test(wheel, package="omi_openclaw", version="0.2.0", commands=COMMANDS)

    smoke.check_smoke(results)
    assert by_what(results)["omi --version"].detail == "omi 0.2.0"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("init_version", "cli_version", "failing"),
    [("0.2.0", "0.2.1", "omi --version"), ("0.2.1", "0.2.0", "import omi_openclaw")],
)
def test_smoke_fails_when_a_version_copy_drifted(
    tmp_path: Path, temp_root: Path, init_version: str, cli_version: str, failing: str
) -> None:
    wheel = build_sample(tmp_path, init_version=init_version, cli_version=cli_version)
    results = smoke.smoke_test(wheel, package="omi_openclaw", version="0.2.0", commands=COMMANDS)
    failed = [result for result in results if not result.ok]
    assert [result.what for result in failed] == [failing]
    assert "0.2.1" in failed[0].detail and "0.2.0" in failed[0].detail
    with pytest.raises(CheckFailed) as caught:
        smoke.check_smoke(results)
    assert f"1 of {len(results)} smoke checks failed" in caught.value.message
    assert failing in caught.value.message
    assert list(temp_root.iterdir()) == []


@pytest.mark.slow
def test_smoke_fails_when_a_command_exits_non_zero(wheel: Path, temp_root: Path) -> None:
    command = "omi status --data-dir {tmp}/never-initialised"
    results = smoke.smoke_test(
        wheel, package="omi_openclaw", version="0.2.0", commands=["omi --version", command]
    )
    found = by_what(results)
    assert found["omi --version"].ok
    assert not found[command].ok
    assert found[command].detail.startswith("exit 1: not initialised")
    assert list(temp_root.iterdir()) == []


@pytest.mark.slow
def test_a_command_that_hangs_fails_after_the_timeout(wheel: Path, temp_root: Path) -> None:
    command = "python -c 'import time; time.sleep(30)'"
    started = time.monotonic()
    results = smoke.smoke_test(
        wheel, package=None, version="0.2.0", commands=[command], command_timeout=1.0
    )
    assert time.monotonic() - started < 20
    assert not by_what(results)[command].ok
    assert "did not finish within 1 s" in by_what(results)[command].detail
    assert list(temp_root.iterdir()) == []


@pytest.mark.slow
def test_smoke_fails_on_programs_the_wheel_did_not_install(wheel: Path, temp_root: Path) -> None:
    results = smoke.smoke_test(
        wheel, package=None, version="0.2.0", commands=["no-such-program --help", "ls"]
    )
    found = by_what(results)
    assert list(found) == [f"install {wheel.name}", "no-such-program --help", "ls"]
    assert "no-such-program is not installed in the venv" in found["no-such-program --help"].detail
    assert "outside the venv" in found["ls"].detail
    assert not found["ls"].ok


@pytest.mark.slow
def test_smoke_never_imports_from_pythonpath(
    wheel: Path, temp_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source tree on PYTHONPATH with another version must not shadow the installed wheel."""
    shadow = tmp_path / "shadow" / "omi_openclaw"
    shutil.copytree(SAMPLE / "src" / "omi_openclaw", shadow)
    for module in ("__init__.py", "cli.py"):
        text = (shadow / module).read_text().replace('"0.2.0"', '"9.9.9"')
        (shadow / module).write_text(text)
    monkeypatch.setenv("PYTHONPATH", str(shadow.parent))
    results = smoke.smoke_test(wheel, package="omi_openclaw", version="0.2.0", commands=COMMANDS)
    assert all(result.ok for result in results), result_lines(results)


@pytest.mark.slow
def test_a_broken_wheel_fails_the_install_and_stops(tmp_path: Path, temp_root: Path) -> None:
    broken = tmp_path / "omi_openclaw-0.2.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    results = smoke.smoke_test(broken, package="omi_openclaw", version="0.2.0", commands=COMMANDS)
    assert len(results) == 1
    assert results[0].what == f"install {broken.name}" and not results[0].ok
    assert "pip failed" in results[0].detail
    assert list(temp_root.iterdir()) == []


@pytest.mark.slow
def test_venv_and_scratch_dir_are_removed_when_a_check_raises(
    wheel: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []

    def interrupted(venv: object, package: str, version: str) -> SmokeResult:
        seen.extend(temp_root.iterdir())
        raise KeyboardInterrupt

    monkeypatch.setattr(checks, "check_import", interrupted)
    with pytest.raises(KeyboardInterrupt):
        smoke.smoke_test(wheel, package="omi_openclaw", version="0.2.0", commands=COMMANDS)
    assert len(seen) == 1 and seen[0].name.startswith("release-smoke-")
    assert list(temp_root.iterdir()) == []


def test_bad_commands_are_rejected_before_any_venv(tmp_path: Path, temp_root: Path) -> None:
    wheel = tmp_path / "x-1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    with pytest.raises(UsageError, match="cannot be split"):
        smoke.smoke_test(wheel, package=None, version="1.0", commands=["omi 'unclosed"])
    with pytest.raises(UsageError, match="empty smoke command"):
        smoke.smoke_test(wheel, package=None, version="1.0", commands=["  "])
    with pytest.raises(UsageError, match="does not exist"):
        smoke.smoke_test(tmp_path / "missing.whl", package=None, version="1.0", commands=[])
    assert list(temp_root.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("uv", [True, False], ids=["uv", "python-m-venv"])
def test_fresh_venv_is_a_new_empty_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uv: bool
) -> None:
    if uv and shutil.which("uv") is None:
        pytest.skip("uv is not on PATH")
    if not uv:
        monkeypatch.setenv("PATH", "")
    python = smoke.fresh_venv(tmp_path / "venv")
    prefix = subprocess.run(
        [str(python), "-c", "import sys; print(sys.prefix != sys.base_prefix, sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert prefix == ["True", str(tmp_path / "venv")]
    with pytest.raises(UsageError, match="already exists"):
        smoke.fresh_venv(tmp_path / "venv")


def test_check_smoke_lists_every_failure() -> None:
    results = [
        SmokeResult("install x", True, "ok"),
        SmokeResult("x --version", False, "printed 'x 1.0', expected 1.1"),
        SmokeResult("x run", False, "exit 2: boom"),
    ]
    with pytest.raises(CheckFailed) as caught:
        smoke.check_smoke(results)
    assert "2 of 3 smoke checks failed" in caught.value.message
    assert "x --version: printed 'x 1.0', expected 1.1" in caught.value.message
    assert "x run: exit 2: boom" in caught.value.message
    smoke.check_smoke(results[:1])
    with pytest.raises(CheckFailed, match="no smoke check ran"):
        smoke.check_smoke([])


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("omi 0.2.0", True),
        ("omi v0.2.0\n", True),
        ("version: 0.2.0.", True),
        ("omi 0.2.01", False),
        ("omi 10.2.0", False),
        ("omi 0.2.0.dev1", False),
        ("omi 0.2.0rc1", False),
        ("omi 0.2", False),
    ],
)
def test_prints_version(output: str, expected: bool) -> None:
    assert smoke.prints_version(output, "0.2.0") is expected


def test_same_version() -> None:
    assert smoke.same_version("1.0rc1", "1.0.0-rc1")
    assert not smoke.same_version("1.0.1", "1.0.0")
    assert smoke.same_version("weird", "weird")
    assert not smoke.same_version("weird", "1.0")
