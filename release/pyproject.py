"""The version copies of a project (kept for existing imports; the code lives in
:mod:`release.versions`)."""

from __future__ import annotations

from .versions import VersionCopy, current_version, drift, edits_for, version_copies

__all__ = ["VersionCopy", "current_version", "drift", "edits_for", "version_copies"]
