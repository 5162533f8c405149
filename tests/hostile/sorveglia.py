"""Run ``python -m generator`` watched by an audit hook (PEP 578).

Usage: ``python sorveglia.py REGISTRO -- ARGS...``. Every file the command
(and any process it forks) opens is checked as it is opened; the paths read
or written outside the allowed folders are appended to ``REGISTRO``, one per
line, so a test can assert that a hostile input made the command touch
nothing outside its scratch repository. Allowed: the folders named in
``SORVEGLIA_CONSENTITI`` (``os.pathsep``-separated: the scratch root, the
interpreter and its libraries, the generator's code) for reading, and
``SORVEGLIA_SCRIVIBILI`` for writing.
"""

from __future__ import annotations

import os
import sys

_REGISTRO = sys.argv[1]
_LETTURA = tuple(p for p in os.environ.get("SORVEGLIA_CONSENTITI", "").split(os.pathsep) if p)
_SCRITTURA = tuple(p for p in os.environ.get("SORVEGLIA_SCRIVIBILI", "").split(os.pathsep) if p)
_SISTEMA = ("/dev/", "/proc/", "/sys/", "/etc/", "/usr/", "/lib", "/bin/", "/sbin/", "/opt/")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_open = open  # keep a reference: the hook itself must not be audited recursively
_in_hook = [False]  # set while the hook writes its own record (never audited again)


def _sotto(path: str, cartelle: tuple[str, ...]) -> bool:
    return any(path == c or path.startswith(c.rstrip("/") + "/") for c in cartelle)


def _scrive(mode: object, flags: object) -> bool:
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _hook(event: str, args: tuple) -> None:
    if event != "open" or _in_hook[0] or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    flags = args[2] if len(args) > 2 else None
    raw = os.fsdecode(args[0])
    if isinstance(flags, int) and flags & os.O_NOFOLLOW:
        # the last component is never followed: only the folders leading to it are
        path = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(raw))), os.path.basename(raw))
    else:
        path = os.path.realpath(raw)  # where it really leads, links resolved
    scrive = _scrive(args[1] if len(args) > 1 else None, flags)
    consentito = _sotto(path, _SCRITTURA) if scrive else _sotto(path, _LETTURA + _SCRITTURA) or path.startswith(_SISTEMA)
    if scrive and path.startswith("/dev/"):
        consentito = True
    if not consentito:
        _in_hook[0] = True
        try:
            with _open(_REGISTRO, "a", encoding="utf-8") as fh:
                fh.write(("scrittura " if scrive else "lettura ") + path + "\n")
        finally:
            _in_hook[0] = False


def main() -> int:
    args = sys.argv[sys.argv.index("--") + 1 :]
    sys.addaudithook(_hook)
    from generator.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
