"""The roadmap spec: presets, `extends`, validation, and the compiled form
the structure and status rules read."""

from __future__ import annotations

import copy
import json
import os
import re
from functools import lru_cache
from typing import Any, Iterator

from .lazyre import fold_case, lazy, space_before
from .paths import shown as shown_path
from .violations import Record

PRESETS = ("horizons", "features", "themes", "status-legend", "checklist", "generic")
BUILTIN_STATUSES = ("done", "in-progress", "planned", "blocked", "dropped")
FINISHED = {"done", "dropped"}


class SpecError(Exception):
    """A spec that cannot be used; the message is one line. ``origin``,
    ``keys`` (the JSON path as a list) and ``detail`` are its parts, for a
    caller that can say more (the config's line)."""

    def __init__(self, message: str, origin: str = "", keys: list[Any] | None = None, detail: str = "") -> None:
        super().__init__(" ".join(message.split()))
        self.origin, self.keys, self.detail = origin, keys or [], detail or message


def _fail(origin: str, keys: list[Any], detail: str) -> SpecError:
    return SpecError(f"{origin}: {_json_path(keys)}: {detail}", origin, keys, detail)


def _show(path: str) -> str:
    """A path as the user would type it: relative when under the cwd."""
    return shown_path(path, real=True)


@lru_cache(maxsize=None)
def preset_data(name: str) -> dict[str, Any]:
    from .resources import data_text

    if name not in PRESETS:
        raise SpecError(f"unknown preset {name!r} (one of {', '.join(PRESETS)})")
    return json.loads(data_text("schemas", "presets", f"{name}.json"))


