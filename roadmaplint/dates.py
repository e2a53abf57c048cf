"""Dates and periods as roadmaps write them: `Q3 2025`, `2025-Q3`, `H2 2025`,
`June 2025`, `2025-06-15`, `End of Q1 (March)`, `(end June 2022)`,
`target: 2027-03`, `by 2026-01-15`, `(done 2024-02)`; and version numbers."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator
from .lazyre import fold_case, lazy
from .violations import FrozenRecord, OrderedRecord

if TYPE_CHECKING:
    from .binding import Bound
    from .document import Document, Item, Section, Span

# English names (calendar.month_name in the C locale, without importing it)
_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
MONTHS = {name.lower(): i for i, name in enumerate(_MONTH_NAMES) if name}
MONTHS.update({name[:3].lower(): i for i, name in enumerate(_MONTH_NAMES) if name})
MONTHS["sept"] = 9
_ANY_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# without a year only a capitalised full name is a month: "may" and "march"
# are words, "Jan" a name
_FULL_MONTH = "|".join(sorted({n for n in _MONTH_NAMES if n} | {"Sept"}, key=len, reverse=True))
_YEAR = r"(?P<year>19[7-9]\d|20\d{2})"
_YY = r"\s?['’](?P<yy>\d{2})\b"
# a year stands alone: not part of a number, a version, an issue, a size,
# "2048-bit" or "1990s"
_ALONE = r"(?<![^\W_]|[.$€£#/@])(?<!(?-i:[\dA-Z])-)"
_END = r"(?![^\W_]|[%+°]|[.,:/-][^\W_])"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
# a bare number that counts something: "up to 2000 users", "over 2048 nodes"
_NOT_COUNT = r"(?<!to )(?<!over )(?<!under )(?<!than )(?<!about )(?<!around )(?<![~x×] )(?<![~x×])"
_NOT_UNIT = (
    r"(?!\s*(?:users|nodes|requests|req|rps|qps|tps|ops|items|lines|rows|files|ms|px|pixels|kb|mb|gb"
    r"|connections|clients|peers|servers|instances|stars|downloads|words|characters|chars|tokens"
    r"|entries|records|points|concurrent|per)\b)"
)
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 14)}


class Period(OrderedRecord):
    """A stretch of calendar time; sorts by start, then end."""

    __slots__ = _fields = ("start", "end", "text", "start_offset", "end_offset")

    def __init__(self, start: dt.date, end: dt.date, text: str = "", start_offset: int = 0,
                 end_offset: int = 0) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.start_offset = start_offset  # where in the parsed string the period was written
        self.end_offset = end_offset


def _last_day(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def _span(year: int, m1: int, m2: int) -> tuple[dt.date, dt.date]:
    if m2 > 12:  # winter runs into the next year
        return dt.date(year, m1, 1), dt.date(year + 1, m2 - 12, _last_day(year + 1, m2 - 12))
    return dt.date(year, m1, 1), dt.date(year, m2, _last_day(year, m2))


def _re(pattern: str, flags: int = re.I) -> Any:
    return lazy(pattern, flags)  # compiled when a text first needs it


# (kind, regex): each regex names the groups _build reads
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("date", _re(_ALONE + _YEAR + r"([-/.])(?P<m>0?[1-9]|1[0-2])\2(?P<d>0?[1-9]|[12]\d|3[01])" + _END)),
    ("date", _re(_ALONE + r"(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/" + _YEAR + _END)),
    ("quarter", _re(_ALONE + _YEAR + r"[- ]?Q(?P<q>[1-4])\b")),
    ("quarter", _re(r"\bQ(?P<q>[1-4])(?:[- /,]*" + _YEAR + _END + "|" + _YY + ")")),
    ("quarter", _re(r"\bQ(?P<q>[1-4])\b(?![.-]\d)", 0)),
    ("half", _re(_ALONE + _YEAR + r"[- ]?H(?P<h>[12])\b")),
    ("half", _re(r"\bH(?P<h>[12])(?:[- /,]*" + _YEAR + _END + "|" + _YY + ")")),
    ("half", _re(r"\bH(?P<h>[12])\b(?![.-]\d)", 0)),
    ("isomonth", _re(_ALONE + _YEAR + r"-(?P<m>0[1-9]|1[0-2])" + _END)),
    ("month", _re(r"\b(?P<month>" + _ANY_MONTH + r")\.?(?:\s+" + _DAY + r",?)?(?:\s+" + _YEAR + _END + "|" + _YY + ")")),
    ("month", _re(r"\b" + _DAY + r"\s+(?P<month>" + _ANY_MONTH + r")\.?,?\s+" + _YEAR + _END)),
    ("month", _re(r"\b(?P<month>" + _FULL_MONTH + r")\b(?:\s+" + _DAY + r"\b)?(?![\w'’-])", 0)),
    ("season", _re(r"\b(?P<season>spring|summer|autumn|fall|winter)\s+" + _YEAR + _END)),
    ("year", _re(_ALONE + _NOT_COUNT + _YEAR + _END + _NOT_UNIT)),
]
_POSITION = _re(r"\b(early|beginning\s+of|start\s+of|mid(?:dle\s+of)?|late|end\s+of|end)[\s-]*(?:the\s+)?$")
_RANGE = _re(r"\s*(?:-|–|—|to|through|thru|until|till)\s*")
_YEAR_RANGE = _re(_ALONE + r"(?P<year>19[7-9]\d|20\d{2})(?:\s*[-–—/]\s*|\s+(?:to|through|until|till)\s+)(?P<y2>19[7-9]\d|20\d{2}|\d{2})" + _END)


def _has_year(text: str) -> bool:
    """Whether ``text`` may hold a year (19xx or 20xx): every form that
    needs one is skipped without it, its regex never compiled or run."""
    return "19" in text or "20" in text


def _has_digit(text: str) -> bool:
    """Whether ``text`` may hold a digit (``\\d``: any Unicode decimal digit;
    text that is not ASCII is not tested)."""
    return not text.isascii() or any(d in text for d in "0123456789")


_FULL_MONTHS = tuple(_FULL_MONTH.split("|"))
# every month name holds one of these (in any case)
_MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _possible(text: str) -> tuple[bool, ...]:
    """For each of _PATTERNS, whether it can match anywhere in ``text``: a
    necessary condition, from cheap string tests, so that a form the text
    cannot hold is skipped without compiling or running its regex. Letters
    are tested in lower case only in ASCII text: in other text a letter
    may match in another form under re.I (ſ for s, ı for i)."""
    y = _has_year(text)
    ascii_ = text.isascii()
    low = text.lower() if ascii_ else ""
    month = not ascii_ or any(m in low for m in _MONTH_KEYS)
    season = not ascii_ or any(w in low for w in _SEASONS)
    q = "Q1" in text or "Q2" in text or "Q3" in text or "Q4" in text
    q_any = q or "q1" in text or "q2" in text or "q3" in text or "q4" in text
    h = "H1" in text or "H2" in text
    h_any = h or "h1" in text or "h2" in text
    return (
        y and ("-" in text or "/" in text or "." in text),  # 2025-06-15, 2025/6/15, 2025.06.15
        y and "/" in text,  # 06/15/2025
        y and q_any,  # 2025-Q3
        q_any,  # Q3 2025, Q3 '25
        q,  # Q3
        y and h_any,  # 2025 H2
        h_any,  # H2 2025, H2 '25
        h,  # H2
        y and "-" in text,  # 2025-06
        month and (y or "'" in text or "’" in text),  # June 2025, June '25
        y and month,  # 15 June 2025
        any(name in text for name in _FULL_MONTHS),  # June (capitalised, no year)
        y and season,  # summer 2025
        y,  # 2025
    )


def _candidates(text: str, pos: int, year: int | None) -> Iterator[tuple[int, int, tuple[dt.date, dt.date]]]:
    """(start, end, (first day, last day)) of the first match of each form at
    or after ``pos``."""
    for (kind, regex), possible in zip(_PATTERNS, _possible(text)):
        if not possible:
            continue
        for m in regex.finditer(text, pos):
            found = _build(kind, m, _year_after(text, m.end()) or year)
            if found is not None:
                yield m.start(), m.end(), found
                break


def _year_after(text: str, end: int) -> int | None:
    """The year of a range's second half, for its first: `Q1–Q2 2025`."""
    m = _RANGE.match(text, end)
    if not m:
        return None
    follow = re.match(r"(?:Q[1-4]|H[12]|" + _ANY_MONTH + r")\.?\s*(?:[- /,]*)" + _YEAR + _END, text[m.end() :], re.I)
    return int(follow.group("year")) if follow else None


