"""The project's own runtime dependencies, as installed where the engine runs.

The audit must look at what the project's users install, not at the release tools around it: the
closure of the project's ``Requires-Dist`` (its installed metadata when it is installed here from
its own directory, which the build wrote, so dynamic and Poetry dependencies count too; else its
``[project].dependencies``, or a Poetry project's table), each at the version installed here,
markers evaluated for this interpreter, extras followed.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .config import Config, plain, read_pyproject


@dataclass
class RuntimeDeps:
    """Pinned ``name==version`` lines, and the dependencies that are not installed here."""

    pinned: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    source: str = ""  # where the top-level list came from, for the row's reason
    direct: list[str] = field(default_factory=list)  # the top-level ones that apply here
    # excluded by their environment marker on this interpreter (``tomli; python_version < "3.11"``):
    # what users of other Pythons or platforms install, not audited here
    elsewhere: list[str] = field(default_factory=list)


def collect(cfg: Config) -> RuntimeDeps:
    """The runtime closure of the project ``cfg`` releases, at the installed versions."""
    found = RuntimeDeps()
    own = str(canonicalize_name(cfg.name))
    installed = _installed_here(cfg)
    if installed is not None:
        top = installed.requires or []
        found.source = f"the installed {cfg.name}'s Requires-Dist"
    else:
        top, found.source = _declared(cfg)
    seen = {own}
    extras_seen: set[tuple[str, str]] = set()
    queue = [(spec, "") for spec in top]
    direct = {str(spec) for spec in top}
    elsewhere: set[str] = set()
    while queue:
        spec, extra = queue.pop()
        requirement = _requirement(spec)
        if requirement is None:
            continue
        name = str(canonicalize_name(requirement.name))
        if not _applies(requirement, extra):
            if "extra" not in str(requirement.marker):
                elsewhere.add(name)
            continue
        if spec in direct and not extra and name not in found.direct:
            found.direct.append(name)
        for wanted in sorted(requirement.extras):
            if (name, wanted) not in extras_seen:
                extras_seen.add((name, wanted))
                queue += [(dep, wanted) for dep in _requires(name)]
        if name in seen:
            continue
        seen.add(name)
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found.missing.append(name)
            continue
        found.pinned.append(f"{name}=={version}")
        queue += [(dep, "") for dep in _requires(name)]
    found.pinned.sort()
    found.missing.sort()
    found.direct.sort()
    found.elsewhere = sorted(elsewhere - seen)
    return found


def _installed_here(cfg: Config) -> importlib.metadata.Distribution | None:
    """The project as installed in this environment from its own directory (``pip install -e .``,
    as the sessions do): its metadata, which the build wrote. A distribution of that name
    installed from an index or elsewhere is another release, whose dependencies may differ."""
    from .origin import installed_from_dir

    try:
        dist = importlib.metadata.distribution(cfg.name)
    except importlib.metadata.PackageNotFoundError:
        return None
    return dist if installed_from_dir(dist) == cfg.root.resolve() else None


def _declared(cfg: Config) -> tuple[list[str], str]:
    """The top-level list in pyproject.toml: ``[project].dependencies``, or for a Poetry project
    that keeps them in ``[tool.poetry.dependencies]``, those names (not ``python``, not the
    optional ones, which are extras)."""
    doc = plain(read_pyproject(cfg.pyproject))
    listed = [str(spec) for spec in (doc.get("project", {}).get("dependencies") or [])]
    poetry = doc.get("tool", {}).get("poetry", {}).get("dependencies") or {}
    if listed or not isinstance(poetry, dict) or not poetry:
        return listed, "[project].dependencies"
    names = [
        name
        for name, spec in poetry.items()
        if name.lower() != "python" and not (isinstance(spec, dict) and spec.get("optional"))
    ]
    return names, "[tool.poetry.dependencies]"


def _requirement(spec: str) -> Requirement | None:
    try:
        return Requirement(spec)
    except InvalidRequirement:
        return None


def _applies(requirement: Requirement, extra: str) -> bool:
    return requirement.marker is None or requirement.marker.evaluate({"extra": extra})


def _requires(name: str) -> list[str]:
    try:
        return importlib.metadata.distribution(name).requires or []
    except importlib.metadata.PackageNotFoundError:
        return []
