"""towncrier reads its settings from towncrier.toml"""

__version__ = "1.2.0"
