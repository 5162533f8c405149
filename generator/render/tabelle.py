"""Python-Markdown extension: every table cell knows its column's name.

On a phone (390 px) a results table with five or six columns cannot fit:
the stylesheet (``docs/assets/css/site.css``) turns each row into a card
and writes the column name before each value. CSS can only read that name
from the cell itself, so this extension copies each header's text into a
``data-label`` attribute of the cells below it, at build time (no
JavaScript, the same HTML for every reader). Registered in ``mkdocs.yml``
as ``generator.render.tabelle``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markdown import Markdown  # type: ignore[import-untyped]  # Python-Markdown ships no type hints
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

__all__ = ["EtichetteTabelle", "makeExtension"]


def _testo(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


class _Etichette(Treeprocessor):  # type: ignore[misc]
    def run(self, root: ET.Element) -> None:
        for table in root.iter("table"):
            thead = table.find("thead")
            if thead is None:
                continue
            riga = thead.find("tr")
            if riga is None:
                continue
            nomi = [_testo(th) for th in riga.findall("th")]
            tbody = table.find("tbody")
            for tr in tbody.findall("tr") if tbody is not None else ():
                for nome, td in zip(nomi, tr.findall("td"), strict=False):
                    if nome:
                        td.set("data-label", nome)


class EtichetteTabelle(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline processor (priority 20): header text is final.
        md.treeprocessors.register(_Etichette(md), "pf_etichette_tabelle", 5)


def makeExtension(**kwargs: object) -> EtichetteTabelle:
    return EtichetteTabelle(**kwargs)
