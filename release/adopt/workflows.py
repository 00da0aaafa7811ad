"""Pure: the two GitHub Actions workflows ``init --ci`` writes, shaped by what was detected.

:func:`workflow_files` is the one entry point: it returns ``{relative path: text}``. A variant (for
example a wheel matrix for compiled projects) extends it by building on :class:`WorkflowInputs`
and replacing the text of the jobs it needs; every job is rendered by its own function here.

* ``ci.yml``: on every push and pull request, ``nox -s tests`` and the project's checker sessions on
  each supported Python.
* ``release.yml``: on a pushed release tag, release-check, one build kept as an artifact, then
  publish-test, upload (trusted publishing) and the GitHub release from those same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ..cibw import Runner

PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
RELEASE_PYTHON = "3.12"
UPLOAD_ARTIFACT = "actions/upload-artifact@v6"


@dataclass(frozen=True)
class WorkflowInputs:
    """What the workflows depend on."""

    name: str  # the distribution name (the PyPI environment's URL)
    tag_format: str  # "v{version}", "{version}", "release-{version}", ...
    sessions: tuple[str, ...]  # the CI sessions: tests and the checkers
    requires_python: str | None = None
    is_vcs: bool = False  # the version is the tag: every checkout needs the tags
    #: platform wheels: the cibuildwheel matrix's runners (empty: one wheel, built once)
    runners: tuple[Runner, ...] = ()

    @property
    def tag_prefix(self) -> str:
        return self.tag_format.partition("{version}")[0]

    @property
    def tag_glob(self) -> str:
        """The push filter that matches release tags only (``v*``, ``release-*``, ``[0-9]*``)."""
        return f"{self.tag_prefix}*" if self.tag_prefix else "[0-9]*"

    @property
    def pythons(self) -> tuple[str, ...]:
        """The CI Pythons ``requires-python`` allows (all of :data:`PYTHONS` when unset)."""
        if not self.requires_python:
            return PYTHONS[:-1]
        try:
            spec = SpecifierSet(self.requires_python)
        except InvalidSpecifier:
            return PYTHONS[:-1]
        allowed = tuple(version for version in PYTHONS if spec.contains(version + ".0"))
        return allowed or PYTHONS[:-1]


def workflow_files(inputs: WorkflowInputs) -> dict[str, str]:
    """``{".github/workflows/ci.yml": …, ".github/workflows/release.yml": …}``."""
    if inputs.runners:
        from ..matrixci import matrix_release_workflow

        release = matrix_release_workflow(inputs)
    else:
        release = release_workflow(inputs)
    return {
        ".github/workflows/ci.yml": ci_workflow(inputs),
        ".github/workflows/release.yml": release,
    }


def _checkout(inputs: WorkflowInputs, full_history: bool = False) -> str:
    """A checkout step; with the whole history and tags where the job needs them."""
    lines = ["      - uses: actions/checkout@v5", "        with:"]
    if full_history or inputs.is_vcs:
        lines.append("          fetch-depth: 0")
    lines.append("          persist-credentials: false")
    return "\n".join(lines) + "\n"


def _install(extra: str = "") -> str:
    return (
        f"      - name: Install nox, uv and nox-release\n"
        f"        run: python -m pip install --upgrade nox uv nox-release{extra}\n"
    )


def ci_workflow(inputs: WorkflowInputs) -> str:
    pythons = ", ".join(f'"{version}"' for version in inputs.pythons)
    sessions = " ".join(inputs.sessions)
    return f"""\
# The checks on every push and pull request (written by nox-release init): {sessions}.
name: ci

on:
  push:
    branches: ["**"]
  pull_request:

permissions:
  contents: read

concurrency:
  group: ci-${{{{ github.ref }}}}
  cancel-in-progress: true

jobs:
  nox:
    name: nox (Python ${{{{ matrix.python-version }}}})
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        python-version: [{pythons}]
    steps:
{_checkout(inputs)}      - uses: actions/setup-python@v6
        with:
          python-version: ${{{{ matrix.python-version }}}}
{_install()}      - name: nox -s {sessions}
        env:
          PYTHON_VERSION: ${{{{ matrix.python-version }}}}
        run: nox --force-python "$PYTHON_VERSION" -s {sessions}
"""


def release_workflow(inputs: WorkflowInputs) -> str:
    return (
        _release_header(inputs)
        + release_check_job(inputs)
        + build_job(inputs)
        + publish_job(inputs)
    )


def _release_header(inputs: WorkflowInputs) -> str:
    return f"""\
# The release, run by pushing a release tag ({inputs.tag_format}; written by nox-release init).
# nox -s publish pushes it when publish-from = "ci". release-check checks the tagged commit, build
# makes dist/ once, then publish-test, upload (trusted publishing: no PyPI secret) and
# github-release send those same files. Every step skips what is already done: re-run the job
# after a failure and it finishes the release without uploading a file twice.
""" + release_trigger(inputs, RELEASE_PYTHON)


def release_trigger(inputs: WorkflowInputs, python: str) -> str:
    """What follows a release workflow's opening comment: its name, the release-tag trigger, one
    run per tag at a time, the Python version, up to ``jobs:``."""
    return f"""\
