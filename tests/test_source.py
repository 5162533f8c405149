"""The source layer: YAML text -> values with positions, safely and exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from generator.diagnostics import Pos
from generator.source import KEY, Document, SourceError, load, parse


def problems(text: str) -> list[tuple[str, str]]:
    """``(file:line:col, message)`` of every problem found in ``text``."""
    with pytest.raises(SourceError) as info:
        parse(text, "f.yml")
    return [(str(d.pos), d.message) for d in info.value.diagnostics]


# -- positions -------------------------------------------------------------------


def test_positions_are_one_based_line_and_column_of_the_value():
    doc = parse("ente: Camera\nvalori:\n  x: 3\n", "f.yml")
    assert doc.positions[("ente",)] == Pos("f.yml", 1, 7)
    assert doc.positions[("valori", "x")] == Pos("f.yml", 3, 6)


def test_key_positions_point_at_the_key():
    doc = parse("valori:\n  \"1.1.1\": 3\n", "f.yml")
    assert doc.key_pos(("valori", "1.1.1")) == Pos("f.yml", 2, 3)
    assert doc.positions[("valori", "1.1.1", KEY)] == Pos("f.yml", 2, 3)


def test_list_items_are_indexed_by_position_in_the_list():
    doc = parse("azioni:\n  - codice: \"1\"\n  - codice: \"2\"\n", "f.yml")
    assert doc.pos(("azioni", 1, "codice")) == Pos("f.yml", 3, 13)


def test_position_of_a_missing_value_falls_back_to_its_parent():
    doc = parse("azioni:\n  - codice: \"1\"\n", "f.yml")
    assert doc.pos(("azioni", 0, "peso")) == Pos("f.yml", 2, 5)


# -- values ----------------------------------------------------------------------


def test_quoted_codes_stay_strings():
    doc = parse('codice: "1.10"\naltro: \'2\'\n', "f.yml")
    assert doc.data == {"codice": "1.10", "altro": "2"}


def test_unquoted_code_keys_keep_their_text():
    doc = parse("valori:\n  1.10: 3\n", "f.yml")
    assert list(doc.data["valori"]) == ["1.10"]


def test_unquoted_numbers_are_remembered_as_plain_numbers():
    doc = parse('codice: 1.10\naltro: "1.10"\n', "f.yml")
    assert doc.plain_numbers == {("codice",)}


def test_floats_are_exact_decimals():
    doc = parse("a: 0.1\nb: 0.2\nc: 1.10\n", "f.yml")
    assert doc.data["a"] + doc.data["b"] == Decimal("0.3")
    assert isinstance(doc.data["c"], Decimal) and str(doc.data["c"]) == "1.10"


def test_integers_are_ints():
    assert parse("a: 3\nb: -2\nc: 1_000\n", "f.yml").data == {"a": 3, "b": -2, "c": 1000}


def test_iso_dates_are_dates():
    assert parse("data: 2021-06-30\n", "f.yml").data == {"data": dt.date(2021, 6, 30)}


@pytest.mark.parametrize("word", ["si", "no", "yes", "on", "off", "y", "n", "Si", "NO"])
def test_yaml_1_1_booleans_stay_strings(word: str):
    assert parse(f"a: {word}\n", "f.yml").data == {"a": word}


def test_true_and_false_are_booleans():
    assert parse("a: true\nb: false\n", "f.yml").data == {"a": True, "b": False}


def test_empty_value_is_none():
    assert parse("a:\nb: ~\n", "f.yml").data == {"a": None, "b": None}


def test_leading_zero_integer_is_decimal_as_in_yaml_1_2():
    assert parse("a: 010\n", "f.yml").data == {"a": 10}


# -- problems --------------------------------------------------------------------


def test_duplicate_key_is_reported_with_both_lines():
    found = problems("a: 1\nb: 2\na: 3\n")
    assert found == [("f.yml:3:1", "chiave «a» ripetuta (già presente alla riga 1)")]


def test_duplicate_key_hint_names_both_lines():
    with pytest.raises(SourceError) as info:
        parse("a: 1\na: 3\n", "f.yml")
    assert "riga 1 o riga 2" in info.value.diagnostics[0].hint


def test_impossible_date_is_reported():
    assert problems("data: 2021-02-30\n") == [
        ("f.yml:1:7", "data impossibile «2021-02-30»: quel giorno non esiste nel calendario")
    ]


def test_empty_and_comment_only_files_are_reported():
    assert problems("") == [("f.yml:1:1", "il file è vuoto")]
    assert problems("# solo un commento\n\n") == [("f.yml:1:1", "il file è vuoto")]


def test_non_utf8_column_counts_characters_not_bytes(tmp_path: Path):
    path = tmp_path / "f.yml"
    path.write_bytes("titolo: Città e perch\xe8\n".encode().replace(b"\xc3\xa8", b"\xe8"))
    with pytest.raises(SourceError) as info:
        load(path, "f.yml")
    assert str(info.value.diagnostics[0].pos) == "f.yml:1:22"


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path):
    path = tmp_path / "f.yml"
    path.write_bytes(b"\xef\xbb\xbfente: Camera\n")
    assert load(path, "f.yml").data == {"ente": "Camera"}


# -- safe loading ----------------------------------------------------------------


def test_python_object_tag_is_refused_and_not_executed(tmp_path: Path):
    marker = tmp_path / "marker"
    found = problems(f'a: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert found == [("f.yml:1:4", "etichetta YAML «!!python/object/apply:os.system» non ammessa")]
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    ["a: !!python/name:os.system\n", "a: !custom 3\n", "a: !!set {x: null}\n", "a: !!binary aGVsbG8=\n"],
)
def test_tags_outside_the_core_schema_are_refused(text: str):
    assert problems(text)[0][1].startswith("etichetta YAML «")


def test_alias_of_a_collection_is_refused_at_its_key():
    assert problems("a: &x [1, 2]\nb: *x\n") == [
        ("f.yml:2:1", "i riferimenti «*nome» a gruppi o elenchi non sono ammessi")
    ]


def test_nested_aliases_do_not_expand():
    text = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
    assert len(problems(text)) == 6  # one per alias written, not one per expanded copy


def test_merge_keys_are_refused():
    assert problems("a: &x {b: 1}\nc:\n  <<: *x\n")[0][1] == "le chiavi di fusione «<<» non sono ammesse"


# -- syntax errors -----------------------------------------------------------------


def test_tab_in_indentation_points_at_the_tab():
    assert problems("a:\n  b: 1\n\tc: 2\n") == [("f.yml:3:1", "sintassi YAML: carattere di tabulazione (TAB) nel rientro")]


def test_unclosed_quote_points_at_the_opening_quote():
    text = 'a: {x: "abc}\nb: "2"\nc: 3\n'
    assert problems(text) == [("f.yml:1:8", "sintassi YAML: virgolette aperte e non chiuse su questa riga")]


def test_unclosed_quote_at_end_of_file_points_at_the_opening_quote():
    assert problems('a: 1\nb: "abc\n') == [("f.yml:2:4", "sintassi YAML: virgolette aperte e mai chiuse")]


def test_over_indented_key_is_an_indentation_problem_at_the_key():
    assert problems("a:\n  b: 1\n   c: 2\n") == [
        ("f.yml:3:4", "sintassi YAML: rientro non valido: «c» ha più spazi davanti del campo alla riga 2")
    ]


def test_under_indented_key_is_an_indentation_problem():
    assert problems("a:\n  b: 1\n c: 2\n") == [
        ("f.yml:3:2", "sintassi YAML: rientro non valido: la riga non è allineata con quelle dello stesso gruppo")
    ]


def test_unquoted_colon_in_a_text_is_reported_at_the_colon():
    assert problems("titolo: Piano: bello\n") == [("f.yml:1:14", "sintassi YAML: due punti «:» inattesi in un valore")]


def test_unclosed_bracket_points_at_the_bracket():
    assert problems("a: 1\nb: [1, 2\nc: 3\n") == [("f.yml:2:4", "sintassi YAML: parentesi «[» aperta e non chiusa")]


def test_load_names_the_file_as_given(tmp_path: Path):
    path = tmp_path / "x.yml"
    path.write_text("a: 1\n", encoding="utf-8")
    doc = load(path, "plan/x.yml")
    assert isinstance(doc, Document) and doc.path == "plan/x.yml" and doc.pos(("a",)) == Pos("plan/x.yml", 1, 4)


def test_missing_colon_points_at_the_line_without_it():
    assert problems("a:\n  b: 1\n  titolo Capitale\n  c: 2\n") == [
        ("f.yml:3:3", "sintassi YAML: manca il carattere «:» nella riga «titolo Capitale»")
    ]


def test_second_document_is_reported_at_its_separator():
    assert problems("a: 1\n---\nb: 2\n") == [
        ("f.yml:2:1", "sintassi YAML: la riga «---» inizia un secondo documento nello stesso file")
    ]


def test_empty_item_between_brackets_is_reported_where_it_is():
    assert problems("a: [1, , 2]\n") == [("f.yml:1:8", "sintassi YAML: valore mancante o carattere fuori posto tra parentesi")]


def test_bad_escape_in_double_quotes_is_not_mistaken_for_an_open_quote():
    assert problems('a: "C:\\q"\n')[0][1] == "sintassi YAML: sequenza non valida dopo la barra rovesciata «\\» tra virgolette doppie"


def test_percent_at_line_start_is_explained():
    assert problems("%x\na: 1\n")[0][1] == "sintassi YAML: una riga non può iniziare con «%»"


def test_percent_before_a_key_is_explained_too():
    # "%data: …" is a directive whose name ruamel rejects at the colon
    assert problems("%data: 2021-06-30\ntipo: monitoraggio\n")[0][1] == "sintassi YAML: una riga non può iniziare con «%»"
