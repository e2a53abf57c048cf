"""What every test file shares: running the CLI, linting and fixing a text,
and the annotated fixture format. Test files import from here
(``from helpers import found, fixed, run``); conftest.py has pytest rewrite
this module's asserts, so a failing helper shows both sides.

Linting and fixing go through ``violations`` and ``fixed`` only, and both
build their settings in ``settings``: when the library's entry points move,
those three functions are the place to change.

The fixture format
------------------

A fixture is a document whose lines may end in expectations::

    # Roadmap·  ◀ RL502 1:10 RL508 1:1
    Sync is next:···  ◀ RL502 2:14
    ## Later  ◀ RL508 3:1

Everything from ``  ◀ `` (two spaces, the triangle, a space) to the end of
the line is not part of the document: it lists ``CODE line:column`` pairs,
one for each violation the line must carry (``line`` is the line's own number, or a
blank line just above it, which cannot carry a note itself). In the text,
``·`` stands for a space and ``→`` for a tab, so trailing whitespace is
visible, and ``<U+200B>`` (four to six hex digits) for that character, so
invisible and control characters are too. ``assert_fixture(text, *codes)``
lints the document with ``codes`` and asserts it reports exactly those
violations and no other; ``fixture(text)`` returns the document and the
expected ``(line, column, code)`` triples.
"""

from __future__ import annotations

import re
from typing import Any

from click.testing import CliRunner

from roadmaplint import fixes
from roadmaplint.cli import cli
from roadmaplint.settings import Settings
from roadmaplint.violations import Violation
from roadmaplint.registry import find_rule
from roadmaplint.linter import lint
from roadmaplint.source import Source

MARK = "  ◀ "  # what follows on a fixture line is expectations, not text
_ESCAPE = re.compile(r"<U\+([0-9A-F]{4,6})>")

Text = str | bytes | Source


# -- the command line ---------------------------------------------------------------


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None):
    """``roadmaplint *args`` in-process: click's Result, with ``output``
    (what a terminal shows), ``stdout``, ``stderr`` and ``exit_code``. An
    exception the CLI does not turn into an exit code fails the test."""
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()  # click >= 8.2 keeps stderr apart
    return runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


# -- rules --------------------------------------------------------------------------


def settings(*codes: str, today: Any = None, spec: Any = None, check_remote: bool = False, cache: Any = None,
             **options: Any) -> Settings:
    """Settings that select ``codes`` (codes, names or prefixes such as
    ``RL1``) and give ``options`` to each of them (then each code must name
    one rule), for the day ``today`` (None: the real today) and the spec
    ``spec`` (None: detected from the document); ``check_remote`` and
    ``cache`` are --check-remote and --cache."""
    assert codes, "name the rules under test"
    named: dict[str, dict[str, Any]] = {}
    if options:
        for code in codes:
            r = find_rule(code)
            assert r is not None, f"options need one rule, and {code!r} names none or several"
            named[r.name] = options
    return Settings(select=list(codes), options=named, today=today, spec=spec, check_remote=check_remote, cache=cache)


def source(text: Text, path: str | None = None) -> Source:
    """A str as it is, bytes decoded as a file's bytes are; a Source unchanged."""
    if isinstance(text, Source):
        assert path is None, "a Source carries its own path"
        return text
    if isinstance(text, bytes):
        return Source.from_bytes(text, path or "<stdin>")
    return Source(text, path or "<stdin>")


def violations(text: Text, *codes: str, path: str | None = None, **given: Any) -> list[Violation]:
    """The violations the rules ``codes`` report in ``text``, in report order
    (line, column, code). ``path`` is the file's name (default ``<stdin>``);
    every other keyword goes to ``settings``."""
    return lint(source(text, path), settings(*codes, **given))


def found(text: Text, *codes: str, **given: Any) -> list[tuple[int, int, str]]:
    """The ``(line, column, code)`` of each violation ``violations`` reports:
    the shape fixture expectations take."""
    return sorted((v.line, v.column, v.code) for v in violations(text, *codes, **given))


def said(text: Text, *codes: str, **given: Any) -> list[tuple[int, str]]:
    """The ``(line, message)`` of each violation ``violations`` reports."""
    return [(v.line, v.message) for v in violations(text, *codes, **given)]


def fixed(text: Text, *codes: str, unsafe: bool = False, path: str | None = None, **given: Any) -> Any:
    """``text`` with the fixes of the rules ``codes`` applied (unsafe ones
    too when ``unsafe``): bytes for bytes, else a str. Fixing the result
    again must change nothing."""
    chosen = settings(*codes, **given)
    result = fixes.fix(source(text, path), chosen, unsafe=unsafe)
    again = fixes.fix(result.source, chosen, unsafe=unsafe)
    assert again.source.to_bytes() == result.source.to_bytes(), "a second run changed the file"
    return result.source.to_bytes() if isinstance(text, bytes) else result.text


# -- the fixture format (see the module's docstring) --------------------------------


def fixture(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Split an annotated fixture into its document and the expected
    ``(line, column, code)`` triples, sorted."""
    lines: list[str] = []
    expected = []
    for number, raw in enumerate(text.split("\n"), 1):
        content, _, notes = raw.partition(MARK)
        words = notes.split()
        assert len(words) % 2 == 0, f"line {number}: a note is CODE line:column, got {notes!r}"
        for code, pos in zip(words[::2], words[1::2]):
            line, column = (int(n) for n in pos.split(":"))
            assert line == number or not "".join(lines[line - 1 :]).strip(), f"line {number} notes line {line}"
            expected.append((line, column, code))
        content = content.replace("·", " ").replace("→", "\t")
        lines.append(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), content))
    return "\n".join(lines), sorted(expected)


def assert_fixture(annotated: str, *codes: str, **given: Any) -> str:
    """Assert the rules ``codes`` report in the fixture's document exactly
    what its notes say; return the document."""
    text, expected = fixture(annotated)
    assert found(text, *codes, **given) == expected
    return text
