"""Encoding rules (RL1xx): mojibake and invisible damage, repaired where the
repair is certain, and nothing else touched."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Iterator

from ..document import Document, Span
from ..registry import Context, rule
from ..violations import Applicability, Edit, Finding, Fix, Rendering
from ..source import (DAMAGED, LEGACY, Source, damaged_bytes, encoding_name, guess_damaged, legacy_readings,
                      mixed_utf8)
from ..lazyre import lazy

# -- shared helpers ---------------------------------------------------------------



def _show(text: str) -> str:
    """Quote ``text`` for a message, with invisible characters spelled out."""
    out = []
    for i, c in enumerate(text):
        if (c != " " and unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")) or (i == 0 and c in _SELECTORS):
            out.append(f"<U+{ord(c):04X}>")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _text_fix(src: Source, *edits: Edit, applicability: Applicability = Applicability.SAFE) -> Fix:
    """A fix that rewrites words. In a file that is not UTF-8, a replacement
    its code page cannot hold needs the file rewritten as UTF-8 too."""
    if src.encoding != "utf-8" and not all(_encodable(e.replacement, src.encoding) for e in edits):
        if not src.encoding_certain:
            applicability = Applicability.UNSAFE
        return Fix(tuple(edits), applicability, rewrites=True, encoding="utf-8")
    return Fix(tuple(edits), applicability, rewrites=True)


# -- RL101 mojibake -------------------------------------------------------------

_PAGES = ("cp1252", "cp1254", "cp1250", "cp1251", "latin-1", "mac_roman")


# Every character the code pages above make of a byte from 0x80 up, as
# ranges (tests/test_encoding.py checks it against the codecs): a line with
# none of them next to another is not mojibake, and costs one regex search.
_HIGH = (
    "\u0080-\u00ff\u0102-\u0107\u010c-\u0111\u0118-\u011b\u011e-\u011f\u0130-\u0131\u0139-\u013a"
    "\u013d-\u013e\u0141-\u0144\u0147-\u0148\u0150-\u0155\u0158-\u015b\u015e-\u0165\u016e-\u0171"
    "\u0178-\u017e\u0192\u02c6-\u02c7\u02d8-\u02dd\u03a9\u03c0\u0401-\u040c\u040e-\u044f\u0451-\u045c"
    "\u045e-\u045f\u0490-\u0491\u2013-\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039-\u203a\u2044\u20ac\u2116\u2122\u2202\u2206\u220f\u2211\u221a\u221e\u222b\u2248\u2260"
    "\u2264-\u2265\u25ca\uf8ff\ufb01-\ufb02"
)
# "Ã " for "à" whose no-break space became a plain space
_A_SPACE = r"(?<![^\W\d_])Ã (?=\w)"
# the shape of one UTF-8 sequence once each character is replaced by the
# class of its byte: lead of 2, 3 or 4 bytes, continuation; U+FFFD for a
# continuation byte the code page lacks
_L2, _L3, _L4, _CONT, _OTHER = "\ue001\ue002\ue003\ue004\ue000"
_LOST = f"{_L2}\ufffd|{_L3}{_CONT}\ufffd|{_L4}{_CONT}{{2}}\ufffd"


@lru_cache(maxsize=None)
def _table(encoding: str) -> dict[str, int]:
    """Character -> byte for a code page. A byte the code page leaves
    undefined maps to the C1 control of the same number, as the sloppy
    decoders that make mojibake leave it."""
    out: dict[str, int] = {}
    for b, ch in enumerate(bytes(range(256)).decode(encoding, errors="replace")):
        out.setdefault(chr(b) if ch == "\ufffd" else ch, b)
    return out


@lru_cache(maxsize=None)
def _classes(encoding: str) -> dict[int, str]:
    def cls(b: int) -> str:
        if b < 0xC0:
            return _CONT
        return _L2 if 0xC2 <= b < 0xE0 else _L3 if 0xE0 <= b < 0xF0 else _L4 if b == 0xF0 else _OTHER

    return {ord(c): cls(b) for c, b in _table(encoding).items() if b >= 0x80}


@lru_cache(maxsize=None)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cheap = re.compile(f"[{_HIGH}]{{2}}|[{_HIGH}]\ufffd|{_A_SPACE}")
    shape = re.compile(f"{_L2}{_CONT}|{_L3}{_CONT}{{2}}|{_L4}{_CONT}{{3}}|{_LOST}")
    return cheap, shape, re.compile(_LOST), re.compile(_A_SPACE)


# code pages whose sloppy decoders drop the bytes they lack (0x81, 0x8D,
# 0x8F, 0x90, 0x9D in Windows-1252) instead of keeping a C1 control
_DROPPING = ("cp1252", "cp1254", "cp1250", "latin-1")


@lru_cache(maxsize=None)
def _truncated() -> re.Pattern[str]:
    """Mojibake whose last byte was dropped, so that nothing marks the loss:
    an emoji's F0 9F and one more byte, three characters where four belong
    ("ðŸ”" for F0 9F 94 8D, 🔍), and the EF B8 left of U+FE0F ("ï¸"); each
    followed by no character its code page makes of a continuation byte."""
    parts = []
    for enc in _DROPPING:
        chars = {b: c for c, b in _table(enc).items()}
        cont = re.escape("".join(chars[b] for b in range(0x80, 0xC0)))
        for seq in (f"{re.escape(chars[0xF0] + chars[0x9F])}[{cont}]", re.escape(chars[0xEF] + chars[0xB8])):
            part = f"{seq}(?![{cont}])"
            if part not in parts:
                parts.append(part)
    return re.compile("|".join(parts))


def _suspect(line: str) -> bool:
    """Whether ``line`` may hold mojibake: the cheap test ftfy waits behind."""
    cheap, shape, _, a_space = _patterns()
    if not cheap.search(line):
        return False
    return (a_space.search(line) is not None or any(shape.search(line.translate(_classes(enc))) for enc in _PAGES)
            or _truncated().search(line) is not None)


@lru_cache(maxsize=1)
def _ftfy() -> tuple[Any, Any]:
    import ftfy  # ~60 ms: only when a line looks damaged

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    return ftfy, config


def _to_bytes(text: str, encoding: str) -> bytes | None:
    table = _table(encoding)
    try:
        return bytes(table[c] for c in text)
    except KeyError:
        return None


def _redecode(text: str, depth: int = 3) -> list[str]:
    """Every text that reading ``text`` back through a code page and as
    UTF-8 gives, up to ``depth`` times (twice-encoded text needs two)."""
    out: list[str] = []
    if depth == 0:
        return out
    variants = {text, text.replace(" ", "\u00a0")}
    for enc in _PAGES:
        for variant in variants:
            data = _to_bytes(variant, enc)
            if data is None or data.isascii():
                continue
            try:
                fixed = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if fixed not in out:
                out.append(fixed)
                out.extend(f for f in _redecode(fixed, depth - 1) if f not in out)
    return out


def _ftfy_repairs(line: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each run of ``line`` ftfy changes."""
    ftfy, config = _ftfy()
    fixed = ftfy.fix_text(line, config)
    if fixed == line:
        return []
    ops = SequenceMatcher(None, line, fixed, autojunk=False).get_opcodes()
    regions: list[list[int]] = []
    gap_ok = False
    for op, a1, a2, b1, b2 in ops:
        if op == "equal":
            # an unchanged run inside a damaged word ("NÃƒO" -> "NÃO") joins
            # the runs around it, so each message shows the whole damage
            gap_ok = all(_damaged_char(c) for c in line[a1:a2])
            continue
        if regions and gap_ok and regions[-1][1] <= a1:
            regions[-1][1], regions[-1][3] = a2, b2
        else:
            regions.append([a1, a2, b1, b2])
    out = []
    for a1, a2, b1, b2 in regions:
        while a1 > 0 and _damaged_char(line[a1 - 1]) and b1 > 0 and line[a1 - 1] == fixed[b1 - 1]:
            a1, b1 = a1 - 1, b1 - 1
        while a2 < len(line) and _damaged_char(line[a2]) and b2 < len(fixed) and line[a2] == fixed[b2]:
            a2, b2 = a2 + 1, b2 + 1
        out.append((a1, a2, fixed[b1:b2]))
    return out


