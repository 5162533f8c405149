"""Everything a person reads, said one way: numbers, dates, money, escaping, statuses.

One module so that the site, the pull-request summary (:mod:`generator.diff`),
the validator's messages, the charts and (later) the PDF speak with one
voice: the same value always prints as the same string. Tests give the same
values to the site and to ``diff`` and compare the strings.

Numbers and dates (Babel's CLDR data for ``it_IT``: "1.234", "87,5%",
"30 giugno 2021"); rules also explained to citizens on the SMVP page:

- A *computed* percentage (grado, copertura) always has one decimal:
  "87,5%", "100,0%", "0,0%": the contract's display precision, the same
  width in every table cell, and no false impression that 99,96% is 100%.
- A percentage *written by staff* (peso, target, soglie, a measured
  percentage) is shown as written, without padding: "50%", "12,5%"; a
  computed one without fixed precision (a ratio's result) has at most two
  decimals ("33,33%").
- Rounding for display is half-up on the exact value (87,25 → "87,3"),
  what a reader checking by hand expects; comparisons (e.g. "raggiunto")
  are never made on rounded numbers.
- Money: no cents when there are none ("95 €"), else two decimals
  ("1.234,50 €"); a no-break space keeps the sign next to the number.

Escaping of untrusted text (everything that comes from YAML):

- :func:`md` for the site's Markdown (Python-Markdown with raw HTML,
  ``attr_list``, ``md_in_html``, ``def_list``, ``admonition`` and tables):
  a title comes out as the same *text* whatever it contains.
- :func:`md_gfm` for GitHub-flavoured Markdown (the pull-request summary):
  the same, plus GitHub's ``$`` (math) and ``~`` (strikethrough).
- :func:`attr` / :func:`html_text` for raw HTML attributes and content.
- :func:`finalize` is the Jinja2 hook that escapes every printed value and
  refuses unformatted numbers and dates.

Statuses: :data:`STATI` maps each status word of the scorer
(:data:`generator.score.STATI`) to how it is shown: the word, a shape and
its glyph, Okabe–Ito colours (colour-blind safe) with an outline of at least
3:1 against white for graphics and a text colour of at least 4.5:1. Never
colour alone: the word is always printed, the shape differs per status.

Why these escaped characters (:func:`md`)
    - ``&``, ``<``, ``>`` become entities: raw HTML and autolinks are
      impossible and an entity written by staff (``&lt;``) shows as written.
    - ``|`` becomes ``&#124;``: it would split a table cell, and an entity
      works the same in and out of tables.
    - Python-Markdown's backslash escapes (``\\ ` * _ { } [ ] ( ) # + ! -``
      and ``.``) are escaped with a backslash where they could matter:
      everywhere for emphasis, links, attribute lists and heading
      closers; ``-`` and the ``.`` of "1. " only at the start, where they
      would make a list.
    - at the start of the text, ``=`` and ``:`` (setext headings,
      definition lists) become entities, since they have no backslash escape.
    - newlines, tabs and runs of spaces collapse to one space (a newline
      could start any block construct; two trailing spaces make a ``<br>``;
      four leading spaces a code block); no-break spaces are kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "it_IT"
NBSP = "\u00a0"
#: Most decimals shown for a value that has no fixed display precision.
MAX_DECIMALI = 2
#: Decimals of a computed percentage (grado, copertura), everywhere.
DECIMALI_GRADO = 1

__all__ = [
    "DECIMALI_GRADO",
    "FORME_SVG",
    "LOCALE",
    "NBSP",
    "STATI",
    "AspettoStato",
    "Md",
    "UnformattedValue",
    "attr",
    "badge",
    "contrasto",
    "data",
    "data_breve",
    "euro",
    "finalize",
    "grado",
    "html_text",
    "icona_svg",
    "legenda_azioni",
    "legenda_obiettivi",
    "md",
    "md_block",
    "md_gfm",
    "mese",
    "numero",
    "percentuale",
    "percentuale_esatta",
    "si_no",
    "valore",
]


# --------------------------------------------------------------------------
# Numbers, money, dates
# --------------------------------------------------------------------------


def _dec(x: Decimal | int | float) -> Decimal:
    if isinstance(x, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(x)


def numero(x: Decimal | int, decimali: int | None = None) -> str:
    """A number as written in Italian: "1.234", "4,5".

    With ``decimali`` the value is rounded half-up to that many decimals and
    always shows them; without, it is rounded half-up to at most
    :data:`MAX_DECIMALI` decimals and trailing zeros are dropped, so a
    staff-written "4.5" stays "4,5" and a ratio's 33.3333… shows "33,33".
    """
    d = _dec(x)
    if decimali is not None:
        d = d.quantize(Decimal(1).scaleb(-decimali), rounding=ROUND_HALF_UP)
        pattern = "#,##0" + ("." + "0" * decimali if decimali else "")
    else:
        d = d.quantize(Decimal(1).scaleb(-MAX_DECIMALI), rounding=ROUND_HALF_UP)
        pattern = "#,##0." + "#" * MAX_DECIMALI
    if d == 0:
        d = abs(d)  # never "-0,0"
    return _babel_decimal(str(d), pattern)


@functools.lru_cache(maxsize=65536)
def _babel_decimal(text: str, pattern: str) -> str:
    """Babel's formatting of an already-rounded number, memoised.

    Babel re-parses the pattern and looks up the locale's symbols on every
    call (about half of the time spent rendering pages); a site repeats the
    same few hundred values (gradi, pesi, targets) thousands of times. The
    key is the quantized value's canonical text, so 80 and 80.0 stay apart.
    """
    return format_decimal(Decimal(text), format=pattern, locale=LOCALE)


def grado(x: Decimal | int | None) -> str:
    """A computed percentage (grado, copertura): always one decimal, "87,5%".

    ``None`` (not scored) is "—": callers usually say "non misurato" instead.
    """
    if x is None:
        return "—"
    return numero(x, DECIMALI_GRADO) + "%"


def percentuale(x: Decimal | int) -> str:
    """A percentage written by staff (peso, target): "50%", "12,5%"."""
    return numero(x) + "%"


def percentuale_esatta(x: Decimal | int) -> str:
    """A percentage with every digit it has, never rounded: "33,3333%".

    For the validator's messages only, where rounding would hide the very
    error reported (weights summing to 99,9999% are not 100%).
    """
    d = _dec(x)
    d = d.normalize() if d == d.to_integral_value() else d
    decimali = max(0, -d.as_tuple().exponent)  # type: ignore[operator]  # finite here: the exponent is an int
    pattern = "#,##0" + ("." + "#" * decimali if decimali else "")
    return _babel_decimal(str(d), pattern) + "%"


def euro(x: Decimal | int) -> str:
    """Money: "95 €", "1.234,50 €" (no-break space before the sign)."""
    d = _dec(x)
    if d == d.to_integral_value():
        return numero(d, 0) + NBSP + "€"
    return numero(d, 2) + NBSP + "€"


@functools.lru_cache(maxsize=4096)
def data(d: dt.date) -> str:
    """A date in words: "30 giugno 2021" (memoised: pages repeat a few dates)."""
    return format_date(d, format="long", locale=LOCALE)


def data_breve(d: dt.date) -> str:
    """A compact date for chart axes and narrow table cells: "30/06/2021"."""
    return format_date(d, format="dd/MM/y", locale=LOCALE)


def mese(d: dt.date) -> str:
    """Month and year: "giugno 2021"."""
    return format_date(d, format="MMMM y", locale=LOCALE)


def si_no(v: bool) -> str:
    return "sì" if v else "no"


#: A plan field as people name it, with its article: the pull-request
#: summary lists "soglia 80%", the Relazione's changes say "la soglia 80%".
CAMPI_PIANO: dict[str, tuple[str, str]] = {
    "peso": ("il ", "peso"),
    "target": ("il ", "target"),
    "soglia_80": ("la ", "soglia 80%"),
    "soglia_60": ("la ", "soglia 60%"),
    "unita": ("l'", "unità di misura"),
    "pira": ("il ", "PIRA"),
}


def nome_campo(campo: str, *, articolo: bool = False) -> str:
    """A plan field's name in words ("soglia 80%"), with its article if asked ("la soglia 80%")."""
    art, nome = CAMPI_PIANO.get(campo, ("il ", campo))
    return art + nome if articolo else nome


