"""The rules: what a rule declares, what it receives, and how the run picks
which rules apply.

A rule is one function in its family module (``roadmaplint/rules/*.py``)::

    @rule(code="RL501", name="heading-style", summary="...", fix=Fixable.ALWAYS,
          severity=Severity.WARNING, options={"style": {"enum": [...], "default": "consistent"}})
    def heading_style(ctx: Context) -> Iterator[Finding]:
        ...

Its metadata is checked when it registers (see :func:`rule`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar

from .lazyre import lazy
from .violations import Finding, FrozenRecord, Fixable, Record, Severity

if TYPE_CHECKING:
    import datetime as dt

    from .binding import Bound
    from .repository import Repository
    from .document import Document
    from .spec import Spec

T = TypeVar("T")


class Run(FrozenRecord):
    """What a rule may know of the run beyond the document: the date to judge
    due dates by, whether the network may be used, and where things live."""

    __slots__ = _fields = ("today", "check_remote", "cache", "config_path", "repository", "default_branch")

    def __init__(self, today: dt.date, check_remote: bool = False, cache: str | None = None,
                 config_path: str | None = None, repository: str | None = None,
                 default_branch: str | None = None) -> None:
        self.today = today
        self.check_remote = check_remote  # only --check-remote lets a rule use the network
        self.cache = cache  # --cache: where dead-link keeps its results
        self.config_path = config_path  # the configuration file that applies, if any
        self.repository = repository  # configured: "github.com/acme/widget"
        self.default_branch = default_branch  # configured


class Context:
    """What a rule receives: the document, its binding to the spec, the rule's
    own options (attributes: ``ctx.options.style``) and the run."""

    __slots__ = ("bound", "options", "run", "_shared")

    def __init__(self, bound: Bound, options: Any, run: Run, shared: dict[Callable[..., Any], Any]) -> None:
        self.bound = bound
        self.options = options
        self.run = run
        self._shared = shared

    @property
    def doc(self) -> Document:
        return self.bound.doc

    @property
    def spec(self) -> Spec:
        return self.bound.spec

    @property
    def repository(self) -> Repository | None:
        """The repository the document lives in (the configuration's, else
        git's origin remote), or None: a file outside any repository, or text
        with no path."""
        path = self.bound.doc.source.path
        if not path or path.startswith("<"):
            return None
        from .repository import find_repository

        return find_repository(os.path.dirname(os.path.abspath(path)), self.run.repository,
                               self.run.default_branch)

    def once(self, build: Callable[[Document], T]) -> T:
        """``build(doc)``, computed once per lint and shared by every rule
        that asks (an index several rules read)."""
        if build not in self._shared:
            self._shared[build] = build(self.bound.doc)
        return self._shared[build]


Check = Callable[[Context], Iterable[Finding]]

_CODE = lazy(r"RL[1-9]\d\d")
_NAME = lazy(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _valid(code: str, name: str) -> bool:
    """``_CODE.fullmatch(code) and _NAME.fullmatch(name)``, read without
    compiling them (\\d is str.isdecimal) at each rule's registration."""
    return (len(code) == 5 and code.startswith("RL") and "1" <= code[2] <= "9" and code[3:].isdecimal()
            and "a" <= name[:1] <= "z" and all(part and _NAME_CHARS.issuperset(part) for part in name.split("-")))


class Options:
    """A rule's options (``ctx.options``): one read-only attribute per
    option; ``_fields`` and ``_asdict()`` as a named tuple has them."""

    def __init__(self, kind: str, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        object.__setattr__(self, "_kind", kind)

    @property
    def _fields(self) -> tuple[str, ...]:
        return tuple(k for k in self.__dict__ if k != "_kind")

    def _asdict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._fields}

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind}: options are read-only")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Options):
            return NotImplemented
        return self._kind == other._kind and self._asdict() == other._asdict()

    def __hash__(self) -> int:
        return hash((self._kind, *self._asdict().items()))

    def __repr__(self) -> str:
        return f"{self._kind}(" + ", ".join(f"{k}={v!r}" for k, v in self._asdict().items()) + ")"


