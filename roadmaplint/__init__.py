"""roadmaplint: lint and format ROADMAP.md files.

The public API is small: :func:`lint` and :func:`fix` over a :class:`Source`,
and :func:`load` for the document model. Everything else is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["__version__", "lint", "fix", "load", "Source", "Settings"]

if TYPE_CHECKING:
    from .document import Document
    from .engine import Settings, Violation
    from .fixes import FixResult
    from .source import Source


def lint(source: Source, settings: Settings | None = None) -> list[Violation]:
    from .engine import lint as _lint

    return _lint(source, settings)


def fix(source: Source, settings: Settings | None = None, unsafe: bool = False) -> FixResult:
    from .engine import Settings as _Settings
    from .fixes import fix as _fix

    return _fix(source, settings or _Settings(), unsafe)


def load(source: Source) -> Document:
    from .document import load as _load

    return _load(source)


def __getattr__(name: str):  # Source and Settings without importing mistune up front
    if name == "Source":
        from .source import Source

        return Source
    if name == "Settings":
        from .engine import Settings

        return Settings
    raise AttributeError(name)
