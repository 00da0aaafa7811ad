"""Data flows one way: pure modules (versions, changelog text, plans, output) import no effect module.

The import graph is read from the source (every ``import``, also those inside functions, and the
parent packages an import runs), then confirmed by importing each pure module in a fresh
interpreter and looking at what got loaded.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "release"

# What does I/O beyond reading its arguments: processes, git, package indexes, the network.
EFFECTS = (
    "subprocess",
    "socket",
    "urllib.request",
    "http.client",
    "release.proc",
    "release.twinecli",
    "release.git",
    "release.index",
    "release.github",
    "release.smoke",
    "release.dist",
    "release.localindex",
)
# Modules that take text and values and return values (docs/architecture.md).
PURE = (
    "release.errors",
    "release.output",
    "release.version",
    "release.plan",
    "release.compiled",
    "release.cibw",
    "release.wheelset",
    "release.changelog",
    *sorted(
        f"release.changelog.{path.stem}"
        for path in (PACKAGE / "changelog").glob("*.py")
        if path.stem != "__init__"
    ),
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if "sample" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _parents(name: str) -> set[str]:
    """Importing ``a.b.c`` runs ``a`` and ``a.b`` first."""
    parts = name.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts))}


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, anywhere in its source, with the parents those run."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(
                f"{module}.{alias.name}"
                for alias in node.names
                if f"{module}.{alias.name}" in MODULES
            )
    return found | {parent for module in found for parent in _parents(module)}


GRAPH = {name: _imports(name, path) | _parents(name) for name, path in MODULES.items()}


def reachable(name: str) -> set[str]:
    """Every module importing ``name`` can run, transitively."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        for imported in GRAPH.get(todo.pop(), ()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def is_effect(module: str) -> bool:
    return any(module == effect or module.startswith(effect + ".") for effect in EFFECTS)


def test_the_graph_sees_effects_where_they_are() -> None:
    """The check can fail: modules that do run processes and talk to indexes are seen doing so."""
    assert "subprocess" in reachable("release.git")
    assert "release.proc" in reachable("release.dist")
    assert "release.index" in reachable("release.smoke.install")
    assert set(PURE) <= set(MODULES)


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_no_effect_module(module: str) -> None:
    effects = sorted(name for name in reachable(module) if is_effect(name))
    assert effects == [], f"{module} reaches {effects}"


def test_pure_modules_load_no_effect_module_when_imported() -> None:
    probe = (
        "import importlib, json, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *PURE], cwd=REPO, capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout)
    assert set(PURE) <= set(loaded)
    assert [name for name in loaded if name.startswith("release.") and is_effect(name)] == []
