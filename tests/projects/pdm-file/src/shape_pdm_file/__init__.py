"""pdm-backend, version from [tool.pdm.version] file."""

__version__ = "1.2.0"