def valore(v: Decimal | dt.date | bool | None, tipo: str, unita: str | None = None) -> str:
    """A KPI value (target, threshold or measured value) by its ``tipo``.

    ``numero`` keeps its unit ("412 gg", "95 €"); ``percentuale`` and
    ``qualitativo`` (the evaluator's esito) are percentages; ``data`` a date
    in words; ``si_no`` "sì"/"no". ``None`` is "—".
    """
    if v is None:
        return "—"
    if isinstance(v, bool):
        return si_no(v)
    if isinstance(v, dt.date):
        return data(v)
    if tipo in ("percentuale", "qualitativo"):
        return percentuale(v)
    if unita:
        if unita.strip() == "€":
            return euro(v)
        return numero(v) + NBSP + unita
    return numero(v)


def misura(
    v: Decimal | dt.date | bool | None,
    tipo: str,
    unita: str | None = None,
    *,
    numeratore: Decimal | None = None,
    denominatore: Decimal | None = None,
) -> str:
    """A measured value as read: formatted, with the ratio it comes from.

    "20% (30 su 150)", "esito 80%", "non ancora realizzata" (a deadline not
    met yet: ``valore: null``). The site and ``diff`` both print this.
    """
    if v is None:
        return "non ancora realizzata"
    text = valore(v, tipo, unita)
    if numeratore is not None and denominatore is not None:
        text += f" ({numero(numeratore)} su {numero(denominatore)})"
    if tipo == "qualitativo":
        text = f"esito {text}"
    return text


