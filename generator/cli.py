"""Thin command-line interface: parse arguments, call one function, set the exit code.

Each command lives in its own ``_cmd_*`` function and is registered in
:data:`COMMANDS`; the work itself is done by the modules they call.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def _root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        metavar="DIR",
        help="cartella con plan/, measurements/, docs/ e mkdocs.yml (predefinita: la cartella corrente)",
    )


def _cmd_validate(args: argparse.Namespace) -> int:
    from .validate import report_project

    return report_project(args.root, strict=args.strict, fmt=args.format, out=sys.stdout)


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="controlla plan/ e measurements/ e segnala ogni errore con file:riga:colonna",
        description="Controlla i file YAML del piano e delle rilevazioni. Esce con codice 1 se trova errori.",
        epilog="esempio:\n  python -m generator validate --root . --format github",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root(p)
    p.add_argument("--strict", action="store_true", help="tratta anche gli avvisi come errori")
    p.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="text: messaggi leggibili; github: annotazioni per GitHub Actions",
    )
    p.set_defaults(handler=_cmd_validate)


#: Every sub-command registers itself here (name -> function adding its parser).
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_validate]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Pubblica il Piano e la Relazione sulla Performance da file YAML.",
        epilog="esempio:\n  python -m generator validate\n  python -m generator build --strict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)