def _damaged_char(c: str) -> bool:
    return ord(c) > 127 and (not c.isspace() or c == "\u00a0")


# what emoji and symbols mojibake is made of (not Braille, 2800-28FF: "в",
# a no-break space and a dash in Russian text read back as one)
_SYMBOLS = lazy(
    "[\u2010-\u2027\u2030-\u205e\u20a0-\u20c0\u2100-\u23ff\u2460-\u27bf\u27f0-\u27ff\u2900-\u297f"
    "\u2b00-\u2bff\u3030\u303d\u3297\u3299\ufe0f\u200d\u20e3\U0001f000-\U0001faff]+"
)
# what a repair may give: the letters of living languages, punctuation,
# symbols and emoji; not the rarities a clean "»é" reads as ("Ȏ")
_PLAUSIBLE = lazy(
    "[\x00-\u017f\u01a0\u01a1\u01af\u01b0\u01cd-\u01dc\u0218-\u021b\u0300-\u036f\u0370-\u058f"
    "\u0590-\u06ff\u0900-\u0e7f\u10a0-\u10ff\u1e00-\u1eff\u2000-\u2bff\u2e80-\u9fff\uac00-\ud7af"
    "\ufe0f\uff00-\uffef\U0001f000-\U0001faff]+"
)
_UTF8 = lazy(rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})+")