name: release

on:
  push:
    tags: ["{inputs.tag_glob}"]

permissions: {{}}

concurrency:
  group: release-${{{{ github.ref }}}}
  cancel-in-progress: false

env:
  PYTHON_VERSION: "{python}"

jobs:
"""


def _version_step(inputs: WorkflowInputs) -> str:
    return (
        "      - name: Version from the tag\n"
        f'        run: echo "VERSION=${{GITHUB_REF_NAME#{inputs.tag_prefix}}}" >> "$GITHUB_ENV"\n'
    )


def _python() -> str:
    return (
        "      - uses: actions/setup-python@v6\n"
        "        with:\n"
        "          python-version: ${{ env.PYTHON_VERSION }}\n"
    )


def job_header(
    key: str,
    permissions: Sequence[str],
    *,
    name: str | None = None,
    needs: str | None = None,
    runs_on: str = "ubuntu-latest",
    timeout_minutes: int | None = None,
    environment: tuple[str, str] | None = None,
    strategy: str = "",
) -> str:
    """A release job's lines up to ``steps:``, in the order every job here writes them.

    ``permissions`` are ``scope: access`` lines (a trailing ``# why`` comment allowed);
    ``environment`` is a deployment environment's name and URL; ``strategy`` is the job's
    ``strategy:`` block, indented, when it has one.
    """
    lines = [f"  {key}:"]
    if name is not None:
        lines.append(f"    name: {name}")
    if needs is not None:
        lines.append(f"    needs: {needs}")
    lines.append(f"    runs-on: {runs_on}")
    if timeout_minutes is not None:
        lines.append(f"    timeout-minutes: {timeout_minutes}")
    if environment is not None:
        lines += [
            "    environment:",
            f"      name: {environment[0]}",
            f"      url: {environment[1]}",
        ]
    lines.append("    permissions:")
    lines += [f"      {permission}" for permission in permissions]
    return "\n".join(lines) + "\n" + strategy + "    steps:\n"


def publish_job_header(inputs: WorkflowInputs, needs: str, id_token_use: str) -> str:
    """The publish job's header: it uploads from the ``pypi`` environment (trusted publishing
    names it), its OIDC token used for ``id_token_use``."""
    return job_header(
        "publish",
        (
            f"id-token: write # {id_token_use}",
            "contents: write # the GitHub release and its assets",
        ),
        needs=needs,
        environment=("pypi", f"https://pypi.org/project/{inputs.name}/"),
    )


def keep_artifact(name: str, path: str, title: str | None = None) -> str:
    """A step keeping ``path`` as the artifact ``name`` (the job fails when nothing matches)."""
    named = f"      - name: {title}\n        uses: " if title else "      - uses: "
    return (
        f"{named}{UPLOAD_ARTIFACT}\n"
        "        with:\n"
        f"          name: {name}\n"
        f"          path: {path}\n"
        "          if-no-files-found: error\n"
    )


def release_check_job(inputs: WorkflowInputs) -> str:
    header = job_header(
        "release-check",
        ("contents: read", "checks: read", "statuses: read", "issues: read"),
        timeout_minutes=60,
    )
    return f"""\
{header}{_checkout(inputs, full_history=True)}{_python()}{_install()}{_version_step(inputs)}\
      - name: nox -s release-check
        env:
          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}
        # --wait-ci: the tagged commit's CI is still running; wait up to 30 min, then UNKNOWN
        run: >-
          nox -s release-check --
          --json release-check.json --version "$VERSION" --wait-ci 1800
      - name: Keep the checklist
        if: always()
        uses: actions/upload-artifact@v6
        with:
          name: release-check
          path: release-check.json
          if-no-files-found: ignore

"""


def build_job(inputs: WorkflowInputs) -> str:
    """The job that builds dist/ once (a compiled project's variant replaces this one)."""
    header = job_header("build", ("contents: read",), needs="release-check")
    return f"""\
{header}{_checkout(inputs)}{_python()}{_install()}\
      - name: nox -s build
        run: nox -s build
{keep_artifact("dist", "dist/", "Keep dist/ for the publish job")}
"""


def publish_job(inputs: WorkflowInputs) -> str:
    header = publish_job_header(inputs, "build", "trusted publishing (twine)")
    return f"""\
{header}{_checkout(inputs, full_history=True)}{_python()}{_install()}\
      - name: The files built once, by the build job
        uses: actions/download-artifact@v7
        with:
          name: dist
          path: dist/
{_version_step(inputs)}\
      - name: nox -s publish-test (TestPyPI, then install from it)
        run: nox -s publish-test -- "$VERSION"
      - name: nox -s upload (PyPI, trusted publishing)
        run: nox -s upload -- "$VERSION" --yes
      - name: nox -s github-release
        env:
          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}
        run: nox -s github-release -- "$VERSION"
"""
