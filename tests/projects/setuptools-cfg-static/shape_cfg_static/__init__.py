"""setup.cfg, literal version."""
