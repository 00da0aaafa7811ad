"""A setuptools project whose metadata lives in setup.cfg (no ``[project]`` table):
``[metadata] version = 1.2.0``, ``version = attr: pkg.__version__`` or ``version = file: VERSION``.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from ..config import Config
from ..errors import ConfigError
from ..files import read_text
from .text import Site, VersionCopy, line_of

_SECTION = re.compile(r"^\[(?P<name>[^\]\r\n]+)\][ \t]*$", re.MULTILINE)
_VERSION = re.compile(r"^version[ \t]*[=:][ \t]*(?P<value>[^\s#;][^\r\n]*?)[ \t]*$", re.MULTILINE)


def metadata(root: Path) -> dict[str, str]:
    """``[metadata]`` of setup.cfg (empty when there is no such file or section)."""
    path = root / "setup.cfg"
    if not path.is_file():
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(read_text(path))
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"setup.cfg cannot be read: {exc}", "fix its syntax") from None
    return dict(parser["metadata"]) if parser.has_section("metadata") else {}


def version_spec_site(cfg: Config) -> tuple[str, Site] | None:
    """The ``version`` value of ``[metadata]`` and its site in setup.cfg, or None."""
    path = cfg.root / "setup.cfg"
    if not path.is_file():
        return None
    text = read_text(path)
    sections = list(_SECTION.finditer(text))
    for index, section in enumerate(sections):
        if section["name"].strip() != "metadata":
            continue
        end = sections[index + 1].start() if index + 1 < len(sections) else len(text)
        found = _VERSION.search(text, section.end(), end)
        if found is None:
            return None
        start, stop = found.span("value")
        copy = VersionCopy(path, line_of(text, start), found["value"], "setup.cfg")
        return found["value"], Site(copy, start, stop)
    return None
