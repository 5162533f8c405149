"""Canonical fingerprints of in-memory data: same data, same digest, in any process.

The incremental build (:mod:`generator.incremental`) reuses a page when the
data its template receives is the same as last time. "The same" must be
decided from the data itself, never from a hand-kept list of what a page
reads (such a list falls behind the templates and publishes stale pages),
and never from ``repr`` or ``hash`` (not canonical: ``hash`` of a string
changes per process, ``repr`` may hide fields). So this module walks a value
and feeds a canonical, type-tagged encoding of it to SHA-256:

- ``None``, ``bool``, ``int``, ``str`` (a ``str`` subclass such as
  :class:`~generator.presentation.Md`, which templates print without
  escaping, is tagged with its class: the same text as ``str`` and as ``Md``
  renders differently), ``Decimal`` (its exact text: ``1.0`` and ``1.00``
  print differently), ``Fraction``, ``float``, dates, times, ``Enum``;
- tuples, lists (in order), mappings (in iteration order: templates iterate
  them in that order), sets (sorted by digest);
- dataclasses: class name and every field given to the constructor, by
  name (fields with ``init=False`` are computed from those, e.g. an index);
- functions by module and qualified name (their code is in the renderer's
  code digest); ``functools.partial`` by function and bound arguments;
  bound methods by function and the object they are bound to; modules by
  name.

Anything else raises :class:`NotFingerprintable` naming where it was found:
a lambda or closure (the data it captured is invisible), an open file, an
object of a class this module does not know. Skipping it silently could
publish a stale page; failing makes the page's author pass data instead.

A frozen dataclass's digest is remembered for the life of the
:class:`Fingerprinter` (by identity, the object kept alive), so the scored
year that twenty pages receive is walked once per build: build one
:class:`Fingerprinter` per build, over data nobody mutates meanwhile.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import types
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import cast

__all__ = ["Fingerprinter", "NotFingerprintable", "fingerprint"]


class NotFingerprintable(TypeError):
    """A value whose content cannot be told from its encoding (see the module doc)."""

    def __init__(self, what: str, where: str = "") -> None:
        self.what = what
        self.where = where
        super().__init__(f"{what} at {where or '<root>'}: pass plain data (frozen dataclasses, tuples, mappings, scalars) or a module-level function")

    def inside(self, step: str) -> NotFingerprintable:
        """The same problem, one step further from the root (``step`` + where)."""
        return NotFingerprintable(self.what, step + self.where)


def _name(obj: object) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', '?')}"


def _text(tag: bytes, text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    return tag + str(len(data)).encode() + b":" + data


@dataclasses.dataclass(frozen=True, slots=True)
class _Shape:
    """How a dataclass is encoded: its tag, its fields (name, encoded name), frozen or not."""

    tag: bytes
    fields: tuple[tuple[str, bytes], ...]
    frozen: bool


def _shape(cls: type) -> _Shape | None:
    """The dataclass shape of ``cls``, None if it is not a dataclass."""
    if not dataclasses.is_dataclass(cls):
        return None
    params = getattr(cls, "__dataclass_params__", None)
    return _Shape(
        _text(b"o", _name(cls)),
        tuple((f.name, _text(b"", f.name)) for f in dataclasses.fields(cls) if f.init),
        bool(params is not None and params.frozen),
    )


class Fingerprinter:
    """SHA-256 of a value's canonical encoding, remembering frozen dataclasses' digests."""

    def __init__(self) -> None:
        #: id(obj) -> (obj kept alive so its id is not reused, its digest)
        self._memo: dict[int, tuple[object, bytes]] = {}
        #: class -> its dataclass shape (None: not a dataclass), found once per class
        self._shapes: dict[type, _Shape | None] = {}

    def digest(self, value: object) -> str:
        """The hex digest of ``value``; raises :class:`NotFingerprintable`."""
        out: list[bytes] = []
        try:
            self._encode(value, out)
        except RecursionError:
            raise NotFingerprintable("a value nested too deeply (or containing itself)") from None
        return hashlib.sha256(b"".join(out)).hexdigest()

    def _encode(self, v: object, out: list[bytes]) -> None:
        # The common types first, by exact class (the walk visits ~10^5 values per build).
        cls = type(v)
        if cls is str:
            data = cast(str, v).encode("utf-8", "surrogatepass")
            out.append(b"s%d:" % len(data) + data)
            return
        if v is None:
            out.append(b"N")
            return
        try:
            shape = self._shapes[cls]
        except KeyError:
            shape = self._shapes[cls] = _shape(cls)
        if shape is not None:
            self._dataclass(v, shape, out)
        elif cls is int:
            out.append(b"i%d;" % cast(int, v))
        elif cls is bool:
            out.append(b"T" if v else b"F")
        elif cls is Decimal:
            out.append(_text(b"d", str(v)))
        elif cls is tuple or cls is list:
            self._sequence(cast("tuple[object, ...] | list[object]", v), cls is tuple, out)
        elif isinstance(v, Mapping):
            self._mapping(v, out)
        elif isinstance(v, str):  # a str subclass (Md): tagged, it prints differently
            out.append(_text(b"S", _name(cls)) + _text(b"", str(v)))
        elif isinstance(v, enum.Enum):  # before int: an IntEnum is an int
            out.append(_text(b"e", _name(cls)) + _text(b"", v.name))
        elif isinstance(v, (int, float, Fraction, dt.date, dt.time, dt.timedelta)):
            self._scalar(v, out)
        elif isinstance(v, (set, frozenset)):
            parts = sorted(self._sub(x, f"{{{i}}}") for i, x in enumerate(v))
            out.append(b"<" + str(len(parts)).encode() + b";" + b"".join(parts))
        elif isinstance(v, type):
            raise NotFingerprintable(f"the class {_name(v)}")
        else:
            self._code(v, out)

    def _sequence(self, v: tuple[object, ...] | list[object], is_tuple: bool, out: list[bytes]) -> None:
        out.append((b"(%d;" if is_tuple else b"[%d;") % len(v))
        i = 0
        try:
            for i, x in enumerate(v):  # noqa: B007 - i names the item in an error
                self._encode(x, out)
        except NotFingerprintable as e:
            raise e.inside(f"[{i}]") from None

    def _mapping(self, v: Mapping[object, object], out: list[bytes]) -> None:
        out.append(b"{%d;" % len(v))
        k: object = None
        try:
            for k, x in v.items():
                self._encode(k, out)
                self._encode(x, out)
        except NotFingerprintable as e:
            raise e.inside(f"[{k!r}]") from None

    def _scalar(self, v: int | float | Fraction | dt.date | dt.time | dt.timedelta, out: list[bytes]) -> None:
        if isinstance(v, bool):
            out.append(b"T" if v else b"F")
        elif isinstance(v, int):
            out.append(b"i" + str(int(v)).encode() + b";")
        elif isinstance(v, float):
            out.append(_text(b"f", v.hex()))
        elif isinstance(v, Fraction):
            out.append(_text(b"q", f"{v.numerator}/{v.denominator}"))
        elif isinstance(v, dt.datetime):  # before date: a datetime is a date
            out.append(_text(b"D", v.isoformat()))
        elif isinstance(v, dt.date):
            out.append(_text(b"a", v.isoformat()))
        elif isinstance(v, dt.time):
            out.append(_text(b"h", v.isoformat()))
        else:
            out.append(_text(b"t", f"{v.days},{v.seconds},{v.microseconds}"))

    def _code(self, v: object, out: list[bytes]) -> None:
        """Functions, partials, bound methods, modules: code is named, data is walked."""
        if isinstance(v, types.ModuleType):
            out.append(_text(b"m", v.__name__))
        elif isinstance(v, functools.partial):
            out.append(b"p")
            self._step(v.func, out, ".func")
            self._step(v.args, out, ".args")
            self._step(dict(sorted(v.keywords.items())), out, ".keywords")
        elif isinstance(v, types.MethodType):
            out.append(_text(b"M", _name(v.__func__)))
            self._step(v.__self__, out, ".__self__")
        elif isinstance(v, (types.FunctionType, types.BuiltinFunctionType)):
            qual = getattr(v, "__qualname__", "")
            if "<lambda>" in qual or "<locals>" in qual or getattr(v, "__closure__", None):
                raise NotFingerprintable(f"the function {_name(v)} (a lambda or closure: the data it captured cannot be seen)")
            out.append(_text(b"c", _name(v)))
        else:
            raise NotFingerprintable(f"a value of type {_name(type(v))}")

    def _dataclass(self, v: object, shape: _Shape, out: list[bytes]) -> None:
        if shape.frozen:
            hit = self._memo.get(id(v))
            if hit is not None:
                out.append(hit[1])
                return
        parts: list[bytes] = [shape.tag]
        name = ""
        try:
            for name, tag in shape.fields:
                parts.append(tag)
                self._encode(getattr(v, name), parts)
        except NotFingerprintable as e:
            raise e.inside("." + name) from None
        encoded = b"".join(parts)
        if shape.frozen:
            ref = b"@" + hashlib.sha256(encoded).digest()
            self._memo[id(v)] = (v, ref)
            out.append(ref)
        else:
            out.append(encoded)

    def _step(self, v: object, out: list[bytes], step: str) -> None:
        try:
            self._encode(v, out)
        except NotFingerprintable as e:
            raise e.inside(step) from None

    def _sub(self, v: object, step: str) -> bytes:
        parts: list[bytes] = []
        self._step(v, parts, step)
        return hashlib.sha256(b"".join(parts)).digest()


def fingerprint(value: object, *, fingerprinter: Fingerprinter | None = None) -> str:
    """The hex digest of ``value`` (a fresh :class:`Fingerprinter` unless one is given)."""
    return (fingerprinter or Fingerprinter()).digest(value)

