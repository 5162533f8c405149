"""Item 7: nothing in the data folders is silently ignored."""

from __future__ import annotations

import os
import shutil

from conftest import Scratch


def test_measurement_with_upper_case_extension_is_an_error(scratch: Scratch) -> None:
    os.rename(scratch.file("measurements/2021-12-31.yml"), scratch.file("measurements/2021-12-31.YML"))
    result = scratch.run("validate")
    assert result.rc == 1
    assert "measurements/2021-12-31.YML:1:1: errore: estensione «.YML» in maiuscolo: il file non verrebbe letto" in result.text
    assert "rinomina il file in `measurements/2021-12-31.yml`" in result.text


def test_measurements_file_instead_of_folder_is_an_error(scratch: Scratch) -> None:
    shutil.rmtree(scratch.file("measurements"))
    scratch.file("measurements").write_text("piano: 2021\n")
    result = scratch.run("validate")
    assert result.rc == 1
    assert "measurements:1:1: errore: «measurements» è un file, ma deve essere una cartella" in result.text


def test_other_files_in_a_data_folder_are_a_warning(scratch: Scratch) -> None:
    scratch.file("measurements/2021-09-30.txt").write_text("appunti")
    result = scratch.run("validate")
    assert result.rc == 0
    assert "avviso: il file «measurements/2021-09-30.txt» non è un file .yml e non viene letto" in result.text
