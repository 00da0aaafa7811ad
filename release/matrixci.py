"""The release workflow of a project with platform wheels, as YAML text (pure).

Jobs, on a pushed version tag:

* ``release-check``: the checklist for the tagged commit, as in the one-wheel workflow;
* ``wheels``: one job per runner of :meth:`release.cibw.WheelConfig.runners`, each running
  cibuildwheel for its architectures (``CIBW_ARCHS``) and keeping ``wheelhouse/*.whl`` as the
  artifact ``dist-wheels-<n>``;
* ``sdist``: ``python -m build --sdist``, kept as ``dist-sdist``;
* ``publish`` (environment ``pypi``), which waits for all of them: it gathers every ``dist-*``
  artifact into one ``dist/`` (download-artifact ``pattern`` + ``merge-multiple``), signs PEP 740
  attestations for each file, and runs the same sessions as a one-wheel release (``publish-test``,
  ``upload --attestations`` with trusted publishing, ``github-release``); they check the whole
  ``dist/`` before the first upload.
"""

from __future__ import annotations

import json
from typing import Sequence

from .cibw import Runner

CIBUILDWHEEL = "pypa/cibuildwheel@v3.3.0"
CHECKOUT = "actions/checkout@v5"
SETUP_PYTHON = "actions/setup-python@v6"
UPLOAD = "actions/upload-artifact@v6"
DOWNLOAD = "actions/download-artifact@v7"
QEMU = "docker/setup-qemu-action@v3"
PYTHON_VERSION = "3.12"


def tag_parts(tag_format: str) -> tuple[str, str]:
    """The text before and after ``{version}`` in the tag format: ``("v", "")``."""
    prefix, _, suffix = tag_format.partition("{version}")
    return prefix, suffix


def _version_line(tag_format: str) -> str:
    prefix, suffix = tag_parts(tag_format)
    value = "${GITHUB_REF_NAME"
    value += f"#{prefix}}}" if prefix else "}"
    if suffix:
        return f'VERSION="{value}"; echo "VERSION=${{VERSION%{suffix}}}" >> "$GITHUB_ENV"'
    return f'echo "VERSION={value}" >> "$GITHUB_ENV"'


def _matrix(runners: Sequence[Runner]) -> list[str]:
    lines = []
    for runner in runners:
        lines.append(f"          - os: {runner.label}")
        lines.append(f"            archs: {' '.join(runner.archs)}")
        lines.append(f"            qemu: {json.dumps(runner.qemu)}")
    return lines


