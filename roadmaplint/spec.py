"""The roadmap spec: presets, `extends`, validation, and the compiled form
the structure and status rules read."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PRESETS = ("horizons", "features", "themes", "status-legend", "checklist", "generic")
BUILTIN_STATUSES = ("done", "in-progress", "planned", "blocked", "dropped")
FINISHED = {"done", "dropped"}


class SpecError(Exception):
    """A spec that cannot be used; the message is one line."""


@lru_cache(maxsize=None)
def preset_data(name: str) -> dict[str, Any]:
    from .resources import data_path

    if name not in PRESETS:
        raise SpecError(f"unknown preset {name!r} (one of {', '.join(PRESETS)})")
    return json.loads(data_path("schemas", "presets", f"{name}.json").read_text(encoding="utf-8"))


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
            out["statuses"] = {**base.get("statuses", {}), **copy.deepcopy(value)}
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

    from .resources import data_path

    schema = json.loads(data_path("schemas", "spec.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def validate(data: Any, origin: str) -> None:
    """Check a user spec against schemas/spec.schema.json, plus what a schema
    cannot say (regexes compile, implied statuses exist)."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    if error is not None:
        raise SpecError(f"{origin}: {_json_path(error.absolute_path)}: {error.message}")
    full = expand(data)
    statuses = set(full.get("statuses", {})) | set(BUILTIN_STATUSES)

    def walk(sections: list[dict], path: str) -> None:
        for i, sec in enumerate(sections):
            here = f"{path}[{i}]"
            if "pattern" in sec:
                _compile(sec["pattern"], f"{origin}: {here}.pattern")
            if "status" in sec and sec["status"] not in statuses:
                raise SpecError(f"{origin}: {here}.status: {sec['status']!r} is not a defined status")
            walk(sec.get("children", []), f"{here}.children")

    walk(data.get("sections", []), "$.sections")
    if "pattern" in data.get("title", {}):
        _compile(data["title"]["pattern"], f"{origin}: $.title.pattern")


_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}]\)[+*{]")


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    # A quantified group that is itself quantified ((a+)+) backtracks
    # exponentially; refuse it rather than risk a hang on a long heading.
    if _NESTED_QUANTIFIER.search(pattern):
        raise SpecError(f"{where}: nested quantifiers like (a+)+ are not allowed (they can hang)")
    try:
        return re.compile(pattern, re.I)
    except re.error as exc:
        raise SpecError(f"{where}: invalid regular expression: {exc}") from None


# -- the compiled spec --------------------------------------------------------

def title_key(title: str) -> str:
    """A heading's title as specs compare it: lower case, no leading emoji
    or numbering, no trailing colon, single spaces."""
    text = " ".join(title.replace("\ufe0f", "").split())
    text = re.sub(r"^[^\w\[(]+", "", text)  # emoji, bullets, punctuation
    text = re.sub(r"^(?:[a-z]\d?|\d+|[ivx]+)(?:\.\d+)*[.)]\s+", "", text, flags=re.I)
    text = re.sub(r"^[^\w\[(]+", "", text)  # emoji after the numbering: "A. ⚡ Fast"
    return text.rstrip(" :").casefold()


@dataclass
class SectionSpec:
    name: str
    aliases: list[str] = field(default_factory=list)
    pattern: re.Pattern[str] | None = None
    level: int | None = None
    required: bool = False
    min: int = 0
    max: int | None = 1
    children: list[SectionSpec] = field(default_factory=list)
    order: str = "any"
    allow_unknown: bool = True
    status: str | None = None
    items_status: str | None = None

    def matches(self, key: str, level: int) -> bool:
        if self.level is not None and level != self.level:
            return False
        if key == title_key(self.name) or key in (title_key(a) for a in self.aliases):
            return True
        return bool(self.pattern and self.pattern.search(key))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SectionSpec:
        repeat = data.get("repeat")
        required = data.get("required", False)
        return cls(
            name=data["name"],
            aliases=list(data.get("aliases", [])),
            pattern=_compile(data["pattern"], data["name"]) if "pattern" in data else None,
            level=data.get("level"),
            required=required,
            min=max(repeat.get("min", 0) if repeat else 0, 1 if required else 0),
            max=(repeat.get("max") if repeat else 1),
            children=[cls.from_data(c) for c in data.get("children", [])],
            order=data.get("order", "any"),
            allow_unknown=data.get("allow_unknown_sections", True),
            status=data.get("status"),
            items_status=data.get("items", {}).get("status"),
        )


def norm_marker(marker: str) -> str:
    """Markers compare without U+FE0F and with bracket words in lower case."""
    marker = marker.replace("\ufe0f", "").strip()
    if marker.startswith("[") and marker.endswith("]"):
        return "[" + " ".join(marker[1:-1].lower().replace("-", " ").split()) + "]" if marker != "[ ]" else marker
    return marker.lower() if marker.startswith(":") else marker


@dataclass
class Status:
    name: str
    markers: list[str]
    links: list[str]
    finished: bool


@dataclass
class Spec:
    name: str  # preset name, or where the spec came from
    preset: str | None  # the preset it is or extends
    data: dict[str, Any]
    sections: list[SectionSpec]
    statuses: dict[str, Status]
    order: str = "any"
    allow_unknown: bool = True
    legend: str = "optional"
    items_status: str = "optional"
    title_required: bool = False
    title_pattern: re.Pattern[str] | None = None
    model: dict[str, Any] | None = None
    max_age_days: int = 180
    review_date: str = "optional"
    _markers: dict[str, str] = field(default_factory=dict, repr=False)
    _links: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
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
        return bool(found and found.finished)


def compile_spec(data: dict[str, Any], name: str) -> Spec:
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
        sections=[SectionSpec.from_data(s) for s in full.get("sections", [])],
        statuses=statuses,
        order=full.get("order", "any"),
        allow_unknown=full.get("allow_unknown_sections", True),
        legend=full.get("legend", "optional"),
        items_status=full.get("items", {}).get("status", "optional"),
        title_required=title.get("required", False),
        title_pattern=_compile(title["pattern"], "title") if "pattern" in title else None,
        model=full.get("model"),
        max_age_days=full.get("max_age_days", 180),
        review_date=full.get("review_date", "optional"),
    )


@lru_cache(maxsize=None)
def preset(name: str) -> Spec:
    return compile_spec(preset_data(name), name)


def load_spec_file(path: Path) -> Spec:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: invalid JSON: {exc}") from None
    validate(data, str(path))
    return compile_spec(data, str(path))


def user_spec(raw: Any, origin: str) -> Spec:
    """A spec from the config: a path string, or an inline table."""
    if isinstance(raw, str):
        return load_spec_file(Path(raw))
    validate(raw, f"{origin} [spec]")
    return compile_spec(raw, f"{origin} [spec]")
