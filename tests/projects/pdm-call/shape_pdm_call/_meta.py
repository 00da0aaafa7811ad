"""Release facts, read by versioning.py."""

version = "1.2.0"
codename = "shape"
