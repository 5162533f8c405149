"""Item 2: no traceback reaches a user. Foreseeable errors (the disk, a file
where a folder should be) are an Italian message and exit 1; anything else
is one line saying it is a bug and where the details are, exit 2."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from conftest import Scratch

from generator import cli


def _boom(args: argparse.Namespace) -> int:
    raise RuntimeError("difetto simulato")


def test_unforeseen_error_is_one_line_naming_the_details_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    args = parser.parse_args(["validate", "--root", str(tmp_path)])
    args.handler = _boom
    monkeypatch.setattr(cli, "build_parser", lambda: _Fixed(args))
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("errore interno: è un difetto del programma, non dei dati; dettagli scritti in ")
    details = Path(err.split("dettagli scritti in ")[1].split(" (")[0])
    assert details.parent == tmp_path / ".cache" / "errori"
    assert "RuntimeError: difetto simulato" in details.read_text(encoding="utf-8")


class _Fixed:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    def parse_args(self, argv: object) -> argparse.Namespace:
        return self.args


def test_file_where_the_cache_folder_should_be_is_an_italian_message(scratch: Scratch) -> None:
    scratch.file(".cache").write_text("non una cartella")
    result = scratch.run("build")
    assert result.rc == 1, result.text
    assert "«.cache» è un file, ma deve essere una cartella" in result.text
    assert "Traceback" not in result.text
    assert result.outside == []


def test_file_where_the_build_folder_should_be_is_an_italian_message(scratch: Scratch) -> None:
    scratch.file("build").write_text("non una cartella")
    result = scratch.run("build")
    assert result.rc == 1, result.text
    assert "«build» è un file, ma deve essere una cartella" in result.text
    assert "Traceback" not in result.text


def test_export_into_a_file_is_an_italian_message(scratch: Scratch) -> None:
    scratch.file("uscita").write_text("x")
    result = scratch.run("export", "--out", str(scratch.file("uscita")))
    assert result.rc == 1, result.text
    assert result.err.startswith("errore: un file occupa il posto di una cartella") or "è un file, ma deve essere una cartella" in result.err
    assert "Traceback" not in result.text
