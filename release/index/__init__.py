"""The package index: simple-API look-ups, uploads through twine, where credentials come from.

This is the one package that talks to package indexes. Look-ups use urllib (no extra dependency,
:mod:`.simple`); uploads use twine, one file at a time, each looked up first so that a re-run after
a failure resumes (:mod:`.uploads`); :mod:`.credentials` says where twine would find credentials.
Callers use the names re-exported here (``index.list_files``, ``index.upload``, ...).
"""

from __future__ import annotations

from .credentials import (
    TOKEN_USERNAME,
    credentials_available,
    is_pypi,
    normalize_upload_url,
    pypirc_path,
    pypirc_world_readable,
    twine_env,
)
from .simple import (
    ACCEPT,
    INDEX_HINT,
    SIMPLE_JSON,
    IndexFile,
    display_url,
    download,
    file_status,
    list_files,
    project_page,
    project_url_for_humans,
    sha256_of,
)
from .uploads import UPLOAD_TIMEOUT, UploadReport, upload

__all__ = [
    "ACCEPT",
    "INDEX_HINT",
    "SIMPLE_JSON",
    "TOKEN_USERNAME",
    "UPLOAD_TIMEOUT",
    "IndexFile",
    "UploadReport",
    "credentials_available",
    "display_url",
    "download",
    "file_status",
    "is_pypi",
    "list_files",
    "normalize_upload_url",
    "project_page",
    "project_url_for_humans",
    "pypirc_path",
    "pypirc_world_readable",
    "sha256_of",
    "twine_env",
    "upload",
]
