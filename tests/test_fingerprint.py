"""Fingerprints of page data: canonical, type-aware, and loud about what they cannot see.

The incremental build reuses a page when the fingerprint of its job (the
data its template receives) is unchanged, so two values that could render
differently must never share a fingerprint, and a value whose content is
hidden (a closure) must be refused rather than skipped.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import os
import subprocess
import sys
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from generator.fingerprint import Fingerprinter, NotFingerprintable, fingerprint
from generator.presentation import Md

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Voce:
    codice: str
    valore: Decimal
    note: tuple[str, ...] = ()
    indice: dict[str, int] = field(default_factory=dict, init=False, compare=False)


class Colore(enum.Enum):
    ROSSO = 1
    VERDE = 2


def etichetta(v: Voce) -> str:
    return v.codice


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1", 1),
        ("**x**", Md("**x**")),  # printed escaped vs printed as Markdown
        (Decimal("1.0"), Decimal("1.00")),  # "1,0" vs "1,00"
        (Decimal(1), 1),
        (Fraction(1, 3), Fraction(2, 3)),
        (True, 1),
        ((1, 2), [1, 2]),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # templates iterate in this order
        (dt.date(2021, 1, 1), dt.datetime(2021, 1, 1)),
        (Colore.ROSSO, 1),
        (("ab", "c"), ("a", "bc")),
        (Voce("1.1", Decimal(3)), Voce("1.1", Decimal(4))),
        (functools.partial(etichetta), etichetta),
    ],
)
def test_values_that_can_render_differently_have_different_fingerprints(a: object, b: object):
    assert fingerprint(a) != fingerprint(b)


def test_equal_data_built_twice_has_one_fingerprint():
    a = {"voci": [Voce("1.1", Decimal("2.50"), ("x",))], "quando": dt.date(2021, 6, 30), "f": etichetta}
    b = {"voci": [Voce("1.1", Decimal("2.50"), ("x",))], "quando": dt.date(2021, 6, 30), "f": etichetta}
    assert fingerprint(a) == fingerprint(b)


def test_a_remembered_dataclass_gives_the_same_fingerprint_as_a_fresh_walk():
    voce = Voce("1.1", Decimal(3))
    fp = Fingerprinter()
    fp.digest(voce)
    assert fp.digest({"v": voce}) == fingerprint({"v": voce})


def test_a_field_derived_after_construction_is_not_part_of_the_fingerprint():
    voce = Voce("1.1", Decimal(3))
    voce.indice["x"] = 1  # init=False: computed from the other fields
    assert fingerprint(voce) == fingerprint(Voce("1.1", Decimal(3)))


def test_a_changed_field_deep_inside_changes_the_fingerprint():
    voce = Voce("1.1", Decimal(3), ("nota",))
    assert fingerprint({"righe": [(1, voce)]}) != fingerprint({"righe": [(1, replace(voce, note=("nota!",)))]})


def test_a_lambda_is_refused_with_where_it_was_found():
    with pytest.raises(NotFingerprintable, match=r"lambda or closure.*\['rel'\]\['spiegazione'\]"):
        fingerprint({"rel": {"spiegazione": lambda e: e}})


def test_a_closure_is_refused():
    dato = Voce("1.1", Decimal(3))

    def vicino() -> Voce:
        return dato

    with pytest.raises(NotFingerprintable, match="closure"):
        fingerprint([vicino])


def test_an_unknown_type_is_refused_not_skipped():
    class Oggetto:
        pass

    with pytest.raises(NotFingerprintable, match=r"Oggetto at \.x"):
        fingerprint(_Con(Oggetto()))


@dataclass(frozen=True)
class _Con:
    x: object


def test_fingerprints_do_not_depend_on_the_process():
    """No ``hash()``: another interpreter, with another hash seed, agrees."""
    codice = (
        "import datetime as dt; from decimal import Decimal; from generator.fingerprint import fingerprint; "
        "print(fingerprint({'a': (Decimal('1.5'), dt.date(2021, 1, 1), frozenset({'x', 'y', 'z'}))}))"
    )
    risultati = {
        subprocess.run(
            [sys.executable, "-c", codice], cwd=REPO, env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(risultati) == 1
