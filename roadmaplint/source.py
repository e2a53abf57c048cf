"""Bytes to text: BOM, encoding, newline style and a line index."""

from __future__ import annotations

from array import array
from bisect import bisect_right

from .lazyre import lazy
from .violations import Record

BOM = "\ufeff"
_NEWLINE = lazy(r"\r\n|\r|\n")  # compiled for the first text with a CR


class SourceError(Exception):
    """The file cannot be read as text (binary, not UTF-8, unreadable)."""


class Source(Record):
    """Decoded text of one file with everything needed to write it back.

    ``text`` has the BOM removed and keeps the original line endings, so every
    offset in the document model indexes ``text`` directly.
    """

    # a plain class (no dataclass: start-up pays for each one built);
    # equality over every field, as a dataclass had it
    __slots__ = _fields = ("text", "path", "bom", "encoding", "encoding_certain", "newline", "mixed_newlines",
                           "_starts", "_ends")
    _hidden = ("_starts", "_ends")

    def __init__(self, text: str, path: str = "<stdin>", bom: bool = False, encoding: str = "utf-8",
                 encoding_certain: bool = True, newline: str = "\n", mixed_newlines: bool = False,
                 _starts: list[int] | None = None, _ends: list[int] | None = None) -> None:
        self.text = text
        self.path = path
        self.bom = bom
        self.encoding = encoding  # what the file is written back in
        # for a file that is not UTF-8: every plausible legacy decoding agrees
        self.encoding_certain = encoding_certain
        # newline: the majority style, used for text that fixes insert;
        # it and mixed_newlines are read from the text below
        starts = [0]
        ends = []
        crlf = lf = cr = 0
        if "\r" not in text:
            # LF alone ends lines (most texts): found without the pattern, in
            # a quarter of the time its loop below takes
            find = text.find
            i = find("\n")
            while i >= 0:
                ends.append(i)
                starts.append(i + 1)
                i = find("\n", i + 1)
            lf = len(ends)
        else:
            for m in _NEWLINE.finditer(text):
                ends.append(m.start())
                starts.append(m.end())
                sep = m.group(0)
                if sep == "\r\n":
                    crlf += 1
                elif sep == "\n":
                    lf += 1
                else:
                    cr += 1
        ends.append(len(text))
        # machine integers, not a list of int objects: a fifth of the memory
        # on a big file
        self._starts = array("q", starts)  # type: ignore[assignment]
        self._ends = array("q", ends)  # type: ignore[assignment]
        self.newline = "\r\n" if crlf > lf + cr else ("\r" if cr > lf + crlf else "\n")
        self.mixed_newlines = sum(1 for n in (crlf, lf, cr) if n) > 1

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<stdin>") -> Source:
        """Decode a file: UTF-8 (with or without a BOM), else the legacy code
        page detection finds. Raises SourceError for anything else."""
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise SourceError("UTF-16 file (byte-order mark); save it as UTF-8")
        if b"\x00" in data:
            raise SourceError("binary file (contains NUL bytes)")
        bom = data.startswith(b"\xef\xbb\xbf")
        if bom:
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = data.decode("utf-8", "surrogateescape")
            if mostly_utf8(text):
                # a UTF-8 file with a few damaged bytes stays UTF-8: each bad
                # byte is kept as a lone surrogate (written back unchanged)
                # for RL102 to report
                return cls(text, path=path, bom=bom)
            found = detect_legacy(data)
            if found is None:
                line = data.count(b"\n", 0, exc.start) + 1
                raise SourceError(
                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line}) "
                    "and no legacy encoding fits"
                ) from None
            encoding, text, certain = found
            return cls(text, path=path, bom=bom, encoding=encoding, encoding_certain=certain)
        return cls(text, path=path, bom=bom)

    def to_bytes(self, text: str | None = None) -> bytes:
        text = self.text if text is None else text
        bom = b"\xef\xbb\xbf" if self.bom else b""
        return bom + text.encode(self.encoding, "surrogateescape")

    def encodable(self, text: str) -> bool:
        """Whether ``text`` can be written back in this file's encoding."""
        try:
            text.encode(self.encoding, "surrogateescape")
        except UnicodeEncodeError:
            return False
        return True

    def replace(self, text: str, **changes: object) -> Source:
        """The same file with new text (and, say, ``bom=False``)."""
        fields = {"path": self.path, "bom": self.bom, "encoding": self.encoding,
                  "encoding_certain": self.encoding_certain}
        fields.update(changes)
        new = Source(text, **fields)  # type: ignore[arg-type]
        if new.line_count == 1:
            new.newline = self.newline  # no line break left to tell the style by
        return new

    # -- line index ---------------------------------------------------------
    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """Offset of the first character of 0-based ``line``."""
        return self._starts[line]

    def line_end(self, line: int) -> int:
        """Offset just past the content of 0-based ``line`` (before its newline)."""
        return self._ends[line]

    def line_text(self, line: int) -> str:
        return self.text[self._starts[line] : self._ends[line]]

    def line_of(self, offset: int) -> int:
        """0-based line holding ``offset`` (a newline belongs to its line)."""
        return bisect_right(self._starts, offset) - 1

    @property
    def line_starts(self) -> array[int]:
        """The offset each line starts at, in order (the index itself: not to be changed)."""
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``; columns count code points."""
        line = self.line_of(offset)
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """Inverse of :meth:`position`."""
        return self._starts[line - 1] + column - 1

    def lines(self) -> list[str]:
        """Line contents without their terminators."""
        return [self.text[s:e] for s, e in zip(self._starts, self._ends)]

    def normalized(self) -> str:
        """The text with every line ending as ``\\n`` (what mistune parses)."""
        return "\n".join(self.lines())


# Legacy 8-bit encodings a Markdown file is likely to have been saved in, most
# likely first (the order breaks ties).
LEGACY = ("cp1252", "cp1250", "cp1251", "cp1254", "mac_roman", "latin-1")
_NAMES = {"cp1252": "Windows-1252", "cp1250": "Windows-1250", "cp1251": "Windows-1251",
          "cp1254": "Windows-1254", "mac_roman": "Mac OS Roman", "latin-1": "Latin-1"}

# The letters beyond ASCII that one language written in these code pages uses.
# A right reading of a file uses the letters of one language; a wrong one
# mixes them ("trčs ętre" is French read as Windows-1250).
_ALPHABETS = [
    "àâæçéèêëîïôœùûüÿ",  # French
    "áéíñóúü",  # Spanish
    "áàâãçéêíóôõúü",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "àçéèíïòóúü",  # Catalan
    "äöüß",  # German
    "áéëèïóöüàç",  # Dutch
    "åäöæøéüšž",  # Nordic, Finnish
    "áðéíóúýþæö",  # Icelandic
    "äöõüšž",  # Estonian
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "ăâîșşțţ",  # Romanian
    "čćđšž",  # Croatian, Serbian and Slovene in Latin script
    "çë",  # Albanian
    "çğıöşüâîû",  # Turkish
    "абвгдежзийклмнопрстуфхцчшщъыьэюяёђѓєѕіїјљњћќўџґ",  # Cyrillic
]
# Symbols a wrong reading produces and text seldom holds.
_ODD = set("¤¦¨¯´¸¬\xadˆ˜ƒ√∂∑∏π∫Ω≈≠≤≥∞◊∆⁄ˇ˘˛˝˙\uf8ffﬁﬂ‰‡†")
_IN_WORD = set("’‘'·‐‑\u00ad")
_WORD = lazy(r"[^\W\d_]+")
_C0 = lazy(b"[\x01-\x08\x0e-\x1a\x1c-\x1f]")
# a UTF-8 sequence of three or four bytes: almost never legacy text by chance
_UTF8_LONG = lazy(b"[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def detect_legacy(data: bytes) -> tuple[str, str, bool] | None:
    """(encoding, text, certain) for bytes that are not UTF-8, or None when no
    legacy code page reads them as text. ``certain`` when nothing in the
    best reading looks wrong and every reading that gives different text is
    clearly worse (it needs letters of another language, or rare letters
    where the best has common ones)."""
    found = legacy_readings(data)
    if not found:
        return None
    enc, text, (bad, incoherence, rarity) = found[0]
    certain = bad == 0 and not mixed_utf8(data) and all(
        s[:2] > (bad, incoherence) or s[2] >= rarity + _MARGIN for _, t, s in found[1:] if t != text
    )
    return enc, text, certain


# a reading is clearly worse than another when it needs one rare letter
# (4) more where the other has a common one (1)
_MARGIN = 3
_RARE = set("ŕĺľďťňÿþðţđĳ")


def legacy_readings(data: bytes) -> list[tuple[str, str, tuple[int, int, int]]]:
    """Plausible (encoding, text, score) readings of ``data``, best first.
    The score counts characters that look wrong, then letters the
    best-fitting language lacks, then letters (rare ones four times)."""
    if len(_C0.findall(data)) > max(2, len(data) // 100):
        return []  # control bytes: binary, not text in any code page
    # UTF-8 runs inside a file that is otherwise legacy (a file edited with
    # two editors) are mojibake in every reading: judge the rest
    masked = {i for m in _UTF8_LONG.finditer(data) for i in range(m.start(), m.end())}
    out = []
    for enc in LEGACY:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        # single-byte code pages: character i is byte i
        high = [i for i, c in enumerate(text) if ord(c) > 127 and i not in masked]
        if any(0x80 <= ord(text[i]) < 0xA0 for i in high):
            continue  # C1 controls: this is not the file's code page
        bad = _odd(text, high)
        rarity = sum(4 if text[i].lower() in _RARE else 1 for i in high if text[i].isalpha())
        out.append((enc, text, (bad, _incoherence(text, high), rarity)))
    out.sort(key=lambda r: (r[2], LEGACY.index(r[0])))
    return out


# bytes that are not UTF-8, kept by the "surrogateescape" decoding (compiled
# on first use: most texts hold none, see parser._damaged)
DAMAGED = lazy("[\udc80-\udcff]+")
_LONE = lazy("[\ud800-\udfff]")


def as_replacement(text: str) -> str:
    """``text`` with each byte that is not UTF-8 (a lone surrogate) shown as
    U+FFFD, one for one: what a parser or a renderer can take, positions
    unchanged."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # fails on a surrogate, and only there
    except UnicodeEncodeError:
        return _LONE.sub("\ufffd", text)
    return text