class Rule(Record):
    """A registered rule: its metadata and its check."""

    __slots__ = ("code", "name", "summary", "check", "fix", "severity", "default", "formatting", "options",
                 "remote", "spec_key")
    _fields = __slots__

    def __init__(self, code: str, name: str, summary: str, check: Check, fix: Fixable = Fixable.NEVER,
                 severity: Severity = Severity.ERROR, default: bool = True, formatting: bool = False,
                 options: dict[str, Any] | None = None, remote: bool = False, spec_key: str | None = None) -> None:
        self.code = code
        self.name = name
        self.summary = summary
        self.check = check
        self.fix = fix
        self.severity = severity
        self.default = default  # enabled without being selected
        # a formatting rule (whitespace, blank lines): `format` applies it;
        # `check` runs it only when a selector names it (ruff's check/format split)
        self.formatting = formatting
        self.options = {} if options is None else options  # JSON Schema properties
        # the rule reads the network, and only when the run allows it
        # (--check-remote): dead-link
        self.remote = remote
        # a spec key (dotted: "items.order") that turns the rule on when
        # nothing is selected (tracking-link, item-order)
        self.spec_key = spec_key

    def wanted_by(self, data: dict[str, Any]) -> bool:
        """Whether a spec's data asks for this rule."""
        if not self.spec_key:
            return False
        node: Any = data
        for part in self.spec_key.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return bool(node)

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.options.items() if "default" in v}

    def bind_options(self, given: dict[str, Any]) -> Any:
        """The rule's options object: its defaults, overridden by ``given``
        (the configuration's table for the rule, already validated)."""
        values = self.defaults
        values.update((k, v) for k, v in given.items() if k in self.options)
        return Options(f"{self.name.replace('-', '_')}_options", {k: values[k] for k in sorted(values)})


_REGISTRY: dict[str, Rule] = {}
# name -> the code it was registered under: a name is taken while that code
# is registered under that name (a test may delete its rule from _REGISTRY)
_NAMES: dict[str, str] = {}


def _taken(name: str) -> bool:
    """``any(r.name == name for r in _REGISTRY.values())``, without the scan
    at each rule's registration."""
    held = _REGISTRY.get(_NAMES.get(name, ""))
    if held is not None and held.name == name:
        return True
    # a rule put in _REGISTRY by hand (tests) is not in _NAMES
    return len(_NAMES) != len(_REGISTRY) and any(r.name == name for r in _REGISTRY.values())


class RuleError(Exception):
    """A rule declared something the registry does not accept (a bug in the rule)."""


def rule(**meta: Any) -> Callable[[Check], Check]:
    """Register a rule: ``@rule(code="RL501", name="heading-style", ...)``.

    Checked here, once: the code (``RL`` and three digits) and the name
    (kebab-case) are new, ``fix`` is a :class:`Fixable` and ``severity`` a
    :class:`Severity` (their values are accepted too), every option has a
    default, and "severity" is not an option name (every rule has it)."""

    def register(check: Check) -> Check:
        code, name = meta.get("code", ""), meta.get("name", "")

        def where() -> str:
            return f"{code or '?'} ({getattr(check, '__qualname__', check)})"

        if not _valid(code, name):
            raise RuleError(f"{where()}: a rule needs a code like RL501 and a kebab-case name")
        try:
            meta["fix"] = Fixable(meta.get("fix", Fixable.NEVER))
            meta["severity"] = Severity(meta.get("severity", Severity.ERROR))
        except ValueError as exc:
            raise RuleError(f"{where()}: {exc}") from None
        options = meta.get("options", {})
        missing = [k for k, v in options.items() if "default" not in v]
        if missing or "severity" in options:
            raise RuleError(f"{where()}: every option needs a default, and none may be called severity")
        if code in _REGISTRY or _taken(name):
            raise RuleError(f"{where()}: the code or name {name!r} is taken")
        _REGISTRY[code] = Rule(check=check, **meta)
        _NAMES[name] = code
        return check

    return register


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (registers every rule module)

    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def find_rule(selector: str) -> Rule | None:
    for r in all_rules():
        if selector.upper() == r.code or selector.lower() == r.name:
            return r
    return None


def matches(r: Rule, selector: str) -> bool:
    """A selector is ALL, a code, a code prefix (RL5) or a rule name."""
    sel = selector.strip()
    if not sel:
        return False
    return sel.upper() == "ALL" or r.code.startswith(sel.upper()) or sel.lower() == r.name


def is_selector(selector: str) -> bool:
    return any(matches(r, selector) for r in all_rules())
