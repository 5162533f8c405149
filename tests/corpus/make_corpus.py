"""Write the bad-input corpus: one tiny project root per case.

Each case is a small, otherwise valid project (one perspective, one strategic
objective, two operational objectives, a few actions) with exactly the
mistake the case is about. The files this script writes are committed and
are what the tests read; the script only exists so that the shared base is
written once and every case says just what it changes.

Usage (from the repository root)::

    .venv/bin/python tests/corpus/make_corpus.py            # rewrite the inputs
    .venv/bin/pytest tests/test_validate_corpus.py --update-golden  # then the goldens

It rewrites ``plan/`` and ``measurements/`` of every case listed here, never
``expected.txt``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

PLAN = """\
# yaml-language-server: $schema=../schemas/plan.schema.json
ente: Camera di Commercio di Esempio
titolo: Piano della Performance 2021-2023
anno: 2021
triennio: [2021, 2022, 2023]
strutture:
  sg: Segretario Generale
  uo-mediazione: U.O. "Mediazione"
prospettive:
  - id: tessuto-economico
    nome: Sviluppo del tessuto economico locale
    obiettivi_strategici:
      - codice: "1"
        titolo: Competitività del territorio
        indicatore: ponderazione
        target: {2021: 80%, 2022: 80%, 2023: 80%}
        obiettivi_operativi:
          - codice: "1.1"
            titolo: Capitale umano
            peso: 60%
            azioni:
              - codice: "1.1.1"
                titolo: Progetti attivati
                peso: 50%
                indicatore: numero di iniziative attivate entro il 30 giugno
                tipo: numero
                target: 3
                soglia_80: 2
                soglia_60: 1
                pira: false
                responsabile: sg
              - codice: "1.1.2"
                titolo: Tempi della mediazione
                peso: 30%
                indicatore: durata media delle procedure
                tipo: numero
                unita: gg
                target: 26
                soglia_80: 28
                soglia_60: 29
                responsabile: uo-mediazione
              - codice: "1.1.3"
                titolo: Piano della comunicazione
                peso: 20%
                indicatore: grado di attuazione del piano
                tipo: qualitativo
                responsabile: [sg, uo-mediazione]
          - codice: "1.2"
            titolo: Digitalizzazione
            peso: 40%
            azioni:
              - codice: "1.2.1"
                titolo: Pratiche telematiche
                peso: 40%
                indicatore: quota di pratiche presentate on line
                tipo: percentuale
                target: 90%
                soglia_80: 80%
                responsabile: sg
              - codice: "1.2.2"
                titolo: Nuovo sito istituzionale
                peso: 30%
                indicatore: data di pubblicazione
                tipo: data
                target: giugno
                soglia_80: luglio
                pira: true
                responsabile: sg
              - codice: "1.2.3"
                titolo: Carta dei servizi
                peso: 30%
                indicatore: carta dei servizi approvata
                tipo: si_no
                target: si
                responsabile: sg
"""

MEASUREMENT = """\
# yaml-language-server: $schema=../schemas/measurement.schema.json
piano: 2021
data: 2021-06-30
tipo: monitoraggio
valori:
  "1.1.1": 2
  "1.1.2": {valore: 27, nota: "fonte: registro delle procedure"}
  "1.1.3": {esito: 80%, nota: "piano attuato in parte"}
  "1.2.1": {numeratore: 30, denominatore: 40}
  "1.2.2": 2021-06-10
  "1.2.3": si
