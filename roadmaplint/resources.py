"""Data files shipped next to the code (schemas, rule pages)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent


def data_path(*parts: str) -> Path:
    """``data_path("schemas", "config.schema.json")``.

    A wheel carries the top-level data directories as ``roadmaplint/_data/``;
    a source checkout or editable install still has them at the repository top.
    """
    shipped = _HERE.joinpath("_data", *parts)
    return shipped if shipped.exists() else _HERE.parent.joinpath(*parts)