def release_workflow(
    project: str,
    runners: Sequence[Runner],
    *,
    tag_format: str = "v{version}",
    install: str = "nox uv nox-release",
) -> str:
    """``.github/workflows/release.yml`` for a project whose wheels are built by cibuildwheel."""
    if not runners:
        raise ValueError("a wheel matrix needs at least one runner")
    prefix, suffix = tag_parts(tag_format)
    trigger = json.dumps(f"{prefix}*{suffix}")
    version = _version_line(tag_format)
    qemu = any(runner.qemu for runner in runners)
    qemu_step = (
        [
            "      - name: QEMU, for the archs this runner emulates",
            "        if: matrix.qemu",
            f"        uses: {QEMU}",
            "        with:",
            "          platforms: all",
        ]
        if qemu
        else []
    )
    lines = [
        "# The release of a project with platform wheels, run by pushing a version tag.",
        "#   1. release-check: the whole pre-release checklist for the tagged commit.",
        "#   2. wheels (one job per runner, cibuildwheel) and sdist: each keeps its files as an",
        "#      artifact dist-*.",
        "#   3. publish (environment pypi): gathers every dist-* artifact into dist/, signs PEP 740",
        "#      attestations for each file, then publish-test, upload (trusted publishing) and",
        "#      github-release. They check the whole dist/ (one sdist, every wheel of this version,",
        "#      each platform asked for) before the first upload, and skip what is already done.",
        "# Written by nox-release init --ci.",
        "name: release",
        "",
        "on:",
        "  push:",
        f"    tags: [{trigger}]",
        "",
        "permissions: {}",
        "",
        "concurrency:",
        "  group: release-${{ github.ref }}",
        "  cancel-in-progress: false",
        "",
        "env:",
        f'  PYTHON_VERSION: "{PYTHON_VERSION}"',
        "",
        "jobs:",
        "  release-check:",
        "    runs-on: ubuntu-latest",
        "    permissions:",
        "      contents: read",
        "      checks: read",
        "      statuses: read",
        "      issues: read",
        "    steps:",
        f"      - uses: {CHECKOUT}",
        "        with:",
        "          fetch-depth: 0",
        "          persist-credentials: false",
        f"      - uses: {SETUP_PYTHON}",
        "        with:",
        "          python-version: ${{ env.PYTHON_VERSION }}",
        f"      - run: python -m pip install --upgrade {install}",
        f"      - run: {version}",
        "      - name: nox -s release-check",
        "        env:",
        "          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
        '        run: nox -s release-check -- --json release-check.json --version "$VERSION"',
        "      - if: always()",
        f"        uses: {UPLOAD}",
        "        with:",
        "          name: release-check",
        "          path: release-check.json",
        "          if-no-files-found: ignore",
        "",
        "  wheels:",
        "    name: wheels on ${{ matrix.os }} (${{ matrix.archs }})",
        "    needs: release-check",
        "    runs-on: ${{ matrix.os }}",
        "    permissions:",
        "      contents: read",
        "    strategy:",
        "      fail-fast: false",
        "      matrix:",
        "        include:",
        *_matrix(runners),
        "    steps:",
        f"      - uses: {CHECKOUT}",
        "        with:",
        "          persist-credentials: false",
        *qemu_step,
        f"      - uses: {CIBUILDWHEEL}",
        "        env:",
        "          CIBW_ARCHS: ${{ matrix.archs }}",
        "        with:",
        "          output-dir: wheelhouse",
        f"      - uses: {UPLOAD}",
        "        with:",
        "          name: dist-wheels-${{ strategy.job-index }}",
        "          path: wheelhouse/*.whl",
        "          if-no-files-found: error",
        "",
        "  sdist:",
        "    needs: release-check",
        "    runs-on: ubuntu-latest",
        "    permissions:",
        "      contents: read",
        "    steps:",
        f"      - uses: {CHECKOUT}",
        "        with:",
        "          persist-credentials: false",
        f"      - uses: {SETUP_PYTHON}",
        "        with:",
        "          python-version: ${{ env.PYTHON_VERSION }}",
        "      - run: python -m pip install --upgrade build",
        "      - run: python -m build --sdist --outdir dist/",
        f"      - uses: {UPLOAD}",
        "        with:",
        "          name: dist-sdist",
        "          path: dist/*.tar.gz",
        "          if-no-files-found: error",
        "",
        "  publish:",
        "    needs: [wheels, sdist]",
        "    runs-on: ubuntu-latest",
        "    environment:",
        "      name: pypi",
        f"      url: https://pypi.org/project/{project}/",
        "    permissions:",
        "      id-token: write # trusted publishing (twine) and Sigstore signing (attestations)",
        "      contents: write # the GitHub release and its assets",
        "    steps:",
        f"      - uses: {CHECKOUT}",
        "        with:",
        "          fetch-depth: 0",
        "          persist-credentials: false",
        f"      - uses: {SETUP_PYTHON}",
        "        with:",
        "          python-version: ${{ env.PYTHON_VERSION }}",
        f"      - run: python -m pip install --upgrade {install} pypi-attestations",
        "      - name: Gather every job's files into dist/",
        f"        uses: {DOWNLOAD}",
        "        with:",
        "          pattern: dist-*",
        "          merge-multiple: true",
        "          path: dist/",
        f"      - run: {version}",
        "      - run: ls -l dist/",
        "      - name: PEP 740 attestations (signed with this workflow's identity)",
        "        run: python -m pypi_attestations sign dist/*.whl dist/*.tar.gz",
        '      - run: nox -s publish-test -- "$VERSION"',
        '      - run: nox -s upload -- "$VERSION" --attestations',
        "      - env:",
        "          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
        '        run: nox -s github-release -- "$VERSION"',
    ]
    return "\n".join(lines) + "\n"
