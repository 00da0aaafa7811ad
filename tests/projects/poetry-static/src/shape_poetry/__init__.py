"""poetry-core, [tool.poetry] version."""

__version__ = "1.2.0"


def main() -> None:
    print(__version__)
