"""Suppression comments: ``<!-- roadmaplint-disable[-next-line|-file] [RULES] -->``
and ``<!-- roadmaplint-enable [RULES] -->``; no rule list means every rule."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from .lazyre import lazy
from .registry import Rule, matches

if TYPE_CHECKING:
    from .document import Document

_DIRECTIVE = lazy(r"^\s*roadmaplint-(disable-next-line|disable-file|disable|enable)\b(.*)$", re.S)


class Suppressions:
    """Which findings the document's comments hide, by rule and line."""

    def __init__(self, doc: Document) -> None:
        self.file: list[list[str]] = []
        self.lines: dict[int, list[list[str]]] = {}
        # (line, action, selectors) in document order
        self.ranges: list[tuple[int, str, list[str]]] = []
        src = doc.source
        for span, inner in sorted(doc.comments, key=lambda c: c[0].start):
            m = _DIRECTIVE.match(inner) if "roadmaplint-" in inner else None  # each match holds it
            if not m:
                continue
            action, rest = m.group(1), m.group(2)
            selectors = [s for s in re.split(r"[\s,]+", rest.strip()) if s]
            if action == "disable-file":
                self.file.append(selectors)
            elif action == "disable-next-line":
                line = src.line_of(span.end) + 2  # 1-based line after the comment
                self.lines.setdefault(line, []).append(selectors)
            else:
                self.ranges.append((src.line_of(span.start) + 1, action, selectors))
        # per rule: (every line hidden, lines hidden by next-line comments,
        # the starts of the range directives that name it, whether each disables)
        self._by_rule: dict[str, tuple[bool, set[int], list[int], list[bool]]] = {}

    @staticmethod
    def _covers(r: Rule, selectors: list[str]) -> bool:
        return not selectors or any(matches(r, s) for s in selectors)

    def _for(self, r: Rule) -> tuple[bool, set[int], list[int], list[bool]]:
        found = self._by_rule.get(r.code)
        if found is None:
            whole = any(self._covers(r, s) for s in self.file)
            lines = {line for line, sels in self.lines.items() if any(self._covers(r, s) for s in sels)}
            mine = [(at, action == "disable") for at, action, sel in self.ranges if self._covers(r, sel)]
            found = self._by_rule[r.code] = (whole, lines, [at for at, _ in mine], [off for _, off in mine])
        return found

    def hides(self, r: Rule, line: int) -> bool:
        whole, lines, starts, disables = self._for(r)
        if whole or line in lines:
            return True
        # the last directive at or before the line that names the rule decides
        i = bisect_right(starts, line)
        return i > 0 and disables[i - 1]