def _first(text: str, pos: int, year: int | None) -> tuple[int, int, tuple[dt.date, dt.date]] | None:
    best = None
    for start, end, found in _candidates(text, pos, year):
        if best is None or start < best[0] or (start == best[0] and end > best[1]):
            best = (start, end, found)
    return best


_MAYBE = lazy(r"\d|\b(?:" + _ANY_MONTH + r"|spring|summer|autumn|fall|winter)\b", re.I)


def find_period(text: str, year: int | None = None, pos: int = 0) -> Period | None:
    """The first date or period written in ``text`` at or after ``pos``;
    ``year`` fills in a period written without one (`End of Q1 (March)`
    under `## 2023`). Offsets are into ``text``."""
    if text.isascii():  # a digit, a month or a season, or nothing to find
        low = text.lower()
        if not (any(d in text for d in "0123456789") or any(m in low for m in _MONTH_KEYS)
                or any(w in low for w in _SEASONS)):
            return None
    if not _MAYBE.search(text, pos):
        return None
    best = _first(text, pos, year)
    for m in _YEAR_RANGE.finditer(text, pos) if _has_year(text) else ():
        if best is not None and m.start() > best[0]:
            break
        y1, y2 = int(m.group("year")), int(m.group("y2"))
        y2 = y2 + 100 * (y1 // 100) if y2 < 100 else y2
        if y2 > y1:  # "2024-2025", "2024/25"; not "2024-12"
            return Period(dt.date(y1, 1, 1), dt.date(y2, 12, 31), m.group(0), m.start(), m.end())
    if best is None:
        return None
    start, end, (first, last) = best
    # "End of Q1 (March)": the month in brackets narrows the quarter
    narrowed = re.match(r"\s*\(\s*(?P<month>" + _ANY_MONTH + r")\.?\s*\)", text[end:], re.I)
    if narrowed and first.month != last.month:
        month = MONTHS[narrowed.group("month").lower()]
        if first.month <= month <= last.month:
            first, last = _span(first.year, month, month)
            end += narrowed.end()
    # a range: "Q1–Q2 2025", "27 April 2024 - 27 May 2024"
    sep = _RANGE.match(text, end)
    if sep:
        nxt = _first(text, sep.end(), first.year)
        if nxt is not None and nxt[0] == sep.end() and nxt[2][1] > last:
            last, end = nxt[2][1], nxt[1]
    pos_word = _POSITION.search(text, max(0, start - 16), start)
    if pos_word:
        first, last = _position(pos_word.group(1).lower(), first, last)
        start = pos_word.start()
    return Period(first, last, text[start:end], start, end)


def find_periods(text: str, year: int | None = None) -> Iterator[Period]:
    pos = 0
    while pos < len(text):
        found = find_period(text, year, pos)
        if found is None:
            return
        yield found
        pos = max(found.end_offset, pos + 1)


def _position(word: str, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    days = (last - first).days
    word = " ".join(word.split())
    if word in ("early", "beginning of", "start of"):
        return first, first + dt.timedelta(days=days // 3)
    if word in ("mid", "middle of"):
        return first + dt.timedelta(days=days // 3), first + dt.timedelta(days=2 * days // 3)
    return first + dt.timedelta(days=2 * days // 3), last  # late, end of


def _year(m: re.Match[str], year: int | None) -> int | None:
    groups = m.groupdict()
    if groups.get("year"):
        return int(groups["year"])
    if groups.get("yy"):
        return 2000 + int(groups["yy"])
    return year


def _build(kind: str, m: re.Match[str], year: int | None) -> tuple[dt.date, dt.date] | None:
    y = _year(m, year)
    if y is None:
        return None
    try:
        if kind == "date":
            if "a" in m.groupdict():  # 06/15/2025 or 15/06/2025: the day is the one above 12
                a, b = int(m.group("a")), int(m.group("b"))
                month, d = (b, a) if a > 12 else (a, b)
            else:
                month, d = int(m.group("m")), int(m.group("d"))
            day = dt.date(y, month, d)
            return day, day
        if kind == "quarter":
            q = int(m.group("q"))
            return _span(y, 3 * q - 2, 3 * q)
        if kind == "half":
            h = int(m.group("h"))
            return _span(y, 6 * h - 5, 6 * h)
        if kind == "isomonth":
            month = int(m.group("m"))
            return _span(y, month, month)
        if kind == "month":
            month = MONTHS[m.group("month").lower()]
            if m.group("d"):
                day = dt.date(y, month, int(m.group("d")))
                return day, day
            return _span(y, month, month)
        if kind == "season":
            return _span(y, *_SEASONS[m.group("season").lower()])
        if kind == "year":
            return _span(y, 1, 12)
    except ValueError:  # 31 February and the like: not a date
        return None
    return None


# -- versions ----------------------------------------------------------------------------

_VERSION = lazy(
    r"(?<![\w.$€£#/@+-])(?:(?P<v>v|version\s*)(?P<only>\d{1,4})(?![\w.,%]|\.\d)"
    r"|v?(?P<major>\d{1,4})\.(?P<minor>\d{1,4})(?:\.(?P<patch>\d{1,4}))?"
    r"(?:[-.]?(?P<pre>alpha|beta|rc|pre|preview)\.?(?P<pn>\d*))?(?![\w%°]|[.,]\d|\.[a-z]))",
    re.I,
)
_PRE = {"alpha": 0, "beta": 1, "pre": 1, "preview": 1, "rc": 2}


class Version(FrozenRecord):
    __slots__ = _fields = ("value", "start", "end")

    def __init__(self, value: tuple[int, ...], start: int, end: int) -> None:
        self.value = value
        self.start = start
        self.end = end


def _may_version(text: str) -> bool:
    """False when _VERSION cannot match: every match holds "version" or "v"
    before a digit (case-insensitively: see lazyre.fold_case, which keeps
    offsets), or a digit either side of a "." (\\d is str.isdecimal)."""
    low = fold_case(text)
    if "version" in low:
        return True
    for mark, before in (("v", False), (".", True)):
        at = low.find(mark)
        while at != -1:
            if low[at + 1 : at + 2].isdecimal() and (not before or (at and low[at - 1].isdecimal())):
                return True
            at = low.find(mark, at + 1)
    return False


def version_at(text: str, pos: int = 0) -> Version | None:
    if not _has_digit(text):  # every form has a digit
        return None
    if not _may_version(text):
        return None
    m = _VERSION.search(text, pos)
    if not m:
        return None
    if m.group("only"):
        return Version((int(m.group("only")), 0, 0, 9, 0), m.start(), m.end())
    major, minor, patch = int(m.group("major")), int(m.group("minor")), int(m.group("patch") or 0)
    pre = (_PRE[m.group("pre").lower()], int(m.group("pn") or 0)) if m.group("pre") else (9, 0)
    return Version((major, minor, patch, *pre), m.start(), m.end())


def find_version(text: str) -> tuple[int, ...] | None:
    """`v1.2` < `v1.10` < `2.0.0-rc1` < `2.0.0`."""
    found = version_at(text)
    return found.value if found else None


# -- what a heading or an item is named by ------------------------------------------------------

LATER = lazy(
    r"^\W*(?:up\s+next|next\s+up|next|later|future(?:\s+(?:work|plans?|items?|ideas?|releases?|features?|goals?))?"
    r"|someday(?:\s*/\s*maybe)?|backlog|unscheduled|beyond|tbd|ideas?|icebox|wish\s*list|parking\s+lot"
    r"|not\s+(?:yet\s+)?scheduled|long[- ]term)\W*(?:\([^()]*\))?\W*$",
    re.I,
)
# how every match of LATER begins, in lazyre.fold_case's sense, after the
# \W that ^\W* takes (a word starts at the first \w: isalnum or "_")
_LATER_STARTS = ("up", "next", "later", "future", "someday", "backlog", "unscheduled", "beyond", "tbd", "idea",
                 "icebox", "wish", "parking", "not", "long")


def is_later(title: str) -> bool:
    """Whether ``title`` names a "later" horizon (LATER); a title whose first
    word is none of its words is settled without the regex."""
    first = next((i for i, c in enumerate(title) if c.isalnum() or c == "_"), len(title))  # \w
    if not fold_case(title[first : first + 12]).startswith(_LATER_STARTS):
        return False
    return LATER.match(title) is not None


# decoration before a name: emoji, bullets, a checkbox, bold, "1." or "A)"
_LEAD = lazy(r"^(?:[^\w(\[]+|\[[ xX~/!?*+>.-]?\]\s*|(?:[A-Za-z]|\d{1,2}|[ivxIVX]{1,4})[.)]\s+|\*\*|__)*")
# up to two words that name what the version belongs to: "hledger 1.40", "Version 0.4.2"
_LABEL = lazy(r"^(?:[\w][\w'’-]*\s+){0,2}$")


class Name(FrozenRecord):
    """What a heading or an item is named by: a period, a version, or a
    "later" horizon. ``strong`` when the name leads the title (`Q3 2025:
    Plugins`), weak when it comes later (`Phase 1 (Q3 2025)`); ``prefix``
    is the text before a weak name with digits masked, so that siblings
    written alike can be told from titles that merely mention a date."""

    __slots__ = _fields = ("later", "period", "period_strong", "period_prefix", "version", "version_strong",
                           "version_prefix")

    def __init__(self, later: bool = False, period: Period | None = None, period_strong: bool = False,
                 period_prefix: str = "", version: tuple[int, ...] | None = None, version_strong: bool = False,
                 version_prefix: str = "") -> None:
        self.later = later
        self.period = period
        self.period_strong = period_strong
        self.period_prefix = period_prefix
        self.version = version
        self.version_strong = version_strong
        self.version_prefix = version_prefix


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


_DIGITS = frozenset("0123456789")
_MONTH_OR_SEASON = lazy("|".join((*_MONTH_KEYS, *_SEASONS)))  # in lower case


@lru_cache(maxsize=8192)
def may_name(title: str) -> bool:
    """False when name_of(title) can carry neither a period nor a version:
    both need a digit, a month or a season in the title (the first tests
    of find_period and version_at); text that is not ASCII is not tested."""
    if not title.isascii() or not _DIGITS.isdisjoint(title):
        return True
    # any(m in low for m in _MONTH_KEYS) or any(w in low for w in _SEASONS)
    # in one search (case-sensitive: its first letters let it skip ahead)
    return _MONTH_OR_SEASON.search(title.lower()) is not None


@lru_cache(maxsize=4096)
def name_of(title: str, year: int | None = None) -> Name:
    """The period or version a title is named by."""
    if is_later(title):
        return Name(later=True)
    if not may_name(title):
        return Name()  # no period, no version: what the search below would find
    if title[:1].isalnum() and "." not in title[:5] and ")" not in title[:5]:
        base = 0  # a \w first: only a numbering ("1.", "A)", "iv.") is decoration, its [.)] within 5
    else:
        lead = _LEAD.match(title)
        base = lead.end() if lead else 0
    period = find_period(title, year, base)
    version = version_at(title, base)
    p_strong = v_strong = False
    p_prefix = v_prefix = ""
    if period is not None:
        before = title[base : period.start_offset]
        p_strong = not before.strip() or bool(_LABEL.match(before) and not re.search(r"\d", before))
        p_prefix = _mask(before)
        if version is not None and version.start < period.end_offset and period.start_offset < version.end:
            version = None  # "2025.06" read as a date, not as a version
    if version is not None:
        before = title[base : version.start]
        v_strong = not before.strip() or bool(_LABEL.match(before) and not re.search(r"\d", before))
        v_prefix = _mask(before)
    return Name(False, period, p_strong, p_prefix, version.value if version else None, v_strong, v_prefix)


# -- dates on items and sections ---------------------------------------------------------

_COMPLETED = lazy(
    r"\b(?:done|completed?|finished|shipped|released|landed|merged|delivered|closed|achieved|resolved)\b"
    r"\s*(?:on|in|at)?\s*[:\-–—]?\s*$",
    re.I,
)
_TARGET = lazy(
    r"(?<!not )(?<!n't )(?<!n’t )(?<!never )\b(?:by|due|target(?:ed|ing)?|eta|deadline|until|before|no\s+later\s+than|planned(?:\s+for)?|expected"
    r"|scheduled(?:\s+for)?|aim(?:ing)?\s+for|goal|release\s+date|ship(?:s|ping)?(?:\s+in)?)\b"
    r"\s*(?:on|in|at|for)?\s*[:\-–—]?\s*$",
    re.I,
)


class Dated(FrozenRecord):
    __slots__ = _fields = ("kind", "period", "offset", "bare")

    def __init__(self, kind: str, period: Period, offset: int, bare: bool = False) -> None:
        self.kind = kind  # target | completed
        self.period = period
        self.offset = offset  # where the date text starts in the string it was read from
        self.bare = bare  # a year and nothing else, standing alone in brackets: "(2027)"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.period.text,
                "start": self.period.start.isoformat(), "end": self.period.end.isoformat()}


def item_dates(text: str, year: int | None = None, title: bool = False) -> list[Dated]:
    return list(_item_dates(text, year, title))


@lru_cache(maxsize=4096)
def _item_dates(text: str, year: int | None, title: bool) -> tuple[Dated, ...]:
    """A target and a completion date read from an item's or heading's text.
    A date counts when a word says what it is (`by`, `target:`, `end`,
    `done`), when it stands alone in brackets (`(Q3 2025)`), or, in a
    heading, when it names the heading (`Q3 2025: Plugins`)."""
    out: list[Dated] = []
    name = name_of(text, year) if title else None
    for found in find_periods(text, year):
        if len(out) >= 4:
            break
        before = text[max(0, found.start_offset - 32) : found.start_offset]
        before = re.sub(r"[(\[*_\s]+$", " ", before).rstrip()
        alone = re.search(r"\(\s*$", text[: found.start_offset]) and re.match(r"\s*\)", text[found.end_offset :])
        if _COMPLETED.search(before):
            out.append(Dated("completed", found, found.start_offset))
        elif (
            _TARGET.search(before)
            or re.match(r"(?i)(early|beginning|start|mid|middle|late|end)\b", found.text)
            or (name is not None and name.period_strong and name.period is not None
                and name.period.start_offset == found.start_offset)
        ):
            out.append(Dated("target", found, found.start_offset))
        elif alone:
            bare = bool(re.fullmatch(r"\d{4}", found.text.strip()))
            out.append(Dated("target", found, found.start_offset, bare))
    return tuple(out)


# how far a year alone in brackets may lie from the roadmap's other dates
# and still be read as a target
BARE_YEAR_REACH = 3


def _drop_implausible_years(owners: list[list[Dated]], reviewed: dt.date | None) -> None:
    """A year alone in brackets is a target only when the roadmap dates
    other work within a few years of it: "Phase 3 (2027)" among phases of
    2025 and 2026 is one, "CIE Luv colour space (1976)" in a roadmap with
    no other date, or "Film (2007)" among 2025 plans, is the year of
    something else. The review date counts as one of the roadmap's dates."""
    years = [(i, d.period.start.year, d.period.end.year)
             for i, dates in enumerate(owners) for d in dates]
    if reviewed is not None:
        years.append((-1, reviewed.year, reviewed.year))
    for i, dates in enumerate(owners):
        if not any(d.bare for d in dates):
            continue
        kept = []
        for d in dates:
            y = d.period.start.year
            if d.bare and not any(j != i and lo - BARE_YEAR_REACH <= y <= hi + BARE_YEAR_REACH
                                  for j, lo, hi in years):
                continue
            kept.append(d)
        dates[:] = kept


def context_year(section: Section, parents: list[Section]) -> int | None:
    """The year a period without one belongs to: from the nearest heading
    above whose name gives one (`## 2023` over `### End of Q1 (March)`)."""
    for sec in reversed(parents):
        year = heading_year(sec)
        if year is not None:
            return year
    return None


def heading_year(sec: Section) -> int | None:
    """The year a heading's own name gives the periods below it (see
    context_year), or None."""
    if sec.heading is None:
        return None
    name = name_of(sec.title)
    period = name.period
    if period is None or period.start.year != period.end.year:
        return None
    # "## 2023", "## Completed (June 3 2022)"; not "## Scaling to 2000 nodes"
    if name.period_strong or re.search(r"[(\[]\s*$", sec.title[: period.start_offset]):
        return period.start.year
    return None


# -- when the roadmap says it was last reviewed -----------------------------------------

# "Last reviewed: 2026-10-01", "_Updated June 2024_", "Date: 2022-10-07",
# "> **Last Updated:** 2025-12-25", "This roadmap was last updated on 3 March 2025",
# "> **Direction note (2026-07-16):**"
_REVIEWED = lazy(
    r"(?im)(?:^[ \t>*_|#-]*(?:(?:last[ \t]+)?(?:reviewed|updated|modified|revised|review(?:ed)?[ \t]+on)|date|as[ \t]+of)\b"
    r"|\blast[ \t]+(?:reviewed|updated|modified|revised|review|update)\b"
    r"|\b(?:date|updated|reviewed)(?=[ \t*_]*:)"
    # a dated note, update or review at the start of a line, a quote or a
    # heading (not a list item): "> **Direction note (2026-07-16):**",
    # "## Second review (2026-07-09)", "**Update (2026-03-01)**"
    r"|^[ \t>]*(?:\*\*|__|\*|_|\#{1,6}[ \t]+)?(?:[^\W\d_][\w'’-]*[ \t]+){0,2}"
    r"(?:note|update|review|revision|addendum|amendment)[ \t*_]*\()"
    r"[ \t*_]*(?:on|in|at)?[ \t*_]*[:\-–—]?[ \t*_]*"
)


# front matter keys that say when the page was last changed (Jekyll's
# last_modified_at, Hugo's lastmod, a post's date)
_FRONT_MATTER_DATES = ("last_reviewed", "last_modified_at", "last_updated", "updated", "lastmod", "date")
# a YAML or TOML timestamp: 2026-11-20, 2026-11-20T10:00:00Z, 2026-11-20 10:00:00 +0000
_TIMESTAMP = lazy(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?=$|[Tt \t])")


def _front_matter_dates(doc: Document) -> Iterator[tuple[dt.date, Span]]:
    from .document import Span

    fm = doc.front_matter
    if fm is None:
        return
    for key in _FRONT_MATTER_DATES:
        if key not in fm.values:
            continue
        start, end = fm.values[key]
        m = _TIMESTAMP.match(doc.text, start, end)
        if m:
            try:
                yield dt.date(*map(int, m.groups())), Span(start, m.end())
            except ValueError:
                pass
            continue
        found = find_period(doc.text[:end], None, start)
        if found is None or found.start_offset != start or (found.end - found.start).days > 31:
            continue
        yield found.end, Span(found.start_offset, found.end_offset)


# a word every match of _REVIEWED holds, for a cheap first pass over the text
# in lower case: _REVIEWED tries every offset of the text (a third of a
# second per MB); this finds the few lines worth trying
_REVIEWED_WORD = lazy(r"review|updat|modif|revis|date|as[ \t]+of|note|addendum|amendment")


def _reviewed(doc: Document, start: int) -> Iterator[re.Match[str]]:
    """_REVIEWED.finditer(doc.text, start), line by line on the lines that
    hold one of its words (a match never crosses a line end)."""
    text, src = doc.text, doc.source
    # the case-insensitive match also takes long s and dotless i for s and i
    low = text.lower().replace("\u017f", "s").replace("\u0131", "i")
    if len(low) != len(text):  # a letter that lowers to two: offsets would shift
        yield from _REVIEWED.finditer(text, start)
        return
    # the lines where _REVIEWED_WORD matches at or after ``start``: each of
    # its words found with str.find (one pass each, much faster than the
    # alternation tried at every offset), the next search from the end of
    # the line just found; "as[ \t]+of" by its own small pattern
    line_of, line_end = src.line_of, src.line_end
    lines = set()
    for word in ("review", "updat", "modif", "revis", "date", "note", "addendum", "amendment"):
        at = low.find(word, start)
        while at >= 0:
            line = line_of(at)
            lines.add(line)
            at = low.find(word, line_end(line))
    for m in re.compile(r"as[ \t]+of").finditer(low, start):
        lines.add(line_of(m.start()))
    for line in sorted(lines):
        yield from _REVIEWED.finditer(text, max(src.line_start(line), start), line_end(line))


def review_date(doc: Document) -> tuple[dt.date, Span] | None:
    """When the roadmap says it was last reviewed or updated: the latest
    such date it states, at least to the month (in its text or its front
    matter)."""
    from .document import Span

    text = doc.text
    best: tuple[dt.date, Span] | None = None
    for when, span in _front_matter_dates(doc):
        if best is None or when > best[0]:
            best = (when, span)
    for m in _reviewed(doc, doc.front_matter.end if doc.front_matter else 0):
        if doc.in_code(m.start(), m.end()):
            continue
        line_end = doc.source.line_end(doc.source.line_of(m.end()))
        # a window of the text, not its whole head, so that many such lines
        # stay linear: the matchers look back at most a few characters
        base = max(0, m.end() - 64)
        found = find_period(text[base : min(line_end, m.end() + 40)], None, m.end() - base)
        if found is None or found.start_offset + base != m.end():
            continue
        found_end = found.end_offset + base
        if doc.in_code(m.end(), found_end):
            continue
        if (found.end - found.start).days > 31:  # a year or a quarter says too little
            continue
        if best is None or found.end > best[0]:
            best = (found.end, Span(m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t>*_|#-")),
                                    found_end))
    return best


def annotate(doc: Document) -> dict[int, list[Dated]]:
    """The dates of every section title and item: id(owner) -> its dates
    (see :meth:`binding.Bound.dates`, which calls this once per binding)."""
    found: dict[int, list[Dated]] = {}

    def walk(section: Section, above: int | None) -> None:
        # above: context_year(section, parents); year: with the section's own
        own = heading_year(section)
        year = above if own is None else own
        if section.heading is not None:
            found[id(section)] = item_dates(section.title, above, title=True)
        for item in walk_items(section.items) if section.items else ():
            found[id(item)] = item_dates(item.text, year)
        for child in section.children:
            walk(child, year)

    walk(doc.root, None)
    if any(d.bare for dates in found.values() for d in dates):
        reviewed = review_date(doc)
        # in document order: the sections, each followed by its items
        _drop_implausible_years(list(found.values()), reviewed[0] if reviewed else None)
    return found


def walk_items(items: list[Item]) -> Iterator[Item]:
    """Each item, each before its sub-items (a list built in one pass, not
    a generator per level)."""
    out: list[Item] = []
    add = out.append

    def rec(found: list[Item]) -> None:
        for item in found:
            add(item)
            if item.children:
                rec(item.children)

    rec(items)
    return iter(out)


def target(dates: list[Any]) -> Dated | None:
    return next((d for d in dates if d.kind == "target"), None)


def completed(dates: list[Any]) -> Dated | None:
    return next((d for d in dates if d.kind == "completed"), None)


# -- overdue work (rule RL603 overdue-item and the progress summary judge alike) --------


def overdue_item(bound: Bound, item: Item, today: dt.date) -> Dated | None:
    """The target an item has missed: its date has passed, it is not marked
    completed, and its status is known and not finished (done work is never
    overdue; work of unknown status is not judged)."""
    dates = bound.dates(item)
    due = target(dates)
    if due is None or due.period.end >= today or completed(dates):
        return None
    status = bound.status(item)
    if status is None or bound.spec.finished(status):
        return None
    return due


def overdue_section(bound: Bound, section: Section, today: dt.date) -> tuple[Dated, list[Item]] | None:
    """(the target, its unfinished items) of a section whose date has
    passed while work under its heading is not finished: the section is not
    marked completed nor finished by its status, and some of its own items
    have a known status that is not finished (and no completion date)."""
    dates = bound.dates(section)
    due = target(dates)
    if section.heading is None or due is None or due.period.end >= today or completed(dates):
        return None
    finished = bound.spec.finished
    open_items = [it for it in walk_items(section.items)
                  if (st := bound.status(it)) and not finished(st) and not completed(bound.dates(it))]
    if not open_items or finished(bound.implied_status(section)):
        return None
    return due, open_items


# -- lists of milestones: what they are ordered by, and which way --------------------


def milestones(names: list[Name], weak: bool) -> tuple[str, list[Any]] | None:
    """The kind of name ("date" or "version") a list of siblings is ordered
    by, and each sibling's key: the value, "later", or None for a sibling
    that names no such thing. None when the siblings are no milestone list:
    fewer than two carry a name, or the titles merely mention one in
    different ways. ``weak`` allows names that do not lead the title
    (`Phase 1 (Q1 2025)`), when every sibling is written alike."""
    best = None
    for kind in ("date", "version"):
        keys: list[Any] = []
        strong: list[bool] = []
        prefixes = set()
        for n in names:
            if n.later:
                keys.append("later")
                continue
            if kind == "date":
                value = (n.period.start, n.period.end) if n.period else None
                is_strong, prefix = n.period_strong, n.period_prefix
            else:
                value, is_strong, prefix = n.version, n.version_strong, n.version_prefix
            if value is None or (not is_strong and not weak):
                keys.append(None)
                continue
            keys.append(value)
            strong.append(is_strong)
            prefixes.add(prefix)
        carriers, missing = len(strong), keys.count(None)
        if carriers < 2 or len(prefixes) > 1:
            continue
        # all leading their titles, an "Overview" among many dated siblings is
        # allowed; written alike further in, every sibling must carry one
        ok = 3 * missing <= carriers if all(strong) else missing == 0
        score = (carriers, sum(strong))
        if ok and (best is None or score > best[2]):
            best = (kind, keys, score)
    return (best[0], best[1]) if best else None


def longest_run(seq: list[int]) -> list[int]:
    """Positions of a longest non-decreasing subsequence of ``seq``, the
    one that keeps the earliest positions (the top of a list is taken as
    right, what came later as misplaced). O(n log n)."""
    # the length of the longest run starting at each position (patience
    # sorting, from the end)
    starts = [0] * len(seq)
    tails: list[int] = []
    for pos in range(len(seq) - 1, -1, -1):
        value = -seq[pos]
        k = bisect_right(tails, value)
        if k == len(tails):
            tails.append(value)
        else:
            tails[k] = value
        starts[pos] = k + 1
    out: list[int] = []
    need, last = len(tails), None
    for pos, value in enumerate(seq):
        if need and starts[pos] == need and (last is None or value >= last):
            out.append(pos)
            last, need = value, need - 1
    return out


def ranks(keys: list[Any]) -> dict[Any, int]:
    values = sorted({k for k in keys if k is not None and k != "later"})
    return {v: i for i, v in enumerate(values)}


def direction(keys: list[Any]) -> bool:
    """Whether siblings keyed by date or version run newest first: the
    direction that keeps more of them in place (the longer run already in
    that order) wins; when neither does, oldest first."""
    rank = ranks(keys)
    # a "Later" or "Ideas" section says nothing: it ends a list either way
    seq = [rank[k] for k in keys if k is not None and k != "later"]
    return len(longest_run([-r for r in seq])) > len(longest_run(seq))
