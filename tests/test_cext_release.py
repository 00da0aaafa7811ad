"""A real C-extension project (tests/cext): its wheel is built here, the other platforms' wheels are
made from it by retagging (a stand-in for CI's cibuildwheel artifacts), and the many-wheel dist/ is
checked and uploaded, resumably, to a real pypiserver; publish refuses to release it locally."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from release import checklist, config, dist, index, matrixdist, publish, smoke
from release.errors import CheckFailed, ReleaseError, UsageError
from tests.conftest import engine_env, git, run_engine
from tests.pypi_server import PypiServer
from tests.retag import retag

pytestmark = pytest.mark.slow

CEXT = Path(__file__).parent / "cext"
PYTHON = f"cp{sys.version_info.major}{sys.version_info.minor}"
LOCAL_PLATFORM = sysconfig.get_platform().replace("-", "_").replace(".", "_")
# The platforms CI's jobs would add (cibuildwheel's Linux wheels are auditwheel-repaired).
CI_PLATFORMS = (
    "manylinux_2_17_x86_64.manylinux2014_x86_64",
    "macosx_10_9_x86_64",
    "macosx_11_0_arm64",
    "win_amd64",
)
ADD_CHECK = "python -c 'import cext_demo, sys; sys.exit(cext_demo.add(2, 3) != 5)'"


def make_project(where: Path) -> Path:
    """tests/cext, building for this interpreter's CPython only (as cibuildwheel's build = ...)."""
    root = where / "cext"
    shutil.copytree(CEXT, root, ignore=shutil.ignore_patterns("build", "dist", "*.egg-info"))
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").replace(
        "[tool.cibuildwheel]\n", f'[tool.cibuildwheel]\nbuild = "{PYTHON}-*"\n'
    )
    text += f'\n[tool.release]\nsmoke-commands = ["{ADD_CHECK}"]\n'
    pyproject.write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "cext-demo 1.2.0")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The project and its real build here: sdist and this machine's wheel."""
    root = make_project(tmp_path_factory.mktemp("cext"))
    return root, dist.build(root, root.parent / "local-dist")


def gathered_dist(root: Path, files: list[Path]) -> Path:
    """dist/ as CI's publish job gathers it: the sdist and one wheel per platform."""
    outdir = root / "dist"
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir()
    sdist = next(path for path in files if path.name.endswith(".tar.gz"))
    wheel = next(path for path in files if path.name.endswith(".whl"))
    shutil.copy2(sdist, outdir)
    for platform in CI_PLATFORMS:
        retag(wheel, platform, outdir)
    return outdir


def test_the_c_extension_builds_a_real_platform_wheel_here(built: tuple[Path, list[Path]]) -> None:
    root, files = built
    names = sorted(path.name for path in files)
    assert names == [
        f"cext_demo-1.2.0-{PYTHON}-{PYTHON}-{LOCAL_PLATFORM}.whl",
        "cext_demo-1.2.0.tar.gz",
    ]
    with zipfile.ZipFile(files[0] if files[0].suffix == ".whl" else files[1]) as wheel:
        assert any(name.startswith("cext_demo/_speed.") for name in wheel.namelist())
    results = smoke.smoke_test(
        next(p for p in files if p.suffix == ".whl"),
        package="cext_demo",
        version="1.2.0",
        commands=[ADD_CHECK],
    )
    assert [result.ok for result in results] == [True] * len(results), results
    plan = matrixdist.wheel_plan(config.load(root))
    assert plan.matrix and "setup.py passes ext_modules" in plan.reasons


def test_release_check_builds_this_machines_wheel_and_leaves_the_rest_to_ci(
    built: tuple[Path, list[Path]],
) -> None:
    root, _ = built
    rows = checklist.package_item(checklist.Context(config.load(root)))
    assert [(row.item, row.status) for row in rows] == [("build", "PASS"), ("smoke", "PASS")]
    build = rows[0].reason
    assert f"{PYTHON}-{LOCAL_PLATFORM}.whl" in build and "cext_demo-1.2.0.tar.gz" in build
    assert "the 4 platform builds asked for by" in build and "built in CI by cibuildwheel" in build


def test_the_retagged_wheels_are_well_formed(built: tuple[Path, list[Path]]) -> None:
    root, files = built
    outdir = gathered_dist(root, files)
    for wheel in sorted(outdir.glob("*.whl")):
        # wheel unpack checks every RECORD hash and size
        unpacked = subprocess.run(
            [sys.executable, "-m", "wheel", "unpack", "-d", str(root / "unpacked"), str(wheel)],
            capture_output=True,
            text=True,
        )
        assert unpacked.returncode == 0, unpacked.stderr
        tags = wheel.name[: -len(".whl")].split("-", 3)[3]
        with zipfile.ZipFile(wheel) as archive:
            text = archive.read("cext_demo-1.2.0.dist-info/WHEEL").decode()
        assert [line for line in text.splitlines() if line.startswith("Tag:")] == [
            f"Tag: {PYTHON}-{PYTHON}-{platform}" for platform in tags.split("-")[-1].split(".")
        ]


