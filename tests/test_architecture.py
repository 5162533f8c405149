"""The README's module map is the code's: every module listed, every import downwards.

README.md's *Architecture* section lists the generator's modules in layers
("### Module layers", top to bottom). A module added without a line there,
a line naming a module that is gone, or an import from a lower layer into a
higher one fails here, so the map a newcomer reads cannot fall behind.
The graph is grimp's (every ``import``, inside functions too).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_layers(text: str) -> list[list[str]]:
    """The module names of each bullet under "### Module layers", top layer first."""
    architecture = text.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    block = architecture.split("\n### Module layers\n", 1)[1].split("\n#", 1)[0]
    layers = []
    for line in block.splitlines():
        if line.startswith("- "):
            names = line[2:].split(" — ", 1)[0]
            layers.append(re.findall(r"`([\w.]+)`", names))
    return layers


def listed_modules(graph: grimp.ImportGraph, package: str) -> set[str]:
    """Every module of ``package`` the map must name, relative to it.

    A package's ``__init__`` that imports nothing (only a docstring) is no
    module of its own to place: it is left out, so are the package's root.
    """
    out = set()
    for module in graph.modules:
        if module == package:
            continue
        is_package = bool(graph.find_children(module))
        if is_package and not graph.find_modules_directly_imported_by(module):
            continue
        out.add(module.removeprefix(package + "."))
    return out


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("generator", cache_dir=None)


@pytest.fixture(scope="module")
def layers() -> list[list[str]]:
    return readme_layers(README.read_text(encoding="utf-8"))


def test_the_readme_names_every_module_of_the_generator_once(graph: grimp.ImportGraph, layers: list[list[str]]) -> None:
    named = [name for layer in layers for name in layer]
    modules = listed_modules(graph, "generator")
    assert sorted(set(named) - modules) == [], "named in README.md's module layers but not a module of generator/"
    assert sorted(modules - set(named)) == [], "modules of generator/ missing from README.md's module layers (Architecture)"
    assert sorted(n for n in set(named) if named.count(n) > 1) == [], "named in more than one layer"


def test_every_import_goes_down_the_readme_layers(graph: grimp.ImportGraph, layers: list[list[str]]) -> None:
    illegal = graph.find_illegal_dependencies_for_layers(
        layers=[grimp.Layer(*layer, independent=False) for layer in layers],
        containers={"generator"},
    )
    routes = sorted(
        f"{dep.importer} imports {dep.imported} (a higher layer): " + "; ".join(
            " -> ".join([*sorted(r.heads)[:1], *r.middle, *sorted(r.tails)[:1]]) for r in dep.routes
        )
        for dep in illegal
    )
    assert routes == [], "imports against README.md's module layers:\n" + "\n".join(routes)


def test_the_layer_list_is_read_from_the_readme_as_written() -> None:
    text = (
        "# X\n\n## Architecture\n\nprose `not_a_layer`\n\n### Module layers\n\nintro `nor_this`\n\n"
        "- `cli` `__main__` — entry points, `not_this`\n- `model` — the model\n\n## Naming\n\n- `other`\n"
    )
    assert readme_layers(text) == [["cli", "__main__"], ["model"]]


def test_an_import_up_the_layers_is_found(graph: grimp.ImportGraph) -> None:
    # model sits below validate: listing them the other way round must fail
    illegal = graph.find_illegal_dependencies_for_layers(
        layers=[grimp.Layer("model", independent=False), grimp.Layer("validate", independent=False)],
        containers={"generator"},
    )
    assert {(d.importer, d.imported) for d in illegal} == {("generator.validate", "generator.model")}


#: Libraries that may be imported inside the function that needs them: each
#: costs tens to hundreds of milliseconds at start-up (measured with
#: ``python -X importtime``; the figure is in the comment above each import).
HEAVY = {"matplotlib", "weasyprint", "openpyxl", "odf", "mkdocs"}

#: The one module that may import generator modules inside functions: the
#: command line imports each command's modules when that command runs
#: (``--help`` 0.04 s of CPU instead of 0.57 s with all of them at the top;
#: the figures are in ``cli``'s docstring), each import with its comment.
LAZY_COMMANDS = {"cli.py"}


def imports_inside_functions(source: str) -> list[tuple[int, str, bool]]:
    """(line, imported module, has a comment on the line above) of every import in a function body."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                names = [a.name for a in inner.names]
            elif isinstance(inner, ast.ImportFrom):
                names = ["." * inner.level + (inner.module or "")]
            else:
                continue
            commented = inner.lineno >= 2 and lines[inner.lineno - 2].strip().startswith("#")
            found.extend((inner.lineno, name, commented) for name in names)
    return sorted(set(found))


def test_imports_are_at_the_top_but_heavy_libraries_with_their_cost_said() -> None:
    package = README.parent / "generator"
    wrong = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        ok_line = -1
        for line, name, commented in imports_inside_functions(path.read_text(encoding="utf-8")):
            heavy = name.split(".")[0] in HEAVY or (rel in LAZY_COMMANDS and name.startswith("."))
            # one comment may stand above a block of consecutive heavy imports
            if heavy and (commented or line == ok_line + 1):
                ok_line = line
                continue
            wrong.append(f"{rel}:{line}: {name}" + (" (heavy: say its measured cost in a comment above)" if heavy else ""))
    assert wrong == [], "imports inside functions (move them to the top of the module):\n" + "\n".join(wrong)


def test_an_import_hidden_in_a_function_is_found() -> None:
    source = "import os\n\ndef f():\n    from . import model\n    # costs 1 s\n    import matplotlib\n    import json\n"
    assert imports_inside_functions(source) == [(4, ".", False), (6, "matplotlib", True), (7, "json", False)]


def test_the_command_line_loads_only_the_modules_of_the_command_it_runs() -> None:
    """``--help`` and the parser load no command's work: ``build`` alone pulls in pages, Relazione and PDF."""
    probe = "import sys, generator.cli as c; c.build_parser(); print(' '.join(sorted(m for m in sys.modules if m.startswith('generator'))))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=README.parent).stdout.split()
    assert "generator.cli" in loaded
    for heavy in ("generator.build", "generator.render.pages", "generator.validate", "generator.diff", "generator.spreadsheet.piano"):
        assert heavy not in loaded, f"{heavy} is imported just to parse the command line"
