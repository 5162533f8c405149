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
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeAlias

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from .diagnostics import Diagnostic, Pos
from .limiti import CIFRE_INTERE, CONTROLLO, PROFONDITA, cita, problema_numero
from .runtime import read_regular_file

Loc = tuple[str | int, ...]
#: A scalar as this loader reads it (YAML 1.2 core; quoted text stays text).
Scalar: TypeAlias = str | int | Decimal | dt.date | bool | None
#: A parsed file: mappings with text keys, sequences and scalars, nothing else.
YamlData: TypeAlias = dict[str, "YamlData"] | list["YamlData"] | Scalar

#: Marker key under which the position of a mapping *key* is indexed:
#: ``loc + (KEY,)`` is where the key itself is written (for "unknown key").
KEY = "\x00key"

_TAG = "tag:yaml.org,2002:"
_INT_RE = re.compile(r"[-+]?[0-9][0-9_]*")  # YAML 1.2 core: 010 is ten (fullmatch)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")  # fullmatch
#: The YAML 1.2 core schema scalars (plus dates): every other tag is refused.
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "null", "bool", "int", "float", "timestamp"))


@dataclass(slots=True)
class Document:
    """One parsed file: its data, the position index and the source lines."""

    path: str
    data: YamlData
    positions: dict[Loc, Pos]
    #: paths of scalars that were written as plain (unquoted) numbers but
    #: are read as strings later (codes): lets the validator say "quote it".
    plain_numbers: set[Loc] = field(default_factory=set)
    #: paths of scalars written in quotes: `anno: "2021"` is text, and the
    #: validator can then suggest removing the quotes.
    quoted: set[Loc] = field(default_factory=set)
    #: warnings found while reading (bidirectional control characters)
    avvisi: list[Diagnostic] = field(default_factory=list)

    def pos(self, loc: Loc) -> Pos:
        """Best position for ``loc``: the value's own, else its nearest parent's."""
        while True:
            found = self.positions.get(tuple(loc))
            if found is not None:
                return found
            if not loc:
                return Pos(self.path, 1, 1)
            loc = loc[:-1]

    def field_positions(self, loc: Loc, names: Iterable[str]) -> dict[str, Pos]:
        """Where the mapping at ``loc`` and each of its keys ``names`` are written.

        The key ``""`` is the mapping itself, so a model built from it can
        point a message at the object when the field was not written.
        """
        out = {"": self.pos(loc)}
        for name in names:
            found = self.positions.get(tuple(loc) + (name,))
            if found is not None:
                out[name] = found
        return out

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
    def processing_version(self) -> tuple[int, int]:
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
    try:
        raw = read_regular_file(path)
    except OSError:
        raise SourceError(
            [Diagnostic(Pos(display, 1, 1), "il file non si può leggere (è un collegamento simbolico, non è un file normale, o mancano i permessi)", "sostituiscilo con un normale file .yml del repository")]
        ) from None
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


#: The extension of data files (``.yaml`` is read too); any other case of it
#: (``.YML``) is an error rather than a file silently left out.
EXTENSIONS = (".yml", ".yaml")


def data_files(root: Path, folder: str) -> tuple[list[Path], list[Diagnostic]]:
    """The data files of ``root/cartella`` and what is wrong with the folder.

    Only regular ``.yml`` files inside the repository are read: a symbolic
    link (which could point anywhere on the build machine) is refused
    without being followed, and its target is never printed. Files that
    would otherwise be silently skipped are reported: another case of the
    extension (``.YML``) and a folder that is a file are errors, other files
    and sub-folders warnings. Dot-files (``.gitkeep``) are skipped, as git
    and MkDocs do.
    """
    base = root / folder
    if base.is_symlink():
        return [], [_symlink_refused(folder)]
    if not base.exists():
        return [], []
    if not base.is_dir():
        return [], [
            Diagnostic(Pos(folder, 1, 1), f"«{folder}» è un file, ma deve essere una cartella", f"sposta il file altrove e crea la cartella `{folder}/` con i file .yml")
        ]
    files: list[Path] = []
    diags: list[Diagnostic] = []
    for path in sorted(base.iterdir()):
        rel = f"{folder}/{path.name}"
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            diags.append(_symlink_refused(rel))
        elif path.is_dir():
            diags.append(Diagnostic(Pos(rel, 1, 1), f"la cartella «{rel}» non viene letta", f"i file vanno direttamente in `{folder}/`: sposta i file .yml fuori dalla sottocartella", "avviso"))
        elif path.suffix.lower() in EXTENSIONS and path.suffix not in EXTENSIONS:
            diags.append(Diagnostic(Pos(rel, 1, 1), f"estensione «{path.suffix}» in maiuscolo: il file non verrebbe letto", f"rinomina il file in `{folder}/{path.stem}.yml`"))
        elif path.suffix not in EXTENSIONS:
            diags.append(Diagnostic(Pos(rel, 1, 1), f"il file «{rel}» non è un file .yml e non viene letto", "se contiene dati, salvalo come .yml; altrimenti spostalo fuori dalla cartella", "avviso"))
        elif not path.is_file():
            diags.append(Diagnostic(Pos(rel, 1, 1), f"«{rel}» non è un file normale", "sostituiscilo con un normale file .yml"))
        else:
            files.append(path)
    return files, diags


def _symlink_refused(rel: str) -> Diagnostic:
    return Diagnostic(
        Pos(rel, 1, 1),
        f"«{rel}» è un collegamento simbolico: si leggono solo file e cartelle del repository",
        "sostituisci il collegamento con una copia del file (o togli il collegamento)",
    )


