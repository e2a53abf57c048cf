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

    # the methods rules call, without a trip through __getattr__
    def search(self, *args: Any, **kwargs: Any) -> Any:
        return (self._compiled or self.compiled()).search(*args, **kwargs)

    def match(self, *args: Any, **kwargs: Any) -> Any:
        return (self._compiled or self.compiled()).match(*args, **kwargs)

    def fullmatch(self, *args: Any, **kwargs: Any) -> Any:
        return (self._compiled or self.compiled()).fullmatch(*args, **kwargs)

    def finditer(self, *args: Any, **kwargs: Any) -> Any:
        return (self._compiled or self.compiled()).finditer(*args, **kwargs)

    def findall(self, *args: Any, **kwargs: Any) -> Any:
        return (self._compiled or self.compiled()).findall(*args, **kwargs)

    def sub(self, *args: Any, **kwargs: Any) -> Any:
        return (self._compiled or self.compiled()).sub(*args, **kwargs)

    def subn(self, *args: Any, **kwargs: Any) -> Any:
        return (self._compiled or self.compiled()).subn(*args, **kwargs)

    def split(self, *args: Any, **kwargs: Any) -> Any:
        return (self._compiled or self.compiled()).split(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # groups, groupindex, scanner, ...
        return getattr(self.compiled(), name)


def lazy(pattern: Any, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
