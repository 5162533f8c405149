"""The bad-input corpus, checked through the real command line.

Each folder of ``tests/corpus/`` is a tiny project root with one mistake and
``expected.txt``: the exact text ``python -m generator validate --root <case>``
prints (the golden output). Staff read these messages, so a change in any of
them shows up here as a diff to review. After a deliberate change to the
messages, rewrite the goldens with::

    .venv/bin/pytest tests/test_validate_corpus.py --update-golden

and read the diff before committing. The inputs are written by
``tests/corpus/make_corpus.py``; the files on disk are what is tested.

Each case runs the command's own ``main`` in this process (the ``run_cli``
fixture: a new interpreter per case cost ~0.5 s of CPU each, a third of
``make check``); two tests run the real ``python -m generator validate`` in a
subprocess, a clean root and an erroneous one, so the entry point, the exit
code and the bytes on the real standard output are checked too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"

#: Where each case's first reported problem is, written out so that a reader
#: sees what every case is about without opening the golden file.
FIRST_PROBLEM: dict[str, tuple[str, int]] = {
    # YAML syntax and encoding
    "yaml-tab-indentation": ("plan/2021.yml", 27),
    "yaml-bad-indentation": ("plan/2021.yml", 35),
    "yaml-unclosed-quote": ("measurements/2021-06-30.yml", 8),
    "not-utf8": ("plan/2021.yml", 14),
    "empty-file": ("measurements/2021-06-30.yml", 1),
    "duplicate-key": ("plan/2021.yml", 30),
    "python-object-tag": ("plan/2021.yml", 2),
    # keys and types
    "unknown-key": ("plan/2021.yml", 28),
    "missing-key": ("plan/2021.yml", 32),
    "wrong-type-text-for-number": ("plan/2021.yml", 38),
    "wrong-type-list-for-text": ("plan/2021.yml", 24),
    "weight-as-text": ("plan/2021.yml", 20),
    "tipo-not-allowed": ("plan/2021.yml", 56),
    "pira-string-si": ("plan/2021.yml", 67),
    # codes
    "unquoted-code": ("plan/2021.yml", 18),
    "code-not-extending-parent": ("plan/2021.yml", 42),
    "duplicate-codes": ("plan/2021.yml", 42),
    # weights
    "action-weights-not-100": ("plan/2021.yml", 18),
    "operational-weights-not-100": ("plan/2021.yml", 13),
    "zero-weight": ("plan/2021.yml", 24),
    "negative-weight": ("plan/2021.yml", 24),
    # targets, thresholds, deadlines
    "thresholds-contradict-verso": ("plan/2021.yml", 38),
    "thresholds-not-in-order": ("plan/2021.yml", 28),
    "deadline-bad-month": ("plan/2021.yml", 65),
    "strategic-target-missing-year": ("plan/2021.yml", 16),
    # references
    "responsabile-unknown": ("plan/2021.yml", 41),
    "warning-missing-responsabile": ("plan/2021.yml", 32),
    # measurements
    "measured-code-not-in-plan": ("measurements/2021-06-30.yml", 7),
    "measured-objective-code": ("measurements/2021-06-30.yml", 7),
    "zero-denominator": ("measurements/2021-06-30.yml", 9),
    "ratio-missing-denominator": ("measurements/2021-06-30.yml", 9),
    "measurement-unknown-plan-year": ("measurements/2021-06-30.yml", 2),
    "duplicate-measurement-date": ("measurements/2021-06-30.yml", 3),
    "measurement-date-outside-plan-year": ("measurements/2022-01-15.yml", 3),
    "measurement-filename-mismatch": ("measurements/2021-06-30.yml", 3),
    "qualitativo-without-nota": ("measurements/2021-06-30.yml", 8),
    "qualitativo-plain-number": ("measurements/2021-06-30.yml", 8),
    "esito-on-numeric-action": ("measurements/2021-06-30.yml", 6),
    "percent-on-data-action": ("measurements/2021-06-30.yml", 10),
    # several at once (measurements/ sorts before plan/)
    "multi-error": ("measurements/2021-06-30.yml", 7),
}

#: Cases that only warn: the command succeeds (``--strict`` is tested apart).
WARNING_ONLY = {"warning-missing-responsabile"}

CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def run_validate(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m generator validate --root <root>`` as staff and CI run it."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--root", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd or REPO,
        env=env,
        check=False,
    )


def test_corpus_has_at_least_35_cases():
    assert len(CASES) >= 35


def test_every_case_lists_its_first_problem():
    assert sorted(FIRST_PROBLEM) == CASES


def test_valid_base_of_the_corpus_has_no_problems():
    result = run_validate(CORPUS / "_valid")
    assert (result.returncode, result.stdout) == (0, "nessun problema trovato\n")


def test_real_command_prints_the_golden_output_of_an_erroneous_case(tmp_path: Path):
    """The subprocess twin of the in-process cases below, on the case with several errors."""
    result = run_validate(CORPUS / "multi-error", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (CORPUS / "multi-error" / "expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_case_output_matches_golden(case: str, update_golden: bool, tmp_path: Path, run_cli):
    result = run_cli("validate", "--root", str(CORPUS / case), cwd=tmp_path)
    golden = CORPUS / case / "expected.txt"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8", newline="\n")
    assert result.stderr == ""
    assert result.returncode == (0 if case in WARNING_ONLY else 1)
    assert result.stdout == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(FIRST_PROBLEM))
def test_case_first_problem_names_file_and_line(case: str):
    first_line = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
    file, line = FIRST_PROBLEM[case]
    assert first_line.startswith(f"{file}:{line}:")


@pytest.mark.parametrize("case", CASES)
def test_case_carets_point_at_a_written_character(case: str):
    """Each ``^`` sits under text of the quoted line, never past it or on blanks."""
    lines = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    pairs = [(lines[i], lines[i + 1]) for i in range(len(lines) - 1) if lines[i + 1].rstrip().endswith("^")]
    assert pairs
    for quoted, caret in pairs:
        gutter = quoted.index(" | ") + 3
        column = len(caret) - 1
        assert quoted[column:column + 1].strip(), f"caret at column {column - gutter + 1} of {quoted[gutter:]!r}"


def test_corpus_inputs_on_disk_are_what_make_corpus_writes():
    """Inputs edited by hand would be lost at the next regeneration: keep them in the script."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec and spec.loader
    make_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_corpus)
    on_disk = {
        p.relative_to(CORPUS).as_posix(): p.read_bytes()
        for p in sorted(CORPUS.glob("*/*/*"))
        if p.parent.name in ("plan", "measurements")
    }
    written = {
        f"{case}/{rel}": content if isinstance(content, bytes) else content.encode("utf-8")
        for case, files in make_corpus.CASES.items()
        for rel, content in files.items()
    }
    assert on_disk == written
