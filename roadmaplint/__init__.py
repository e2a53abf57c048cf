"""roadmaplint: lint and format ROADMAP.md files.

The public API::

    import roadmaplint

    for v in roadmaplint.lint_text(text):            # what `check` reports
        print(v.line, v.column, v.code, v.message)
    fixed = roadmaplint.fix_text(text)                # what `format` writes
    config = roadmaplint.load_config(".roadmaplint.toml")
    doc = roadmaplint.parse(text)                     # the document model
    bound = roadmaplint.bind(doc, config=config)      # its binding to the spec
    bound.status(doc.sections[0].items[0])

The names in ``__all__`` are the API; every other module is internal and may
change between releases. Importing the package imports nothing else: each
function loads what it needs on first call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "__version__",
    "lint_text",
    "fix_text",
    "load_config",
    "parse",
    "bind",
    # the types a caller handles
    "Violation",
    "Fix",
    "Edit",
    "Span",
    "Applicability",
    "Severity",
    "Document",
    "Bound",
    "Config",
    # the errors a caller catches
    "ConfigError",
    "SpecError",
    "SourceError",
    "ParserMismatch",
]

if TYPE_CHECKING:
    import datetime as _dt
    import os as _os
    from typing import Union

    from .binding import Bound
    from .config import Config, ConfigError
    from .document import Document
    from .settings import Settings
    from .source import Source, SourceError
    from .parser import ParserMismatch
    from .spec import SpecError
    from .violations import Applicability, Edit, Fix, Severity, Span, Violation

    ConfigLike = Union[Config, str, _os.PathLike[str], None]


def lint_text(
    text: str | bytes,
    *,
    path: str = "ROADMAP.md",
    config: ConfigLike = None,
    preset: str | None = None,
    today: _dt.date | None = None,
) -> list[Violation]:
    """The problems `roadmaplint check` reports in ``text``, in order.

    ``path`` is where the text stands (relative links are resolved from its
    folder, and a config's per-file overrides match it). ``config`` is a
    :class:`Config`, the path of a `.roadmaplint.toml` (or `pyproject.toml`),
    or None for the defaults; no config file is searched for. ``preset``
    replaces the config's (``auto`` detects one). ``today`` is the date due
    dates are judged by (default: today). Bytes are decoded as `check`
    decodes a file. Formatting rules (whitespace, blank lines) are left to
    :func:`fix_text`, as `check` leaves them to `format`. Raises
    ConfigError, SpecError or SourceError."""
    from .runner import run_text

    return run_text(text, _settings(path, config, preset, today, formatting=False), path=path).violations


def fix_text(
    text: str | bytes,
    *,
    path: str = "ROADMAP.md",
    config: ConfigLike = None,
    unsafe: bool = False,
) -> str | bytes:
    """``text`` as `roadmaplint format` writes it (with ``unsafe``, as
    `format --unsafe-fixes` does): the safe fixes of every rule that runs,
    formatting included, each checked against GitHub's rendering; a fix
    that would change more than it names is withheld, never the text.
    Returns the same type it is given (bytes keep their encoding and BOM)."""
    from .runner import Mode, run_text

    settings = _settings(path, config, None, None, formatting=True)
    result = run_text(text, settings, Mode.FIX_UNSAFE if unsafe else Mode.FIX, path=path)
    return result.to_bytes() if isinstance(text, bytes) else result.text


def load_config(path: str | _os.PathLike[str]) -> Config:
    """Read and validate a `.roadmaplint.toml` or a `pyproject.toml` with a
    ``[tool.roadmaplint]`` table; the Config's ``path`` is a ``pathlib.Path``.
    Raises ConfigError."""
    from pathlib import Path

    from .config import load_config as _load

    return _load(Path(path))


def parse(text: str | bytes, *, path: str = "ROADMAP.md") -> Document:
    """The document model of ``text``: sections, items, links, each with its
    exact span. Not bound to a spec: see :func:`bind`."""
    from .document import load

    return load(_source(text, path))


def bind(
    document: Document,
    *,
    config: ConfigLike = None,
    preset: str | None = None,
) -> Bound:
    """``document`` bound to its spec (the config's, a named preset, or the
    detected one): each section's spec section and implied status, the
    legend, each item's status and dates. A new value each call; the
    document itself is not changed. Raises ConfigError or SpecError."""
    from .linter import bind as _bind

    return _bind(document, _settings(document.source.path, config, preset, None, formatting=False))


def _source(text: str | bytes, path: str) -> Source:
    from .source import Source

    if isinstance(text, bytes):
        return Source.from_bytes(text, path)
    return Source(text, path)


def _settings(path: str, config: ConfigLike, preset: str | None, today: _dt.date | None,
              formatting: bool) -> Settings:
    import os

    from .config import Config, load_config as _load
    from .settings import Settings

    if config is not None and not isinstance(config, Config):
        config = _load(os.fspath(config))  # the path as given: no pathlib
    settings = config.settings_for(path) if config is not None else Settings()
    if preset is not None:
        settings.preset = preset
    settings.today = today
    settings.formatting = formatting
    return settings


_LAZY = {
    "Violation": "violations", "Fix": "violations", "Edit": "violations", "Span": "violations",
    "Applicability": "violations", "Severity": "violations",
    "Document": "document", "Bound": "binding", "Config": "config", "ConfigError": "config",
    "SpecError": "spec", "SourceError": "source", "ParserMismatch": "parser",
}


def __getattr__(name: str) -> Any:  # the types, without importing mistune up front
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'roadmaplint' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
