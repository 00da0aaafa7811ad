"""The release workflow of a project with platform wheels, as YAML text (pure).

``init --ci`` writes it (through :func:`release.adopt.workflows.workflow_files`) for a project whose
wheel plan is a matrix. It shares the one-wheel workflow's header and ``release-check`` job; then:

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

from .adopt.workflows import (
    WorkflowInputs,
    _checkout,
    _install,
    _python,
    _version_step,
    job_header,
    keep_artifact,
    publish_job_header,
    release_check_job,
    release_trigger,
)

CIBUILDWHEEL = "pypa/cibuildwheel@v3.3.0"
DOWNLOAD = "actions/download-artifact@v7"
QEMU = "docker/setup-qemu-action@v3"


def matrix_release_workflow(inputs: WorkflowInputs) -> str:
    """``.github/workflows/release.yml`` for a project whose wheels cibuildwheel builds."""
    if not inputs.runners:
        raise ValueError("a wheel matrix needs at least one runner")
    return (
        _header(inputs)
        + release_check_job(inputs)
        + wheels_job(inputs)
        + sdist_job(inputs)
        + publish_job(inputs)
    )


def _header(inputs: WorkflowInputs) -> str:
    return f"""\
# The release of a project with platform wheels, run by pushing a release tag
# ({inputs.tag_format}; written by nox-release init --ci). release-check checks the tagged commit;
# wheels (cibuildwheel, one job per runner) and sdist keep their files as dist-* artifacts; publish
# gathers them into one dist/, signs PEP 740 attestations, then publish-test, upload (trusted
# publishing: no PyPI secret) and github-release send those files. They check the whole dist/ (one
# sdist, every wheel of this version, every platform asked for) before the first upload and skip
# what is already done: re-run the failed jobs and the release finishes, each file sent once.
""" + release_trigger(inputs, "3.12")


def wheels_job(inputs: WorkflowInputs) -> str:
    rows = "".join(
        f"          - os: {runner.label}\n"
        f"            archs: {' '.join(runner.archs)}\n"
        f"            qemu: {json.dumps(runner.qemu)}\n"
        for runner in inputs.runners
    )
    qemu = (
        "      - name: QEMU, for the archs this runner emulates\n"
        "        if: matrix.qemu\n"
        f"        uses: {QEMU}\n"
        "        with:\n"
        "          platforms: all\n"
        if any(runner.qemu for runner in inputs.runners)
        else ""
    )
    header = job_header(
        "wheels",
        ("contents: read",),
        name="wheels on ${{ matrix.os }} (${{ matrix.archs }})",
        needs="release-check",
        runs_on="${{ matrix.os }}",
        strategy="    strategy:\n      fail-fast: false\n      matrix:\n        include:\n" + rows,
    )
    return f"""\
{header}{_checkout(inputs)}{qemu}\
      - uses: {CIBUILDWHEEL}
        env:
          CIBW_ARCHS: ${{{{ matrix.archs }}}}
        with:
          output-dir: wheelhouse
{keep_artifact("dist-wheels-${{ strategy.job-index }}", "wheelhouse/*.whl")}
"""


def sdist_job(inputs: WorkflowInputs) -> str:
    header = job_header("sdist", ("contents: read",), needs="release-check")
    return f"""\
{header}{_checkout(inputs)}{_python()}\
      - run: python -m pip install --upgrade build
      - run: python -m build --sdist --outdir dist/
{keep_artifact("dist-sdist", "dist/*.tar.gz")}
"""


def publish_job(inputs: WorkflowInputs) -> str:
    header = publish_job_header(
        inputs, "[wheels, sdist]", "trusted publishing (twine) and Sigstore signing (attestations)"
    )
    return f"""\
{header}{_checkout(inputs, full_history=True)}{_python()}{_install(" pypi-attestations")}\
      - name: Gather every job's files into dist/
        uses: {DOWNLOAD}
        with:
          pattern: dist-*
          merge-multiple: true
          path: dist/
{_version_step(inputs)}\
      - run: ls -l dist/
      - name: PEP 740 attestations (signed with this workflow's identity)
        run: python -m pypi_attestations sign dist/*.whl dist/*.tar.gz
      - name: nox -s publish-test (TestPyPI, then install from it)
        run: nox -s publish-test -- "$VERSION"
      - name: nox -s upload (PyPI, trusted publishing, with the attestations)
        run: nox -s upload -- "$VERSION" --attestations
      - name: nox -s github-release
        env:
          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}
        run: nox -s github-release -- "$VERSION"
"""
