"""Data files shipped next to the code (schemas, rule pages)."""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def data_path(*parts: str) -> str:
    """``data_path("schemas", "config.schema.json")``.

    A wheel carries the top-level data directories as ``roadmaplint/_data/``;
    a source checkout or editable install still has them at the repository top.
    """
    shipped = os.path.join(_HERE, "_data", *parts)
    return shipped if os.path.exists(shipped) else os.path.join(os.path.dirname(_HERE), *parts)


def data_text(*parts: str) -> str:
    """The text of the UTF-8 data file :func:`data_path` names."""
    with open(data_path(*parts), encoding="utf-8") as fh:
        return fh.read()
