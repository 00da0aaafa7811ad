"""Does the project build platform wheels? Pure detection from the project's own build files.

A project with compiled extensions (C/C++ through setuptools, CMake through scikit-build-core,
Meson through meson-python, Rust through maturin) or with a ``[tool.cibuildwheel]`` table ships one
wheel per platform, built across a CI matrix; one machine cannot build its release. ``[tool.release]
wheels = "matrix" | "single"`` overrides what is found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

MATRIX = "matrix"
SINGLE = "single"
WHEEL_MODES = (MATRIX, SINGLE)

# setup.py code that declares extension modules (setuptools' documented spellings, plus the
# Extension subclasses of pybind11 and Cython that build on it).
_SETUP_PY_SIGNS = (
    (re.compile(r"\bext_modules\s*="), "setup.py passes ext_modules"),
    (re.compile(r"\b(?:Pybind11)?Extension\s*\("), "setup.py declares an Extension"),
    (re.compile(r"\bcythonize\s*\("), "setup.py cythonizes modules"),
)
_BACKENDS = {
    "mesonpy": "build-backend is meson-python (mesonpy)",
    "maturin": "build-backend is maturin",
    "scikit_build_core.build": "build-backend is scikit-build-core",
}


@dataclass(frozen=True)
class WheelPlan:
    """How the project's wheels are built: ``mode`` is "matrix" or "single"; ``reasons`` say why."""

    mode: str
    reasons: tuple[str, ...]
    configured: bool = False

    @property
    def matrix(self) -> bool:
        return self.mode == MATRIX

    def describe(self) -> str:
        """For messages: what was decided and from what, e.g. ``platform wheels (mesonpy)``."""
        if self.configured:
            what = "platform wheels" if self.matrix else "one wheel"
            return f'{what} (wheels = "{self.mode}" in [tool.release])'
        if self.matrix:
            return "platform wheels (" + "; ".join(self.reasons) + ")"
        return "one pure-Python wheel (no compiled extension found)"


def _table(value: Any, *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def extension_signs(pyproject: Mapping[str, Any], setup_py: str | None = None) -> list[str]:
    """What in pyproject.toml (as plain data) and setup.py (its text) says "platform wheels"."""
    signs: list[str] = []
    backend = _table(pyproject, "build-system").get("build-backend")
    if isinstance(backend, str) and backend in _BACKENDS:
        signs.append(_BACKENDS[backend])
    tool = _table(pyproject, "tool")
    if "ext-modules" in _table(tool, "setuptools"):
        signs.append("[tool.setuptools] ext-modules")
    if "scikit-build" in tool and "scikit-build-core" not in " ".join(signs):
        signs.append("[tool.scikit-build]")
    if "maturin" in tool and backend != "maturin":
        signs.append("[tool.maturin]")
    if "cibuildwheel" in tool:
        signs.append("[tool.cibuildwheel]")
    if setup_py is not None:
        code = _without_comments(setup_py)
        for pattern, sign in _SETUP_PY_SIGNS:
            if pattern.search(code):
                signs.append(sign)
                break
    return signs


def _without_comments(code: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in code.splitlines())


def wheel_plan(
    pyproject: Mapping[str, Any], setup_py: str | None = None, configured: str | None = None
) -> WheelPlan:
    """The project's wheel plan: ``configured`` (the ``wheels`` key) wins over detection."""
    signs = tuple(extension_signs(pyproject, setup_py))
    if configured is not None:
        return WheelPlan(configured, signs, configured=True)
    return WheelPlan(MATRIX if signs else SINGLE, signs)
