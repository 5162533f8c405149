"""Which links staff may publish: one rule for the validator and the Markdown re-emitter.

The measurement checks (``evidenza``), the Relazione's checks (the OIV's
``documento``, links in its narrative files) and :mod:`generator.render.testo`
(which drops a link it does not accept) all ask :func:`link_sicuro`, so a
link the validator passes is a link the site keeps, and the reverse. It sits
below both, with no import of the generator's own.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def link_sicuro(url: str) -> bool:
    """A link staff may publish: http(s) to a host, or a relative path (no other scheme).

    ``javascript:``, ``data:``, ``file:`` and protocol-relative ``//host``
    links are refused; so is anything with spaces or control characters,
    which browsers and Markdown read in surprising ways.
    """
    text = url.strip()
    if not text or any(ch.isspace() or ord(ch) < 32 or ch in "<>\"\\" for ch in text):
        return False
    if text.startswith("//"):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    return ":" not in text.split("/", 1)[0]
