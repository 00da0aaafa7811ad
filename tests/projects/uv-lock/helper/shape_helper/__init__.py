"""A dependency that happens to share the version."""
