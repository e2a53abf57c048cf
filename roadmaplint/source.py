"""Bytes to text: BOM, encoding, newline style and a line index."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

BOM = "\ufeff"
_NEWLINE = re.compile(r"\r\n|\r|\n")


class SourceError(Exception):
    """The file cannot be read as text (binary, not UTF-8, unreadable)."""


@dataclass
class Source:
    """Decoded text of one file with everything needed to write it back.

    ``text`` has the BOM removed and keeps the original line endings, so every
    offset in the document model indexes ``text`` directly.
    """

    text: str
    path: str = "<stdin>"
    bom: bool = False
    newline: str = "\n"  # the majority style, used for text that fixes insert
    mixed_newlines: bool = False
    _starts: list[int] = field(default_factory=list, repr=False)
    _ends: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        ends = []
        crlf = lf = cr = 0
        for m in _NEWLINE.finditer(self.text):
            ends.append(m.start())
            starts.append(m.end())
            sep = m.group(0)
            if sep == "\r\n":
                crlf += 1
            elif sep == "\n":
                lf += 1
            else:
                cr += 1
        ends.append(len(self.text))
        self._starts = starts
        self._ends = ends
        self.newline = "\r\n" if crlf > lf + cr else ("\r" if cr > lf + crlf else "\n")
        self.mixed_newlines = sum(1 for n in (crlf, lf, cr) if n) > 1

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<stdin>") -> Source:
        if b"\x00" in data:
            raise SourceError("binary file (contains NUL bytes)")
        bom = data.startswith(b"\xef\xbb\xbf")
        if bom:
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise SourceError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})"
            ) from None
        return cls(text, path=path, bom=bom)

    def to_bytes(self, text: str | None = None) -> bytes:
        text = self.text if text is None else text
        return ((BOM if self.bom else "") + text).encode("utf-8")

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
