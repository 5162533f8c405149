"""Validation: files -> :class:`~generator.model.Progetto`, or every problem at once.

Three layers, each collecting diagnostics instead of stopping at the first:

1. :mod:`generator.source` reads the YAML (syntax, encoding, duplicate keys);
2. the pydantic models of :mod:`generator.schema` check the shape (unknown or
   missing keys, types, enums); their error locations are mapped back to the
   user's line and column;
3. the semantic rules below check what depends on more than one value
   (codes, weights, thresholds vs direction, references, measurements vs
   plan) and build the frozen model.

Like MkDocs' config validation, nothing is returned until everything has
been checked; the caller then decides (errors abort, warnings only with
``--strict``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from . import schema as S, score as _score
from .diagnostics import Diagnostic, Pos, ValidationFailed, close_match, format_github, format_text
from .limiti import CIFRE_INTERE, problema_numero
from .model import (
    Atto,
    Azione,
    Misura,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Progetto,
    Prospettiva,
    Rilevazione,
    Scostamento,
    Smvp,
    Valore,
    Variazione,
    Verso,
)
from .premi import CARTELLA as CARTELLA_PREMI, Categoria, Premi, avvisi_riservatezza
from .presentation import percentuale_esatta
from .source import Document, Loc, SourceError, data_files, load, read_regular_file, symlinks_under

MESI = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"]
HUNDRED = Decimal(100)
#: Folders whose files are published (copied, or rendered as narrative text): no link in them.
CARTELLE_PUBBLICATE = ("docs", "overrides", "relazione")
#: Unit ids that would name a generated page (``strutture/index.md`` lists the
#: units; MkDocs also reads ``README`` as a folder's index).
STRUTTURE_RISERVATE = frozenset({"index", "readme"})


# --------------------------------------------------------------------------
# public API


@dataclass
class CheckResult:
    """Result of checking a project: the model (if no errors) and all diagnostics."""

    progetto: Progetto | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def check_project(root: Path) -> CheckResult:
    """Check every plan and measurement file under ``root``."""
    checker = _Checker(root)
    progetto = checker.run()
    return CheckResult(progetto if not checker.n_errors else None, checker.diags)


def load_project(root: Path, strict: bool = False) -> Progetto:
    """The validated project; raises :class:`ValidationFailed` with every diagnostic."""
    esito = check_project(root)
    if esito.progetto is None or (strict and esito.diagnostics):
        raise ValidationFailed(esito.diagnostics)
    return esito.progetto


def line_reader(root: Path) -> Callable[[str, int], str | None]:
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
    if fmt == "github":
        out.write(format_github(diagnostics))
    else:
        out.write(format_text(diagnostics, line_reader(root)))


def report_project(root: Path, strict: bool, fmt: str, out: IO[str]) -> int:
    """``validate`` command: print the report, return the exit code."""
    esito = check_project(root)
    diags = esito.diagnostics
    if strict:
        diags = [Diagnostic(d.pos, d.message, d.hint, "errore") for d in diags]
        if esito.progetto is not None:
            # The OIV's grid, scored before the OIV does: its notes stay
            # warnings (a Relazione awaiting validation is not a broken file).
            from . import attestazione

            diags = diags + attestazione.avvisi(attestazione.calcola(root, esito.progetto)[0])
    print_report(diags, root, fmt, out)
    return 1 if any(d.is_error for d in diags) else 0


# --------------------------------------------------------------------------
# value interpretation (shared with the measurement checks)


@dataclass(frozen=True)
class Problema:
    message: str
    hint: str


def month_deadline(name: str, anno: int) -> dt.date | None:
    """``"maggio"`` -> 31 May of ``anno`` (a deadline is the month's last day)."""
    key = name.strip().lower()
    if key in MESI:
        month = MESI.index(key) + 1
        return dt.date(anno, month, calendar.monthrange(anno, month)[1])
    return None


def interpret(tipo: str, raw: Any, anno: int, campo: str, deadline_names: bool = True) -> Valore | Problema:
    """Read ``raw`` as a value of KPI type ``tipo``, or say what is wrong."""
    found = S.describe(raw)
    if tipo == "numero":
        if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
            return Decimal(raw)
        hint = f"scrivi solo il numero, ad esempio `{campo}: 28`"
        if isinstance(raw, str) and raw.strip() and raw.strip()[0].isdigit():
            hint += "; l'unità di misura va nel campo `unita` (ad esempio `unita: gg`)"
            if "," in raw:
                hint += "; per i decimali usa il punto: `4.5`"
        return Problema(f"«{campo}» deve essere un numero, trovato {found}", hint)
    if tipo == "percentuale":
        value = S.parse_percent(raw)
        limite = problema_numero(value) if value is not None else None
        if limite is not None:
            return Problema(f"«{campo}»: {limite[0]}, trovato {found}", limite[1])
        if value is not None:
            return value
        return Problema(f"«{campo}» deve essere una percentuale, trovato {found}", f"scrivi ad esempio `{campo}: 45%`")
    if tipo == "data":
        if isinstance(raw, dt.date):
            return raw
        if deadline_names and isinstance(raw, str):
            deadline = month_deadline(raw, anno)
            if deadline is not None:
                return deadline
        if not deadline_names:
            return Problema(
                f"«{campo}» deve essere una data AAAA-MM-GG, trovato {found}",
                f"scrivi ad esempio `{campo}: {anno}-06-10`",
            )
        guess = close_match(raw.strip().lower(), MESI) if isinstance(raw, str) else None
        hint = f"forse intendevi «{guess}»? " if guess else ""
        hint += f"Scrivi una data, ad esempio `{campo}: {anno}-06-30`, oppure il nome del mese, ad esempio `{campo}: giugno` (= 30 giugno {anno})"
        return Problema(f"«{campo}» deve essere una data (AAAA-MM-GG) o il nome di un mese, trovato {found}", hint)
    if tipo == "si_no":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("si", "sì", "no"):
            return raw.strip().lower() != "no"
        return Problema(f"«{campo}» deve essere «si» o «no», trovato {found}", f"scrivi `{campo}: si` oppure `{campo}: no`")
    return Problema(f"«{campo}» non è previsto per un indicatore {tipo}", "togli il campo")


# --------------------------------------------------------------------------
# pydantic errors -> diagnostics

_TYPE_NAMES = {
    "bool_type": ("true (sì) o false (no)", "scrivi `{f}: true` per sì oppure `{f}: false` per no (qui «si» e «no» non valgono)"),
    "int_type": ("un numero intero", "scrivi ad esempio `{f}: 2021`"),
    "int_parsing": ("un numero intero", "scrivi ad esempio `{f}: 2021`"),
    "int_from_float": ("un numero intero", "togli i decimali"),
    "string_type": ("un testo", "scrivi il testo dopo i due punti"),
    "date_type": ("una data AAAA-MM-GG", "scrivi ad esempio `{f}: 2021-06-30`"),
    "date_from_datetime_parsing": ("una data AAAA-MM-GG", "scrivi ad esempio `{f}: 2021-06-30`"),
    "list_type": ("un elenco", "scrivi gli elementi su righe che iniziano con «- »"),
    "tuple_type": ("un elenco", "scrivi gli elementi su righe che iniziano con «- »"),
    "dict_type": ("un gruppo di campi «nome: valore»", "scrivi i campi su righe rientrate sotto `{f}:`"),
    "model_type": ("un gruppo di campi «nome: valore»", "scrivi i campi su righe rientrate"),
    "model_attributes_type": ("un gruppo di campi «nome: valore»", "scrivi i campi su righe rientrate"),
    "decimal_type": ("un numero", "scrivi ad esempio `{f}: 30`"),
    "decimal_parsing": ("un numero", "scrivi ad esempio `{f}: 30`"),
}

_EXAMPLES = {
    "codice": '"1.1"',
    "titolo": "Capitale umano",
    "peso": "50%",
    "indicatore": "numero di iniziative attivate",
    "tipo": "numero",
    "target": "3",
    "ente": "Camera di Commercio di …",
    "anno": "2021",
    "triennio": "[2021, 2022, 2023]",
    "piano": "2021",
    "data": "2021-06-30",
    "id": "tessuto-economico",
    "nome": "Sviluppo del tessuto economico locale",
}


def _unquoted_would_do(kind: str, value: Any) -> bool:
    """Would this quoted text be right without its quotes?"""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if kind.startswith("int"):
        return text.lstrip("+-").isdigit()
    if kind.startswith("date"):
        return len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()
    if kind.startswith("bool"):
        return text in ("true", "false")
    if kind.startswith("decimal"):
        return text.replace(".", "", 1).lstrip("+-").isdigit()
    return False


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # Drop pydantic's union tags and "[key]" markers: our index uses data paths.
    return tuple(p for p in loc if p not in ("dettaglio", "semplice", "[key]"))


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Allowed keys of the mapping at ``loc`` (for "did you mean" hints)."""
    current: Any = model
    skip_key = False
    for part in loc:
        if isinstance(part, int):
            continue
        if skip_key:  # a key of a dict field (a year, a code): stay on its value type
            skip_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        skip_key = getattr(info.annotation, "__origin__", None) is dict
        current = _model_in(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside ``list[X]`` / ``X | None`` / ``dict[...]`` annotations."""
    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            return a
        stack.extend(getattr(a, "__args__", ()))
        origin = getattr(a, "__origin__", None)
        if origin is not None and hasattr(a, "__metadata__"):
            stack.append(origin)
    return None


_OWNERS = {
    "azioni": "nell'azione",
    "obiettivi_operativi": "nell'obiettivo operativo",
    "obiettivi_strategici": "nell'obiettivo strategico",
    "prospettive": "nella prospettiva",
}


def _owner(doc: Document, loc: Loc) -> str:
    """" nell'azione «1.1.2»": which object a message is about, in a long file."""
    if len(loc) < 2 or not isinstance(loc[-1], int) or loc[-2] not in _OWNERS:
        return ""
    node: Any = doc.data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return ""
    name = node.get("codice", node.get("id")) if isinstance(node, dict) else None
    return f" {_OWNERS[str(loc[-2])]} «{name}»" if isinstance(name, str) else ""


def shape_diagnostics(err: ValidationError, doc: Document, model: type[BaseModel]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for e in err.errors(include_url=False):
        loc = _clean_loc(e["loc"])
        kind = e["type"]
        names = [p for p in loc if isinstance(p, str)]
        f = names[-1] if names else "valore"
        ctx = e.get("ctx") or {}
        found = S.describe(e.get("input"))
        # what the message is about: «peso», but «target» del 2023 and the
        # value of «1.1.1» rather than «2023» and «1.1.1» alone
        subject = f"«{f}»"
        if len(names) >= 2 and names[-2] == "target" and f.isdigit():
            subject = f"«target» del {f}"
        elif len(names) == 2 and names[0] == "valori" and kind != "extra_forbidden":
            subject = f"il valore di «{f}»"
        if kind == "missing":
            example = _EXAMPLES.get(f, "…")
            out.append(
                Diagnostic(
                    doc.pos(loc[:-1]),
                    f"manca il campo obbligatorio «{f}»{_owner(doc, loc[:-1])}",
                    f"aggiungi `{f}: {example}` insieme agli altri campi",
                )
            )
        elif kind == "extra_forbidden":
            allowed = _fields_at(model, loc[:-1])
            guess = close_match(f, allowed) or close_match(f.lower(), allowed)
            hint = (
                f"forse intendevi «{guess}»? I nomi dei campi si scrivono in minuscolo, come nella guida"
                if guess
                else ("i campi ammessi qui sono: " + ", ".join(allowed) if allowed else "togli il campo")
            )
            out.append(Diagnostic(doc.key_pos(loc), f"chiave sconosciuta «{f}»{_owner(doc, loc[:-1])}", hint))
        elif kind == "literal_error":
            options = [o.strip().strip("'") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
            guess = close_match(str(e.get("input")).lower(), options) if isinstance(e.get("input"), str) else None
            hint = f"forse intendevi «{guess}»? " if guess else ""
            hint += "Valori ammessi: " + ", ".join(options)
            out.append(Diagnostic(doc.pos(loc), f"valore non ammesso {found} per «{f}»", hint))
        elif kind == "too_short":
            out.append(Diagnostic(doc.pos(loc), f"l'elenco «{f}» è vuoto", "aggiungi almeno un elemento"))
        elif kind == "string_pattern_mismatch":
            out.append(
                Diagnostic(
                    doc.key_pos(loc) if loc and loc[0] == "strutture" else doc.pos(loc),
                    f"identificativo non valido {found}",
                    "usa solo lettere minuscole, cifre e trattini, ad esempio `uo-mediazione`",
                )
            )
        elif kind in _TYPE_NAMES:
            what, hint = _TYPE_NAMES[kind]
            hint = hint.format(f=f)
            if loc in doc.quoted and _unquoted_would_do(kind, e.get("input")):
                # "2021" or "2021-06-30" in quotes is text, not a number or a date
                hint = f"togli le virgolette: `{f}: {e.get('input')}`"
                found = f"il testo \"{e.get('input')}\" tra virgolette"
            out.append(Diagnostic(doc.pos(loc), f"{subject} deve essere {what}, trovato {found}", hint))
        elif "hint" in ctx or kind in ("testo", "testo_vuoto", "percentuale", "valore_scalare", "responsabile"):
            msg = e["msg"]
            if msg.startswith("deve") or msg.startswith("il testo"):
                msg = f"{subject} {msg}" if msg.startswith("deve") else f"{subject}: {msg}"
            hint = str(ctx.get("hint", f"scrivi un valore per «{f}»")).replace("{campo}", f)
            out.append(Diagnostic(doc.pos(loc), msg, hint))
        elif kind in _BOUNDS:
            relation, key = _BOUNDS[kind]
            limit = str(ctx.get(key, "")).replace(".", ",")
            out.append(
                Diagnostic(doc.pos(loc), f"{subject} deve essere {relation} {limit}, trovato {found}", f"correggi il valore: {relation} {limit}")
            )
        else:
            out.append(Diagnostic(doc.pos(loc), f"{subject} non è valido ({e['msg']})", "controlla il valore"))
    return out


#: pydantic's numeric bound errors -> (Italian relation, ctx key of the limit)
_BOUNDS = {
    "greater_than_equal": ("maggiore o uguale a", "ge"),
    "greater_than": ("maggiore di", "gt"),
    "less_than_equal": ("minore o uguale a", "le"),
    "less_than": ("minore di", "lt"),
}


# --------------------------------------------------------------------------
# the checker


@dataclass
class _Checker:
    root: Path
    diags: list[Diagnostic] = field(default_factory=list)
    #: running count of errors, and the files that have any: asking these is
    #: O(1), rescanning ``diags`` per object was quadratic on big plans.
    n_errors: int = 0
    files_with_errors: set[str] = field(default_factory=set)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diags.append(diagnostic)
        if diagnostic.is_error:
            self.n_errors += 1
            self.files_with_errors.add(diagnostic.pos.file)

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        self.add(Diagnostic(pos, message, hint))

    #: fuzzy look-ups over many codes cost ~80 ms each at 15,000 actions: a
    #: file of wrong codes (say, last year's) must not take minutes to report
    suggestions_left: int = 100

    def _suggest_code(self, code: str, codes: dict[str, Any]) -> str | None:
        """A close action code for a typo, looked for among its neighbours.

        Typos keep the first segment far more often than not ("1.1.12" for
        "1.1.2"), so only codes of the same strategic objective are compared,
        which keeps each look-up to a few hundred candidates.
        """
        if self.suggestions_left <= 0:
            return None
        self.suggestions_left -= 1
        head = code.split(".", 1)[0] + "."
        candidates = [c for c in codes if c.startswith(head)]
        if not candidates and len(codes) <= 1000:
            candidates = list(codes)
        return close_match(code, candidates)

    def warn(self, pos: Pos, message: str, hint: str = "") -> None:
        self.add(Diagnostic(pos, message, hint, "avviso"))

    # -- files ---------------------------------------------------------------

    def _files(self, folder: str) -> list[Path]:
        files, diags = data_files(self.root, folder)
        for d in diags:
            self.add(d)
        return files

    def _collegamenti(self) -> None:
        """Folders copied into the site (hand-written pages, theme overrides) hold no symbolic link."""
        for folder in CARTELLE_PUBBLICATE:
            for d in symlinks_under(self.root, folder):
                self.add(d)

    def _parse(self, path: Path, model: type[BaseModel]) -> tuple[Document, Any] | None:
        display = path.relative_to(self.root).as_posix()
        try:
            doc = load(path, display)
        except SourceError as err:
            for d in err.diagnostics:
                self.add(d)
            return None
        for d in doc.avvisi:
            self.add(d)
        if not isinstance(doc.data, dict):
            first = {
                S.PianoYaml: "`ente:`, `titolo:`, `anno:`",
                S.PremiYaml: "`anno:`, `stanziato:`, `categorie:`",
            }.get(model, "`piano:`, `data:`, `tipo:`, `valori:`")
            self.error(
                doc.pos(()),
                f"il file deve contenere un gruppo di campi «nome: valore», trovato {S.describe(doc.data)}",
                f"il file è fatto di righe `nome: valore` come {first}: vedi la guida",
            )
            return None
        try:
            parsed = model.model_validate(doc.data)
        except ValidationError as err:
            for d in shape_diagnostics(err, doc, model):
                self.add(d)
            return None
        return doc, parsed

    def run(self) -> Progetto:
        self._collegamenti()
        piani: dict[int, Piano] = {}
        plan_files = self._files("plan")
        if not plan_files:
            self.error(Pos("plan", 1, 1), "nessun piano trovato nella cartella plan/", "aggiungi il file `plan/<anno>.yml`")
        for path in plan_files:
            got = self._parse(path, S.PianoYaml)
            if got is None:
                continue
            piano = self._piano(*got)
            if piano is None:
                continue
            if piano.anno in piani:
                self.error(piano.pos["anno"], f"esiste già un piano per l'anno {piano.anno} ({piani[piano.anno].file})", "ogni anno ha un solo file di piano")
                continue
            piani[piano.anno] = piano
        rilevazioni: dict[dt.date, Rilevazione] = {}
        for path in self._files("measurements"):
            got = self._parse(path, S.RilevazioneYaml)
            if got is None:
                continue
            ril = self._rilevazione(*got, piani, plan_known=bool(plan_files))
            if ril is None:
                continue
            if ril.data in rilevazioni:
                self.error(
                    ril.pos["data"],
                    f"esiste già una rilevazione con data {ril.data.isoformat()} ({rilevazioni[ril.data].file})",
                    "ogni data di rilevazione ha un solo file: unisci i valori nello stesso file",
                )
                continue
            rilevazioni[ril.data] = ril
        premi: dict[int, Premi] = {}
        for path in self._files(CARTELLA_PREMI):
            got = self._parse(path, S.PremiYaml)
            if got is None:
                continue
            p = self._premi(*got)
            if p is None:
                continue
            if p.anno in premi:
                self.error(p.pos["anno"], f"esistono già i premi dell'anno {p.anno} ({premi[p.anno].file})", "un solo file per anno")
                continue
            premi[p.anno] = p
        from .relazione import carica_relazioni  # the Relazione's extras: relazione/<anno>/

        relazioni = carica_relazioni(self.root, piani, self.add)
        return Progetto(
            piani=dict(sorted(piani.items())),
            rilevazioni=tuple(r for _, r in sorted(rilevazioni.items())),
            relazioni=relazioni,
            premi=dict(sorted(premi.items())),
            cambi=self._cambi(piani) if not self.n_errors else {},
        )

    def _cambi(self, piani: dict[int, Piano]) -> dict[int, tuple[Any, ...]]:
        """Changes to adopted plans in git history; unrecorded ones are warnings."""
        from . import variazioni

        out = {}
        for anno, piano in sorted(piani.items()):
            trovati = variazioni.cambi(self.root, piano)
            if trovati:
                out[anno] = trovati
                for d in variazioni.avvisi(piano, trovati):
                    self.add(d)
        return out

    # -- bonus data (premi) ----------------------------------------------------

    def _premi(self, doc: Document, y: S.PremiYaml) -> Premi | None:
        """A bonus file's semantic checks, and the confidentiality warnings at each category's line."""
        before = self.n_errors
        P = doc.pos
        name = Path(doc.path).name
        if Path(doc.path).stem != str(y.anno):
            self.error(P(("anno",)), f"il file si chiama «{name}» ma i premi sono dell'anno {y.anno}", f"rinomina il file in `premi/{y.anno}.yml` o correggi `anno`")
        if y.distribuito is not None and y.distribuito > y.stanziato:
            self.warn(P(("distribuito",)), "l'importo distribuito supera quello stanziato", "controlla i due importi")
        for i, c in enumerate(y.categorie):
            loc: Loc = ("categorie", i)
            if c.destinatari is not None and c.dipendenti is not None and c.destinatari > c.dipendenti:
                self.error(P(loc + ("destinatari",)), f"i destinatari ({c.destinatari}) sono più dei dipendenti della categoria ({c.dipendenti})", "controlla i due numeri")
            if c.premio_minimo is not None and c.premio_massimo is not None and c.premio_minimo > c.premio_massimo:
                self.error(P(loc + ("premio_minimo",)), "il premio minimo supera il premio massimo", "scambia i due valori")
        if self.n_errors > before:
            return None
        premi = Premi(
            anno=y.anno,
            stanziato=y.stanziato,
            distribuito=y.distribuito,
            nota=y.nota,
            categorie=tuple(
                Categoria(
                    c.nome, c.dipendenti, c.destinatari, c.stanziato, c.distribuito, c.premio_minimo, c.premio_massimo, c.nota,
                    pos=doc.field_positions(("categorie", i), c.model_fields_set),
                )
                for i, c in enumerate(y.categorie)
            ),
            file=doc.path,
            esempio=y.esempio,
            minimo_destinatari=y.minimo_destinatari,
            pos=doc.field_positions((), y.model_fields_set),
        )
        for i, message, hint in avvisi_riservatezza(premi):
            self.warn(P(("categorie", i)), message, hint)
        return premi

    # -- plan ----------------------------------------------------------------

    def _piano(self, doc: Document, y: S.PianoYaml) -> Piano | None:
        P = doc.pos
        stem = Path(doc.path).stem
        if stem != str(y.anno):
            self.error(P(("anno",)), f"il file si chiama «{Path(doc.path).name}» ma il piano è dell'anno {y.anno}", f"rinomina il file in `plan/{y.anno}.yml` o correggi `anno`")
        if y.anno not in y.triennio:
            self.error(P(("triennio",)), f"il triennio {y.triennio} non comprende l'anno del piano {y.anno}", f"scrivi ad esempio `triennio: [{y.anno}, {y.anno + 1}, {y.anno + 2}]`")
        self._strutture_riservate(doc, y)
        seen: dict[str, Pos] = {}
        seen_persp: dict[str, Pos] = {}
        prospettive: list[Prospettiva] = []
        for ip, p in enumerate(y.prospettive):
            ploc: Loc = ("prospettive", ip)
            if p.id in seen_persp:
                self.error(P(ploc + ("id",)), f"prospettiva «{p.id}» ripetuta (già alla riga {seen_persp[p.id].line})", "usa un identificativo diverso")
            seen_persp.setdefault(p.id, P(ploc + ("id",)))
            strategici = []
            for js, s in enumerate(p.obiettivi_strategici):
                sloc = ploc + ("obiettivi_strategici", js)
                strategici.append(self._strategico(doc, y, s, sloc, p.id, seen))
            prospettive.append(
                Prospettiva(p.id, p.nome, tuple(strategici), p.descrizione, pos=doc.field_positions(ploc, p.model_fields_set))
            )
        for chiave in ("soglia_parziale", "target_prospettive", "target_ente"):
            v = getattr(y.smvp, chiave)
            if v is not None and not (0 <= v <= HUNDRED):
                self.error(P(("smvp", chiave)), f"«{chiave}» deve essere tra 0% e 100%, trovato {fmt_pct(v)}", f"scrivi ad esempio `{chiave}: 60%`")
        smvp = Smvp(
            soglia_parziale=y.smvp.soglia_parziale,
            target_prospettive=y.smvp.target_prospettive,
            target_ente=y.smvp.target_ente,
            pos=doc.field_positions(("smvp",), y.smvp.model_fields_set) if "smvp" in y.model_fields_set else {},
        )
        # Returned even with errors: the measurements are still checked against
        # its codes and types, so one run reports everything. (With any error
        # check_project returns no model, so this plan is never published.)
        return Piano(
            ente=y.ente,
            titolo=y.titolo,
            anno=y.anno,
            triennio=tuple(y.triennio),
            metodo=y.metodo,
            strutture=dict(y.strutture),
            prospettive=tuple(prospettive),
            file=doc.path,
            smvp=smvp,
            pos=doc.field_positions((), y.model_fields_set),
            adozione=self._adozione(doc, y),
            variazioni=self._variazioni(doc, y),
        )

    def _adozione(self, doc: Document, y: S.PianoYaml) -> Atto | None:
        a = y.adozione
        if a is None:
            return None
        if a.data.year > y.anno:
            self.warn(doc.pos(("adozione", "data")), f"il piano {y.anno} risulta adottato nel {a.data.year}, dopo l'inizio del suo anno", "controlla la data dell'atto di adozione")
        return Atto(a.data, a.atto, pos=doc.field_positions(("adozione",), a.model_fields_set))

    def _variazioni(self, doc: Document, y: S.PianoYaml) -> tuple[Variazione, ...]:
        out = []
        for i, v in enumerate(y.variazioni):
            loc: Loc = ("variazioni", i)
            if y.adozione is not None and v.data < y.adozione.data:
                self.error(
                    doc.pos(loc + ("data",)),
                    f"la variazione del {v.data.isoformat()} è precedente all'adozione del piano ({y.adozione.data.isoformat()})",
                    "una variazione modifica il piano già adottato: correggi la data della variazione o quella dell'adozione",
                )
            out.append(Variazione(v.data, v.atto, v.descrizione, pos=doc.field_positions(loc, v.model_fields_set)))
        return tuple(sorted(out, key=lambda v: v.data))

    def _strutture_riservate(self, doc: Document, y: S.PianoYaml) -> None:
        """A unit's page is ``strutture/<id>.md``: ids that name a generated page are refused."""
        for sid in y.strutture:
            if sid in STRUTTURE_RISERVATE:
                self.error(
                    doc.key_pos(("strutture", sid)),
                    f"l'identificativo «{sid}» è riservato: il sito usa già la pagina strutture/{sid}",
                    f"scegli un altro identificativo, ad esempio `{sid}-1`, e aggiorna i `responsabile` che lo usano",
                )

    def _code(self, doc: Document, loc: Loc, code: str, parent: str | None, what: str, seen: dict[str, Pos]) -> None:
        pos = doc.pos(loc + ("codice",))
        if code in seen:
            self.error(pos, f"codice «{code}» ripetuto (già usato alla riga {seen[code].line})", f"ogni obiettivo e ogni azione ha un codice diverso: correggi questo o quello alla riga {seen[code].line}")
        else:
            seen[code] = pos
        if parent is not None and (not code.startswith(parent + ".") or code.count(".") != parent.count(".") + 1):
            self.error(
                pos,
                f"il codice «{code}» di {what} non continua quello del livello superiore «{parent}»",
                f"dentro «{parent}» i codici sono `\"{parent}.1\"`, `\"{parent}.2\"`, …: correggi il codice, o sposta l'elemento sotto il livello giusto",
            )
        if parent is None and "." in code:
            self.error(pos, f"il codice «{code}» di un obiettivo strategico deve essere un numero semplice", 'scrivi ad esempio `codice: "1"`')

    def _weights(self, doc: Document, loc: Loc, parent: str, children: list[tuple[Decimal, Loc]], what: str) -> None:
        for peso, cloc in children:
            if peso == 0:
                self.error(doc.pos(cloc + ("peso",)), "il peso è zero: un elemento con peso 0% non conta nel calcolo", "dagli un peso positivo (e riduci gli altri perché la somma resti 100%), oppure togli l'elemento")
            elif peso < 0:
                self.error(doc.pos(cloc + ("peso",)), f"il peso non può essere negativo, trovato {fmt_pct(peso)}", "scrivi un peso positivo, ad esempio `peso: 10%`, e riduci gli altri perché la somma resti 100%")
            elif peso > HUNDRED:
                self.error(doc.pos(cloc + ("peso",)), f"il peso non può superare 100%, trovato {fmt_pct(peso)}", "i pesi sono percentuali tra 0 e 100")
        total = sum((p for p, _ in children), Decimal(0))
        if total != HUNDRED:
            diff = HUNDRED - total
            verb = f"mancano {fmt_pct(diff)}" if diff > 0 else f"c'è {fmt_pct(-diff)} di troppo"
            addends = " + ".join(fmt_pct(p) for p, _ in children)
            self.error(
                doc.pos(loc + ("codice",)),
                f"i pesi {what} di «{parent}» sommano a {fmt_pct(total)} ({addends}), devono sommare esattamente a 100%",
                f"correggi i pesi {what} di «{parent}»: {verb}",
            )

    def _strategico(self, doc: Document, y: S.PianoYaml, s: S.StrategicoYaml, loc: Loc, persp: str, seen: dict[str, Pos]) -> ObiettivoStrategico:
        self._code(doc, loc, s.codice, None, "un obiettivo strategico", seen)
        for year, value in s.target.items():
            tloc = loc + ("target", str(year))
            if year not in y.triennio:
                self.error(doc.key_pos(tloc), f"target per l'anno {year}, fuori dal triennio {y.triennio}", "togli l'anno o correggi il triennio")
            if not (0 <= value <= HUNDRED):
                self.error(doc.pos(tloc), f"il target deve essere tra 0% e 100%, trovato {fmt_pct(value)}", "scrivi ad esempio `80%`")
        if y.anno not in s.target:
            self.error(doc.pos(loc + ("target",)), f"manca il target dell'obiettivo «{s.codice}» per l'anno del piano {y.anno}", f"aggiungi `{y.anno}: 80%` sotto `target`")
        operativi = []
        for k, o in enumerate(s.obiettivi_operativi):
            oloc = loc + ("obiettivi_operativi", k)
            operativi.append(self._operativo(doc, y, o, oloc, s.codice, seen))
        self._weights(doc, loc, s.codice, [(o.peso, loc + ("obiettivi_operativi", k)) for k, o in enumerate(s.obiettivi_operativi)], "degli obiettivi operativi")
        return ObiettivoStrategico(
            codice=s.codice,
            titolo=s.titolo,
            indicatore=s.indicatore,
            target=dict(sorted(s.target.items())),
            obiettivi_operativi=tuple(operativi),
            prospettiva=persp,
            descrizione=s.descrizione,
            pos=doc.field_positions(loc, s.model_fields_set),
        )

    def _operativo(self, doc: Document, y: S.PianoYaml, o: S.OperativoYaml, loc: Loc, parent: str, seen: dict[str, Pos]) -> ObiettivoOperativo:
        self._code(doc, loc, o.codice, parent, "un obiettivo operativo", seen)
        azioni = [self._azione(doc, y, a, loc + ("azioni", k), o.codice, seen) for k, a in enumerate(o.azioni)]
        self._weights(doc, loc, o.codice, [(a.peso, loc + ("azioni", k)) for k, a in enumerate(o.azioni)], "delle azioni")
        return ObiettivoOperativo(
            codice=o.codice,
            titolo=o.titolo,
            peso=o.peso,
            indicatore=o.indicatore,
            azioni=tuple(azioni),
            descrizione=o.descrizione,
            pos=doc.field_positions(loc, o.model_fields_set),
        )

    def _azione(self, doc: Document, y: S.PianoYaml, a: S.AzioneYaml, loc: Loc, parent: str, seen: dict[str, Pos]) -> Azione:
        self._code(doc, loc, a.codice, parent, "un'azione", seen)

        def P(name: str) -> Pos:
            return doc.pos(loc + (name,))

        values: dict[str, Valore | None] = {}
        for name in ("target", "soglia_80", "soglia_60"):
            raw = getattr(a, name)
            if raw is None:
                values[name] = None
                continue
            if a.tipo == "qualitativo":
                self.error(P(name), f"un'azione qualitativa non ha «{name}»: è valutata con un giudizio (esito)", "togli il campo; descrivi l'atteso in `nota`")
                values[name] = None
                continue
            if a.tipo == "si_no" and name != "target":
                self.error(P(name), f"un'azione si/no non ha «{name}»", "togli il campo")
                values[name] = None
                continue
            got = interpret(a.tipo, raw, y.anno, name)
            if isinstance(got, Problema):
                self.error(P(name), got.message, got.hint)
                values[name] = None
            else:
                values[name] = got
        if a.tipo == "si_no":
            if values["target"] is None and a.target is None:
                values["target"] = True
            elif values["target"] is False:
                self.error(P("target"), "il target di un'azione si/no è «si»", "scrivi `target: si`")
        elif a.tipo != "qualitativo" and a.target is None:
            self.error(doc.pos(loc), f"manca il target dell'azione «{a.codice}»", "aggiungi ad esempio `target: 3`")
        if a.unita is not None and a.tipo != "numero":
            self.warn(P("unita"), f"l'unità di misura vale solo per gli indicatori di tipo numero (qui: {a.tipo})", "togli `unita`")
        verso = self._verso(doc, loc, a, values)
        resp: tuple[str, ...] = a.responsabile or ()
        if not resp:
            self.warn(doc.pos(loc + ("codice",)), f"l'azione «{a.codice}» non indica il responsabile", "aggiungi `responsabile: <id>` (un identificativo di `strutture`); sul sito comparirà «non indicato»")
        for r in resp:
            if r not in y.strutture:
                guess = close_match(r, y.strutture)
                hint = f"forse intendevi «{guess}»? " if guess else ""
                hint += "Usa uno degli identificativi elencati sotto `strutture:` all'inizio del piano, o aggiungi lì la nuova struttura"
                self.error(P("responsabile"), f"responsabile «{r}» non presente in `strutture`", hint)
        return Azione(
            codice=a.codice,
            titolo=a.titolo,
            peso=a.peso,
            indicatore=a.indicatore,
            tipo=a.tipo,
            verso=verso,
            target=values["target"],
            soglia_80=values["soglia_80"],
            soglia_60=values["soglia_60"],
            unita=a.unita,
            pira=a.pira,
            responsabile=resp,
            descrizione=a.descrizione,
            nota=a.nota,
            verso_esplicito=a.verso is not None,
            pos=doc.field_positions(loc, a.model_fields_set),
        )

    def _verso(self, doc: Document, loc: Loc, a: S.AzioneYaml, values: dict[str, Valore | None]) -> Verso:
        """Resolve the KPI direction: explicit, revealed by the thresholds, or default."""
        chain = [(n, values[n]) for n in ("target", "soglia_80", "soglia_60") if values[n] is not None and not isinstance(values[n], bool)]
        up = down = False
        for (_n1, v1), (_n2, v2) in itertools.pairwise(chain):
            if v1 > v2:  # type: ignore[operator]  # one action's values share its tipo: all numbers or all dates
                up = True
            elif v1 < v2:  # type: ignore[operator]  # as above
                down = True
        pos = doc.pos(loc + ("soglia_80",)) if a.soglia_80 is not None else doc.pos(loc + ("soglia_60",))
        written = ", ".join(f"{n} {S.describe(getattr(a, n))}" for n, _ in chain)
        if up and down:
            self.error(
                pos,
                f"le soglie non sono in ordine ({written}): devono scendere tutte o salire tutte a partire dal target",
                "se più alto è meglio: target ≥ soglia_80 ≥ soglia_60; se più basso è meglio: target ≤ soglia_80 ≤ soglia_60",
            )
            return a.verso or "crescente"
        if a.tipo == "data":
            if a.verso == "crescente":
                self.error(doc.pos(loc + ("verso",)), "una scadenza (tipo data) ha sempre verso decrescente: prima è meglio", "togli `verso` (oppure scrivi `verso: decrescente`)")
            elif up:
                self.error(pos, f"per una scadenza le soglie devono essere date successive al target, prima è meglio ({written})", "scrivi nel target la data più vicina e nelle soglie date più lontane")
            return "decrescente"
        inferred: Verso | None = "decrescente" if down else "crescente" if up else None
        if a.verso and inferred and a.verso != inferred:
            meaning = "più basso è meglio" if inferred == "decrescente" else "più alto è meglio"
            order = "target ≥ soglia_80 ≥ soglia_60" if a.verso == "crescente" else "target ≤ soglia_80 ≤ soglia_60"
            self.error(
                doc.pos(loc + ("verso",)),
                f"`verso: {a.verso}` contraddice le soglie ({written}), che indicano un verso {inferred} ({meaning})",
                f"se {meaning} scrivi `verso: {inferred}` (o togli `verso`: è ricavato dalle soglie); "
                f"altrimenti correggi le soglie: con verso {a.verso} {order}",
            )
        return a.verso or inferred or "crescente"

    # -- measurements ----------------------------------------------------------

    def _rilevazione(self, doc: Document, y: S.RilevazioneYaml, piani: dict[int, Piano], plan_known: bool) -> Rilevazione | None:
        before = self.n_errors
        P = doc.pos
        stem = Path(doc.path).stem
        if stem != y.data.isoformat():
            self.error(P(("data",)), f"il file si chiama «{Path(doc.path).name}» ma la data della rilevazione è {y.data.isoformat()}", f"rinomina il file in `measurements/{y.data.isoformat()}.yml` o correggi `data`")
        piano = piani.get(y.piano)
        if piano is None:
            if plan_known and f"plan/{y.piano}.yml" not in self.files_with_errors:
                avail = ", ".join(str(k) for k in piani) or "nessuno"
                self.error(P(("piano",)), f"nessun piano per l'anno {y.piano} (manca il file plan/{y.piano}.yml)", f"i piani disponibili sono: {avail}; correggi `piano`, oppure crea il piano con `python -m generator nuovo-anno {y.piano}`")
            # Without the plan the codes cannot be checked, but everything
            # else in the file can: report it now, not one error at a time.
            if y.data.year != y.piano:
                self.error(P(("data",)), f"la data {y.data.isoformat()} è fuori dall'anno del piano {y.piano}", f"correggi `data` (una rilevazione del piano {y.piano} ha una data del {y.piano}), oppure `piano` se i valori sono di un altro piano")
            for code, raw in y.valori.items():
                self._misura_senza_piano(doc, ("valori", code), code, raw)
            return None
        if y.data.year != piano.anno:
            self.error(P(("data",)), f"la data {y.data.isoformat()} è fuori dall'anno del piano {piano.anno}", f"correggi `data` (una rilevazione del piano {piano.anno} ha una data del {piano.anno}), oppure `piano` se i valori sono di un altro piano")
        azioni = {a.codice: a for a in piano.azioni()}
        others = {o.codice for o in piano.obiettivi_operativi()} | {s.codice for s in piano.obiettivi_strategici()}
        valori: dict[str, Misura] = {}
        for code, raw in y.valori.items():
            loc: Loc = ("valori", code)
            azione = azioni.get(code)
            if azione is None:
                if code in others:
                    self.error(doc.key_pos(loc), f"«{code}» è un obiettivo: si misurano solo le azioni, il grado degli obiettivi è calcolato", "togli la riga e scrivi invece i valori delle sue azioni")
                else:
                    guess = self._suggest_code(code, azioni)
                    hint = f"forse intendevi «{guess}»? " if guess else ""
                    hint += f"I codici delle azioni sono elencati nel file {piano.file}"
                    self.error(doc.key_pos(loc), f"il codice «{code}» non è un'azione del piano {piano.anno}", hint)
                continue
            misura = self._misura(doc, loc, azione, raw, piano.anno, y.data)
            if misura is not None:
                valori[code] = misura
        if self.n_errors > before:
            return None
        ril = Rilevazione(
            piano=y.piano,
            data=y.data,
            tipo=y.tipo,
            esempio=y.esempio,
            valori=valori,
            file=doc.path,
            pos=doc.field_positions((), y.model_fields_set),
        )
        self._scostamenti(ril, azioni, piano)
        return ril

    def _scostamenti(self, ril: Rilevazione, azioni: dict[str, Azione], piano: Piano) -> None:
        """A shortfall in a consuntivo must be explained; a reached target must not be.

        The contract's rule (data-and-scoring.md, optional keys): in a
        consuntivo an action scored below 100 without ``scostamento`` is a
        warning (an error under ``--strict``), the Relazione shows it as
        "scostamento non motivato"; ``scostamento`` on an action that
        reached its target is a warning. Nothing here changes a score.
        """
        from .relazione import sotto_target

        for code, m in ril.valori.items():
            grado = _score.grado_azione(azioni[code], m, piano.metodo, ril)
            if grado is None:
                continue
            if sotto_target(grado) and m.scostamento is None and ril.tipo == "consuntivo":
                self.warn(
                    m.pos.get("valore") or m.pos[""],
                    f"l'azione «{code}» è sotto il target (grado {_grado_testo(grado)}) ma lo scostamento non è motivato",
                    f'spiega lo scostamento scrivendo il valore nella forma estesa, ad esempio `"{code}": {{{_primo(azioni[code])}, '
                    'scostamento: {causa: interna, descrizione: "…"}}` (causa: esterna, interna o indicatore); '
                    "finché manca, la Relazione mostra «scostamento non motivato»",
                )
            elif not sotto_target(grado) and m.scostamento is not None:
                self.warn(
                    m.scostamento.pos.get("") or m.pos[""],
                    f"l'azione «{code}» ha raggiunto il target: lo «scostamento» non serve",
                    "togli `scostamento` (si spiega solo un risultato sotto il target)",
                )

    def _misura_senza_piano(self, doc: Document, loc: Loc, code: str, raw: Any) -> None:
        """The checks of one value that do not depend on the action's plan entry."""
        if not isinstance(raw, S.MisuraYaml):
            return
        def P(name: str) -> Pos:
            return doc.pos((*loc, name))

        if raw.esito is not None:
            if not raw.nota:
                self.error(doc.pos(loc), f"manca la «nota»: il giudizio «esito» dell'azione «{code}» va motivato", f'aggiungi la motivazione, ad esempio `"{code}": {{esito: {fmt_pct(raw.esito)}, nota: "piano attuato in parte"}}`')
            if not (0 <= raw.esito <= HUNDRED):
                self.error(P("esito"), f"l'esito deve essere tra 0% e 100%, trovato {fmt_pct(raw.esito)}", "scrivi ad esempio `esito: 80%`")
        if raw.numeratore is not None or raw.denominatore is not None:
            if raw.numeratore is None or raw.denominatore is None:
                missing = "numeratore" if raw.numeratore is None else "denominatore"
                self.error(doc.pos(loc), f"manca il «{missing}»: un rapporto ha sia numeratore sia denominatore", f"aggiungi il {missing}, ad esempio `{{numeratore: 30, denominatore: 40}}`; oppure scrivi solo il valore calcolato")
            elif raw.denominatore == 0:
                self.error(P("denominatore"), f"il denominatore dell'azione «{code}» è zero: il rapporto non si può calcolare", "correggi il denominatore, o togli la riga se il dato non è ancora disponibile")
            if raw.valore is not None:
                self.error(P("valore"), "scrivi o il valore o il rapporto numeratore/denominatore, non entrambi", "togli `valore`: è calcolato dal rapporto")

    def _misura(self, doc: Document, loc: Loc, a: Azione, raw: Any, anno: int, rilevata: dt.date) -> Misura | None:
        """A measured value with its optional extras (fonte, evidenza, scostamento)."""
        m = self._misura_valore(doc, loc, a, raw, anno, rilevata)
        if m is None or not isinstance(raw, S.MisuraYaml):
            return m
        if raw.evidenza is not None and not link_sicuro(raw.evidenza):
            self.error(
                doc.pos(loc + ("evidenza",)),
                f"«evidenza» deve essere un indirizzo https:// o un percorso nel sito, trovato {S.describe(raw.evidenza)}",
                'scrivi ad esempio `evidenza: "https://www.ente.it/documenti/report-2021.pdf"`',
            )
            return None
        scost = None
        if raw.scostamento is not None:
            sc = raw.scostamento
            scost = Scostamento(sc.causa, sc.descrizione, sc.azione_correttiva, pos=doc.field_positions(loc + ("scostamento",), sc.model_fields_set))
        return replace(m, fonte=raw.fonte, evidenza=raw.evidenza, scostamento=scost)

    def _misura_valore(self, doc: Document, loc: Loc, a: Azione, raw: Any, anno: int, rilevata: dt.date) -> Misura | None:
        detail = raw if isinstance(raw, S.MisuraYaml) else S.MisuraYaml(valore=raw) if raw is not None else S.MisuraYaml()
        vloc = loc + ("valore",) if isinstance(raw, S.MisuraYaml) else loc

        def P(name: str) -> Pos:
            return doc.pos(loc + (name,))

        pos = doc.field_positions(loc, detail.model_fields_set) if isinstance(raw, S.MisuraYaml) else {"": doc.pos(loc), "valore": doc.pos(loc)}
        ok = True
        if a.tipo == "qualitativo":
            if detail.esito is None:
                found = S.describe(detail.valore) if detail.valore is not None or isinstance(raw, S.MisuraYaml) else "un valore vuoto"
                self.error(
                    doc.pos(vloc),
                    f"l'azione «{a.codice}» è qualitativa: serve il giudizio «esito» con una «nota», trovato {found}",
                    f'scrivi ad esempio `"{a.codice}": {{esito: 80%, nota: "piano attuato in parte"}}`',
                )
                return None
            if not detail.nota:
                self.error(
                    doc.pos(loc),
                    f"manca la «nota»: il giudizio dell'azione qualitativa «{a.codice}» va motivato",
                    f'aggiungi la motivazione, ad esempio `"{a.codice}": {{esito: {fmt_pct(detail.esito)}, nota: "piano attuato in parte"}}`',
                )
                ok = False
            if not (0 <= detail.esito <= HUNDRED):
                self.error(P("esito"), f"l'esito deve essere tra 0% e 100%, trovato {fmt_pct(detail.esito)}", "scrivi ad esempio `esito: 80%`")
                ok = False
            if detail.valore is not None or detail.numeratore is not None:
                self.error(doc.pos(loc), "per un'azione qualitativa si scrive solo «esito» e «nota»", "togli `valore`/`numeratore`/`denominatore`")
                ok = False
            return Misura(a.codice, detail.esito, detail.nota, pos=pos) if ok else None
        if detail.esito is not None:
            self.error(
                P("esito"),
                f"«esito» vale solo per le azioni qualitative; l'azione «{a.codice}» è di tipo {a.tipo}",
                f'scrivi il valore misurato al posto del giudizio: `"{a.codice}": {{valore: …, nota: "…"}}`, oppure solo `"{a.codice}": …`',
            )
            return None
        if detail.numeratore is not None or detail.denominatore is not None:
            if a.tipo not in ("percentuale", "numero"):
                example = {"data": f"{anno}-06-10", "si_no": "si"}.get(a.tipo, "…")
                self.error(
                    doc.pos(loc),
                    f"un rapporto numeratore/denominatore non vale per l'azione «{a.codice}», di tipo {a.tipo}",
                    f'scrivi direttamente il valore, ad esempio `"{a.codice}": {example}`',
                )
                return None
            if detail.numeratore is None or detail.denominatore is None:
                missing = "numeratore" if detail.numeratore is None else "denominatore"
                self.error(
                    doc.pos(loc),
                    f"manca il «{missing}»: un rapporto ha sia numeratore sia denominatore",
                    f"aggiungi il {missing}, ad esempio `{{numeratore: 30, denominatore: 40}}`; oppure scrivi solo il valore calcolato",
                )
                return None
            if detail.valore is not None:
                self.error(P("valore"), "scrivi o il valore o il rapporto numeratore/denominatore, non entrambi", "togli `valore`: è calcolato dal rapporto")
                return None
            if detail.denominatore == 0:
                self.error(P("denominatore"), f"il denominatore dell'azione «{a.codice}» è zero: il rapporto non si può calcolare", "correggi il denominatore, o togli la riga se il dato non è ancora disponibile")
                return None
            ratio = detail.numeratore / detail.denominatore
            value = ratio * HUNDRED if a.tipo == "percentuale" else ratio
            if value.adjusted() >= CIFRE_INTERE:
                self.error(
                    doc.pos(loc),
                    f"il rapporto numeratore/denominatore dell'azione «{a.codice}» è troppo grande (più di {CIFRE_INTERE} cifre)",
                    "controlla numeratore e denominatore: forse sono scambiati, o il denominatore ha troppi zeri dopo la virgola",
                )
                return None
            return Misura(a.codice, value, detail.nota, detail.numeratore, detail.denominatore, pos=pos)
        if detail.valore is None:
            if a.tipo == "data":
                return Misura(a.codice, None, detail.nota, pos=pos)
            self.error(doc.pos(vloc), f"manca il valore misurato dell'azione «{a.codice}»", "scrivi il valore, oppure togli la riga se l'azione non è ancora misurata")
            return None
        got = interpret(a.tipo, detail.valore, anno, "valore", deadline_names=False)
        if isinstance(got, Problema):
            hint = got.hint.replace("`valore: ", f'`"{a.codice}": ')
            if a.tipo == "data":
                hint = (
                    f'scrivi la data in cui l\'azione è stata completata, ad esempio `"{a.codice}": {anno}-06-10`; '
                    f'se non è ancora completata: `"{a.codice}": {{valore: null, nota: "…"}}`'
                )
            self.error(doc.pos(vloc), got.message.replace("«valore»", f"il valore dell'azione «{a.codice}» ({a.tipo})"), hint)
            return None
        if isinstance(got, dt.date) and got > rilevata:
            self.error(
                doc.pos(vloc),
                f"l'azione «{a.codice}» risulta completata il {got.isoformat()}, dopo la data della rilevazione ({rilevata.isoformat()})",
                f"una rilevazione riporta solo ciò che è già avvenuto: correggi la data, oppure, se l'azione non è ancora completata, "
                f'scrivi `"{a.codice}": {{valore: null, nota: "…"}}`',
            )
            return None
        return Misura(a.codice, got, detail.nota, pos=pos)


#: Percentages in messages keep every digit (see presentation.percentuale_esatta).
fmt_pct = percentuale_esatta


def link_sicuro(url: str) -> bool:
    """A link staff may publish: http(s) to a host, or a relative path (no other scheme).

    ``javascript:``, ``data:``, ``file:`` and protocol-relative ``//host``
    links are refused; so is anything with spaces or control characters,
    which browsers and Markdown read in surprising ways.
    """
    from urllib.parse import urlsplit

    text = url.strip()
    if not text or any(ch.isspace() or ord(ch) < 32 or ch in "<>\"\\" for ch in text):
        return False
    if text.startswith("//"):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    return ":" not in text.split("/", 1)[0]


def _primo(a: Azione) -> str:
    """The first key of a value's mapping form for ``a`` (for hints)."""
    return "esito: …, nota: \"…\"" if a.tipo == "qualitativo" else "valore: …"


def _grado_testo(grado: Decimal) -> str:
    """A grado in a message as the site prints it ("80,0%")."""
    from . import presentation as fmt

    return fmt.grado(grado)
