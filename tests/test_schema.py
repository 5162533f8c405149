"""The JSON Schema files editors use: in sync with the models, and agreeing with the data.

``schemas/*.schema.json`` are generated from :mod:`generator.schema` and
committed, because VS Code reads them from the repository while staff type
(each YAML file names its schema on its first line). These tests keep the
committed files identical to what the models generate, check that the
shipped YAML passes them, and that their texts are written for staff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator import schema as S
from generator.source import load

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"
CORPUS = REPO / "tests" / "corpus"

SHIPPED = (
    sorted((REPO / "plan").glob("*.yml"))
    + sorted((REPO / "measurements").glob("*.yml"))
    + sorted((REPO / "relazione").glob("*/relazione.yml"))
    + sorted((REPO / "premi").glob("*.yml"))
)


def kind_of(path: Path) -> str:
    if path.name == "relazione.yml":
        return "relazione"
    return {"plan": "plan", "premi": "premi"}.get(path.parent.name, "measurement")


def as_json(value: Any) -> Any:
    """YAML values as JSON sees them: dates as ISO strings, Decimals as numbers."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def validator(kind: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(path: Path) -> list[str]:
    data = as_json(load(path).data)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind_of(path)).iter_errors(data)]


# -- in sync with the models ------------------------------------------------------


def test_committed_schemas_equal_the_regenerated_ones(tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "generator", "schema", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        env=env,
    )
    for name in S.SCHEMAS:
        assert (tmp_path / name).read_text(encoding="utf-8") == (SCHEMAS / name).read_text(encoding="utf-8"), (
            f"schemas/{name} is stale: run `python -m generator schema`"
        )


@pytest.mark.parametrize("name", sorted(S.SCHEMAS))
def test_schema_is_valid_draft_2020_12(name: str):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


# -- written for staff ------------------------------------------------------------


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = list(schema.get("properties", {}).items())
    for model in schema.get("$defs", {}).values():
        out.extend(model.get("properties", {}).items())
    return out


@pytest.mark.parametrize("name", sorted(S.SCHEMAS))
def test_every_field_has_an_italian_description(name: str):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    missing = [field for field, prop in _properties(schema) if not prop.get("description")]
    assert missing == []


@pytest.mark.parametrize("name", sorted(S.SCHEMAS))
def test_developer_docstrings_do_not_leak_into_the_schema(name: str):
    text = (SCHEMAS / name).read_text(encoding="utf-8")
    docstrings = [m.__doc__.strip() for m in vars(S).values() if isinstance(m, type) and m.__doc__ and m.__module__ == S.__name__]
    assert docstrings, "expected the models to keep their developer docstrings"
    assert [d for d in docstrings if d in text] == []


def test_every_model_has_an_italian_title_and_description():
    schema = json.loads((SCHEMAS / "plan.schema.json").read_text(encoding="utf-8"))
    models = [schema, *schema["$defs"].values()]
    assert sorted(m["title"] for m in models) == [
        "Adozione del piano",
        "Azione",
        "Obiettivo operativo",
        "Obiettivo strategico",
        "Piano della Performance",
        "Prospettiva",
        "Regole di valutazione (SMVP)",
        "Variazione del piano",
    ]
    assert all(m["description"] for m in models)


# -- shipped data -------------------------------------------------------------------


def test_shipped_yaml_files_validate_against_their_schema():
    if not SHIPPED:
        pytest.skip("no shipped plan/ or measurements/ YAML yet (being transcribed)")
    assert {path.relative_to(REPO).as_posix(): schema_errors(path) for path in SHIPPED} == {
        path.relative_to(REPO).as_posix(): [] for path in SHIPPED
    }


def test_shipped_yaml_files_name_their_schema_on_the_first_line():
    if not SHIPPED:
        pytest.skip("no shipped plan/ or measurements/ YAML yet (being transcribed)")
    first_lines = {p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8").splitlines()[0] for p in SHIPPED}
    assert first_lines == {
        p.relative_to(REPO).as_posix(): f"# yaml-language-server: $schema={'../' * (len(p.relative_to(REPO).parts) - 1)}schemas/{kind_of(p)}.schema.json"
        for p in SHIPPED
    }


# -- editors and validator agree ------------------------------------------------------


@pytest.mark.parametrize("rel", ["plan/2021.yml", "measurements/2021-06-30.yml"])
def test_valid_corpus_base_passes_the_json_schema(rel: str):
    assert schema_errors(CORPUS / "_valid" / rel) == []


@pytest.mark.parametrize(
    "case",
    ["unknown-key", "unquoted-code", "weight-as-text", "tipo-not-allowed", "pira-string-si", "wrong-type-list-for-text", "missing-key"],
)
def test_shape_mistakes_are_also_flagged_by_the_json_schema(case: str):
    assert schema_errors(CORPUS / case / "plan" / "2021.yml") != []


def test_premi_schema_flags_what_the_validator_rejects():
    data = {"anno": 2021, "stanziato": 1000, "importo": 5, "minimo_destinatari": 2}
    errors = list(validator("premi").iter_errors(data))
    assert {e.validator for e in errors} == {"additionalProperties", "minimum"}
