"""What ``init`` says about ``__version__`` literals that may be their module's own version.

A literal under the package that disagrees with the project's version and is no version the
project has had (:mod:`release.versions.foreign`: urllib3's backported ``ssl_match_hostname`` says
``3.5.0.1``) is taken as that module's own, and ``exclude`` is proposed for its file, so
``versions`` and ``bump`` leave it alone. The maintainer reads why before anything is written.
"""

from __future__ import annotations

from typing import Any

from .. import versions
from ..config import Config
from ..output import Out
from ..versions.foreign import own_version_candidates


def propose_excludes(cfg: Config, proposed: dict[str, Any], out: Out) -> None:
    """Say what each such literal is taken for, and propose ``exclude`` for its file."""
    copies = versions.version_copies(cfg)
    if cfg.version_source.is_vcs:
        reference = versions.vcs_state(cfg).last_version
    else:
        reference = copies[0].value if copies else None
    globs = list(cfg.exclude)
    for copy in own_version_candidates(cfg, copies, reference):
        out(
            f"  {cfg.relative(copy.path)}:{copy.line}: __version__ {copy.value}, not a version of "
            f"the project ({reference}):"
        )
        out("    taken as that module's own (a bundled or backported module), so its file is")
        out("    proposed in exclude: versions and bump leave it alone (drop it if it is a copy)")
        if cfg.relative(copy.path) not in globs:
            globs.append(cfg.relative(copy.path))
    if globs != list(cfg.exclude):
        proposed["exclude"] = globs
