"""Item 8: no input makes the output larger than a small multiple of itself."""

from __future__ import annotations

from conftest import Scratch

from generator.diagnostics import close_match

MISURE = "measurements/2021-12-31.yml"
PIANO = "plan/2021.yml"


def test_scalar_alias_amplification_is_bounded(scratch: Scratch) -> None:
    # one 100 KB text, named once and used 2,000 times, each use an error quoting it
    scratch.sostituisci(PIANO, "ente: ", "ente: &a " + "x" * 100_000 + " #")
    scratch.sostituisci(PIANO, "responsabile: uo-scuola-lavoro", "responsabile: [" + ", ".join(["*a"] * 2000) + "]")
    size = len(scratch.file(PIANO).read_text())
    result = scratch.run("validate")
    assert result.rc == 1
    assert len(result.text) < 3 * size
    assert "e altri 1980 messaggi come «responsabile" in result.text


def test_quoted_line_is_cut_to_a_sane_width(scratch: Scratch) -> None:
    scratch.sostituisci(MISURE, '"1.1.1": 4 ', '"1.1.1": "' + "y" * 10_000 + '" ')
    result = scratch.run("validate")
    assert result.rc == 1
    assert max(len(line) for line in result.out.splitlines()) < 400


def test_did_you_mean_is_not_looked_for_on_long_texts() -> None:
    # difflib's cost grows with the square of the length: the validator and
    # the Relazione's checks share this one rule, so a huge unknown code or
    # objective costs nothing while a short typo still gets its hint.
    long_text = "1" * 100_000
    assert close_match(long_text, [long_text, "1.1"]) is None
    assert close_match("1.1.l", ["1.1.1", "2.1.1"]) == "1.1.1"
