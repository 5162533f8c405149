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
from ruamel.yaml.resolver import VersionedResolver

from .diagnostics import Diagnostic, Pos

Loc = tuple[str | int, ...]

#: Marker key under which the position of a mapping *key* is indexed:
#: ``loc + (KEY,)`` is where the key itself is written (for "unknown key").
KEY = "\x00key"

_TAG = "tag:yaml.org,2002:"
_INT_RE = re.compile(r"^[-+]?[0-9][0-9_]*$")  # YAML 1.2 core: 010 is ten
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The YAML 1.2 core schema scalars (plus dates): every other tag is refused.
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "null", "bool", "int", "float", "timestamp"))


@dataclass(slots=True)
class Document:
    """One parsed file: its data, the position index and the source lines."""

    path: str
    data: Any
    positions: dict[Loc, Pos]
    #: paths of scalars that were written as plain (unquoted) numbers but
    #: are read as strings later (codes): lets the validator say "quote it".
    plain_numbers: set[Loc] = field(default_factory=set)
    #: paths of scalars written in quotes: `anno: "2021"` is text, and the
    #: validator can then suggest removing the quotes.
    quoted: set[Loc] = field(default_factory=set)

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


class _Yaml12Resolver(VersionedResolver):
    """The YAML 1.2 core schema, always.

    Pinning the version means a ``%YAML 1.1`` line cannot turn ``no`` or
    ``on`` into booleans; it also skips ruamel's per-scalar version lookup
    (exceptions caught on every value), a third of the load time of a big plan.
    """

    @property
    def processing_version(self) -> Any:
        return (1, 2)


def _yaml() -> YAML:
    # typ="safe" + pure=False picks ruamel's C parser (ruamel.yaml.clib) when
    # it is installed; compose() never constructs Python objects from tags.
    yaml = YAML(typ="safe", pure=False)
    yaml.Resolver = _Yaml12Resolver
    return yaml


_PARSER = _yaml()


