"""Mojibake detection: text that was UTF-8 read through a legacy code page
(âœ… for ✅), found line by line, with the repair where the bytes allow
one. The encoding rules (RL1xx) report it; other rules ask where it is so as
to leave it to them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator

from .lazyre import lazy

if TYPE_CHECKING:
    from .document import Document

# a damaged run of a line: (start, end, repair, exact); the repair is None
# where a byte was lost and nothing tells what it was
Run = tuple[int, int, "str | None", bool]

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


class _ByteMap(dict):  # type: ignore[type-arg]
    """str.translate's table from a code page's characters to the bytes
    they stand for (as characters of latin-1); any other character to NUL."""

    def __missing__(self, cp: int) -> str:
        if len(self) < 4096:
            self[cp] = "\x00"
        return "\x00"


@lru_cache(maxsize=None)
def _byte_map(encoding: str) -> _ByteMap:
    out = _ByteMap()
    for ch, b in _table(encoding).items():
        out[ord(ch)] = chr(b)
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


@lru_cache(maxsize=None)
def _high_marks() -> dict[int, str]:
    """A translate table: each character of _HIGH -> "\x01", U+FFFD -> "\x02"."""
    marks: dict[int, str] = {}
    i = 0
    while i < len(_HIGH):
        if i + 2 < len(_HIGH) and _HIGH[i + 1] == "-":
            low, high, i = ord(_HIGH[i]), ord(_HIGH[i + 2]), i + 3
        else:
            low = high = ord(_HIGH[i])
            i += 1
        marks.update(dict.fromkeys(range(low, high + 1), "\x01"))
    marks[0xFFFD] = "\x02"
    return marks


_GATE_BUDGET = [1 << 16]  # characters


def _high_pair(line: str) -> bool:
    """Whether ``line`` holds what a match of _patterns()'s cheap one holds."""
    marked = line.translate(_high_marks())
    return "\x01\x01" in marked or "\x01\x02" in marked or "Ã " in line


def _suspect(line: str) -> bool:
    """Whether ``line`` may hold mojibake: the cheap test ftfy waits behind."""
    # the cheap pattern's match holds two _HIGH characters in a row, one
    # before U+FFFD, or "Ã ": a line with none is settled without compiling
    # it, until that has cost about what compiling does (the pattern is the
    # faster test, once compiled)
    if _GATE_BUDGET[0] > 0 and not _patterns.cache_info().currsize:
        _GATE_BUDGET[0] -= len(line)
        if not _high_pair(line):
            return False
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
    from difflib import SequenceMatcher

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
def damage(line: str) -> tuple[Run, ...]:
    """(start, end, repair, exact) for each damaged run of ``line``. The
    repair is None where bytes were lost and nothing tells what they were;
    ``exact`` is False for a repair that restores a lost byte by inference."""
    if not _suspect(line):
        return ()
    found: list[Run] = []
    # emoji and symbols whose bytes read back exactly: certain, and found
    # even where ftfy lacks the context to act ("рџљ§" alone, "‚úÖ")
    for enc in _PAGES:
        # a single-byte code page: byte i is character i; a character the
        # page lacks becomes NUL, which no UTF-8 sequence holds
        # (bytes(_table(enc).get(c, 0) for c in line), by str.translate)
        data = line.translate(_byte_map(enc)).encode("latin-1")
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
    for a, b, new in _ftfy_repairs(line) if _ftfy_may_add(line, exact) else ():
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


def _ftfy_may_add(line: str, exact: list[Run]) -> bool:
    """Whether ftfy can add to the exact repairs of ``line`` (and must be
    imported: about 150 ms). What it adds beside them is mojibake of its
    own, whose bytes are all past ASCII: two characters of the code pages'
    upper halves in a row (or "Ã " for a lost no-break space), which
    _high_pair finds once the exact runs are blanked out; what it adds over
    them is a lossy gap, which holds a U+FFFD."""
    if not exact or "\ufffd" in line:
        return True
    rest = list(line)
    for a, b, _, _ in exact:
        rest[a:b] = "x" * (b - a)
    return _high_pair("".join(rest))


def _space_for_nbsp(line: str, start: int, end: int) -> bool:
    """Whether a repair of ``line[start:end]`` reads a single space, right
    after an emoji cut short, as the no-break space that ended it."""
    for m in _truncated().finditer(line, start, end):
        if m.end() < end and line[m.end()] == " " and line[m.end() + 1 : m.end() + 2] != " ":
            return True
    return False


def _gaps(spans: list[Run], start: int, end: int) -> Iterator[tuple[int, int]]:
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


def _selector(line: str, found: list[Run]) -> Iterator[Run]:
    """U+FE0F is EF B8 8F in UTF-8, and Windows-1252 has no 0x8F: after an
    emoji, "ï¸" and a lost byte can only have been U+FE0F."""
    prev_end, prev_new = -1, None
    for a, b, new, exact in found:
        after = prev_new if a == prev_end else line[:a]
        if new is None and after and _SYMBOLS.search(after[-1]) and candidates(line[a:b]) == ["\ufe0f"]:
            new = "\ufe0f"
        yield a, b, new, exact
        prev_end, prev_new = b, new


def candidates(old: str, after: str = "") -> list[str]:
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


def _overlaps(found: list[Run], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b, _, _ in found)


def damaged_spans(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """Mojibake spans (document offsets) on the line that holds ``start``."""
    src = doc.source
    line = src.line_of(start)
    s = src.line_start(line)
    return [(s + a, s + b) for a, b, _, _ in damage(src.line_text(line)) if s + a < end and start < s + b]


def damaged_lines(doc: Document) -> Iterator[tuple[int, str, tuple[Run, ...]]]:
    """(offset, text, damaged runs) of each line of ``doc`` that holds
    mojibake: code blocks too, not the front matter. Each run is as
    :func:`damage` gives it, in offsets of the line."""
    text = doc.text
    if text.isascii():
        return
    src = doc.source
    front = doc.front_matter_lines()
    # from each character past ASCII to its line (line breaks are ASCII),
    # then past that line's end
    wide = re.compile(r"[^\x00-\x7f]")
    m = wide.search(text)
    while m is not None:
        n = src.line_of(m.start())
        start, end = src.line_start(n), src.line_end(n)
        if n not in front:
            line = text[start:end]
            runs = damage(line)
            if runs:
                yield start, line, runs
        m = wide.search(text, end)