@lru_cache(maxsize=4096)
def _damage(line: str) -> tuple[tuple[int, int, str | None, bool], ...]:
    """(start, end, repair, exact) for each damaged run of ``line``. The
    repair is None where bytes were lost and nothing tells what they were;
    ``exact`` is False for a repair that restores a lost byte by inference."""
    if not _suspect(line):
        return ()
    found: list[tuple[int, int, str | None, bool]] = []
    # emoji and symbols whose bytes read back exactly: certain, and found
    # even where ftfy lacks the context to act ("рџљ§" alone, "‚úÖ")
    for enc in _PAGES:
        table = _table(enc)
        # a single-byte code page: byte i is character i; a character the
        # page lacks becomes NUL, which no UTF-8 sequence holds
        data = bytes(table.get(c, 0) for c in line)
        for m in _UTF8.finditer(data):
            if _overlaps(found, m.start(), m.end()):
                continue
            try:
                first = m.group(0).decode("utf-8")
            except UnicodeDecodeError:
                continue
            new = next((f for f in [first, *_redecode(first)] if _SYMBOLS.fullmatch(f)), None)
            if new is not None:
                found.append((m.start(), m.end(), new, True))
    exact = list(found)
    for a, b, new in _ftfy_repairs(line):
        if _overlaps(exact, a, b):
            # keep what is left of a lossy run around the exact repairs
            if "\ufffd" in new:
                for x, y in _gaps(exact, a, b):
                    if "\ufffd" in line[x:y]:
                        found.append((x, y, None, False))
        elif "\ufffd" in new:
            found.append((a, b, None, False))
        elif new in _redecode(line[a:b]) and _PLAUSIBLE.fullmatch(new):
            found.append((a, b, new, True))
        # anything else ftfy would change is not mojibake: left alone
    # "ðŸ” Search": the space may be the no-break space that ends 🔠, but
    # then the word would touch the emoji; more likely a dropped byte (🔍)
    # before a plain space. Not certain either way: left to the loop below
    found = [f for f in found if f[2] is None or not _space_for_nbsp(line, f[0], f[1])]
    lost = _patterns()[2]
    for enc in _PAGES:
        for m in lost.finditer(line.translate(_classes(enc))):
            if not _overlaps(found, m.start(), m.end()):
                found.append((m.start(), m.end(), None, False))
    for m in _truncated().finditer(line):
        if not _overlaps(found, m.start(), m.end()):
            found.append((m.start(), m.end(), None, False))
    return tuple(_selector(line, sorted(found)))


def _space_for_nbsp(line: str, start: int, end: int) -> bool:
    """Whether a repair of ``line[start:end]`` reads a single space, right
    after an emoji cut short, as the no-break space that ended it."""
    for m in _truncated().finditer(line, start, end):
        if m.end() < end and line[m.end()] == " " and line[m.end() + 1 : m.end() + 2] != " ":
            return True
    return False


