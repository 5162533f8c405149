"""Diagnostics: what is wrong, where, and how to fix it — in Italian.

Every check in the project produces :class:`Diagnostic` values instead of
raising, so that a run reports *all* problems at once (like MkDocs' config
validation), sorted by file and line. Formatting follows the GNU convention
(``file:line:col: errore: …``) that editors and CI turn into links, quotes the
user's own line with a caret under the column, and ends with a hint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

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


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.pos.file, d.pos.line, d.pos.col, d.message)


LineSource = Callable[[str, int], str | None]


def format_text(diagnostics: Iterable[Diagnostic], line_of: LineSource) -> str:
    """Human-readable report: each diagnostic with its quoted line and caret."""
    items = sorted(diagnostics, key=sort_key)
    out: list[str] = []
    for d in items:
        out.append(f"{d.pos}: {d.severity}: {d.message}")
        src = line_of(d.pos.file, d.pos.line)
        if src is not None:
            gutter = str(d.pos.line)
            pad = " " * len(gutter)
            # A TAB is shown as «→» (one column, like the parser counts it):
            # invisible otherwise, and often the very problem reported.
            shown = src.replace("\t", "→")
            caret_col = min(max(d.pos.col, 1), len(shown) + 1)
            out.append(f"  {gutter} | {shown}")
            out.append(f"  {pad} | {' ' * (caret_col - 1)}^")
        if d.hint:
            out.append(f"suggerimento: {d.hint}")
        out.append("")
    out.append(summary(items))
    return "\n".join(out) + "\n"


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
    """GitHub Actions workflow commands: annotations on the PR's changed lines."""
    out = []
    for d in sorted(diagnostics, key=sort_key):
        level = "error" if d.is_error else "warning"
        title = "Errore di validazione" if d.is_error else "Avviso di validazione"
        body = d.message + (f"\nsuggerimento: {d.hint}" if d.hint else "")
        out.append(
            f"::{level} file={_escape_property(d.pos.file)},line={d.pos.line},col={d.pos.col},"
            f"title={_escape_property(title)}::{_escape_data(body)}"
        )
    return "\n".join(out) + ("\n" if out else "")
