"""YAML text -> plain Python data plus the source position of every value.

This is the only module that talks to ruamel.yaml. It *composes* the YAML
(the node graph, with marks) using the C parser when available, and builds
the Python values itself, so that:

- nothing is ever constructed from a tag (no unsafe loading, no
  ``!!python/object``): only the YAML 1.2 core schema scalars are allowed;
- floats become exact ``Decimal`` values (``0.1`` stays ``0.1``);
- duplicate keys are reported with both positions instead of silently
  keeping the last one;
- each value's ``file:line:column`` is kept in a flat index keyed by its
  path (the same tuples pydantic uses as error locations), which is cheap
  to build and only consulted when there is something to report.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, Pos

Loc = tuple[str | int, ...]

#: Marker key under which the position of a mapping *key* is indexed:
#: ``loc + (KEY,)`` is where the key itself is written (for "unknown key").
KEY = "\x00key"

_TAG = "tag:yaml.org,2002:"
_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Document:
    """One parsed file: its data, the position index and the source lines."""

    path: str
    data: Any
    positions: dict[Loc, Pos]
    #: paths of scalars that were written as plain (unquoted) numbers but
    #: are read as strings later (codes): lets the validator say "quote it".
    plain_numbers: set[Loc] = field(default_factory=set)

    def pos(self, loc: Loc) -> Pos:
        """Best position for ``loc``: the value's own, else its nearest parent's."""
        while True:
            found = self.positions.get(tuple(loc))
            if found is not None:
                return found
            if not loc:
                return Pos(self.path, 1, 1)
            loc = loc[:-1]

    def key_pos(self, loc: Loc) -> Pos:
        """Position of the key naming ``loc`` (falls back to the value's)."""
        return self.positions.get(tuple(loc) + (KEY,)) or self.pos(loc)


class SourceError(Exception):
    """The file could not be read as YAML; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def _yaml() -> YAML:
    # typ="safe" + pure=False picks ruamel's C parser (ruamel.yaml.clib) when
    # it is installed; compose() never constructs Python objects from tags.
    return YAML(typ="safe", pure=False)


_PARSER = _yaml()


def read_text(path: Path, display: str) -> str:
    """Read UTF-8 text, turning encoding problems into positioned diagnostics."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        col = err.start - (before.rfind(b"\n") + 1) + 1
        raise SourceError(
            [
                Diagnostic(
                    Pos(display, line, col),
                    f"il file non è in codifica UTF-8 (byte 0x{raw[err.start]:02x} non valido)",
                    "salva il file come UTF-8 (in VS Code: «Salva con codifica» → UTF-8)",
                )
            ]
        ) from None
    return text


def parse(text: str, display: str) -> Document:
    """Parse YAML ``text`` (named ``display`` in messages) into a :class:`Document`."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise SourceError(
            [
                Diagnostic(
                    Pos(display, 1, 1),
                    "il file è vuoto",
                    "scrivi il contenuto del file, oppure eliminalo se non serve",
                )
            ]
        )
    try:
        node = _PARSER.compose(io.StringIO(text))
    except MarkedYAMLError as err:
        raise SourceError([_syntax_diagnostic(err, display, text)]) from None
    builder = _Builder(display)
    data = builder.build(node, ())
    if builder.errors:
        raise SourceError(builder.errors)
    return Document(display, data, builder.positions, builder.plain_numbers)


def load(path: Path, display: str | None = None) -> Document:
    """Read and parse one YAML file."""
    name = display or str(path)
    return parse(read_text(path, name), name)


# --------------------------------------------------------------------------
# syntax errors


_PROBLEMS: list[tuple[str, str, str]] = [
    (
        "tab",
        "carattere di tabulazione (TAB) nel rientro",
        "YAML accetta solo spazi per il rientro: sostituisci il TAB con due spazi",
    ),
    (
        "mapping values are not allowed",
        "struttura non valida: due punti «:» inattesi",
        "se il testo contiene «: » racchiudilo tra virgolette, altrimenti controlla il rientro",
    ),
    (
        "did not find expected key",
        "rientro non valido: atteso un nuovo campo allo stesso livello",
        "allinea il campo agli altri dello stesso elenco (stesso numero di spazi)",
    ),
    (
        "did not find expected '-' indicator",
        "rientro non valido in un elenco",
        "ogni elemento dell'elenco inizia con «- » allineato agli altri",
    ),
    (
        "found character that cannot start any token",
        "carattere non ammesso all'inizio di un valore",
        "racchiudi il valore tra virgolette, ad esempio `titolo: \"@testo\"`",
    ),
    (
        "found unexpected end of stream",
        "il file finisce prima del previsto (virgolette o parentesi non chiuse?)",
        "chiudi le virgolette o le parentesi aperte",
    ),
    (
        "found unknown escape character",
        "sequenza di escape non valida tra virgolette doppie",
        "usa le virgolette semplici ' ' oppure raddoppia la barra rovesciata \\\\",
    ),
    (
        "found undefined alias",
        "riferimento (alias) non definito",
        "definisci l'ancora «&nome» prima di usare «*nome», o scrivi il valore per esteso",
    ),
]


def _syntax_diagnostic(err: MarkedYAMLError, display: str, text: str) -> Diagnostic:
    mark = err.problem_mark or err.context_mark
    line = (mark.line + 1) if mark else 1
    col = (mark.column + 1) if mark else 1
    problem = f"{err.problem or ''} {err.context or ''}".lower()
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in src and "tab" not in problem and src[: len(src) - len(src.lstrip())].count("\t"):
        problem = "tab " + problem
        col = src.index("\t") + 1
    for needle, message, hint in _PROBLEMS:
        if needle in problem:
            return Diagnostic(Pos(display, line, col), f"errore di sintassi YAML: {message}", hint)
    return Diagnostic(
        Pos(display, line, col),
        f"errore di sintassi YAML: {err.problem or err.context}",
        "controlla rientri, due punti e virgolette su questa riga e su quella precedente",
    )


# --------------------------------------------------------------------------
# node graph -> Python data


class _Builder:
    """Walks composed nodes once, building values and the position index."""

    def __init__(self, display: str):
        self.display = display
        self.positions: dict[Loc, Pos] = {}
        self.plain_numbers: set[Loc] = set()
        self.errors: list[Diagnostic] = []

    def _pos(self, node: Node) -> Pos:
        m = node.start_mark
        return Pos(self.display, m.line + 1, m.column + 1)

    def build(self, node: Node, loc: Loc) -> Any:
        self.positions[loc] = self._pos(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.build(child, loc + (i,)) for i, child in enumerate(node.value)]
        return self._scalar(node, loc)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            key_pos = self._pos(key_node)
            if key_node.tag == _TAG + "merge":
                self.errors.append(
                    Diagnostic(
                        key_pos,
                        "le chiavi di fusione «<<» non sono ammesse",
                        "scrivi i campi per esteso: il file deve essere leggibile da chiunque",
                    )
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.errors.append(
                    Diagnostic(key_pos, "una chiave deve essere un testo semplice", "scrivi `nome: valore`")
                )
                continue
            key = key_node.value
            if key in seen:
                first = seen[key]
                self.errors.append(
                    Diagnostic(
                        key_pos,
                        f"chiave «{key}» ripetuta (già presente alla riga {first.line})",
                        "ogni chiave può comparire una sola volta: elimina o rinomina uno dei due",
                    )
                )
                continue
            seen[key] = key_pos
            child = loc + (key,)
            self.positions[child + (KEY,)] = key_pos
            out[key] = self.build(value_node, child)
        return out

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        tag, text = node.tag, node.value
        quoted = bool(getattr(node, "style", None))
        if quoted or tag == _TAG + "str":
            return text
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return text.lower() == "true"
        if tag == _TAG + "int":
            self.plain_numbers.add(loc)
            clean = text.replace("_", "")
            if _INT_RE.match(text):
                return int(clean)
            return text  # octal/hex/etc.: keep the text, the schema rejects it
        if tag == _TAG + "float":
            self.plain_numbers.add(loc)
            try:
                value = Decimal(text.replace("_", ""))
            except InvalidOperation:
                return text
            return value if value.is_finite() else text
        if tag == _TAG + "timestamp":
            if _DATE_RE.match(text):
                try:
                    return dt.date.fromisoformat(text)
                except ValueError:
                    pass
            self.errors.append(
                Diagnostic(
                    self._pos(node),
                    f"data non valida «{text}»",
                    "scrivi la data nel formato AAAA-MM-GG, ad esempio `2021-06-30`",
                )
            )
            return text
        self.errors.append(
            Diagnostic(
                self._pos(node),
                f"etichetta YAML «{tag}» non ammessa",
                "togli l'etichetta che inizia con «!»: i file contengono solo testi, numeri e date",
            )
        )
        return text
