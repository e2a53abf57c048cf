"""Regular expressions compiled on first use.

A check run pays for every pattern compiled at import, used or not; most
rules only need theirs when the text has what they look for (a date, an
emoji, mojibake). ``lazy(pattern, flags)`` stands in for ``re.compile``.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: Any, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:  # groups, groupindex, scanner, ...
        return getattr(self.compiled(), name)

    def __eq__(self, other: object) -> bool:  # as re.Pattern's: the same pattern and flags
        if isinstance(other, LazyPattern):
            return (self.pattern, self.flags) == (other.pattern, other.flags)
        return self.compiled() == other if isinstance(other, re.Pattern) else NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self.flags})"


# the characters re.I matches with an ASCII letter other than the letter's
# two cases: U+0130 and U+212A (lower case "i", "k"), and _casefix's
# dotless i and long s
_FOLD_MAP = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def fold_case(text: str) -> str:
    """``text`` in lower case, with each character that a case-insensitive
    pattern matches with an ASCII letter written as that letter."""
    if text.isascii() or not any(c in text for c in "\u0130\u0131\u017f\u212a"):
        return text.lower()
    return text.translate(_FOLD_MAP).lower()


def space_before(text: str, chars: str) -> bool:
    """Whether one of ``chars`` follows a space in ``text``: ``\\s[chars]``
    (``\\s`` is str.isspace)."""
    for c in chars:
        at = text.find(c, 1)
        while at != -1:
            if text[at - 1].isspace():
                return True
            at = text.find(c, at + 1)
    return False


def lazy(pattern: Any, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)


def _delegate(name: str) -> Any:
    def method(self: LazyPattern, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._compiled or self.compiled(), name)(*args, **kwargs)

    method.__name__ = name
    return method


# the methods rules call, without a trip through __getattr__
for _name in ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"):
    setattr(LazyPattern, _name, _delegate(_name))