def mostly_utf8(text: str) -> bool:
    """Whether ``text`` (decoded with "surrogateescape") is UTF-8 with a few
    damaged bytes: its valid multi-byte characters take at least as many
    bytes as the damaged ones. A legacy file holds no valid multi-byte
    UTF-8, or by chance a few two-byte pairs among many bad bytes
    (Windows-1251 "Сі" is the UTF-8 of "ѳ")."""
    bad = sum(len(r) for r in DAMAGED.findall(text))
    good = sum(len(c.encode("utf-8")) for c in text if ord(c) > 127 and not "\udc80" <= c <= "\udcff")
    return good > 0 and good >= bad


def damaged_bytes(run: str) -> bytes:
    """The original bytes of a run of damaged characters."""
    return run.encode("utf-8", "surrogateescape")


def guess_damaged(text: str) -> tuple[str, bool] | None:
    """(encoding, certain): the legacy code page the damaged bytes of a
    mostly-UTF-8 ``text`` read best in, judged on the lines that hold them
    (their other non-ASCII characters blanked out); None when no code page
    reads them as text."""
    search = DAMAGED.search
    lines = [ln for ln in text.splitlines(keepends=True) if search(ln)]
    sample = "".join(c if ord(c) < 128 or "\udc80" <= c <= "\udcff" else " " for c in "".join(lines))
    found = detect_legacy(sample.encode("ascii", "surrogateescape"))
    if found is None:
        return None
    return found[0], found[2]