def _gaps(spans: list[tuple[int, int, str | None, bool]], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The parts of [start, end) that no span covers."""
    pos = start
    for a, b, _, _ in sorted(spans):
        if b <= pos or a >= end:
            continue
        if a > pos:
            yield pos, a
        pos = max(pos, b)
    if pos < end:
        yield pos, end


def _selector(line: str, found: list[tuple[int, int, str | None, bool]]) -> Iterator[tuple[int, int, str | None, bool]]:
    """U+FE0F is EF B8 8F in UTF-8, and Windows-1252 has no 0x8F: after an
    emoji, "ï¸" and a lost byte can only have been U+FE0F."""
    prev_end, prev_new = -1, None
    for a, b, new, exact in found:
        after = prev_new if a == prev_end else line[:a]
        if new is None and after and _SYMBOLS.search(after[-1]) and _lost(line[a:b]) == ["\ufe0f"]:
            new = "\ufe0f"
        yield a, b, new, exact
        prev_end, prev_new = b, new


_SELECTORS = set("\ufe0e\ufe0f")


def _lost(old: str, after: str = "") -> list[str]:
    """What a damaged run can have been: its bytes with the last one, a
    U+FFFD or dropped (a run of the truncated shape), replaced by each byte
    the code page lacks; for a dropped byte before a space (``after``), the
    no-break space that became that space too (for an emoji)."""
    if old.endswith("\ufffd"):
        old = old[:-1]
    elif not _truncated().fullmatch(old):
        return []
    out: list[str] = []
    for enc in ("cp1252", "cp1254", "cp1250", "cp1251"):
        head = _to_bytes(old, enc)
        if head is None:
            continue
        for b in range(0x80, 0xC0):
            if bytes([b]).decode(enc, errors="replace") == "\ufffd" or (b == 0xA0 and after == " " and head[0] == 0xF0):
                try:
                    text = (head + bytes([b])).decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if text not in out:
                    out.append(text)
    # after an emoji only a variation selector makes sense
    if "\ufe0f" in out and all(0xFE00 <= ord(t[-1]) <= 0xFE1F for t in out):
        return ["\ufe0f"]
    return out


def _overlaps(found: list[tuple[int, int, str | None, bool]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b, _, _ in found)


def damaged_spans(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """Mojibake spans (document offsets) on the line that holds ``start``."""
    src = doc.source
    line = src.line_of(start)
    s = src.line_start(line)
    return [(s + a, s + b) for a, b, _, _ in _damage(src.line_text(line)) if s + a < end and start < s + b]


@rule(code="RL101", name="mojibake", fix="sometimes",
      summary="Text that was UTF-8 read through a legacy code page (âœ… for ✅).")
def mojibake(ctx: Context) -> Iterator[Finding]:
    doc = ctx.doc
    text = doc.text
    if text.isascii():
        return
    src = doc.source
    front = doc.front_matter_lines()
    for n in range(src.line_count):  # code blocks too, not the front matter
        if n in front:
            continue
        start, end = src.line_start(n), src.line_end(n)
        line = text[start:end]
        if line.isascii():
            continue
        for a, b, new, exact in _damage(line):
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
                could = [c for c in _lost(line[a:b], line[b : b + 1]) if c.isprintable()]
                if could == ["\ufe0f"]:
                    yield Finding(span, f"mojibake {old}{where}: what is left of U+FE0F (variation selector) "
                                        "whose last byte was lost", severity=mild)
                    continue
                hint = f" (it was one of {', '.join(could)})" if 1 < len(could) <= 8 else ""
                yield Finding(span, f"mojibake {old}{where}: a byte was lost, so it cannot be repaired exactly{hint}",
                              severity=mild)
            elif exact and not in_code:
                yield Finding(span, f"mojibake {old} -> {_show(new)}", _text_fix(doc.source, edit))
            elif exact:
                yield Finding(span, f"mojibake {old} -> {_show(new)}{where}",
                              _text_fix(doc.source, edit, applicability=Applicability.UNSAFE), severity=mild)
            else:
                yield Finding(span, f"mojibake {old} -> {_show(new)}{where}: a byte was lost; "
                                    "this is the only character it can have been",
                              _text_fix(doc.source, edit, applicability=Applicability.UNSAFE), severity=mild)


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
_CUT = re.compile(b"[\xc2-\xf4][\x80-\xbf]")


def _damaged(doc: Document) -> Iterator[Finding]:
    """A UTF-8 file with a few bytes that are not: each run of them, with the
    character the best legacy code page reads; a safe fix only when that
    reading is certain."""
    text = doc.text
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
    found = list(_NEWLINE.finditer(src.text, after))
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
_RTL = lazy("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_BLOCK_MARK = lazy(r"[ \t\u00a0]*(?:#{1,6}|[-*+>]|\d{1,9}[.)])(?=\u00a0)")


def _is_emoji(ch: str) -> bool:
    from ..binding import EMOJI

    return bool(ch) and (bool(EMOJI.match(ch)) or ch in "\ufe0f\u20e3")


def _script_letter(ch: str) -> bool:
    """A letter of a script where joiners and breaks are spelling (Persian,
    Indic, Thai, CJK...)."""
    return bool(ch) and ch.isalpha() and ord(ch) > 0x024F


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
    for m in _INVISIBLE.finditer(text):
        ch, i = m.group(0), m.start()
        if doc.in_front_matter(i):
            continue
        span = Span(i, i + 1)
        in_code = doc.in_code(i)
        if ch in _BIDI:
            name = unicodedata.name(ch).lower()
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
                name = unicodedata.name(ch).lower()
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


# -- RL108 status-marker-form ----------------------------------------------------------


def _identity(marker: str) -> str:
    """What a marker is, whatever its spelling: the emoji without U+FE0F for
    an emoji or a GitHub shortcode, lower case for a bracket word."""
    from ..spec import norm_marker

    if marker.startswith(":") and marker.endswith(":"):
        import emoji  # only for shortcodes

        found = emoji.emojize(marker, language="alias")
        if found != marker:
            return found.replace("\ufe0f", "")
    return norm_marker(marker)


def _form(text: str) -> str:
    """How a marker is spelled, as far as this rule cares: exactly, but for
    the case of a bracket word, which is left to the author."""
    return text.casefold() if text.startswith("[") else text


def _most(forms: list[str], exact: bool = False) -> tuple[str, str]:
    """The form written most often (the earliest one breaks a tie), and why."""
    keys = forms if exact else [_form(f) for f in forms]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    best = max(counts, key=counts.__getitem__)  # the first of equal counts: counts is in order of first use
    tie = list(counts.values()).count(counts[best]) > 1
    why = "the form this file uses first" if tie else "the form this file uses most"
    return forms[keys.index(best)], why


@rule(code="RL108", name="status-marker-form", severity="warning", fix="always",
      summary="One status marker written in two forms (:white_check_mark: and ✅, [X] and [x]).")
def status_marker_form(ctx: Context) -> Iterator[Finding]:
    doc, bound = ctx.doc, ctx.bound
    items = [(it, state) for it in doc.items() if not (state := bound.item(it)).in_legend]
    # GitHub's shortcodes come from the emoji package (slow to import): only
    # when the document writes one, or the user's spec prefers one
    user = bound.spec.name != bound.spec.preset
    shortcodes = any(state.marker is not None and state.marker.kind == "shortcode" for _, state in items)
    legend: dict[str, str] = {}
    if bound.legend is not None:
        for entry in bound.legend.entries:
            if entry.marker.kind != "mojibake":
                legend.setdefault(_identity(entry.marker.text), entry.marker.text)
    # the user's spec names a form: the first marker it lists for the status
    spec: dict[str, str] = {}
    if user:
        for status in bound.spec.statuses.values():
            for m in status.markers:
                if shortcodes or status.markers[0].startswith(":") or not m.startswith(":"):
                    spec.setdefault(_identity(m), m)
    text = doc.text
    # every marker as written, by what it is; and every task box
    written: dict[str, list[Any]] = {}
    boxes: list[tuple[Any, int]] = []
    for item, state in items:
        marker = state.marker
        if marker is not None and marker.kind in ("emoji", "shortcode", "bracket"):
            written.setdefault(_identity(marker.text), []).append(marker)
        if item.checkbox in ("x", "X") and item.block is not None:
            first = next((c for c in item.block.children if c.type == "paragraph"), None)
            if first is not None and text.startswith(f"[{item.checkbox}]", first.span.start):
                boxes.append((item, first.span.start))
    for key, markers in written.items():
        named = legend.get(key) or spec.get(key)
        if named is not None and _identity(named) != key:
            named = None
        if named is None and len({_form(m.text) for m in markers}) < 2:
            continue  # one form throughout: the file's own spelling
        want, why = (named, "the legend's form" if key in legend else "your spec's form") if named else _most([m.text for m in markers])
        for marker in markers:
            if _form(marker.text) != _form(want):
                yield Finding(marker.span, f"status marker \"{marker.text}\"; write it as \"{want}\", {why}",
                              _text_fix(doc.source, Edit(marker.span.start, marker.span.end, want)))
    if boxes:
        named = next((f for f in (legend.get("[x]"), spec.get("[x]")) if f in ("[x]", "[X]")), None)
        if named:
            want, why = named, "the legend's form" if legend.get("[x]") == named else "your spec's form"
        else:
            want, why = _most([f"[{item.checkbox}]" for item, _ in boxes], exact=True)
        for item, at in boxes:
            if f"[{item.checkbox}]" != want:
                yield Finding(Span(at, at + 3), f"task box \"[{item.checkbox}]\"; write it as \"{want}\", {why}",
                              Fix.safe(Edit(at + 1, at + 2, want[1]), rewrites=True))
