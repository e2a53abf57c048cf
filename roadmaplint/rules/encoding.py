"""Encoding rules (RL1xx): mojibake and invisible damage, repaired where the
repair is certain, and nothing else touched."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..document import Document, Span
from ..registry import Context, rule
from ..violations import Applicability, Edit, Finding, Fix, Rendering
from ..source import (DAMAGED, LEGACY, Source, damaged_bytes, encoding_name, guess_damaged, legacy_readings,
                      mixed_utf8)
from ..lazyre import lazy
from ..util import text_fix


# mojibake.py is imported by the first text that is not ASCII (none can
# hold mojibake)
def damaged_lines(doc: Document) -> Iterator[tuple[int, str, Any]]:
    if doc.text.isascii():
        return iter(())
    from ..mojibake import damaged_lines

    return damaged_lines(doc)


def damaged_spans(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    from ..mojibake import damaged_spans

    return damaged_spans(doc, start, end)


def candidates(old: str, after: str = "") -> list[str]:
    from ..mojibake import candidates

    return candidates(old, after)


# -- shared helpers ---------------------------------------------------------------


_SELECTORS = set("\ufe0e\ufe0f")


def _show(text: str) -> str:
    """Quote ``text`` for a message, with invisible characters spelled out."""
    if text.isprintable() and text[:1] not in _SELECTORS:
        return '"' + text + '"'  # no Cc, Cf, Zs but the space, Zl or Zp: nothing to spell out
    import unicodedata  # a C extension: loaded only for a message with invisible characters

    out = []
    for i, c in enumerate(text):
        if (c != " " and unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")) or (i == 0 and c in _SELECTORS):
            out.append(f"<U+{ord(c):04X}>")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


# -- RL101 mojibake -------------------------------------------------------------


@rule(code="RL101", name="mojibake", fix="sometimes",
      summary="Text that was UTF-8 read through a legacy code page (âœ… for ✅).")
def mojibake(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    for start, line, runs in damaged_lines(doc):  # code blocks too, not the front matter
        for a, b, new, exact in runs:
            span = Span(start + a, start + b)
            # code may quote broken text on purpose: reported, and repaired
            # only on request (a file damaged as a whole, code and all)
            in_code = doc.in_code(span.start, span.end)
            where = " in code" if in_code else ""
            # code may quote mojibake on purpose (a page about mojibake): a warning
            mild = "warning" if in_code else None
            old = _show(line[a:b])
            edit = Edit(span.start, span.end, new or "")
            if new is None:
                could = [c for c in candidates(line[a:b], line[b : b + 1]) if c.isprintable()]
                if could == ["\ufe0f"]:
                    yield Finding(span, f"mojibake {old}{where}: what is left of U+FE0F (variation selector) "
                                        "whose last byte was lost", severity=mild)
                    continue
                hint = f" (it was one of {', '.join(could)})" if 1 < len(could) <= 8 else ""
                yield Finding(span, f"mojibake {old}{where}: a byte was lost, so it cannot be repaired exactly{hint}",
                              severity=mild)
            elif exact and not in_code:
                yield Finding(span, f"mojibake {old} -> {_show(new)}", text_fix(doc.source, edit))
            elif exact:
                yield Finding(span, f"mojibake {old} -> {_show(new)}{where}",
                              text_fix(doc.source, edit, applicability=Applicability.UNSAFE), severity=mild)
            else:
                yield Finding(span, f"mojibake {old} -> {_show(new)}{where}: a byte was lost; "
                                    "this is the only character it can have been",
                              text_fix(doc.source, edit, applicability=Applicability.UNSAFE), severity=mild)


# -- RL102 invalid-utf8, RL103 bom, RL104 line-endings ---------------------------


@rule(code="RL102", name="invalid-utf8", fix="always",
      summary="The file is not UTF-8 (or has bytes that are not); it is decoded by detection and rewritten as UTF-8.")
def invalid_utf8(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    src = doc.source
    if src.encoding == "utf-8":
        yield from _damaged(doc)
        return
    text = src.text
    first = next((i for i, c in enumerate(text) if ord(c) > 127), 0)
    what = f"file is not UTF-8: it reads as {src.encoding} ({encoding_name(src.encoding)})"
    if src.encoding_certain:
        yield Finding(Span(first, first + 1), f"{what}; rewrite it as UTF-8", Fix((), encoding="utf-8"))
        return
    yield Finding(Span(first, first + 1), f"{what}, but {_doubt(src)}; check the text, then rewrite it as UTF-8",
                  Fix((), Applicability.UNSAFE, encoding="utf-8"))


# inside a run of bad bytes: a UTF-8 lead byte with a continuation byte
_CUT = lazy(b"[\xc2-\xf4][\x80-\xbf]")


def _damaged(doc: Document) -> Iterator[Finding]:
    """A UTF-8 file with a few bytes that are not: each run of them, with the
    character the best legacy code page reads; a safe fix only when that
    reading is certain."""
    text = doc.text
    try:
        text.encode("utf-8")  # a few ms per MB, where the scan below takes tens
        return  # no lone surrogate, so none of the bytes surrogateescape keeps
    except UnicodeEncodeError:
        pass
    runs = list(DAMAGED.finditer(text))
    if not runs:
        return
    # characters cut short are judged apart: they are no code page's letters
    found = guess_damaged(DAMAGED.sub(
        lambda m: " " * len(m.group(0)) if _CUT.search(damaged_bytes(m.group(0))) else m.group(0), text))
    other = None
    if found is not None and not found[1]:
        sample = b"".join(raw for raw in map(damaged_bytes, (m.group(0) for m in runs)) if not _CUT.search(raw))
        mine = sample.decode(found[0])
        for enc in LEGACY:
            try:
                theirs = sample.decode(enc)
            except UnicodeDecodeError:
                continue
            if theirs != mine:
                other = enc
                break
    for m in runs:
        raw = damaged_bytes(m.group(0))
        what = f"invalid UTF-8 byte{'s' * (len(raw) > 1)} {' '.join(f'0x{b:02X}' for b in raw)}"
        span = Span(m.start(), m.end())
        if _CUT.search(raw):
            # a lead byte and too few continuation bytes: a character whose
            # last byte was lost, not a legacy code page's letters
            yield Finding(span, f"{what}: a UTF-8 character cut short (a byte was lost), "
                                "so it cannot be repaired exactly; check the text")
            continue
        if found is None:
            yield Finding(span, f"{what}: no code page reads it as text; check the text")
            continue
        enc, certain = found
        guess = raw.decode(enc)
        if doc.in_code(span.start, span.end):
            yield Finding(span, f"{what} inside code: it reads as {_show(guess)} in {enc} "
                                f"({encoding_name(enc)}); check the code")
        elif doc.in_front_matter(span.start, span.end):  # no fix touches the front matter
            yield Finding(span, f"{what} in the front matter: it reads as {_show(guess)} in {enc} "
                                f"({encoding_name(enc)}); check it")
        elif certain:
            yield Finding(span, f"{what}: it reads as {_show(guess)} in {enc} ({encoding_name(enc)}), "
                                "the only reading that fits; write it as UTF-8",
                          Fix((Edit(span.start, span.end, guess),), rewrites=True))
        else:
            alt = f"{other} ({encoding_name(other)}) reads {_show(raw.decode(other))}" if other else \
                "other code pages may read it differently"
            yield Finding(span, f"{what}: it may be {_show(guess)} in {enc} ({encoding_name(enc)}), "
                                f"but {alt}; check the text, then write it as UTF-8",
                          Fix((Edit(span.start, span.end, guess),), Applicability.UNSAFE, rewrites=True))


def _doubt(src: Source) -> str:
    """Why the reading of a legacy file is not certain."""
    try:
        data = src.text.encode(src.encoding)
    except UnicodeEncodeError:
        return "other code pages may read it differently"
    if mixed_utf8(data):
        return "parts of it are UTF-8"
    for enc, other, _ in legacy_readings(data):
        if other != src.text:
            i = next(i for i, (a, b) in enumerate(zip(src.text, other)) if a != b)
            return f"{enc} ({encoding_name(enc)}) reads it differently (\"{other[i]}\" for \"{src.text[i]}\")"
    return "other code pages may read it differently"


@rule(code="RL103", name="bom", severity="warning", fix="always",
      summary="The file starts with a UTF-8 byte-order mark.")
def bom(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    src = doc.source
    extra = src.text.startswith("\ufeff")  # a second mark, kept as text by the decoder
    if src.bom or extra:
        edits = (Edit(0, 1, ""),) if extra else ()
        what = "two UTF-8 byte-order marks" if src.bom and extra else "a UTF-8 byte-order mark"
        yield Finding(Span(0, 1 if extra else 0), f"file starts with {what}", Fix(edits, bom=False if src.bom else None))


_NEWLINE = lazy(r"\r\n|\r|\n")
_NAMES = {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}


@rule(code="RL104", name="line-endings", severity="warning", fix="always",
      summary="Line endings are mixed (or not the configured style).",
      options={"style": {"enum": ["keep", "lf", "crlf"], "default": "keep",
                         "description": "`keep`: the file's majority style; or always `lf` / `crlf`."}})
def line_endings(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    src = doc.source
    style = ctx.options.style
    want = {"lf": "\n", "crlf": "\r\n"}.get(style, src.newline)
    # the front matter's lines, and their line breaks, are left as they are
    after = 0
    if doc.front_matter is not None:
        below = doc.front_matter.last_line + 1
        after = src.line_start(below) if below < src.line_count else len(src.text)
    # every line break already the wanted one: told by counting, without a
    # match object per line
    text = src.text
    if want == "\n":
        clean = text.find("\r", after) < 0
    elif want == "\r\n":
        pairs = text.count("\r\n", after)
        clean = text.count("\r", after) == pairs and text.count("\n", after) == pairs
    else:
        clean = want == "\r" and text.find("\n", after) < 0
    if clean:
        return
    found = list(_NEWLINE.finditer(text, after))
    wrong = [m for m in found if m.group(0) != want]
    if not wrong:
        return
    counts: dict[str, int] = {}
    for m in found:
        counts[_NAMES[m.group(0)]] = counts.get(_NAMES[m.group(0)], 0) + 1
    mix = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
    first = wrong[0]
    fix = Fix(tuple(Edit(m.start(), m.end(), want) for m in wrong))
    what = "mixed line endings" if len(counts) > 1 else "line endings"
    yield Finding(Span(first.start(), first.end()), f"{what} ({mix}); use {_NAMES[want]}", fix)


# -- RL105 invisible-character ---------------------------------------------------

# embeddings, overrides and isolates reorder text (Trojan Source); the marks
# (LRM, RLM, ALM) only steer neutral characters
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_MARKS = "\u200e\u200f\u061c"
_REMOVABLE = {"\u200b": "zero-width space", "\u2060": "word joiner", "\ufeff": "zero-width no-break space",
              "\u00ad": "soft hyphen", "\u180e": "Mongolian vowel separator"}
_JOINERS = {"\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner"}
_INVISIBLE = lazy("[" + _BIDI + _MARKS + "".join(_REMOVABLE) + "".join(_JOINERS) + "\u00a0]")
_INVISIBLE_CHARS = frozenset(_BIDI + _MARKS + "".join(_REMOVABLE) + "".join(_JOINERS) + "\u00a0")  # its class
_RTL = lazy("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_BLOCK_MARK = lazy(r"[ \t\u00a0]*(?:#{1,6}|[-*+>]|\d{1,9}[.)])(?=\u00a0)")


def _is_emoji(ch: str) -> bool:
    from ..binding import EMOJI

    return bool(ch) and (bool(EMOJI.match(ch)) or ch in "\ufe0f\u20e3")


def _script_letter(ch: str) -> bool:
    """A letter of a script where joiners and breaks are spelling (Persian,
    Indic, Thai, CJK...)."""
    return bool(ch) and ch.isalpha() and ord(ch) > 0x024F


def _name(ch: str) -> str:
    import unicodedata  # a C extension: loaded by the first character a message names

    return unicodedata.name(ch).lower()


@rule(code="RL105", name="invisible-character", severity="warning", fix="sometimes",
      summary="Zero-width, bidirectional-control, soft-hyphen or stray no-break space characters.")
def invisible_character(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    text = doc.text
    if text.isascii():
        return
    src = doc.source
    heading_lines = {src.line_of(h.span.start) for h in doc.headings}
    done_lines: set[int] = set()
    for m in _INVISIBLE.finditer(text) if any(c in text for c in _INVISIBLE_CHARS) else ():
        ch, i = m.group(0), m.start()
        if doc.in_front_matter(i):
            continue
        span = Span(i, i + 1)
        in_code = doc.in_code(i)
        if ch in _BIDI:
            name = _name(ch)
            fix = None if in_code else Fix.unsafe(Edit(i, i + 1, ""), rewrites=True)
            yield Finding(span, f"bidirectional control character U+{ord(ch):04X} ({name}) "
                                "makes text display in an order other than it is written", fix,
                          severity="error")  # Trojan Source: an error, unlike the other invisible characters
            continue
        if in_code or damaged_spans(doc, i, i + 1):
            continue  # quoted, or part of mojibake (the mojibake rule's)
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch in _MARKS:
            line = src.line_of(i)
            if not _RTL.search(src.line_text(line)):
                name = _name(ch)
                yield Finding(span, f"invisible {name} (U+{ord(ch):04X}) in text with no right-to-left script",
                              Fix.unsafe(Edit(i, i + 1, ""), rewrites=True))
        elif ch in _JOINERS:
            if _is_emoji(before) or _is_emoji(after) or _script_letter(before) or _script_letter(after):
                continue
            yield Finding(span, f"invisible {_JOINERS[ch]} (U+{ord(ch):04X})", _remove(doc, i))
        elif ch in _REMOVABLE:
            if ch == "\ufeff" and i == 0:
                continue  # a second byte-order mark: the bom rule's
            if ch in "\u200b\u2060" and (before in ("@", "#") or (_script_letter(before) and _script_letter(after))):
                continue  # "@\u200bname" keeps a mention from pinging; Thai and CJK break lines there
            if ch == "\u180e" and (_script_letter(before) or _script_letter(after)):
                continue
            yield Finding(span, f"invisible {_REMOVABLE[ch]} (U+{ord(ch):04X})", _remove(doc, i))
        else:
            yield from _nbsp(doc, i, heading_lines, done_lines)


def _remove(doc: Document, i: int) -> Fix | None:
    """Remove the character, unless its removal changes the Markdown: a
    line left blank (the indented line below would become code), or a
    backslash left to escape what follows (`\\<U+200B>`code``)."""
    src, text = doc.source, doc.text
    line = src.line_of(i)
    rest = text[src.line_start(line) : i] + text[i + 1 : src.line_end(line)]
    if not rest.strip(" \t") or (i and text[i - 1] == "\\"):
        return None
    # "Inter<U+00AD>national" is two words to the guard, and one once fixed
    return Fix.safe(Edit(i, i + 1, ""), rewrites=True)


_DEFINITION_LIKE = lazy(r"[ \t]{0,3}\[[^\]\n]+\]:")


def _nbsp(doc: Document, i: int, heading_lines: set[int], done_lines: set[int]) -> Iterator[Finding]:
    """A no-break space at the end of a line, in a heading, or where block
    syntax needs a plain space ("##\u00a0Title" is not a heading)."""
    src, text = doc.source, doc.text
    line = src.line_of(i)
    start, end = src.line_start(line), src.line_end(line)
    rest = text[i + 1 : end]
    if not rest.strip(" \t\u00a0"):
        if line in done_lines:
            return
        done_lines.add(line)
        run = start + len(text[start:end].rstrip(" \t\u00a0"))
        if run == start:
            # a line of no-break spaces is a paragraph; emptied, it becomes a
            # blank line, which can turn the indented lines after it into code
            yield Finding(Span(i, end), "line of no-break spaces (U+00A0) only")
        elif _DEFINITION_LIKE.match(text, start, end):
            # "[r1]: https://x \u00a0" is a paragraph; trimmed, it becomes a
            # link reference definition: report, but do not change what it is
            yield Finding(Span(i, end), "trailing no-break space (U+00A0)", severity="warning")
        else:
            # invisible at the end of a line, and harmless there: a warning
            yield Finding(Span(i, end), "trailing no-break space (U+00A0)",
                          Fix.safe(Edit(run, end, ""), effect=Rendering.REWRITTEN),
                          severity="warning")
        return
    marker = _BLOCK_MARK.match(text, start, end)
    if marker and marker.end() == i:
        yield Finding(Span(i, i + 1), f"no-break space (U+00A0) after \"{marker.group(0).strip()}\" "
                                      "keeps it from being Markdown syntax; use a plain space",
                      Fix.unsafe(Edit(i, i + 1, " "), effect=Rendering.RESTRUCTURED))
    elif line in heading_lines:
        # unsafe: GitHub's anchor for the heading can change with it
        # ("## 🧠\u00a0Plan" is #plan; "## 🧠 Plan" is #-plan)
        yield Finding(Span(i, i + 1), "no-break space (U+00A0) in a heading; use a plain space",
                      Fix.unsafe(Edit(i, i + 1, " "), effect=Rendering.REWRITTEN), severity="warning")


# -- RL106 control-character, RL107 replacement-character ----------------------------

_CONTROL = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
# the control characters a backslash escape in a string makes of a letter
_ESCAPED = {"\x07": "a", "\x08": "b", "\x0b": "v", "\x0c": "f", "\x1b": "e"}


@rule(code="RL106", name="control-character", fix="sometimes",
      summary="C0 or C1 control characters in text (often what is left of lost mojibake).")
def control_character(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    found = list(_CONTROL.finditer(doc.text))
    for m in found:
        i = m.start()
        if doc.in_code(i) or doc.in_front_matter(i) or damaged_spans(doc, i, i + 1):
            continue
        ch = m.group(0)
        span, what = Span(i, i + 1), f"control character U+{ord(ch):04X} in text"
        if ord(ch) < 0x80:
            after = doc.text[i + 1 : i + 2]
            if after.isalnum():
                # "\x08ackend": a "\b" escape in a string made one character
                # of a backslash and a letter; the word lost its letter
                letter = _ESCAPED.get(ch)
                how = f" (a \"\\{letter}\" escape makes U+{ord(ch):04X} of the letter \"{letter}\")" if letter else ""
                yield Finding(span, f"control character U+{ord(ch):04X} inside a word: a character may have been lost{how}",
                              Fix.unsafe(Edit(i, i + 1, letter or ""), rewrites=True))
                continue
            # invisible and meaningless in Markdown; a vertical tab or form
            # feed may still separate two words
            fix = Fix.unsafe(Edit(i, i + 1, ""), rewrites=True) if ch in "\x0b\x0c" else Fix.safe(Edit(i, i + 1, ""), rewrites=True)
            yield Finding(span, what, fix)
            continue
        was = bytes([ord(ch)]).decode("cp1252", errors="ignore")
        if was:
            # Windows-1252 text read as Latin-1: U+0092 was a ’
            yield Finding(span, f"{what}; in Windows-1252 it is \"{was}\"", Fix.unsafe(Edit(i, i + 1, was), rewrites=True))
        else:
            yield Finding(span, what, Fix.unsafe(Edit(i, i + 1, ""), rewrites=True))


@rule(code="RL107", name="replacement-character", fix="never",
      summary="U+FFFD: text that was already lost before this file was saved.")
def replacement_character(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    text = doc.text
    if "\ufffd" not in text:
        return
    for m in re.finditer("\ufffd+", text):
        if doc.in_code(m.start(), m.end()) or doc.in_front_matter(m.start(), m.end()):
            continue
        if damaged_spans(doc, m.start(), m.end()):
            continue
        n = len(m.group(0))
        yield Finding(Span(m.start(), m.end()),
                      f"replacement character U+FFFD{f' x{n}' if n > 1 else ''}: the original text was lost")
