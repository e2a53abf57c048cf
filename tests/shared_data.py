"""Where the shared test material is: ``../shared`` beside the project root,
or the folder ``ROADMAPLINT_SHARED`` names. It holds the seeds, a corpus of
real roadmaps and test files from other projects (read at test time, never
copied into this repository); tests that need it skip, saying so, when it
is absent."""

from __future__ import annotations

import os
from pathlib import Path

SHARED = Path(os.environ.get("ROADMAPLINT_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def absent(what: str = "") -> str:
    """A skip message a newcomer can act on."""
    where = SHARED / what if what else SHARED
    return (f"{where} is absent: the shared test material (seeds, real roadmaps, other projects' test "
            f"files) lives in ../shared beside the project root; set ROADMAPLINT_SHARED to its folder")