def symlinks_under(root: Path, folder: str) -> list[Diagnostic]:
    """Every symbolic link under ``root/cartella`` (folders like ``docs/`` whose
    files are copied into the site), without following any."""
    base = root / folder
    if base.is_symlink():
        return [_symlink_refused(folder)]
    out: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(base):
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                out.append(_symlink_refused(Path(path).relative_to(root).as_posix()))
    return out


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
    controlli = _caratteri(text, display, CONTROLLO, _control_char_error)
    if controlli:
        raise SourceError(controlli)
    try:
        troppo_profondo = _profondita(text, display)
        if troppo_profondo is not None:
            raise SourceError([troppo_profondo])
        node = _PARSER.compose(io.StringIO(text))
    except MarkedYAMLError as err:
        raise SourceError([_syntax_diagnostic(err, display, text)]) from None
    builder = _Builder(display)
    data = builder.build(node, ())
    if builder.errors:
        raise SourceError(builder.errors)
    avvisi = _caratteri(text, display, _BIDI, _avviso_bidi)
    return Document(display, data, builder.positions, builder.plain_numbers, builder.quoted, avvisi)


# --------------------------------------------------------------------------
# invisible characters and nesting depth
#
# Both are checked on the text before anything is built: a control character
# (a form feed pasted from a PDF) makes ruamel raise a ReaderError that is not
# positioned like a syntax error, and nesting is recursive in the composer
# (a RecursionError at a thousand levels, a crash at tens of thousands).

#: Bidirectional controls: legal, but they make a text read differently from
#: what it holds ("Trojan Source"); a warning, so a reviewer looks.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_NAMES = {
    0x00: "carattere nullo",
    0x08: "backspace",
    0x0B: "tabulazione verticale",
    0x0C: "salto pagina",
    0x1B: "escape",
    0x7F: "cancella",
}
#: At most this many characters of one kind are reported per file.
_MAX_PER_FILE = 20


def _char_name(ch: str) -> str:
    nome = _CONTROL_NAMES.get(ord(ch))
    return f"U+{ord(ch):04X}" + (f" ({nome})" if nome else "")


def _control_char_error(pos: Pos, ch: str) -> Diagnostic:
    return Diagnostic(
        pos,
        f"carattere di controllo invisibile {_char_name(ch)}",
        "capita incollando testo da un PDF o da un programma di videoscrittura: cancella il carattere "
        "(riscrivi a mano il testo intorno alla colonna indicata)",
    )


def _avviso_bidi(pos: Pos, ch: str) -> Diagnostic:
    return Diagnostic(
        pos,
        f"carattere invisibile di direzione del testo {_char_name(ch)}: il testo può apparire diverso da ciò che contiene",
        "cancella il carattere, a meno che il testo non contenga davvero parti da destra a sinistra (arabo, ebraico)",
        "avviso",
    )


def _caratteri(text: str, display: str, pattern: re.Pattern[str], diagnostica: Callable[[Pos, str], Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per character matching ``pattern`` (the first few, then a count)."""
    out: list[Diagnostic] = []
    trovati = 0
    for m in pattern.finditer(text):
        trovati += 1
        if trovati > _MAX_PER_FILE:
            continue
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        out.append(diagnostica(Pos(display, line, col), m.group()))
    if trovati > _MAX_PER_FILE:
        primo = out[0]
        out.append(
            Diagnostic(
                Pos(display, out[-1].pos.line, out[-1].pos.col),
                f"e altri {trovati - _MAX_PER_FILE} caratteri come questi nel file",
                primo.hint,
                primo.severity,
            )
        )
    return out


def _profondita(text: str, display: str) -> Diagnostic | None:
    """A diagnostic if the YAML nests deeper than :data:`PROFONDITA` levels.

    Read from the C parser's event stream, which is flat, and stopped at the
    first level too deep: the composer and the builder below recurse.
    """
    depth = 0
    for event in _PARSER.parse(io.StringIO(text)):
        name = type(event).__name__
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            depth += 1
            if depth > PROFONDITA:
                m = event.start_mark
                return Diagnostic(
                    Pos(display, m.line + 1, m.column + 1),
                    f"struttura annidata troppo in profondità (più di {PROFONDITA} livelli)",
                    "un piano ha al più una decina di livelli: controlla parentesi «[» e «{» e i rientri",
                )
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            depth -= 1
    return None


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
        # a "%" line is read as a directive: ruamel names that in the context
        # ("while scanning a directive") and the problem varies with the text
        if needle in problem or (needle == "directive" and needle in context):
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

    def build(self, node: Node, loc: Loc) -> YamlData:
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

    def _out_of_range(self, node: ScalarNode, text: str, value: Decimal) -> str:
        """Report a number beyond :mod:`generator.limiti`; its text stands in for it."""
        message, hint = problema_numero(value) or ("numero fuori dai limiti", "")
        self.errors.append(Diagnostic(self._pos(node), f"{message}, trovato «{cita(text)}»", hint))
        return text

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

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, YamlData]:
        out: dict[str, YamlData] = {}
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

    def _scalar(self, node: ScalarNode, loc: Loc) -> Scalar:
        tag = node.tag
        text: str = node.value  # a scalar node's value is its text
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
            if _INT_RE.fullmatch(text):
                # the length first: int() of more than 4,300 digits raises
                if len(clean.lstrip("+-")) > CIFRE_INTERE:
                    return self._out_of_range(node, text, Decimal(clean))
                return int(clean)
            return text  # 0o17, 0x1F: keep the text, the checks reject it as "not a number"
        if tag == _TAG + "float":
            self.plain_numbers.add(loc)
            try:
                value = Decimal(text.replace("_", ""))
            except InvalidOperation:
                return text
            if not value.is_finite():
                return text
            return self._out_of_range(node, text, value) if problema_numero(value) else value
        if tag == _TAG + "timestamp":
            if _DATE_RE.fullmatch(text):
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
