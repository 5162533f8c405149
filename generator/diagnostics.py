"""Diagnostics: what is wrong, where, and how to fix it — in Italian.

Every check in the project produces :class:`Diagnostic` values instead of
raising, so that a run reports *all* problems at once (like MkDocs' config
validation), sorted by file and line. Formatting follows the GNU convention
(``file:line:col: errore: …``) that editors and CI turn into links, quotes the
user's own line with a caret under the column, and ends with a hint.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from .runtime import read_regular_file

Severity = Literal["errore", "avviso"]


@dataclass(frozen=True, slots=True, order=True)
class Pos:
    """A 1-based position in a source file (``file`` as shown to the user)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    pos: Pos
    message: str
    hint: str = ""
    severity: Severity = "errore"

    @property
    def is_error(self) -> bool:
        return self.severity == "errore"


class ValidationFailed(Exception):
    """Raised after collecting every diagnostic when at least one is an error."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{sum(d.is_error for d in diagnostics)} errori")
        self.diagnostics = diagnostics


@dataclass
class Collector:
    """The diagnostics of one validation run, in the order the checks found them.

    Every check (plan, measurements, premi, the Relazione) adds to the same
    collector, so one run reports everything. The running count of errors
    and the files that have any are kept as they are added: asking them is
    O(1), rescanning ``diags`` per object was quadratic on big plans.
    """

    diags: list[Diagnostic] = field(default_factory=list)
    n_errors: int = 0
    files_with_errors: set[str] = field(default_factory=set)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diags.append(diagnostic)
        if diagnostic.is_error:
            self.n_errors += 1
            self.files_with_errors.add(diagnostic.pos.file)

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        self.add(Diagnostic(pos, message, hint))

    def warn(self, pos: Pos, message: str, hint: str = "") -> None:
        self.add(Diagnostic(pos, message, hint, "avviso"))


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.pos.file, d.pos.line, d.pos.col, d.message)


LineSource = Callable[[str, int], str | None]

#: Messages of one kind shown per file before "e altri N" (output bounded).
MAX_PER_TIPO = 20
#: Longest quoted source line, in characters, and longest message or hint.
LARGHEZZA_RIGA = 160
LUNGHEZZA_TESTO = 600

#: What must never reach a terminal or a CI log raw: C0/C1 controls (escape
#: sequences, a newline starting a fake `::error` line), line and paragraph
#: separators and bidirectional controls.
_INVISIBILI = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def neutro(text: str, a_capo: bool = False) -> str:
    """``text`` safe for a terminal or a CI log: invisible characters shown as ``⟨U+000C⟩``.

    ``a_capo`` keeps line breaks, for formats that escape them (GitHub's ``%0A``).
    """
    return _INVISIBILI.sub(lambda m: m.group() if a_capo and m.group() in "\r\n" else f"⟨U+{ord(m.group()):04X}⟩", text)


def _corto(text: str, limite: int = LUNGHEZZA_TESTO) -> str:
    return text if len(text) <= limite else f"{text[: limite - 1]}…"


def _finestra(src: str, col: int) -> tuple[str, int]:
    """A long line cut to :data:`LARGHEZZA_RIGA` characters around ``col`` (1-based)."""
    if len(src) <= LARGHEZZA_RIGA:
        return src, col
    inizio = max(0, min(col - 1 - LARGHEZZA_RIGA // 2, len(src) - LARGHEZZA_RIGA))
    pezzo = src[inizio : inizio + LARGHEZZA_RIGA]
    prima = "…" if inizio > 0 else ""
    dopo = "…" if inizio + LARGHEZZA_RIGA < len(src) else ""
    return prima + pezzo + dopo, col - inizio + len(prima)


def _tipo(d: Diagnostic) -> tuple[str, str, str]:
    """What makes two diagnostics "the same kind": file, severity, message without its values."""
    return (d.pos.file, d.severity, re.sub(r"«[^»]*»|\d+", "…", d.message))


def limitati(diagnostics: Iterable[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The diagnostics to show (at most :data:`MAX_PER_TIPO` per kind and file,
    in order), and one "e altri N" diagnostic per kind that had more."""
    visti: dict[tuple[str, str, str], list[Diagnostic]] = {}
    mostrati: list[Diagnostic] = []
    for d in sorted(diagnostics, key=sort_key):
        gruppo = visti.setdefault(_tipo(d), [])
        gruppo.append(d)
        if len(gruppo) <= MAX_PER_TIPO:
            mostrati.append(d)
    altri = [
        Diagnostic(
            g[MAX_PER_TIPO].pos,
            f"e altri {len(g) - MAX_PER_TIPO} messaggi come «{_corto(g[0].message, 120)}» in questo file",
            "correggi i casi indicati sopra e rilancia il controllo",
            g[0].severity,
        )
        for g in visti.values()
        if len(g) > MAX_PER_TIPO
    ]
    return mostrati, altri


def _riga_sicura(line: str) -> str:
    # GitHub Actions reads any log line starting with "::" as a command
    return " " + line if line.startswith("::") else line


def format_text(diagnostics: Iterable[Diagnostic], line_of: LineSource) -> str:
    """Human-readable report: each diagnostic with its quoted line and caret.

    Safe to print anywhere: values are neutralised (:func:`neutro`), long
    lines and messages cut, repeated messages capped (:func:`limitati`).
    """
    items = sorted(diagnostics, key=sort_key)
    mostrati, altri = limitati(items)
    out: list[str] = []
    for d in mostrati:
        out.append(f"{neutro(str(d.pos))}: {d.severity}: {neutro(_corto(d.message))}")
        src = line_of(d.pos.file, d.pos.line)
        if src is not None:
            gutter = str(d.pos.line)
            pad = " " * len(gutter)
            # A TAB is shown as «→» (one column, like the parser counts it):
            # invisible otherwise, and often the very problem reported.
            shown, col = _finestra(src.replace("\t", "→"), d.pos.col)
            caret_col = min(max(col, 1), len(shown) + 1)
            # neutralised after placing the caret: the caret counts the characters the user has
            marked = neutro(shown[: caret_col - 1])
            out.append(f"  {gutter} | {marked}{neutro(shown[caret_col - 1 :])}")
            out.append(f"  {pad} | {' ' * len(marked)}^")
        if d.hint:
            out.append(f"suggerimento: {neutro(_corto(d.hint))}")
        out.append("")
    for d in altri:
        out.append(f"{neutro(str(d.pos))}: {d.severity}: {neutro(d.message)}")
        out.append("")
    out.append(summary(items))
    return "\n".join(_riga_sicura(line) for line in out) + "\n"


def summary(items: list[Diagnostic]) -> str:
    errors = sum(d.is_error for d in items)
    warnings = len(items) - errors
    if not items:
        return "nessun problema trovato"
    e = "1 errore" if errors == 1 else f"{errors} errori"
    w = "1 avviso" if warnings == 1 else f"{warnings} avvisi"
    return f"{e}, {w}"


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: annotations on the PR's changed lines (capped like the text)."""
    mostrati, altri = limitati(diagnostics)
    out = []
    for d in mostrati + altri:
        level = "error" if d.is_error else "warning"
        title = "Errore di validazione" if d.is_error else "Avviso di validazione"
        body = neutro(_corto(d.message), a_capo=True) + (f"\nsuggerimento: {neutro(_corto(d.hint), a_capo=True)}" if d.hint else "")
        out.append(
            f"::{level} file={_escape_property(neutro(d.pos.file))},line={d.pos.line},col={d.pos.col},"
            f"title={_escape_property(title)}::{_escape_data(body)}"
        )
    return "\n".join(out) + ("\n" if out else "")


def line_reader(root: Path) -> LineSource:
    """A cached ``(file, line) -> text`` reader for quoting source lines."""
    cache: dict[str, list[str]] = {}

    def line_of(file: str, line: int) -> str | None:
        if file not in cache:
            try:
                # never through a link, never a FIFO: what is quoted comes from the repository
                cache[file] = read_regular_file(root / file).decode("utf-8-sig", "replace").splitlines()
            except OSError:
                cache[file] = []
        lines = cache[file]
        return lines[line - 1] if 0 < line <= len(lines) else None

    return line_of


def print_report(diagnostics: list[Diagnostic], root: Path, fmt: str, out: IO[str]) -> None:
    """Write ``diagnostics`` to ``out``: GitHub annotations if ``fmt`` is ``"github"``, else text quoting ``root``'s files."""
    if fmt == "github":
        out.write(format_github(diagnostics))
    else:
        out.write(format_text(diagnostics, line_reader(root)))


#: Longest word for which a "did you mean" is looked for: typos are short,
#: and difflib's cost grows with the square of the length (a 100 KB value
#: used 2,000 times through a YAML alias took minutes).
MAX_SUGGESTED = 80


def close_match(word: str, options: Iterable[str]) -> str | None:
    """The option closest to ``word``, for a "forse intendevi …?" hint, or None."""
    if len(word) > MAX_SUGGESTED:
        return None
    match = difflib.get_close_matches(word, [o for o in options if len(o) <= MAX_SUGGESTED], n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(guess: str | None) -> str:
    """The opening of a hint, "forse intendevi «X»? ", or "" without a guess.

    One wording for every check, so staff meet the same sentence whichever
    file they got wrong; the rest of the hint follows it.
    """
    return f"forse intendevi «{guess}»? " if guess else ""
