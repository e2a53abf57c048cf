"""Small helpers the rule families share."""

from __future__ import annotations

from .engine import Applicability, Edit, Fix
from .source import Source


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def text_fix(src: Source, *edits: Edit, applicability: Applicability = Applicability.SAFE) -> Fix:
    """A fix that rewrites words. In a file that is not UTF-8, a replacement
    its code page cannot hold needs the file rewritten as UTF-8 too."""
    if src.encoding != "utf-8" and not all(_encodable(e.replacement, src.encoding) for e in edits):
        if not src.encoding_certain:
            applicability = Applicability.UNSAFE
        return Fix(tuple(edits), applicability, rewrites=True, encoding="utf-8")
    return Fix(tuple(edits), applicability, rewrites=True)