def expand(data: dict[str, Any], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Resolve ``extends``: the preset's keys, replaced by the spec's own.
    ``statuses`` merge by name; every other key is replaced whole."""
    base_name = data.get("extends")
    if not base_name:
        return copy.deepcopy(data)
    if base_name in seen:
        raise SpecError(f"preset {base_name!r} extends itself")
    base = expand(preset_data(base_name), (*seen, base_name))
    out = copy.deepcopy(base)
    for key, value in data.items():
        if key == "statuses":
            # a marker the spec gives to one of its own states leaves the preset's
            mine = {norm_marker(m) for v in value.values() for m in v.get("markers", [])}
            inherited = {
                name: {**st, "markers": [m for m in st.get("markers", []) if norm_marker(m) not in mine]}
                for name, st in base.get("statuses", {}).items()
            }
            out["statuses"] = {**inherited, **copy.deepcopy(value)}
        elif key != "extends":
            out[key] = copy.deepcopy(value)
    out["extends"] = base_name
    return out


def _json_path(path: Any) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    from .resources import data_text

    schema = json.loads(data_text("schemas", "spec.schema.json"))
    return Draft202012Validator(schema)


def validate(data: Any, origin: str) -> None:
    """Check a user spec against schemas/spec.schema.json, plus what a schema
    cannot say (regexes compile, implied statuses exist)."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    if error is not None:
        raise _fail(origin, list(error.absolute_path), error.message)
    full = expand(data)
    statuses = set(full.get("statuses", {})) | set(BUILTIN_STATUSES)

    def walk(sections: list[dict], path: list[Any]) -> None:
        for i, sec in enumerate(sections):
            here = [*path, i]
            if "pattern" in sec:
                _compile(sec["pattern"], origin, [*here, "pattern"])
            if "status" in sec and sec["status"] not in statuses:
                raise _fail(origin, [*here, "status"], f"{sec['status']!r} is not a defined status")
            check_order(sec, here)
            walk(sec.get("children", []), [*here, "children"])

    def check_order(table: dict, path: list[Any]) -> None:
        order = table.get("items", {}).get("order")
        for i, name in enumerate(order if isinstance(order, list) else []):
            if name not in statuses:
                raise _fail(origin, [*path, "items", "order", i], f"{name!r} is not a defined status")

    walk(data.get("sections", []), ["sections"])
    check_order(data, [])
    claimed: dict[str, str] = {}
    for name, status in data.get("statuses", {}).items():
        for i, marker in enumerate(status.get("markers", [])):
            other = claimed.setdefault(norm_marker(marker), name)
            if other != name:
                raise _fail(origin, ["statuses", name, "markers", i], f"{marker!r} already means {other!r}")
    if "pattern" in data.get("title", {}):
        _compile(data["title"]["pattern"], origin, ["title", "pattern"])
    if "pattern" in data.get("tracking", {}):
        _compile(data["tracking"]["pattern"], origin, ["tracking", "pattern"], URL_LIMIT)
    if "model" in data:
        model_validator(data["model"], origin)


# Limits that keep a spec's regular expressions from hanging on a heading:
# the shapes that backtrack exponentially are refused, and what is left is
# polynomial in the length of the text, which is at most TITLE_LIMIT. The
# budget bounds that polynomial: the product of how many lengths each
# quantifier can take (and the start positions when unanchored) is a
# generous estimate of the steps a failing search takes (~0.3 s at 5e7).
TITLE_LIMIT = 80
URL_LIMIT = 200  # a tracking pattern reads this much of a link's URL
_BUDGET = 5 * 10**7

try:  # Python 3.11+
    from re import _parser as _sre
except ImportError:  # pragma: no cover
    import sre_parse as _sre  # type: ignore[no-redef]

_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
_ONE_CHAR = {"LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY"}


def pattern_risk(pattern: str, limit: int = TITLE_LIMIT) -> str | None:
    """Why ``pattern`` could take too long on a heading, or None."""
    try:
        parsed = _sre.parse(pattern, re.I)
    except re.error:
        return None  # re.compile reports it
    cost = [1]

    def walk(items: Any, in_repeat: bool) -> str | None:
        for op, av in items:
            name = str(op)
            if name in _REPEATS:
                low, high, body = av
                if low != high:
                    if in_repeat:
                        return "a quantifier inside a quantified group (like (a+)+ or (a?)*)"
                    cost[0] *= min(high, limit) - min(low, limit) + 1
                found = walk(body, in_repeat or high > 1)
            elif name == "BRANCH":
                if in_repeat and not all(len(b) == 1 and str(b[0][0]) in _ONE_CHAR for b in av[1]):
                    return "an alternation inside a quantified group (like (a|aa)+)"
                found = next((f for b in av[1] if (f := walk(b, in_repeat))), None)
            elif name in ("GROUPREF", "GROUPREF_EXISTS"):
                return "a backreference"
            elif name == "SUBPATTERN":
                found = walk(av[-1], in_repeat)
            elif name in ("ASSERT", "ASSERT_NOT"):
                found = walk(av[1], in_repeat)
            elif name == "ATOMIC_GROUP":
                found = walk(av, in_repeat)
            else:
                found = None
            if found:
                return found
        return None

    found = walk(parsed, False)
    if found:
        return f"{found} can take exponential time; rewrite the pattern without it"
    anchored = bool(parsed) and str(parsed[0][0]) == "AT" and str(parsed[0][1]) in ("AT_BEGINNING", "AT_BEGINNING_STRING")
    if cost[0] * (1 if anchored else limit + 1) > _BUDGET:
        return ("too many quantifiers that vary in length (*, +, ?, {m,n}) for one pattern; "
                "use fewer, or anchor it with ^")
    return None


def compile_pattern(pattern: str, origin: str = "spec", keys: list[Any] | None = None,
                    limit: int = TITLE_LIMIT) -> re.Pattern[str]:
    # A spec's pattern runs against every heading (or URL, up to ``limit``
    # characters): refuse the shapes that backtrack exponentially ((a+)+,
    # (a|aa)+) rather than risk a hang.
    risk = pattern_risk(pattern, limit)
    if risk:
        raise _fail(origin, keys or [], risk)
    try:
        return re.compile(pattern, re.I)
    except re.error as exc:
        raise _fail(origin, keys or [], f"invalid regular expression: {exc}") from None


_compile = compile_pattern  # the name the callers above and below use


def search(pattern: re.Pattern[str], text: str) -> bool:
    """Search a title: only its first TITLE_LIMIT characters, so that even
    a pattern with several quantifiers finishes at once."""
    return pattern.search(text[:TITLE_LIMIT]) is not None


# -- the model schema ------------------------------------------------------------

def _refs(node: Any, path: list[Any]) -> Iterator[tuple[list[Any], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                yield [*path, key], value
            else:
                yield from _refs(value, [*path, key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, [*path, i])


def model_validator(model: dict[str, Any], where: str) -> Any:
    """A validator for a spec's ``model`` that can never fetch anything: only
    references inside the model (``#/$defs/...``) are allowed, and they are
    resolved against a registry that has no way to retrieve."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError, best_match
    from referencing import Registry
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    error = best_match(Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(model))
    if error is not None:
        raise _fail(where, ["model", *error.absolute_path], error.message)
    resource = DRAFT202012.create_resource(model)
    resolver = Registry().resolver_with_root(resource)
    for keys, ref in _refs(model, ["model"]):
        if not ref.startswith("#"):
            raise _fail(where, keys, f"{ref!r} is not a reference inside the model (#/$defs/...); "
                        "a spec's model never loads other schemas")
        try:
            resolver.lookup(ref)
        except Unresolvable:
            raise _fail(where, keys, f"{ref!r} does not resolve inside the model") from None
        # a schema that is only a reference, leading back to itself, would
        # be evaluated forever
        seen, target = {ref}, resolver.lookup(ref).contents
        while isinstance(target, dict) and isinstance(target.get("$ref"), str) and target["$ref"].startswith("#"):
            if target["$ref"] in seen:
                raise _fail(where, keys, f"{ref!r} leads back to itself (a reference cycle)")
            seen.add(target["$ref"])
            try:
                target = resolver.lookup(target["$ref"]).contents
            except Unresolvable:
                break
    try:
        return Draft202012Validator(model, registry=Registry())
    except SchemaError as exc:  # pragma: no cover (checked above)
        raise _fail(where, ["model"], exc.message) from None


# -- the compiled spec --------------------------------------------------------

@lru_cache(maxsize=8192)
def title_key(title: str) -> str:
    """A heading's title as specs compare it: lower case, no leading emoji
    or numbering, no trailing colon, single spaces. Cached: detection,
    binding and the rules each ask of every heading."""
    text = " ".join(title.replace("\ufe0f", "").split())
    text = _LEADING.sub("", text)  # emoji, bullets, punctuation
    # a numbering starts with \w and holds no space before the [.)]\s+ it
    # ends with: the first space follows a "." or ")" (split() leaves only " ")
    space = text.find(" ")
    if space > 0 and text[space - 1] in ".)" and text[0].isalnum():
        text = _NUMBERING.sub("", text)
        text = _LEADING.sub("", text)  # emoji after the numbering: "A. ⚡ Fast"
    return text.rstrip(" :").casefold()


_LEADING = lazy(r"^[^\w\[(]+")
_NUMBERING = lazy(r"^(?:[a-z]\d?|\d+|[ivx]+)(?:\.\d+)*[.)]\s+", re.I)


_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
# a date or period closing a heading: "Q3 2026", "(0-3 months)", "2025-26", "v1.2"
_PERIOD = (rf"(?:(?:early|mid|late|end of|by|until|from|since|in|due|target|eta)\s+)?"
           rf"(?:(?:q[1-4]|h[12]|{_MONTHS})(?:[ ,/'’-]*(?:\d{{2}}|\d{{4}}))?|\d{{4}}(?:\s*[-–/]\s*\d{{2,4}})?|"
           rf"v?\d+(?:\.\d+)+|\d+\s*[-–]\s*\d+\s*(?:days?|weeks?|months?|years?)|\d+\+?\s*(?:days?|weeks?|months?|years?)|tbd|tba)")
# a character every match of _trailing holds (a closing bracket, a separator)
_TRAILING_ENDS = ")]-–—|:,"
# What section_name removes is the leftmost match of one pattern,
#   (?:BRACKETED|SEPARATED)\s*[.:]?$
# kept as two so that the costly one (its period twice, with every month
# name) is compiled only for a title that can hold it. At one position the
# one pattern tries BRACKETED's branches before SEPARATED's, so its match is
# the leftmost of the two matches, the bracketed one on a tie (_trailing).
_BRACKETED = lazy(r"(?:\s*\([^()]*\)|\s*\[[^\[\]]*\])\s*[.:]?$", re.I)  # "(Q1 2025)", "[next release]"
_SEPARATED = lazy(
    rf"\s*(?:\s[-–—|]|[:,])\s*{_PERIOD}(?:\s*[-–/]\s*{_PERIOD})?\s*[.:]?$",  # "— Q3 2026", ": Jan-Mar 2025"
    re.I,
)
# Every match of _PERIOD holds a digit (\d), "tba"/"tbd" or the first three
# letters of a month, in the same case-insensitive sense: a title with none
# of them has no match of _SEPARATED.
_PERIOD_HINT = lazy(r"\d|tb[ad]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.I)


def _separator(name: str) -> bool:
    """Whether ``name`` holds a separator _SEPARATED starts with: ":", ","
    or a space (``\\s``, which is str.isspace) before one of "-–—|"."""
    if ":" in name or "," in name:
        return True
    return space_before(name, "-–—|")


def _trailing(name: str) -> re.Match[str] | None:
    """The match section_name removes (see _BRACKETED)."""
    bracketed = _BRACKETED.search(name) if (")" in name or "]" in name) else None
    if _separator(name) and _PERIOD_HINT.search(name):
        separated = _SEPARATED.search(name)
        if separated is not None and (bracketed is None or separated.start() < bracketed.start()):
            return separated
    return bracketed


@lru_cache(maxsize=8192)
def section_name(key: str) -> str:
    """A title key (see title_key) without a trailing date, period or
    parenthetical: the name a heading gives its section. ``now (q1 2025)``,
    ``next — q3 2026`` and ``later (6-12 months)`` are ``now``, ``next`` and
    ``later``; a heading that is only a period (``q3 2025``) keeps it.
    Cached: every section of a spec asks of each heading it is matched with."""
    name = key
    if len(key) > 2 * TITLE_LIMIT:  # no section's name is that long
        return key
    for _ in range(3):
        if not any(c in name for c in _TRAILING_ENDS):
            break  # what _trailing removes ends in a bracket or follows a separator
        m = _trailing(name)  # at most one match: it runs to the end
        shorter = (name if m is None else name[: m.start()] + name[m.end() :]).rstrip(" :-–—,")
        if shorter == name or not re.search(r"[^\W\d_]", shorter):
            break
        name = shorter
    return name


_LEAD = lazy(r"\s+[-–—]\s+|:\s+")


def section_lead(key: str) -> str | None:
    """The part of a title key before a separator (`` — ``, `` - ``, ``: ``),
    when there is one: ``future items - subject to discussion`` leads with
    ``future items``. A heading is bound by its lead only when no sibling
    shares it: "Later — Torch work" and "Later — Agents" are topics."""
    if ":" not in key and "-" not in key and "–" not in key and "—" not in key:
        return None  # each match of _LEAD holds one
    m = _LEAD.search(key[: 2 * TITLE_LIMIT])
    if m is None:
        return None
    lead = section_name(key[: m.start()].rstrip())
    return lead if re.search(r"[^\W\d_]", lead) else None


# The presets' section patterns, each with words one of which every text it
# matches (case-insensitively) holds, in fold_case's sense: a heading with none
# of them is not tested, and the pattern not compiled. Exact by reading the
# patterns (schemas/presets/*.json); test_spec checks it on the headings of
# the corpus and that fold_case maps every character re.I matches with an
# ASCII letter to that letter.
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
_HINTS: dict[str, tuple[str, ...]] = {
    "^(?:now|short[- ]term|near[- ]term)" + (_TAIL := "(?: (?:goals?|priorities|focus|plans?|work|items|tasks|"
                                                      "direction|steps|vision|ideas|features|releases?|milestones?|roadmap))?$"):
        ("now", "short", "near"),
    "^(?:next|medium[- ]term|mid[- ]term|soon|up next)" + _TAIL: ("next", "medium", "mid", "soon"),
    "^(?:later|long(?:er)?[- ]term|future|someday)" + _TAIL: ("later", "long", "future", "someday"),
    "(\\bq[1-4]\\b|\\bh[12]\\b|\\b(19|20)\\d{2}\\b|\\bmilestones?\\b|\\b(" + "|".join(_MONTH_NAMES) + ")\\b)":
        (*"0123456789", "milestone", *_MONTH_NAMES),
    "^(?:completed?|done|finished|shipped|released)(?: (?:tasks|items|work|features|milestones|phases))?$":
        ("complete", "done", "finished", "shipped", "released"),
    "^(?:in[- ]progress|ongoing|doing|wip)(?: (?:tasks|items|work|features|milestones|phases))?$":
        ("progress", "ongoing", "doing", "wip"),
    "^(?:to[- ]?do|planned|backlog|not started)(?: (?:tasks|items|work|features|milestones|phases))?$":
        ("todo", "to-do", "to do", "planned", "backlog", "not started"),
    "^future(?: (?:items|work|ideas|plans|features|enhancements|directions?|releases?|versions?))?$": ("future",),
}
def _may_match(pattern: Any, text: str) -> bool:
    """False when ``pattern`` (searched with re.I or without) cannot match
    ``text`` or a part of it; True when it may."""
    hint = _HINTS.get(getattr(pattern, "pattern", None))  # type: ignore[arg-type]
    if hint is None:
        return True
    folded = fold_case(text)
    return any(word in folded for word in hint)


class SectionSpec(Record):
    __slots__ = _fields = ("name", "aliases", "pattern", "level", "required", "min", "max", "children", "order",
                           "allow_unknown", "status", "items_status", "items_order", "template", "keys")
    _hidden = ("keys",)

    def __init__(self, name: str, aliases: list[str] | None = None, pattern: re.Pattern[str] | None = None,
                 level: int | None = None, required: bool = False, min: int = 0, max: int | None = 1,
                 children: list[SectionSpec] | None = None, order: str = "any", allow_unknown: bool = True,
                 status: str | None = None, items_status: str | None = None, items_order: Any = None,
                 template: str | None = None, keys: set[str] | None = None) -> None:
        self.name = name
        self.aliases = [] if aliases is None else aliases
        self.pattern = pattern
        self.level = level
        self.required = required
        self.min = min
        self.max = max
        self.children = [] if children is None else children
        self.order = order
        self.allow_unknown = allow_unknown
        self.status = status
        self.items_status = items_status
        self.items_order = items_order  # a list of statuses, or "priority"
        # Markdown for the section's own text: init --template, missing-section's fix
        self.template = template
        self.keys = {title_key(n) for n in (self.name, *self.aliases)}

    def matches(self, key: str, level: int) -> bool:
        """Whether a heading with this title key (see title_key) is this
        section: its whole name or an alias, once a trailing date or period
        is set aside, or its pattern (searched in the key and in the name)."""
        if self.level is not None and level != self.level:
            return False
        name = section_name(key)
        if key in self.keys or name in self.keys:
            return True
        if not self.pattern or not _may_match(self.pattern, key):  # name is a part of key
            return False
        return search(self.pattern, key) or search(self.pattern, name)

    @property
    def catch_all(self) -> bool:
        """A pattern that any heading matches (like ``.``): the section is
        whatever heading is left, not one the spec names."""
        return bool(self.pattern and _may_match(self.pattern, "-") and self.pattern.search("-"))

    @classmethod
    def from_data(cls, data: dict[str, Any], trusted: bool = False) -> SectionSpec:
        """``trusted``: a built-in preset's section, whose patterns need no
        check for slow shapes (test_presets_are_valid_specs checks them)."""
        repeat = data.get("repeat")
        required = data.get("required", False)
        return cls(
            name=data["name"],
            aliases=list(data.get("aliases", [])),
            pattern=(None if "pattern" not in data else lazy(data["pattern"], re.I) if trusted
                     else _compile(data["pattern"], data["name"], ["pattern"])),
            level=data.get("level"),
            required=required,
            min=max(repeat.get("min", 0) if repeat else 0, 1 if required else 0),
            max=(repeat.get("max") if repeat else 1),
            children=[cls.from_data(c, trusted) for c in data.get("children", [])],
            order=data.get("order", "any"),
            allow_unknown=data.get("allow_unknown_sections", True),
            status=data.get("status"),
            items_status=data.get("items", {}).get("status"),
            items_order=data.get("items", {}).get("order"),
            template=data.get("template"),
        )


def norm_marker(marker: str) -> str:
    """Markers compare without U+FE0F and with bracket words in lower case."""
    marker = marker.replace("\ufe0f", "").strip()
    if marker.startswith("[") and marker.endswith("]"):
        return "[" + " ".join(marker[1:-1].lower().replace("-", " ").split()) + "]" if marker != "[ ]" else marker
    return marker.lower() if marker.startswith(":") else marker


class Status(Record):
    __slots__ = _fields = ("name", "markers", "links", "finished")

    def __init__(self, name: str, markers: list[str], links: list[str], finished: bool) -> None:
        self.name = name
        self.markers = markers
        self.links = links
        self.finished = finished


class Spec(Record):
    __slots__ = _fields = ("name", "preset", "data", "sections", "statuses", "order", "allow_unknown", "legend",
                           "items_status", "title_required", "title_pattern", "model", "max_age_days",
                           "review_date", "_markers", "_links", "_model")
    _hidden = ("_markers", "_links", "_model")

    def __init__(self, name: str, preset: str | None, data: dict[str, Any], sections: list[SectionSpec],
                 statuses: dict[str, Status], order: str = "any", allow_unknown: bool = True,
                 legend: str = "optional", items_status: str = "optional", title_required: bool = False,
                 title_pattern: re.Pattern[str] | None = None, model: dict[str, Any] | None = None,
                 max_age_days: int = 180, review_date: str = "optional", _markers: dict[str, str] | None = None,
                 _links: dict[str, str] | None = None, _model: Any = None) -> None:
        self.name = name  # preset name, or where the spec came from
        self.preset = preset  # the preset it is or extends
        self.data = data
        self.sections = sections
        self.statuses = statuses
        self.order = order
        self.allow_unknown = allow_unknown
        self.legend = legend
        self.items_status = items_status
        self.title_required = title_required
        self.title_pattern = title_pattern
        self.model = model
        self.max_age_days = max_age_days
        self.review_date = review_date
        self._markers = {} if _markers is None else _markers
        self._links = {} if _links is None else _links
        self._model = _model
        for status in self.statuses.values():
            for m in status.markers:
                self._markers.setdefault(norm_marker(m), status.name)
            for text in status.links:
                self._links.setdefault(text.casefold(), status.name)

    def status_of(self, marker: str) -> str | None:
        return self._markers.get(norm_marker(marker))

    def status_of_link(self, text: str) -> str | None:
        return self._links.get(" ".join(text.split()).casefold())

    def finished(self, status: str | None) -> bool:
        found = self.statuses.get(status or "")
        return bool(found and found.finished) if found else status in FINISHED

    def model_validator(self) -> Any:
        """The validator of ``model`` (None without one), built once."""
        if self._model is None and self.model:
            self._model = model_validator(self.model, self.name)
        return self._model


def compile_spec(data: dict[str, Any], name: str, trusted: bool = False) -> Spec:
    full = expand(data)
    statuses = {
        key: Status(key, list(val.get("markers", [])), list(val.get("links", [])),
                    val.get("done", key in FINISHED))
        for key, val in full.get("statuses", {}).items()
    }
    title = full.get("title", {})
    preset = name if name in PRESETS else full.get("extends")
    return Spec(
        name=name,
        preset=preset,
        data=full,
        sections=[SectionSpec.from_data(s, trusted) for s in full.get("sections", [])],
        statuses=statuses,
        order=full.get("order", "any"),
        allow_unknown=full.get("allow_unknown_sections", True),
        legend=full.get("legend", "optional"),
        items_status=full.get("items", {}).get("status", "optional"),
        title_required=title.get("required", False),
        title_pattern=(None if "pattern" not in title else lazy(title["pattern"], re.I) if trusted
                       else _compile(title["pattern"], name, ["title", "pattern"])),
        model=full.get("model"),
        max_age_days=full.get("max_age_days", 180),
        review_date=full.get("review_date", "optional"),
    )


@lru_cache(maxsize=None)
def preset(name: str) -> Spec:
    return compile_spec(preset_data(name), name, trusted=True)


def load_spec_file(path: str | os.PathLike[str]) -> Spec:
    path = os.fspath(path)
    shown = _show(path)
    if os.path.exists(path) and not os.path.isfile(path):  # a fifo would block, /dev/zero never end
        raise SpecError(f"{shown}: cannot read: not a regular file")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.loads(fh.read())
    except OSError as exc:
        raise SpecError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"{shown}: invalid JSON: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise SpecError(f"{shown}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})") from None
    validate(data, shown)
    return compile_spec(data, shown)


def user_spec(raw: Any, origin: str) -> Spec:
    """A spec from the config: a path string, or an inline table."""
    if isinstance(raw, str):
        return load_spec_file(raw)
    where = f"{_show(origin)} [spec]"
    validate(raw, where)
    return compile_spec(raw, where)
