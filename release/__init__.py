"""nox-release: release automation for Python packages, as a suite of nox sessions."""

__version__ = "0.1.0"
