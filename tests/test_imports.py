"""The generator's modules import each other in one direction: no cycle.

A cycle means two modules cannot be understood, tested or changed apart, and
it breaks at import time as soon as one of them needs the other at the top.
The graph is grimp's (the library behind import-linter): every ``import``
statement, at the top or inside a function, ``TYPE_CHECKING`` ones included.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest


def import_cycles(package: str) -> list[tuple[str, ...]]:
    """Each cycle once, as the modules it passes through (first = last).

    For every direct import A -> B, a chain back from B to A closes a cycle;
    the cycle is reported from its alphabetically first module so that the
    same cycle found from each of its edges is listed once.
    """
    graph = grimp.build_graph(package, cache_dir=None)
    found: set[tuple[str, ...]] = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is None:
                continue
            ring = (importer, *back[:-1])
            start = ring.index(min(ring))
            rotated = ring[start:] + ring[:start]
            found.add((*rotated, rotated[0]))
    return sorted(found)


def test_the_generator_has_no_import_cycle() -> None:
    cycles = import_cycles("generator")
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.fixture
def cyclic_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A three-module package whose imports go round: a -> b -> c -> a (c's inside a function)."""
    pkg = tmp_path / "giro"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("from .c import f\n")
    (pkg / "c.py").write_text("def f():\n    from . import a\n    return a\n")
    (pkg / "d.py").write_text("from . import a\n")  # imports into the cycle, is not part of it
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "giro"
    for name in [m for m in sys.modules if m == "giro" or m.startswith("giro.")]:
        del sys.modules[name]


def test_a_cycle_is_found_once_even_through_an_import_inside_a_function(cyclic_package: str) -> None:
    assert import_cycles(cyclic_package) == [("giro.a", "giro.b", "giro.c", "giro.a")]
