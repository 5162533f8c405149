"""House-format YAML written with ruamel.yaml's round-trip dumper.

The files the import commands write look like the hand-written ones: the
schema line first, codes and percentages quoted, targets per year in flow
style, and a comment next to every value that had to be interpreted.
Building :class:`CommentedMap` trees (instead of filling a text template)
keeps quoting and escaping ruamel's job: a title with ``: `` or ``#`` in it
is quoted correctly.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

__all__ = ["CommentedMap", "CommentedSeq", "dump", "num", "pct", "q"]


def q(text: str) -> DoubleQuotedScalarString:
    """A quoted scalar (codes: unquoted ``1.10`` would be the number 1.1)."""
    quoted: DoubleQuotedScalarString = DoubleQuotedScalarString(text)
    return quoted


def pct(value: Decimal) -> DoubleQuotedScalarString:
    return q(f"{num(value)}%")


def num(value: Decimal) -> int | float:
    """Decimal -> the YAML number a person would write (``4.5``, ``80``)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    y.allow_unicode = True
    y.preserve_quotes = True
    return y


_EOL = re.compile(r"(?<=\S) {1,}# ")


def dump(data: CommentedMap) -> str:
    """The YAML text; end-of-line comments two spaces after the value (PEP 8 style, as the shipped files)."""
    buf = io.StringIO()
    _yaml().dump(data, buf)
    text = buf.getvalue()
    tidy = "\n".join(_EOL.sub("  # ", line) if not line.lstrip().startswith("#") else line for line in text.split("\n"))
    # ruamel aligns comments unevenly; re-spacing must not change any value
    # (a quoted title may contain " # "): keep the tidy text only if it
    # loads to the same data.
    return tidy if tidy == text or _yaml().load(tidy) == _yaml().load(text) else text


def load_round_trip(text: str) -> object:
    """Round-trip load (keeps comments and order) of a file we are going to update."""
    return _yaml().load(text)
