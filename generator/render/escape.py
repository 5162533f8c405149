"""Deprecated alias of :mod:`generator.presentation` (escaping untrusted text).

Kept only until every caller imports :mod:`generator.presentation`, the one
module for everything a person reads.
"""

from __future__ import annotations

from ..presentation import Md, UnformattedValue, attr, finalize, html_text, md, md_block

__all__ = ["Md", "UnformattedValue", "attr", "finalize", "html_text", "md", "md_block"]