"""

MEASUREMENT_FILE = "measurements/2021-06-30.yml"


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """Apply ``(old, new)`` replacements, each of which must match exactly once."""
    for old, new in pairs:
        if text.count(old) != 1:
            raise SystemExit(f"corpus: {old!r} occurs {text.count(old)} times in the base text")
        text = text.replace(old, new)
    return text


def plan(*pairs: tuple[str, str]) -> dict[str, str | bytes]:
    return {"plan/2021.yml": edit(PLAN, *pairs)}


def measurement(*pairs: tuple[str, str], name: str = MEASUREMENT_FILE) -> dict[str, str | bytes]:
    return {"plan/2021.yml": PLAN, name: edit(MEASUREMENT, *pairs)}


A111 = '              - codice: "1.1.1"\n'
A112 = '              - codice: "1.1.2"\n'

#: case name -> files of the project root (text, or bytes written as is).
#: ``_valid`` is the untouched base: a test checks that it has no problems,
#: so every other case fails for its own mistake only.
CASES: dict[str, dict[str, str | bytes]] = {
    "_valid": {"plan/2021.yml": PLAN, MEASUREMENT_FILE: MEASUREMENT},
    # -- YAML syntax and encoding -------------------------------------------------
    "yaml-tab-indentation": plan(("                tipo: numero\n                target: 3\n", "                tipo: numero\n\t\ttarget: 3\n")),
    "yaml-bad-indentation": plan(("                indicatore: durata media", "                 indicatore: durata media")),
    "yaml-unclosed-quote": measurement(('nota: "piano attuato in parte"}', 'nota: "piano attuato in parte}')),
    "not-utf8": {
        "plan/2021.yml": edit(PLAN, ("titolo: Competitività", "titolo: Competitivit\udce0")).encode("utf-8", "surrogateescape"),
    },
    "empty-file": {"plan/2021.yml": PLAN, MEASUREMENT_FILE: "# yaml-language-server: $schema=../schemas/measurement.schema.json\n\n"},
    "duplicate-key": plan(("                soglia_80: 2\n                soglia_60: 1\n", "                soglia_80: 2\n                soglia_60: 1\n                soglia_80: 1\n")),
    "python-object-tag": plan(
        ("ente: Camera di Commercio di Esempio", 'ente: !!python/object/apply:os.system ["touch corpus-pwned-marker"]')
    ),
    # -- shape: keys and types ----------------------------------------------------
    "unknown-key": plan(("                soglia_80: 2\n", "                sogila_80: 2\n")),
    "missing-key": plan(("                indicatore: durata media delle procedure\n", "")),
    "wrong-type-text-for-number": plan(("                target: 26\n", "                target: 26 gg\n")),
    "wrong-type-list-for-text": plan(
        ("                titolo: Progetti attivati\n", "                titolo:\n                  - Progetti\n                  - attivati\n")
    ),
    "weight-as-text": plan(("            peso: 60%\n", "            peso: sessanta\n")),
    "tipo-not-allowed": plan(("                tipo: percentuale\n", "                tipo: percentuali\n")),
    "pira-string-si": plan(("                pira: true\n", "                pira: si\n")),
    # -- codes --------------------------------------------------------------------
    "unquoted-code": plan(('          - codice: "1.1"\n', "          - codice: 1.10\n")),
    "code-not-extending-parent": plan(('              - codice: "1.1.3"\n', '              - codice: "1.2.3"\n')),
    "duplicate-codes": plan(('              - codice: "1.1.3"\n', '              - codice: "1.1.2"\n')),
    # -- weights ------------------------------------------------------------------
    "action-weights-not-100": plan(("                peso: 30%\n                indicatore: durata", "                peso: 20%\n                indicatore: durata")),
    "operational-weights-not-100": plan(("Digitalizzazione\n            peso: 40%", "Digitalizzazione\n            peso: 50%")),
    "zero-weight": plan(
        ("                peso: 50%\n                indicatore: numero", "                peso: 0%\n                indicatore: numero"),
        ("                peso: 30%\n                indicatore: durata", "                peso: 80%\n                indicatore: durata"),
    ),
    "negative-weight": plan(
        ("                peso: 50%\n                indicatore: numero", "                peso: -10%\n                indicatore: numero"),
        ("                peso: 30%\n                indicatore: durata", "                peso: 90%\n                indicatore: durata"),
    ),
    # -- targets, thresholds, deadlines --------------------------------------------
    "thresholds-contradict-verso": plan(("                unita: gg\n", "                unita: gg\n                verso: crescente\n")),
    "thresholds-not-in-order": plan(("                soglia_80: 2\n                soglia_60: 1\n", "                soglia_80: 1\n                soglia_60: 2\n")),
    "deadline-bad-month": plan(("                target: giugno\n", "                target: giugnio\n")),
    "strategic-target-missing-year": plan(("target: {2021: 80%, 2022: 80%, 2023: 80%}", "target: {2022: 80%, 2023: 80%}")),
    # -- references ---------------------------------------------------------------
    "responsabile-unknown": plan(("                responsabile: uo-mediazione\n", "                responsabile: uo-mediazone\n")),
    "warning-missing-responsabile": plan(("                responsabile: uo-mediazione\n", "")),
    # -- measurements -------------------------------------------------------------
    "measured-code-not-in-plan": measurement(('  "1.1.2": {valore: 27,', '  "1.1.12": {valore: 27,')),
    "measured-objective-code": measurement(('  "1.1.1": 2\n', '  "1.1.1": 2\n  "1.1": 90%\n')),
    "zero-denominator": measurement(("{numeratore: 30, denominatore: 40}", "{numeratore: 30, denominatore: 0}")),
    "ratio-missing-denominator": measurement(("{numeratore: 30, denominatore: 40}", "{numeratore: 30}")),
    "measurement-unknown-plan-year": measurement(("piano: 2021\n", "piano: 2022\n")),
    "duplicate-measurement-date": {
        "plan/2021.yml": PLAN,
        MEASUREMENT_FILE: MEASUREMENT,
        "measurements/2021-06-30.yaml": edit(MEASUREMENT, ('  "1.1.1": 2\n', '  "1.1.1": 3\n')),
    },
    "measurement-date-outside-plan-year": measurement(
        ("data: 2021-06-30\n", "data: 2022-01-15\n"), name="measurements/2022-01-15.yml"
    ),
    "measurement-filename-mismatch": measurement(("data: 2021-06-30\n", "data: 2021-07-31\n")),
    "qualitativo-without-nota": measurement(('{esito: 80%, nota: "piano attuato in parte"}', "{esito: 80%}")),
    "qualitativo-plain-number": measurement(('{esito: 80%, nota: "piano attuato in parte"}', "80")),
    "esito-on-numeric-action": measurement(('  "1.1.1": 2\n', '  "1.1.1": {esito: 60%, nota: "quasi raggiunto"}\n')),
    "percent-on-data-action": measurement(('  "1.2.2": 2021-06-10\n', '  "1.2.2": 45%\n')),
    # -- several errors at once ---------------------------------------------------
    "multi-error": {
        "plan/2021.yml": edit(
            PLAN,
            ("Digitalizzazione\n            peso: 40%", "Digitalizzazione\n            peso: 50%"),
            ("                peso: 30%\n                indicatore: durata", "                peso: 20%\n                indicatore: durata"),
            ("                responsabile: uo-mediazione\n", "                responsabile: uo-mediazone\n"),
            ("                target: giugno\n", "                target: giugnio\n"),
        ),
        MEASUREMENT_FILE: edit(
            MEASUREMENT,
            ('  "1.1.2": {valore: 27,', '  "1.1.12": {valore: 27,'),
            ("{numeratore: 30, denominatore: 40}", "{numeratore: 30, denominatore: 0}"),
        ),
    },
}


def write(case: str, files: dict[str, str | bytes]) -> None:
    root = HERE / case
    for sub in ("plan", "measurements"):
        shutil.rmtree(root / sub, ignore_errors=True)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="\n")


def main(argv: list[str]) -> int:
    wanted = argv or list(CASES)
    for case in wanted:
        write(case, CASES[case])
    print(f"written {len(wanted)} cases under {HERE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