def read_text(path: Path, display: str) -> str:
    """Read UTF-8 text, turning encoding problems into positioned diagnostics."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        # columns count characters, like everywhere else: decode the valid
        # start of the line (it is valid: this is the first bad byte)
        line_start = before.rfind(b"\n") + 1
        col = len(raw[line_start : err.start].decode("utf-8-sig")) + 1
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
    return Document(display, data, builder.positions, builder.plain_numbers, builder.quoted)


def load(path: Path, display: str | None = None) -> Document:
    """Read and parse one YAML file."""
    name = display or str(path)
    return parse(read_text(path, name), name)


# --------------------------------------------------------------------------
# syntax errors
#
# ruamel's messages are English and name the symptom where the parser gave up
# ("did not find expected key"); staff need the cause, in Italian, on the line
# where it is. The common causes (a TAB, a shifted line, an unclosed quote or
# bracket, an unquoted «: ») are recognised from the error and the text.

_PREFIX = "sintassi YAML: "

_FLOW_HINT = (
    "tra parentesi gli elementi sono separati da virgole, ad esempio `[2021, 2022, 2023]` "
    "o `{2021: 80%, 2022: 80%}`; un testo che contiene «:» o «,» va tra virgolette doppie"
)

#: (words of ruamel's problem, message, hint) for the rarer syntax errors
_PROBLEMS: list[tuple[str, str, str]] = [
    (
        "did not find expected node content",
        "valore mancante o carattere fuori posto tra parentesi",
        _FLOW_HINT,
    ),
    (
        "found unexpected ':'",
        "due punti «:» fuori posto",
        _FLOW_HINT,
    ),
    (
        "but found another document",
        "la riga «---» inizia un secondo documento nello stesso file",
        "togli la riga «---» e quello che segue, o spostalo in un altro file: ogni file contiene un solo piano o una sola rilevazione",
    ),
    (
        "directive",
        "una riga non può iniziare con «%»",
        "scrivi il valore dopo il nome del campo (ad esempio `peso: 50%`), oppure racchiudi il testo tra virgolette doppie",
    ),
    (
        "block sequence entries are not allowed",
        "un elenco «- …» non può iniziare sulla stessa riga del campo",
        "vai a capo dopo `campo:` e scrivi sotto, rientrati, gli elementi `- …`; "
        "se invece è un testo che inizia con «-», racchiudilo tra virgolette doppie",
    ),
    (
        "expected alphabetic or numeric character",
        "«*» e «&» all'inizio di un valore indicano riferimenti YAML",
        'racchiudi il valore tra virgolette doppie, ad esempio `nota: "*stima"`',
    ),
    (
        "expected <document start>",
        "riga inattesa: il testo che la precede non è un campo «nome: valore»",
        "ogni riga del file è `nome: valore` (o un elemento `- …` di un elenco): controlla questa riga e quelle sopra",
    ),
    (
        "uri escaped octet",
        "etichetta YAML «!…» non valida",
        "togli l'etichetta che inizia con «!»; se «!» fa parte del testo, racchiudi il valore tra virgolette doppie",
    ),
    (
        "line break",
        "testo inatteso alla fine della riga",
        "togli il testo in più, oppure racchiudi tutto il valore tra virgolette doppie",
    ),
    (
        "found undefined alias",
        "«*» all'inizio di un valore indica un riferimento YAML, qui non definito",
        'se «*» fa parte del testo, racchiudi il valore tra virgolette doppie: `nota: "*stima"`',
    ),
    (
        "found character that cannot start any token",
        "un valore non può iniziare con questo carattere",
        'racchiudi il valore tra virgolette doppie, ad esempio `titolo: "@testo"`',
    ),
]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_col(line: str) -> int:
    """0-based column where the first key of ``line`` starts (after any «- »)."""
    col = _indent(line)
    while line.startswith("- ", col):
        col += 2
        col += _indent(line[col:])
    return col


def _previous_content(lines: list[str], line: int) -> int | None:
    """1-based number of the last non-blank, non-comment line before ``line``."""
    for n in range(line - 1, 0, -1):
        stripped = lines[n - 1].strip()
        if stripped and not stripped.startswith("#"):
            return n
    return None


def _open_quote(text: str, before_line: int) -> tuple[int, int] | None:
    """Where a quote left open starts: a quoted scalar spanning lines, before the error.

    Staff never write multi-line quoted texts on purpose; when parsing fails
    after one, the missing closing quote is by far the likeliest cause.
    """
    found = None
    try:
        for tok in YAML(typ="safe", pure=True).scan(io.StringIO(text)):
            style = getattr(tok, "style", None)
            multiline = style in ('"', "'") and tok.end_mark.line > tok.start_mark.line
            if multiline and tok.start_mark.line + 1 <= before_line:
                found = (tok.start_mark.line + 1, tok.start_mark.column + 1)
            if tok.start_mark.line + 1 > before_line:
                break
    except MarkedYAMLError:
        pass
    return found


def _syntax_diagnostic(err: MarkedYAMLError, display: str, text: str) -> Diagnostic:
    mark = err.problem_mark or err.context_mark
    line = (mark.line + 1) if mark else 1
    col = (mark.column + 1) if mark else 1
    problem = (err.problem or "").lower()
    context = (err.context or "").lower()
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""

    def diag(ln: int, cl: int, message: str, hint: str) -> Diagnostic:
        return Diagnostic(Pos(display, ln, cl), _PREFIX + message, hint)

    leading = src[: len(src) - len(src.lstrip(" \t"))]
    if "\t" in leading or "tab character" in problem:
        tab = src.find("\t")
        return diag(
            line,
            tab + 1 if tab >= 0 else col,
            "carattere di tabulazione (TAB) nel rientro",
            "YAML accetta solo spazi: cancella il TAB e rientra la riga con la barra spaziatrice, "
            "allineandola alle altre dello stesso livello",
        )
    if "found unknown escape character" in problem:
        return diag(
            line,
            col,
            "sequenza non valida dopo la barra rovesciata «\\» tra virgolette doppie",
            "usa le virgolette semplici ('C:\\cartella') oppure raddoppia la barra rovesciata: \\\\",
        )
    if "quoted scalar" in context and "end of stream" in problem and err.context_mark is not None:
        return diag(
            err.context_mark.line + 1,
            err.context_mark.column + 1,
            "virgolette aperte e mai chiuse",
            "chiudi le virgolette alla fine del testo, sulla stessa riga: `nota: \"testo\"`",
        )
    quote = _open_quote(text, line)
    if quote is not None:
        return diag(
            *quote,
            "virgolette aperte e non chiuse su questa riga",
            "chiudi le virgolette alla fine del testo, sulla stessa riga: `nota: \"testo\"`",
        )
    if "did not find expected ','" in problem and err.context_mark is not None:
        closing = "]" if "sequence" in context else "}"
        opening = "[" if closing == "]" else "{"
        return diag(
            err.context_mark.line + 1,
            err.context_mark.column + 1,
            f"parentesi «{opening}» aperta e non chiusa",
            f"chiudi la parentesi con «{closing}» sulla stessa riga, e separa gli elementi con virgole",
        )
    first = _indent(src) + 1
    if "could not find expected ':'" in problem and err.context_mark is not None:
        at = err.context_mark.line + 1
        text_at = lines[at - 1].strip() if 0 < at <= len(lines) else ""
        return diag(
            at,
            err.context_mark.column + 1,
            f"manca il carattere «:» nella riga «{text_at}»",
            "scrivi `nome: valore`, con i due punti e uno spazio; se la riga continua il testo di quella sopra, "
            "scrivi tutto il testo sulla stessa riga",
        )
    if "mapping values are not allowed" in problem:
        colon = src.find(": ", first - 1)
        if colon < 0 and src.rstrip().endswith(":"):
            colon = len(src.rstrip()) - 1
        prev = _previous_content(lines, line)
        if colon >= 0 and colon + 1 == col and prev is not None and _indent(src) > _key_col(lines[prev - 1]):
            key = src.strip().split(":")[0]
            return diag(
                line,
                first,
                f"rientro non valido: «{key}» ha più spazi davanti del campo alla riga {prev}",
                f"allinea «{key}:» agli altri campi dello stesso gruppo (stesso numero di spazi)",
            )
        return diag(
            line,
            col,
            "due punti «:» inattesi in un valore",
            'se il testo contiene «: » racchiudilo tra virgolette doppie (`titolo: "Piano: attuazione"`); '
            "altrimenti controlla il rientro della riga",
        )
    if "did not find expected key" in problem or "did not find expected '-'" in problem:
        if col == first:
            prev = _previous_content(lines, line)
            where = f" alla riga {prev}" if prev else ""
            return diag(
                line,
                col,
                "rientro non valido: la riga non è allineata con quelle dello stesso gruppo",
                f"allinea la riga ai campi dello stesso livello (stesso numero di spazi del gruppo{where}); "
                "gli elementi di un elenco iniziano con «- » allineati tra loro",
            )
        return diag(
            line,
            col,
            "testo inatteso dopo il valore",
            "se il valore contiene virgolette o «: », racchiudilo tutto tra virgolette doppie "
            "e raddoppia gli apostrofi tra virgolette semplici (`'l''ente'`)",
        )
    if "end of stream" in problem:
        return diag(
            line,
            col,
            "il file finisce prima del previsto",
            "chiudi le virgolette o le parentesi lasciate aperte",
        )
    for needle, message, hint in _PROBLEMS:
        if needle in problem:
            return diag(line, col, message, hint)
    return diag(
        line,
        col,
        f"{err.problem or err.context} (messaggio del lettore YAML)",
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
        self.quoted: set[Loc] = set()
        self.errors: list[Diagnostic] = []
        self.collections: set[int] = set()

    def _pos(self, node: Node) -> Pos:
        m = node.start_mark
        return Pos(self.display, m.line + 1, m.column + 1)

    def build(self, node: Node, loc: Loc) -> Any:
        self.positions[loc] = self._pos(node)
        if isinstance(node, (MappingNode, SequenceNode)):
            # An alias is the very same node object again. Expanding aliases of
            # collections lets a few lines grow into millions of values (the
            # "billion laughs"), and the copies would point at the anchor's
            # lines: neither helps a plan, so they are refused.
            if id(node) in self.collections:
                # The node keeps only the anchor's marks: point at the key
                # that holds the alias when there is one.
                self.errors.append(
                    Diagnostic(
                        self.positions.get(loc + (KEY,)) or self._pos(node),
                        "i riferimenti «*nome» a gruppi o elenchi non sono ammessi",
                        "scrivi i campi per esteso: il file deve essere leggibile da chiunque",
                    )
                )
                return None
            self.collections.add(id(node))
            expected = _TAG + ("map" if isinstance(node, MappingNode) else "seq")
            if node.tag != expected:
                self._bad_tag(node)
                return None
            if isinstance(node, MappingNode):
                return self._mapping(node, loc)
            return [self.build(child, loc + (i,)) for i, child in enumerate(node.value)]
        assert isinstance(node, ScalarNode)  # the composer makes only these three kinds
        return self._scalar(node, loc)

    def _bad_tag(self, node: Node) -> None:
        tag = node.tag or ""
        shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
        self.errors.append(
            Diagnostic(
                self._pos(node),
                f"etichetta YAML «{shown}» non ammessa",
                "togli l'etichetta che inizia con «!»: i file contengono solo testi, numeri, date, elenchi e gruppi di campi",
            )
        )

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            key_pos = self._pos(key_node)
            if key_node.value == "<<" and key_node.tag == _TAG + "merge":
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
                        f"ogni chiave compare una sola volta nello stesso gruppo: tieni una sola delle due righe (riga {first.line} o riga {key_pos.line})",
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
        if tag not in _SCALAR_TAGS:
            self._bad_tag(node)
            return text
        style = node.style
        if style in {'"', "'"}:
            self.quoted.add(loc)
            return text
        if style or tag == _TAG + "str":  # block texts (| and >) and !!str
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
            return text  # 0o17, 0x1F: keep the text, the checks reject it as "not a number"
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
                    self.errors.append(
                        Diagnostic(
                            self._pos(node),
                            f"data impossibile «{text}»: quel giorno non esiste nel calendario",
                            "controlla giorno e mese (formato AAAA-MM-GG), ad esempio `2021-06-30`",
                        )
                    )
                    return text
            self.errors.append(
                Diagnostic(
                    self._pos(node),
                    f"data non valida «{text}»: qui si scrive solo il giorno, senza ora",
                    "scrivi la data nel formato AAAA-MM-GG, ad esempio `2021-06-30`",
                )
            )
            return text
        self._bad_tag(node)
        return text
