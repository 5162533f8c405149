"""Staff-written Markdown (the Relazione's narrative sections), made safe.

The files in ``relazione/<anno>/*.md`` are written by staff and reach the
site through a pull request: they are untrusted like every YAML string. A
staff member may format text (paragraphs, headings, lists, emphasis,
quotes, links) but must not be able to put raw HTML, scripts, attribute
lists, admonitions or ``javascript:`` links on the transparency site.

How: the text is parsed by markdown-it-py (CommonMark, raw HTML off) into
tokens, and *written back* as Markdown from those tokens, with every piece
of text escaped by the same rules as YAML text (:mod:`.escape`). Only the
constructs listed above can come out; anything else (HTML, images, tables,
code) comes out as plain text. Links survive only when
:func:`generator.links.link_sicuro` accepts them (http/https or a
relative path); otherwise their text remains. Headings are pushed below the
page's own section headings (a staff ``#`` becomes ``###``), so the
Relazione's sections, its table of contents and the PDF's bookmarks stay
the generator's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..links import link_sicuro
from ..presentation import Md, md

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# markdown-it refuses javascript:/vbscript:/file:/data: links itself; our rule is stricter.
_PARSER.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it's documented hook is this attribute

#: Python-Markdown's inline specials, plus entities (see escape.py).
_INLINE = str.maketrans({**{ch: "\\" + ch for ch in "\\`*_{}[]()#+!"}, "&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;"})
_SPACES = re.compile(r"[ \t\n\r\u0085\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: How deep staff headings go: "#" -> "###" (the page's sections are "##").
SPOSTAMENTO_TITOLI = 2


def _testo(text: str) -> str:
    """Inline text, escaped; inner spaces kept (one), unlike :func:`md`."""
    return _SPACES.sub(" ", _CONTROL.sub("", text)).translate(_INLINE)


def _url(u: str) -> str:
    return quote(u.strip(), safe=":/?#[]@!$&'*+,;=%~").replace("(", "%28").replace(")", "%29")


def _inizio_riga(text: str) -> str:
    """Escape what would start a block at the beginning of a line ("- ", "1. ", "=", ":")."""
    m = re.match(r"^(\d+)([.)])(?=\s|$)", text)
    if m:
        return m.group(1) + "\\" + m.group(2) + text[m.end():]
    if text[:1] == "-":
        return "\\-" + text[1:]
    if text[:1] == "=":
        return "&#61;" + text[1:]
    if text[:1] == ":":
        return "&#58;" + text[1:]
    return text


def _inline(children: Sequence[Token]) -> str:
    out: list[str] = []
    links: list[str | None] = []  # per open link: its URL if kept
    for t in children:
        if t.type == "text":
            out.append(_testo(t.content))
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t.type == "code_inline":
            out.append(_testo(t.content))
        elif t.type in ("em_open", "em_close"):
            out.append("*")
        elif t.type in ("strong_open", "strong_close"):
            out.append("**")
        elif t.type == "link_open":
            href = str(t.attrGet("href") or "")
            links.append(_url(href) if link_sicuro(href) else None)
            if links[-1] is not None:
                out.append("[")
        elif t.type == "link_close":
            url = links.pop() if links else None
            if url is not None:
                out.append(f"]({url})")
        elif t.type == "image":
            out.append(_testo(t.content or ""))
        else:  # html_inline cannot occur (html off); anything else as its text
            out.append(_testo(t.content or ""))
    text = "".join(out).strip()
    # emphasis markers must hug their text; markdown-it guarantees it for the
    # input, and escaped text cannot add markers, so nothing to fix here
    return _inizio_riga(text)


def _blocchi(tokens: list[Token], i: int, stop: str | None) -> tuple[list[str], int]:
    """Render block tokens from ``i`` until the closing ``stop``; (blocks, next index)."""
    blocks: list[str] = []
    while i < len(tokens):
        t = tokens[i]
        if stop is not None and t.type == stop:
            return blocks, i + 1
        if t.type == "paragraph_open":
            text = _inline(tokens[i + 1].children or [])
            if text:
                blocks.append(text)
            i += 3
        elif t.type == "heading_open":
            livello = min(int(t.tag[1]) + SPOSTAMENTO_TITOLI, 6)
            text = _inline(tokens[i + 1].children or [])
            if text:
                blocks.append("#" * livello + " " + text)
            i += 3
        elif t.type in ("bullet_list_open", "ordered_list_open"):
            ordinata = t.type == "ordered_list_open"
            chiusura = t.type.replace("_open", "_close")
            i += 1
            voci: list[str] = []
            n = int(t.attrGet("start") or 1) if ordinata else 0
            while tokens[i].type != chiusura:
                inner, i = _blocchi(tokens, i + 1, "list_item_close")
                marker = f"{n}. " if ordinata else "- "
                n += 1
                if not inner:
                    # An empty item shows nothing, and a bare "- " line under
                    # another line would make it a heading (setext underline).
                    continue
                corpo = "\n\n".join(inner) if inner else ""
                righe = corpo.split("\n")
                rientro = " " * 4
                voce = marker + righe[0] + "".join("\n" + (rientro + r if r else "") for r in righe[1:])
                voci.append(voce)
            # loose lists (blank lines between items) render the same: keep them tight
            if voci:
                blocks.append("\n".join(voci))
            i += 1
        elif t.type == "blockquote_open":
            inner, i = _blocchi(tokens, i + 1, "blockquote_close")
            corpo = "\n\n".join(inner)
            blocks.append("\n".join(("> " + r) if r else ">" for r in corpo.split("\n")))
        elif t.type in ("fence", "code_block"):
            text = md(t.content)
            if text:
                blocks.append(text)
            i += 1
        else:  # hr, html_block (off), anything unexpected: nothing
            i += 1
    return blocks, i


def markdown_sicuro(text: str) -> Md:
    """Staff Markdown -> Markdown that can only format text (see the module docstring)."""
    blocks, _ = _blocchi(_PARSER.parse(text), 0, None)
    return Md("\n\n".join(blocks))


_LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_AUTO_RE = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")


def link_non_sicuri(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, url) of every link the renderer will drop, for the validator."""
    for n, riga in enumerate(text.splitlines(), start=1):
        trovati = [(m.start(1), m.group(1)) for m in _LINK_RE.finditer(riga)]
        trovati += [(m.start(1), m.group(1)) for m in _AUTO_RE.finditer(riga)]
        m = _REF_RE.match(riga)
        if m:
            trovati.append((m.start(1), m.group(1)))
        for col, url in sorted(trovati):
            if url and not link_sicuro(url):
                yield n, col + 1, url


__all__ = ["link_non_sicuri", "markdown_sicuro"]