# --------------------------------------------------------------------------
# Escaping untrusted text
# --------------------------------------------------------------------------


class Md(str):
    """A piece of Markdown the generator vouches for (already escaped)."""

    __slots__ = ()

    def __add__(self, other: str) -> Md | str:
        # Concatenating trusted with untrusted text must not launder it.
        if isinstance(other, Md):
            return Md(str.__add__(self, other))
        return str.__add__(self, other)


_BACKSLASH = set("\\`*_{}[]()#+!")
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;"}
# ASCII whitespace and Unicode line breaks collapse; a no-break space (the
# formatter puts one in "95 €" and "412 gg") is text and stays.
_SPACE_RE = re.compile(r"[ \t\n\r\u0085\u2028\u2029]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A numbered-list marker is digits, a dot, then a space (or nothing): "1. x".
# "1.1.1" and "150.000" are not, and stay readable.
_ORDERED_RE = re.compile(r"^(\d+)(\.)(?=\s|$)")
#: One table for :meth:`str.translate` (a C loop; escaping is on every
#: printed value of every page).
_TABLE = str.maketrans({**{ch: "\\" + ch for ch in _BACKSLASH}, **_ENTITY})
#: GitHub's extra inline syntax: ``$`` math and ``~`` strikethrough. Python-
#: Markdown has no backslash escape for them (it would print the backslash).
_GFM = str.maketrans({"$": "\\$", "~": "\\~"})


def _one_line(text: str) -> str:
    text = _CONTROL_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


def md(text: object) -> Md:
    """Untrusted text -> Markdown that renders as exactly that text, on one line."""
    if isinstance(text, Md):
        return text
    escaped = _one_line(str(text)).translate(_TABLE)
    # Block markers only count at the start of a line; after _one_line the
    # text has one line, but a template may put it at the start of one.
    m = _ORDERED_RE.match(escaped)
    if m:
        escaped = m.group(1) + "\\" + m.group(2) + escaped[m.end() :]
    elif escaped[:1] == "-":
        escaped = "\\-" + escaped[1:]
    elif escaped[:1] == "=":
        escaped = "&#61;" + escaped[1:]
    elif escaped[:1] == ":":
        escaped = "&#58;" + escaped[1:]
    return Md(escaped)


def md_gfm(text: object) -> Md:
    """Untrusted text -> inert GitHub-flavoured Markdown on one line.

    :func:`md` plus GitHub's ``$`` and ``~``: the pull-request summary is
    rendered by GitHub, not by Python-Markdown.
    """
    if isinstance(text, Md):
        return text
    return Md(md(text).translate(_GFM))


def md_block(text: object) -> Md:
    """Untrusted multi-paragraph text (descrizione, nota) -> escaped paragraphs.

    Blank lines separate paragraphs (as staff expect from a YAML block);
    single newlines inside a paragraph are spaces.
    """
    if isinstance(text, Md):
        return text
    paragraphs = re.split(r"\n\s*\n", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    escaped = [md(p) for p in paragraphs if _one_line(p)]
    return Md("\n\n".join(escaped))


def attr(text: object) -> str:
    """Untrusted text for a double-quoted HTML attribute (alt, title), one line."""
    return html.escape(_one_line(str(text)), quote=True)


def html_text(text: object) -> str:
    """Untrusted text inside raw HTML content (a figcaption), one line."""
    return html.escape(_one_line(str(text)), quote=True)


class UnformattedValue(TypeError):
    """A template printed a number or date without an Italian formatter."""


def finalize(value: object) -> str:
    """Jinja2 ``finalize``: escape everything a template prints, unless trusted.

    ``Md`` passes; ``str`` is escaped with :func:`md`; ``int`` (years,
    counts below a thousand) passes as digits; ``None`` prints nothing.
    Decimals, floats, dates and booleans are refused: they need a formatter
    of this module.
    """
    if isinstance(value, Md):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        raise UnformattedValue(f"boolean {value!r} printed without formatting (use si_no)")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return md(value)
    raise UnformattedValue(f"{type(value).__name__} {value!r} printed without an Italian formatter")


# --------------------------------------------------------------------------
# Statuses: word, shape, colour
# --------------------------------------------------------------------------

BIANCO = "#FFFFFF"


@dataclass(frozen=True, slots=True)
class AspettoStato:
    """How one status is shown, the same in tables, cards, charts and PDF.

    ``colore`` is the fill (Okabe–Ito; white for "non misurato", drawn as an
    empty outline); ``bordo`` its outline, at least 3:1 against white (WCAG
    1.4.11), so the shape stands out even where the fill does not;
    ``testo`` a colour for the word itself, at least 4.5:1 against white.
    ``forma`` names the shape (CSS class suffix and chart marker), and
    ``icona`` is the same shape as a character for plain-text outputs.
    """

    parola: str
    forma: str
    icona: str
    colore: str
    bordo: str
    testo: str

    @property
    def classe(self) -> str:
        """CSS class of the status badge, e.g. ``pf-stato pf-stato--cerchio``."""
        return f"pf-stato pf-stato--{self.forma}"


#: Status word (as :mod:`generator.score` names it) -> how it is shown.
#: Best first: legends list statuses in this order.
STATI: dict[str, AspettoStato] = {
    "raggiunto": AspettoStato("raggiunto", "cerchio", "●", "#009E73", "#009E73", "#00785A"),
    "parzialmente raggiunto": AspettoStato("parzialmente raggiunto", "triangolo", "▲", "#E69F00", "#8A5F00", "#8A5F00"),
    "non raggiunto": AspettoStato("non raggiunto", "croce", "✖", "#D55E00", "#D55E00", "#A84A00"),
    "in corso": AspettoStato("in corso", "mezzo", "◐", "#56B4E9", "#0072B2", "#005A8C"),
    "non misurato": AspettoStato("non misurato", "vuoto", "○", BIANCO, "#6B6B6B", "#5C5C5C"),
}


def contrasto(a: str, b: str = BIANCO) -> float:
    """WCAG 2.1 contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""

    def luminanza(h: str) -> float:
        c = [int(h.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b_ = (x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    hi, lo = sorted((luminanza(a), luminanza(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


#: The shapes, drawn in a 12×12 box (the SVG icon of :func:`icona_svg`).
FORME_SVG: dict[str, str] = {
    "cerchio": '<circle cx="6" cy="6" r="5" fill="{colore}" stroke="{bordo}" stroke-width="1.5"/>',
    "triangolo": '<path d="M6 1.2 11 10.8H1z" fill="{colore}" stroke="{bordo}" stroke-width="1.5" stroke-linejoin="round"/>',
    "croce": '<path d="M1.5 3.6 3.6 1.5 6 3.9 8.4 1.5 10.5 3.6 8.1 6 10.5 8.4 8.4 10.5 6 8.1 3.6 10.5 1.5 8.4 3.9 6z" fill="{colore}" stroke="{bordo}" stroke-width="1" stroke-linejoin="round"/>',
    "mezzo": '<circle cx="6" cy="6" r="5" fill="#FFFFFF" stroke="{bordo}" stroke-width="1.5"/><path d="M6 1a5 5 0 0 0 0 10z" fill="{bordo}"/>',
    "vuoto": '<circle cx="6" cy="6" r="5" fill="{colore}" stroke="{bordo}" stroke-width="1.5"/>',
}


def icona_svg(stato: str) -> str:
    """The status's shape as an inline SVG, hidden from screen readers (the
    word next to it says the same)."""
    a = STATI[stato]
    forma = FORME_SVG[a.forma].format(colore=a.colore, bordo=a.bordo)
    return f'<svg class="pf-stato-icona" aria-hidden="true" focusable="false" viewBox="0 0 12 12" width="12" height="12">{forma}</svg>'


def badge(stato: str | None) -> Md:
    """A status as the site shows it: shape + colour + the word (never colour alone).

    Inline HTML for a Markdown table cell or sentence; the icon is an SVG
    drawn from :data:`STATI` (so colours are written only there, and print
    and PDF show them too). ``None`` (no target, so no status) is "—".
    """
    if stato is None:
        return Md("—")
    a = STATI[stato]
    primo, _, resto = a.parola.partition(" ")
    resto = f" {html.escape(resto)}" if resto else ""
    return Md(f'<span class="{a.classe}"><span class="pf-stato-inizio">{icona_svg(stato)}{html.escape(primo)}</span>{resto}</span>')


def legenda_obiettivi(soglia_parziale: Decimal | int) -> Md:
    """The one-line rule of objectives' statuses, next to every table that shows one."""
    return Md(
        f"Stato degli obiettivi: {badge('raggiunto')} se il grado arriva al target; "
        f"{badge('parzialmente raggiunto')} se resta sotto il target ma arriva a {md(percentuale(soglia_parziale))}; "
        f"{badge('non raggiunto')} sotto {md(percentuale(soglia_parziale))}."
    )


def legenda_azioni() -> Md:
    """The one-line rule of actions' statuses (their band), next to every table that shows one."""
    return Md(
        f"Stato delle azioni: {badge('raggiunto')} se il valore arriva al target; "
        f"{badge('parzialmente raggiunto')} se arriva a una soglia (80% o 60%) ma non al target; "
        f"{badge('non raggiunto')} se non arriva a nessuna soglia; "
        f"{badge('in corso')} scadenza non ancora arrivata; {badge('non misurato')} nessun valore."
    )