def encoding_name(enc: str) -> str:
    return _NAMES.get(enc, enc)


def mixed_utf8(data: bytes) -> bool:
    """Whether legacy ``data`` holds UTF-8 sequences of three or four bytes."""
    return _UTF8_LONG.search(data) is not None


def _odd(text: str, high: list[int]) -> int:
    """Characters a right reading seldom has: rare symbols, a capital after
    a small letter inside a word (cafÈ), Latin and Cyrillic in one word."""
    bad = sum(1 for i in high if text[i] in _ODD)
    # a symbol inside a word ("L¾ubica"), apostrophes and hyphens aside
    bad += sum(1 for i in high if 0 < i < len(text) - 1 and not text[i].isalpha() and text[i] not in _IN_WORD
               and text[i - 1].isalpha() and text[i + 1].isalpha())
    seen: set[int] = set()
    for i in high:
        if i in seen:
            continue
        start = i
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        m = _WORD.match(text, start)
        if not m:
            continue
        seen.update(range(m.start(), m.end()))
        word = m.group(0)
        if any(b.isupper() and a.islower() and (ord(a) > 127 or ord(b) > 127) for a, b in zip(word, word[1:])):
            bad += 1
        scripts = {_script(c) for c in word}
        if len(scripts - {"other"}) > 1:
            bad += 1
    return bad


def _script(c: str) -> str:
    if c < "\u0250":
        return "latin"
    if "\u0400" <= c < "\u0530":
        return "cyrillic"
    if "\u0370" <= c < "\u0400":
        return "greek"
    return "other"


def _incoherence(text: str, high: list[int]) -> int:
    """How many letters the best-fitting language lacks."""
    letters = {text[i].lower()[0] for i in high if text[i].isalpha()} - set("abcdefghijklmnopqrstuvwxyz")
    if not letters:
        return 0
    return min(len(letters - set(alphabet)) for alphabet in _ALPHABETS)
