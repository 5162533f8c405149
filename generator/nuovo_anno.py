"""``nuovo-anno``: start next year's plan from the latest one.

Each year the body adopts a new three-year plan. Strategic objectives
usually carry over with the targets the previous plan already set for the
new year; operational objectives and actions are revised. So the new file
keeps the strategic objectives with their targets for the new triennio, and
copies operational objectives and actions as a starting point, each marked
"da rivedere" in a comment. Old comments are not carried over (they
described last year's file). The result must pass the validator, and an
existing plan is never overwritten without ``--sovrascrivi``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from .diagnostics import format_text, line_reader
from .runtime import write_atomic
from .source import SourceError, YamlData, load
from .spreadsheet.yamlout import CommentedMap, CommentedSeq, dump, num, q
from .validate import check_project

SCHEMA_LINE = "yaml-language-server: $schema=../schemas/plan.schema.json"
DA_RIVEDERE = "da rivedere"


class NuovoAnnoError(Exception):
    """A message for the user (Italian), with nothing written."""


def _piano_precedente(root: Path, anno: int) -> tuple[Path, dict[str, YamlData]]:
    candidati = []
    for p in (root / "plan").glob("*.yml"):
        if p.stem.isdigit() and int(p.stem) < anno:
            candidati.append((int(p.stem), p))
    if not candidati:
        raise NuovoAnnoError(f"nessun piano precedente al {anno} in plan/: serve il piano dell'anno prima da cui partire\nsuggerimento: importa il piano con `python -m generator importa-piano` oppure scrivilo a mano")
    _, path = max(candidati)
    try:
        doc = load(path, path.relative_to(root).as_posix())
    except SourceError as err:
        raise NuovoAnnoError(format_text(err.diagnostics, lambda f, n: None) + f"correggi {path.name} prima di creare il nuovo anno") from None
    if not isinstance(doc.data, dict):
        raise NuovoAnnoError(f"{path.name} non contiene un piano")
    return path, doc.data


def _map(v: YamlData) -> dict[str, YamlData]:
    """A group of fields; anything else (a damaged previous plan) reads as
    empty, and the validator, run on the result, says what is missing."""
    return v if isinstance(v, dict) else {}


def _seq(v: YamlData) -> list[YamlData]:
    """A list; anything else reads as empty (see :func:`_map`)."""
    return v if isinstance(v, list) else []


def _scalar(v: YamlData, shift: int) -> YamlData | float:
    """A value as written again: Decimals as numbers, ISO deadlines moved by ``shift`` years."""
    if isinstance(v, Decimal):
        return num(v)
    if isinstance(v, dt.date) and shift:
        try:
            return v.replace(year=v.year + shift)
        except ValueError:  # 29 February
            return v.replace(year=v.year + shift, day=28)
    return v


def _percent(v: YamlData) -> YamlData | float:
    if isinstance(v, str):
        return q(v)
    return _scalar(v, 0)


def build_plan(prev: dict[str, YamlData], prev_file: str, anno: int) -> CommentedMap:
    """The new year's plan from the previous one's data, every copied entry marked for review."""
    raw_anno = prev.get("anno", anno - 1)
    prev_anno = int(raw_anno) if isinstance(raw_anno, (int, str, Decimal)) else anno - 1
    shift = anno - prev_anno
    root = CommentedMap()
    root["ente"] = prev.get("ente", "")
    root["titolo"] = f"Piano della Performance {anno}-{anno + 2}"
    root["anno"] = anno
    tri = CommentedSeq([anno, anno + 1, anno + 2])
    tri.fa.set_flow_style()
    root["triennio"] = tri
    root["metodo"] = prev.get("metodo", "fasce")
    strutture = CommentedMap(_map(prev.get("strutture")))
    if strutture:
        root["strutture"] = strutture
        root.yaml_set_comment_before_after_key("strutture", before="\nStrutture responsabili (dal piano precedente)")
    persps = CommentedSeq()
    for p in map(_map, _seq(prev.get("prospettive"))):
        pm = CommentedMap()
        for k in ("id", "nome", "descrizione"):
            if k in p:
                pm[k] = p[k]
        ss = CommentedSeq()
        for s in map(_map, _seq(p.get("obiettivi_strategici"))):
            sm = CommentedMap()
            for k in ("codice", "titolo", "descrizione", "indicatore"):
                if k in s:
                    sm[k] = q(str(s[k])) if k == "codice" else s[k]
            old = {str(y): v for y, v in _map(s.get("target")).items()}
            tgt = CommentedMap()
            nota = None
            for y in (anno, anno + 1, anno + 2):
                if str(y) in old:
                    tgt[y] = _percent(old[str(y)])
            if anno not in tgt and old:
                last = max(old, key=int)
                tgt[anno] = _percent(old[last])
                tgt.move_to_end(anno, last=False)
                nota = f"{DA_RIVEDERE}: il piano {prev_anno} non fissa il target {anno}, copiato quello del {last}"
            tgt.fa.set_flow_style()
            sm["target"] = tgt
            missing = [str(y) for y in (anno, anno + 1, anno + 2) if y not in tgt]
            comment = nota or f"target fissati dal piano {prev_anno}"
            if missing:
                comment += f"; {', '.join(missing)}: da fissare"
            sm.yaml_add_eol_comment(comment, "target")
            oo = CommentedSeq()
            for o in map(_map, _seq(s.get("obiettivi_operativi"))):
                om = CommentedMap()
                for k, v in o.items():
                    if k == "azioni":
                        continue
                    om[k] = q(str(v)) if k == "codice" else _percent(v) if k == "peso" else _scalar(v, shift)
                om.yaml_add_eol_comment(f"{DA_RIVEDERE} (dal piano {prev_anno})", "codice")
                aa = CommentedSeq()
                for a in map(_map, _seq(o.get("azioni"))):
                    am = CommentedMap()
                    for k, v in a.items():
                        if k == "codice":
                            am[k] = q(str(v))
                        elif k == "peso" or (a.get("tipo") == "percentuale" and k in ("target", "soglia_80", "soglia_60")):
                            am[k] = _percent(v)
                        elif isinstance(v, list):
                            am[k] = CommentedSeq(v)
                        else:
                            am[k] = _scalar(v, shift)
                    am.yaml_add_eol_comment(f"{DA_RIVEDERE}: azione del piano {prev_anno}, conferma target e soglie", "codice")
                    moved = [k for k in ("target", "soglia_80", "soglia_60") if isinstance(a.get(k), dt.date)]
                    if moved and shift:
                        for k in moved:
                            am.yaml_add_eol_comment(f"{DA_RIVEDERE}: data spostata di {shift} anno/i", k)
                    aa.append(am)
                om["azioni"] = aa
                oo.append(om)
            sm["obiettivi_operativi"] = oo
            ss.append(sm)
        pm["obiettivi_strategici"] = ss
        persps.append(pm)
    root["prospettive"] = persps
    root.yaml_set_comment_before_after_key("prospettive", before="")
    root.yaml_set_start_comment(
        f"{SCHEMA_LINE}\n\n"
        f"Piano {anno}: creato con `python -m generator nuovo-anno {anno}` da {prev_file}.\n"
        f"Gli obiettivi strategici riportano i target che il piano {prev_anno} fissava per il triennio {anno}-{anno + 2}.\n"
        f"Obiettivi operativi e azioni sono copiati come punto di partenza: ogni voce\n"
        f"segnata «{DA_RIVEDERE}» va confermata o modificata prima dell'adozione del piano."
    )
    return root


def nuovo_anno(root: Path, anno: int, overwrite: bool = False) -> Path:
    """Write ``plan/<anno>.yml``; raise NuovoAnnoError (nothing written) if it cannot."""
    dest = root / "plan" / f"{anno}.yml"
    if dest.exists() and not overwrite:
        raise NuovoAnnoError(f"{dest.relative_to(root).as_posix()} esiste già\nsuggerimento: modificalo direttamente, oppure aggiungi --sovrascrivi per ricrearlo dal piano precedente")
    prev_path, prev = _piano_precedente(root, anno)
    text = dump(build_plan(prev, prev_path.relative_to(root).as_posix(), anno))
    with tempfile.TemporaryDirectory(prefix="nuovo-anno-") as tmp:
        shutil.copytree(root / "plan", Path(tmp) / "plan")
        (Path(tmp) / "plan" / f"{anno}.yml").write_text(text, encoding="utf-8")
        checked = check_project(Path(tmp))
        mine = [d for d in checked.errors if d.pos.file == f"plan/{anno}.yml"]
        if mine:
            raise NuovoAnnoError(
                format_text(mine, line_reader(Path(tmp)))
                + f"il piano {anno} ricavato da {prev_path.name} non supera la validazione: correggi prima {prev_path.name}"
            )
    write_atomic(dest, text.encode("utf-8"))
    return dest
