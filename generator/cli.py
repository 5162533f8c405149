"""Thin command-line interface: parse arguments, call one function, set the exit code.

Each command lives in its own ``_cmd_*`` function and is registered in
:data:`COMMANDS`; the work itself is done by the modules they call.

Each ``_cmd_*`` imports the module that does its work when it runs, as
``mkdocs`` does for its commands: with every command's modules imported at
the top, ``--help`` took 0.57 s of CPU instead of 0.04 s and ``validate``
0.53 s instead of 0.37 s (``python -X importtime``: ``build`` alone pulls in
the pages, the Relazione and the PDF edition, 0.23 s). This is the one
place where generator modules are imported inside functions
(``tests/test_architecture.py`` allows it here only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from .diagnostics import ValidationFailed, neutro, print_report
from .runtime import rare_gc

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
    # lazy: only this command's modules (see the module docstring)
    from .validate import report_project
    return report_project(args.root, strict=args.strict, fmt=args.format, out=sys.stdout)


def _add_validate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def _cmd_schema(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from .schema import SCHEMAS, json_schema_text
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name, model in SCHEMAS.items():
        target = out / name
        text = json_schema_text(model)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"scritto {target}")
    return 0


def _add_schema(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "schema",
        help="rigenera gli JSON Schema usati dagli editor per completare e controllare i file YAML",
        description="Scrive plan.schema.json e measurement.schema.json, generati dai modelli del validatore.",
        epilog="esempio:\n  python -m generator schema --out schemas",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", type=Path, default=Path("schemas"), metavar="DIR", help="cartella di destinazione (predefinita: schemas)")
    p.set_defaults(handler=_cmd_schema)


def _cmd_export(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from .opendata import export_files, write_changed
    from .validate import load_project
    try:
        progetto = load_project(args.root)
    except ValidationFailed as e:
        print_report(e.diagnostics, args.root, "text", sys.stderr)
        return 1
    if args.out.exists() and not args.out.is_dir():
        print(f"errore: «{args.out}» è un file, ma deve essere una cartella: scegli un'altra destinazione con --out", file=sys.stderr)
        return 1
    changed = write_changed(export_files(progetto), args.out)
    for rel in changed:
        print(f"scritto {args.out / rel}")
    if not changed:
        print(f"nessun file cambiato in {args.out}")
    return 0


def _add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="scrive i dati aperti (JSON, CSV, Data Package) di ogni piano in DIR/opendata/<anno>/",
        description=(
            "Calcola i gradi sull'ultima rilevazione di ogni piano e scrive performance.json, il suo JSON Schema, "
            "un CSV per livello e datapackage.json (licenza CC BY 4.0). Riscrive solo i file cambiati. "
            "Esce con codice 1 se i file YAML contengono errori."
        ),
        epilog="esempio:\n  python -m generator export --root . --out site",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root(p)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="cartella di destinazione (i file vanno in DIR/opendata/<anno>/)")
    p.set_defaults(handler=_cmd_export)


def _cmd_diff(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from .diff import GitError, run_diff
    try:
        return run_diff(args.root, args.base, args.head, sys.stdout)
    except GitError as err:
        print(f"errore: {err}", file=sys.stderr)
        return 2


def _add_diff(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "diff",
        help="riassume in Markdown che cosa cambia tra due versioni: obiettivi, target, pesi, valori e gradi",
        description=(
            "Confronta piano e rilevazioni di due revisioni git (HEAD predefinita: la copia di lavoro) "
            "e scrive in Markdown le modifiche sostanziali e il loro effetto sul grado di raggiungimento. "
            "Le differenze di sola forma (commenti, virgolette, ordine) non contano. "
            "Esce con codice 1 se una delle due versioni non supera la validazione, 2 se una revisione non si legge."
        ),
        epilog='esempio:\n  python -m generator diff origin/main HEAD >> "$GITHUB_STEP_SUMMARY"\n  python -m generator diff HEAD~1',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("base", metavar="BASE", help="revisione di partenza (ad esempio origin/main)")
    p.add_argument("head", metavar="HEAD", nargs="?", default=None, help="revisione proposta (predefinita: la copia di lavoro)")
    _root(p)
    p.set_defaults(handler=_cmd_diff)


def _cmd_build(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from .build import build
    return build(args.root, strict=args.strict, jobs=args.jobs)


def _add_build(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "build",
        help="genera il sito: controlla i dati, calcola i risultati, scrive pagine, grafici e dati aperti, poi esegue MkDocs",
        description=(
            "Controlla plan/, measurements/ e premi/ (in caso di errori si ferma senza modificare nulla), "
            "calcola i gradi di raggiungimento, prepara pagine, grafici e dati aperti in build/docs "
            "insieme alle pagine scritte a mano di docs/, poi costruisce il sito con MkDocs e lo "
            "sostituisce in site/ solo se tutto è andato a buon fine."
        ),
        epilog="esempio:\n  python -m generator build --root . --strict --jobs 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root(p)
    p.add_argument("--strict", action="store_true", help="modalità strict di MkDocs: ogni avviso di MkDocs (ad esempio un link rotto) fa fallire la build")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="processi per disegnare i grafici (predefinito: uno per CPU)")
    p.set_defaults(handler=_cmd_build)


def _cmd_importa_piano(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from .spreadsheet import piano as import_plan
    rc, report = import_plan.run(args.root, args.file, sheet=args.foglio, anno=args.anno, out=args.out, ente=args.ente, overwrite=args.sovrascrivi)
    sys.stdout.write(report)
    return rc


def _add_importa_piano(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "importa-piano",
        help="crea plan/<anno>.yml dal foglio di calcolo del piano (il «Cruscotto»), .xlsx o .ods",
        description=(
            "Legge la tabella del piano (Prospettiva, Obiettivi strategici, Obiettivi operativi, Azioni) "
            "trovando le colonne dal testo delle intestazioni, e scrive il piano in YAML con un commento "
            "su ogni cella interpretata. Ogni cella illeggibile è segnalata come FILE:Foglio!E12; "
            "se ci sono errori non scrive nulla. Il risultato supera sempre `validate`."
        ),
        epilog="esempio:\n  python -m generator importa-piano Cruscotto.xlsx --anno 2021 --out plan/2021.yml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="FILE", help="il foglio di calcolo (.xlsx o .ods)")
    _root(p)
    p.add_argument("--foglio", metavar="NOME", help="il foglio con la tabella (predefinito: il primo che la contiene)")
    p.add_argument("--anno", type=int, metavar="ANNO", help="anno del piano (predefinito: il primo anno delle colonne Target)")
    p.add_argument("--out", type=Path, metavar="FILE", help="file da scrivere (predefinito: plan/<anno>.yml)")
    p.add_argument("--ente", metavar="NOME", help="nome dell'ente (predefinito: quello dell'ultimo piano in plan/)")
    p.add_argument("--sovrascrivi", action="store_true", help="sostituisce il file se esiste già")
    p.set_defaults(handler=_cmd_importa_piano)


def _cmd_nuovo_anno(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from .nuovo_anno import NuovoAnnoError, nuovo_anno
    try:
        dest = nuovo_anno(args.root, args.anno, overwrite=args.sovrascrivi)
    except NuovoAnnoError as err:
        print(f"errore: {err}\nnessun file scritto", file=sys.stderr)
        return 1
    print(f"scritto {dest.relative_to(args.root).as_posix() if dest.is_relative_to(args.root) else dest}: rivedi le voci segnate «da rivedere»")
    return 0


def _add_nuovo_anno(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "nuovo-anno",
        help="crea plan/<anno>.yml dall'ultimo piano: obiettivi strategici con i loro target, il resto «da rivedere»",
        description=(
            "Scrive il piano del nuovo anno partendo dal piano precedente: gli obiettivi strategici con i target "
            "già fissati per il nuovo triennio; obiettivi operativi e azioni copiati come punto di partenza e segnati "
            "«da rivedere» nei commenti. Non sovrascrive un piano esistente."
        ),
        epilog="esempio:\n  python -m generator nuovo-anno 2022",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("anno", type=int, metavar="ANNO", help="anno del nuovo piano")
    _root(p)
    p.add_argument("--sovrascrivi", action="store_true", help="ricrea il file se esiste già")
    p.set_defaults(handler=_cmd_nuovo_anno)


def _data(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"data non valida «{text}»: scrivi AAAA-MM-GG, ad esempio 2026-05-31") from None


def _cmd_attestazione(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from . import attestazione
    from .validate import load_project
    refused = attestazione.refused_format(args.out)
    if refused is not None:
        sys.stderr.write(refused)
        return 2
    root = Path(args.root)
    try:
        progetto = load_project(root)
    except ValidationFailed as e:
        print_report(e.diagnostics, root, "text", sys.stderr)
        sys.stderr.write("attestazione interrotta: correggi gli errori indicati sopra\n")
        return 1
    return attestazione.run(root, progetto, data=args.data, out=args.out, sito=args.sito, stdout=sys.stdout)


def _add_attestazione(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "attestazione",
        help="compila le righe «Performance» della griglia di attestazione ANAC (autoverifica prima dell'OIV)",
        description=(
            "Valuta i cinque obblighi della sezione Performance come la griglia ANAC: pubblicazione (0 o 2), "
            "completezza del contenuto, aggiornamento e formato aperto (0-3), con una nota per ogni punteggio "
            "sotto il massimo. Le date vengono dalla storia git; senza --data vale la data dei dati più recenti. "
            "Con --out scrive la griglia in Excel (.xlsx) o OpenDocument (.ods). Esce con codice 1 se i dati non superano la validazione."
        ),
        epilog="esempio:\n  python -m generator attestazione --data 2026-05-31 --out griglia.xlsx\n  python -m generator attestazione --out griglia.ods",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root(p)
    p.add_argument("--data", type=_data, default=None, metavar="AAAA-MM-GG", help="data dell'attestazione (predefinita: la data dei dati più recenti)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="griglia da scrivere: .xlsx (Excel) o .ods (OpenDocument)")
    p.add_argument("--sito", default=None, metavar="URL", help="indirizzo del sito per i link alle pagine (predefinito: site_url di mkdocs.yml)")
    p.set_defaults(handler=_cmd_attestazione)


def _cmd_moduli(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from .spreadsheet.moduli import ModuliError, write_moduli
    try:
        written = write_moduli(args.root, args.data, args.tipo, args.out)
    except ValidationFailed as e:
        print_report(e.diagnostics, args.root, "text", sys.stderr)
        return 1
    except ModuliError as e:
        print(f"errore: {e}", file=sys.stderr)
        return 1
    for p in written:
        print(f"scritto {p}")
    return 0


def _add_moduli(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "moduli",
        help="scrive un foglio di calcolo (.xlsx) per ogni struttura responsabile, da compilare con i valori della rilevazione",
        description=(
            "Per ogni struttura responsabile scrive un modulo .xlsx con le sue azioni (codice, titolo, indicatore, "
            "unità, target, soglie, ultimo valore) e le celle da compilare: valore o numeratore/denominatore, nota, "
            "fonte, evidenza e, a consuntivo, lo scostamento (causa, descrizione, azione correttiva). "
            "Le istruzioni sono nel primo foglio; le altre celle sono bloccate."
        ),
        epilog="esempio:\n  python -m generator moduli --data 2022-06-30 --tipo monitoraggio --out moduli/2022-06-30",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root(p)
    p.add_argument("--data", type=_data, required=True, metavar="AAAA-MM-GG", help="data della rilevazione")
    p.add_argument("--tipo", choices=("monitoraggio", "consuntivo"), required=True, help="monitoraggio (in corso d'anno) o consuntivo (fine anno)")
    p.add_argument("--out", type=Path, metavar="DIR", help="cartella dei moduli (predefinita: moduli/<data>)")
    p.set_defaults(handler=_cmd_moduli)


def _cmd_importa_rilevazione(args: argparse.Namespace) -> int:
    # lazy: only this command's modules (see the module docstring)
    from .spreadsheet import rilevazione as import_measurements
    rc, report = import_measurements.run(args.root, list(args.files), args.sovrascrivi)
    sys.stdout.write(report)
    return rc


def _add_importa_rilevazione(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "importa-rilevazione",
        help="unisce i moduli compilati dalle strutture in measurements/<data>.yml",
        description=(
            "Legge i moduli .xlsx scritti da `moduli` e compilati dalle strutture e scrive (o completa) "
            "measurements/<data>.yml. Un'azione con un valore in due moduli è un errore; i valori già presenti nel "
            "file restano, salvo --sovrascrivi. Ogni cella da correggere è indicata come FILE:Valori!J5; "
            "se ci sono errori non scrive nulla. Il risultato supera sempre `validate`."
        ),
        epilog="esempio:\n  python -m generator importa-rilevazione moduli/2022-06-30/*.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="i moduli compilati (.xlsx)")
    _root(p)
    p.add_argument("--sovrascrivi", action="store_true", help="sostituisce i valori già presenti nel file della rilevazione")
    p.set_defaults(handler=_cmd_importa_rilevazione)


#: Every sub-command registers itself here (name -> function adding its parser).
COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    _add_validate, _add_schema, _add_export, _add_diff, _add_build, _add_attestazione,
    _add_importa_piano, _add_moduli, _add_importa_rilevazione, _add_nuovo_anno,
]


def _prog() -> str:
    """The name the user typed: ``performance`` (console script) or ``python -m generator``."""
    return "performance" if Path(sys.argv[0]).name == "performance" else "python -m generator"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_prog(),
        description="Pubblica il Piano e la Relazione sulla Performance da file YAML.",
        epilog="esempio:\n  python -m generator validate\n  python -m generator build --strict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. No traceback ever reaches the user: what can be
    foreseen (the disk, permissions, an interruption) is an Italian message
    and exit 1; anything else is a bug, said in one line with where the
    details were written, and exit 2."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        with rare_gc():
            return handler(args)
    except KeyboardInterrupt:
        print("interrotto (il sito pubblicato non è stato modificato)", file=sys.stderr)
        return 130
    except OSError as err:
        print(f"errore: {os_error_message(err)}", file=sys.stderr)
        return 1
    except Exception:
        where = save_crash_report(getattr(args, "root", None))
        print(
            f"errore interno: è un difetto del programma, non dei dati; dettagli scritti in {where} "
            "(allegalo alla segnalazione agli sviluppatori)",
            file=sys.stderr,
        )
        return 2


#: errno -> what it means for the user, in Italian
_ERRNO = {
    errno.EACCES: "permesso negato",
    errno.EPERM: "operazione non permessa",
    errno.ENOSPC: "spazio su disco esaurito",
    errno.EROFS: "il disco è in sola lettura",
    errno.ENOTDIR: "un file occupa il posto di una cartella",
    errno.EISDIR: "una cartella occupa il posto di un file",
    errno.ENOENT: "file o cartella inesistente",
    errno.EEXIST: "esiste già",
    errno.ENAMETOOLONG: "nome troppo lungo",
    errno.ELOOP: "troppi collegamenti simbolici",
    errno.EDQUOT: "quota disco superata",
    errno.EPIPE: "l'uscita è stata chiusa",
}


def os_error_message(err: OSError) -> str:
    """An operating-system error in Italian, naming the path (never a link's target)."""
    what = _ERRNO.get(err.errno or 0, err.strerror or "errore di sistema")
    if err.filename is None:
        return what
    return neutro(f"{what}: «{os.fsdecode(err.filename)}» (controlla permessi e spazio su disco, poi riprova)")


def save_crash_report(root: Path | None) -> str:
    """Write the traceback of the exception being handled; return where.

    Into ``.cache/errori/`` of the repository when it can, else the system's
    temporary folder: the details are for the developers, not the log.
    """
    details = traceback.format_exc()
    for folder in ([root / ".cache" / "errori"] if root is not None else []) + [Path(tempfile.gettempdir())]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, nome = tempfile.mkstemp(prefix="errore-", suffix=".txt", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(details)
            return nome
        except OSError:
            continue
    return "nessun file (impossibile scrivere i dettagli)"
