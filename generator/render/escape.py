"""Escaping of untrusted text (everything that comes from YAML) for the pages.

The pages are Markdown that Python-Markdown turns into HTML, with raw HTML,
``attr_list``, ``md_in_html``, ``def_list``, ``admonition`` and tables
enabled. A title is data, so it must come out as the same *text* whatever it
contains: no tag (``<script>``), no link (``[x](javascript:…)``), no
attribute list (``{ onclick=… }``), no emphasis, no heading, no table cell
break, no list. :func:`md` does that for one line of inline text; the
result is a :class:`Md` (trusted Markdown) string.

Templates never need to remember to escape: the Jinja2 environment's
``finalize`` hook (:func:`finalize`) escapes every ``{{ … }}`` value that is
not already a :class:`Md`, and refuses raw numbers and dates (they must go
through :mod:`generator.render.fmt`, so no "87.5" slips onto an Italian page).

Why these characters
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

import html
import re
from typing import Any

__all__ = ["Md", "md", "md_block", "attr", "html_text", "finalize"]


class Md(str):
    """A piece of Markdown the generator vouches for (already escaped)."""

    __slots__ = ()

    def __add__(self, other: str) -> Md | str:  # type: ignore[override]
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


def _one_line(text: str) -> str:
    text = _CONTROL_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


def md(text: Any) -> Md:
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


def md_block(text: Any) -> Md:
    """Untrusted multi-paragraph text (descrizione, nota) -> escaped paragraphs.

    Blank lines separate paragraphs (as staff expect from a YAML block);
    single newlines inside a paragraph are spaces.
    """
    if isinstance(text, Md):
        return text
    paragraphs = [p for p in re.split(r"\n\s*\n", str(text).replace("\r\n", "\n").replace("\r", "\n"))]
    escaped = [md(p) for p in paragraphs if _one_line(p)]
    return Md("\n\n".join(escaped))


def attr(text: Any) -> str:
    """Untrusted text for a double-quoted HTML attribute (alt, title), one line."""
    return html.escape(_one_line(str(text)), quote=True)


def html_text(text: Any) -> str:
    """Untrusted text inside raw HTML content (a figcaption), one line."""
    return html.escape(_one_line(str(text)), quote=True)


class UnformattedValue(TypeError):
    """A template printed a number or date without an Italian formatter."""


def finalize(value: Any) -> str:
    """Jinja2 ``finalize``: escape everything a template prints, unless trusted.

    ``Md`` passes; ``str`` is escaped with :func:`md`; ``int`` (years,
    counts below a thousand) passes as digits; ``None`` prints nothing.
    Decimals, floats, dates and booleans are refused: they need
    :mod:`generator.render.fmt`.
    """
    if isinstance(value, Md):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        raise UnformattedValue(f"boolean {value!r} printed without formatting (use fmt.si_no)")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return md(value)
    raise UnformattedValue(f"{type(value).__name__} {value!r} printed without an Italian formatter (use fmt)")
