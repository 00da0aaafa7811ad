"""Sphinx configuration."""

project = "shape-citation-sphinx"
copyright = "2025, Release Tester"
author = "Release Tester"

# The short X.Y version and the full version.
version = "1.2"
release = "1.2.0"

extensions: list[str] = []
html_theme = "alabaster"
