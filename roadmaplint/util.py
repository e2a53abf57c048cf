"""Small helpers the rule families share: a fix that rewrites words, and
the majority vote by which a rule finds the style a document mostly uses."""

from __future__ import annotations

from typing import Any, Callable, Generic, Iterable, TypeVar

from .violations import Applicability, Edit, Fix, FrozenRecord
from .source import Source

T = TypeVar("T")


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def text_fix(src: Source, *edits: Edit, applicability: Applicability = Applicability.SAFE) -> Fix:
    """A fix that rewrites words. In a file that is not UTF-8, a replacement
    its code page cannot hold needs the file rewritten as UTF-8 too."""
    if src.encoding != "utf-8" and not all(_encodable(e.replacement, src.encoding) for e in edits):
        if not src.encoding_certain:
            applicability = Applicability.UNSAFE
        return Fix(tuple(edits), applicability, rewrites=True, encoding="utf-8")
    return Fix(tuple(edits), applicability, rewrites=True)


class Majority(FrozenRecord, Generic[T]):
    """The outcome of :func:`majority`."""

    # a plain class, not a dataclass: start-up pays for each one built
    __slots__ = _fields = ("choice", "first", "count", "total", "counts")

    def __init__(self, choice: Any, first: T, count: int, total: int, counts: dict[Any, int]) -> None:
        self.choice = choice  # the key most items have
        self.first = first  # the first item that has it
        self.count = count  # how many items have it
        self.total = total  # how many items voted
        self.counts = counts  # items per key, in order of first use

    @property
    def tie(self) -> bool:
        """Another key has as many items: the one used first won."""
        return list(self.counts.values()).count(self.count) > 1

    @property
    def unanimous(self) -> bool:
        return self.count == self.total


def majority(items: Iterable[T], key: Callable[[T], Any] | None = None) -> Majority[T] | None:
    """What most of ``items`` are, by ``key`` (the item itself when None):
    the key most items have, the one used first among keys with as many
    items. None when there are no items. How a rule settles which of the
    document's own styles is its style."""
    counts: dict[Any, int] = {}
    first: dict[Any, T] = {}
    for item in items:
        k = item if key is None else key(item)
        if k in counts:
            counts[k] += 1
        else:
            counts[k], first[k] = 1, item
    if not counts:
        return None
    best = max(counts, key=counts.__getitem__)  # the first of equal counts: counts is in order of first use
    return Majority(best, first[best], counts[best], sum(counts.values()), counts)