def test_the_many_wheel_dist_is_checked_and_reported(built: tuple[Path, list[Path]]) -> None:
    root, files = built
    cfg = config.load(root)
    outdir = gathered_dist(root, files)
    found = matrixdist.dist_files(cfg, outdir, "1.2.0", twine=True)
    assert [path.name for path in found.all] == sorted(path.name for path in outdir.iterdir())[
        -1:
    ] + sorted(path.name for path in outdir.glob("*.whl"))
    report = matrixdist.report(cfg, outdir, "1.2.0")
    assert "4 wheel(s) and an sdist" in report
    assert f"present: macOS arm64: {PYTHON}" in report and "missing" not in report

    (outdir / f"cext_demo-1.2.0-{PYTHON}-{PYTHON}-win_amd64.whl").unlink()
    shutil.copy2(next(p for p in files if p.suffix == ".whl"), outdir)  # the unrepaired one
    with pytest.raises(CheckFailed) as caught:
        matrixdist.dist_files(cfg, outdir, "1.2.0")
    message = caught.value.message
    assert f"plain {LOCAL_PLATFORM} wheel, which PyPI refuses" in message
    assert "missing (1, asked for by requires-python and [tool.cibuildwheel]" in message
    assert f"Windows AMD64: {PYTHON}" in message
    assert "wheel-builds" in caught.value.hint


@pytest.fixture
def index_env(pypi_server: PypiServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[PypiServer]:
    monkeypatch.setenv("RELEASE_UPLOAD_URL", pypi_server.upload_url)
    monkeypatch.setenv("RELEASE_INDEX_URL", pypi_server.index_url)
    monkeypatch.setenv("TWINE_USERNAME", "tester")
    monkeypatch.setenv("TWINE_PASSWORD", "any-password")
    yield pypi_server


def posts(server: PypiServer) -> int:
    return sum(1 for path in server.requested() if path == "/")


def test_a_failed_upload_resumes_and_sends_each_file_once(
    built: tuple[Path, list[Path]], index_env: PypiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, files = built
    outdir = gathered_dist(root, files)
    names = sorted(path.name for path in outdir.iterdir())
    cfg = config.load(root)
    real_upload = index.uploads._twine_upload
    calls: list[str] = []

    def upload_then_lose_the_index(path: Path, *args: Any) -> None:
        calls.append(path.name)
        if len(calls) == 3:
            index_env.stop()  # the third upload meets a dead index: twine fails for real
        real_upload(path, *args)

    monkeypatch.setattr(index.uploads, "_twine_upload", upload_then_lose_the_index)
    with pytest.raises(ReleaseError):
        publish.run_upload(cfg, "1.2.0", yes=True, out=lambda _: None)
    first = index_env.files()
    assert first == sorted(calls[:2]) and len(first) == 2
    index_env.start()
    monkeypatch.setattr(index.uploads, "_twine_upload", real_upload)
    lines: list[str] = []
    assert publish.run_upload(cfg, "1.2.0", yes=True, out=lines.append) == 0
    assert index_env.files() == names
    assert sorted(l.split(": ")[1] for l in lines if l.startswith("already on")) == first
    assert sorted(l.split()[1] for l in lines if l.startswith("uploaded ")) == sorted(
        set(names) - set(first)
    )
    assert posts(index_env) == len(names)  # each file was sent once, across both runs
    for name in names:
        assert index.sha256_of(index_env.packages / name) == index.sha256_of(outdir / name)


def test_a_killed_upload_resumes_and_sends_each_file_once(
    built: tuple[Path, list[Path]], index_env: PypiServer
) -> None:
    root, files = built
    outdir = gathered_dist(root, files)
    names = sorted(path.name for path in outdir.iterdir())
    command = [sys.executable, "-m", "release", "upload", "1.2.0", "--yes"]
    log = root / "first-run.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=root, env=engine_env(), stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        while len(index_env.files()) < 2 and process.poll() is None:
            subprocess.run(["sleep", "0.02"], check=True)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    # killed mid-way, not finished
    assert process.returncode == -signal.SIGKILL, log.read_text(encoding="utf-8")
    first = index_env.files()
    assert 2 <= len(first) < len(names)
    # The server logs a request after answering it: an upload killed after the file was stored
    # but before its answer went out has no line. So: at most one line per stored file, then the
    # re-run sends exactly the missing files.
    sent_first = posts(index_env)
    assert sent_first <= len(first)
    again = run_engine(root, "upload", "1.2.0", "--yes")
    assert again.returncode == 0, again.stdout + again.stderr
    assert index_env.files() == names
    assert posts(index_env) - sent_first == len(names) - len(first)
    assert again.stdout.count("already on the index with the same sha256") >= len(first) - 1


def test_nothing_is_uploaded_from_an_incomplete_dist(
    built: tuple[Path, list[Path]], index_env: PypiServer
) -> None:
    root, files = built
    outdir = gathered_dist(root, files)
    (outdir / f"cext_demo-1.2.0-{PYTHON}-{PYTHON}-macosx_11_0_arm64.whl").unlink()
    with pytest.raises(CheckFailed, match="macOS arm64"):
        publish.run_upload(config.load(root), "1.2.0", yes=True, out=lambda _: None)
    assert index_env.files() == [] and posts(index_env) == 0


def test_local_publish_of_platform_wheels_requires_publish_from_ci(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = sorted(path.name for path in root.rglob("*"))
    result = run_engine(root, "publish", "1.2.1", "--yes")
    assert result.returncode == 2, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "cext-demo ships platform wheels ([tool.cibuildwheel]; setup.py passes ext_modules)" in (
        " ".join(output.split())
    )
    assert 'publish-from = "ci"' in output
    assert sorted(path.name for path in root.rglob("*")) == before  # nothing written
    with pytest.raises(UsageError):
        publish.run_publish(
            config.load(root), "1.2.1", publish.PublishOptions(dry_run=True), out=lambda _: None
        )
