from pathlib import Path

import pytest

import omi_openclaw
from omi_openclaw import cli


def test_versions_agree() -> None:
    assert cli.__version__ == omi_openclaw.__version__


def test_init_then_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["init", "--data-dir", str(tmp_path)]) == 0
    assert cli.main(["init", "--data-dir", str(tmp_path)]) == 0
    assert cli.main(["status", "--data-dir", str(tmp_path)]) == 0
    assert "0 notes" in capsys.readouterr().out


def test_status_before_init(tmp_path: Path) -> None:
    assert cli.main(["status", "--data-dir", str(tmp_path / "missing")]) == 1


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert omi_openclaw.__version__ in capsys.readouterr().out
