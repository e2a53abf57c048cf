"""Find, read and validate the config, and turn it into per-file settings.

The config is ``.roadmaplint.toml`` or the ``[tool.roadmaplint]`` table of
``pyproject.toml``, found by walking up from each file to the repository root.
"""

from __future__ import annotations

import copy
import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import registry
from .paths import folders, parent, posix, relative, shown
from .settings import Settings
from .resources import data_text
from .violations import Record

if TYPE_CHECKING:
    from .paths import PathLike


def _toml() -> Any:
    """tomllib (tomli before 3.11), imported when a config file is read."""
    try:
        import tomllib
    except ImportError:  # pragma: no cover
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib

NAME = ".roadmaplint.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """A problem in a config file, in one line: ``file[:line]: [$.path: ]message``."""

    def __init__(
        self, path: PathLike, message: str, where: str = "", line: int | None = None
    ) -> None:
        self.path, self.message, self.where, self.line = path, message, where, line
        loc = shown(path) + (f":{line}" if line else "")
        text = f"{loc}: {where}: {message}" if where else f"{loc}: {message}"
        super().__init__(" ".join(text.split("\n")))


class Config(Record):
    __slots__ = _fields = ("path", "data")

    def __init__(self, path: PathLike, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def settings_for(self, file: PathLike) -> Settings:
        """Top-level keys, then every override whose ``files`` match, in order.

        ``select`` replaces the selection so far (``extend-select`` included),
        ``extend-select`` and ``ignore`` add to it, rule options merge per key.
        """
        spec = self.data.get("spec")
        if isinstance(spec, str):
            spec = os.path.abspath(os.path.join(self._root(), spec))
        s = Settings(
            preset=self.data.get("preset"), spec=spec, config_path=str(self.path)
        )
        _apply(s, self.data)
        # the file below the config's directory; None outside it: no override applies
        rel = relative(os.path.abspath(file), self._root())
        rel = None if rel is None else posix(rel)
        for o in self.data.get("overrides", []):
            if rel is not None and any(glob_match(rel, p) for p in o["files"]):
                _apply(s, o)
        return s

    def _root(self) -> str:
        return parent(self.path)


def _apply(s: Settings, table: dict[str, Any]) -> None:
    if "select" in table:
        s.select, s.extend_select = list(table["select"]), []
    s.extend_select += table.get("extend-select", [])
    s.ignore += table.get("ignore", [])
    if "self-links" in table:  # the form links into the repository take: missing-file's option
        s.options.setdefault("missing-file", {})["self_links"] = table["self-links"]
    if "check-remote" in table:
        s.check_remote = bool(table["check-remote"])
    if "repository" in table:
        s.repository = table["repository"]
    if "default-branch" in table:
        s.default_branch = table["default-branch"]
    base = os.path.dirname(s.config_path or "")
    s.exclude += [(base, p) for p in (*table.get("exclude", []), *table.get("extend-exclude", []))]
    for name, opts in table.get("rules", {}).items():
        s.options.setdefault(name, {}).update(copy.deepcopy(opts))


def find_config(path: PathLike) -> str | None:
    """The nearest config at or above ``path`` (absolute); the repository
    root (the first directory holding ``.git``) is the last one searched."""
    for d in folders(_dir(path)):
        if os.path.isfile(own := os.path.join(d, NAME)):
            return own
        if _has_table(pyproject := os.path.join(d, PYPROJECT)):
            return pyproject
        if os.path.exists(os.path.join(d, ".git")):
            break
    return None


def _dir(path: PathLike) -> str:
    p = os.path.abspath(path)
    return p if os.path.isdir(p) else os.path.dirname(p)


def _has_table(path: str) -> bool:
    if not os.path.isfile(path):  # a fifo or a directory named pyproject.toml
        return False
    try:
        text = _read_text(path)
    except (OSError, UnicodeDecodeError):
        return False
    if "roadmaplint" not in text:  # most pyprojects: skip the parse
        return False
    tomllib = _toml()
    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        return True  # it mentions us: let load_config report the error
    return isinstance(tool, dict) and "roadmaplint" in tool


def _read_text(path: PathLike) -> str:
    with open(path, encoding="utf-8-sig") as fh:
        return fh.read()


def load_config(path: PathLike) -> Config:
    """The config file at ``path``; its ``path`` is the one given."""
    if os.path.exists(path) and not os.path.isfile(path):
        raise ConfigError(path, "cannot read: not a regular file")
    try:
        text = _read_text(path)
    except OSError as e:
        raise ConfigError(path, f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(path, f"invalid TOML: not UTF-8 (byte {e.start})") from None
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, f"invalid TOML: {e}") from None
    prefix: list[str] = []
    if os.path.basename(path) == PYPROJECT:
        tool = data.get("tool")
        if not isinstance(tool, dict) or "roadmaplint" not in tool:
            raise ConfigError(path, "no [tool.roadmaplint] table")
        data, prefix = tool["roadmaplint"], ["tool", "roadmaplint"]
    _validate(data, path, text, prefix)
    return Config(path, data)


def resolve(
    file: PathLike, explicit: PathLike | None = None, cache: dict | None = None
) -> Settings:
    """Settings for ``file`` from its config (or ``explicit``); pass the same
    ``cache`` for every file of a run so each directory and config is read once."""
    cache = {} if cache is None else cache
    path = explicit
    if path is None:
        d = _dir(file)
        if ("find", d) not in cache:
            cache["find", d] = find_config(d)
        path = cache["find", d]
    if path is None:
        return Settings()
    key = ("load", os.path.abspath(path))
    if key not in cache:
        cache[key] = load_config(path)
    return cache[key].settings_for(file)


def config_schema() -> dict[str, Any]:
    """The base schema with every registered rule's options filled in."""
    import json

    schema = json.loads(data_text("schemas", "config.schema.json"))
    schema["$defs"]["rules"]["properties"] = {
        r.name: {
            "description": f"{r.code}: {r.summary}",
            "type": "object",
            "additionalProperties": False,
            "properties": {**r.options, "severity": {"$ref": "#/$defs/severity"}},
        }
        for r in registry.all_rules()
    }
    return schema


_VALIDATORS: dict[tuple, Any] = {}


def _validator() -> Any:
    # Keyed on the registry so a rule registered later (plugins, tests) is seen.
    key = tuple((r.code, id(r)) for r in registry.all_rules())
    if key not in _VALIDATORS:
        from jsonschema import Draft202012Validator, ValidationError, validators

        def selector(validator: Any, on: bool, instance: Any, schema: Any) -> Any:
            # strip(): the registry treats "" as a prefix of every code
            if on and isinstance(instance, str):
                if not (instance.strip() and registry.is_selector(instance)):
                    yield ValidationError(
                        f"{instance!r} is not a rule code, code prefix, rule name or ALL"
                    )

        cls = validators.extend(Draft202012Validator, {"selector": selector})
        _VALIDATORS.clear()
        _VALIDATORS[key] = cls(config_schema())
    return _VALIDATORS[key]


def _validate(data: dict[str, Any], path: PathLike, text: str, prefix: list[str]) -> None:
    from jsonschema.exceptions import best_match

    err = best_match(_validator().iter_errors(data))
    if err is None:
        return
    keys: list[str | int] = [*prefix, *err.absolute_path]
    where = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = err.schema.get("properties", {})
        keys += [k for k in err.instance if k not in known][:1]
    raise ConfigError(path, err.message, where, _line_of(text, keys))


def _line_of(text: str, keys: list[str | int]) -> int | None:
    """Best-effort 1-based line of the innermost key: look for each key in
    turn from the line where the previous one was found."""
    names = [k for k in keys if isinstance(k, str)]
    lines, at = text.split("\n"), 0  # TOML lines end only at \n
    for name in names:
        at = next((n for n in range(at, len(lines)) if _defines(lines[n], name)), -1)
        if at < 0:
            return None
    return at + 1 if names else None


def _defines(line: str, key: str) -> bool:
    s = line.strip()
    if s.startswith("["):  # [a.b] or [[a]]
        head = s.lstrip("[").split("]")[0]
        return key in (p.strip().strip("\"'") for p in head.split("."))
    # `key =`, dotted `a.key.b =`, or inside an inline table `{ key = `
    return re.search(rf"(?:^|[{{,.])\s*[\"']?{re.escape(key)}[\"']?\s*[.=]", s) is not None


def glob_match(path: str, pattern: str) -> bool:
    """Match a whole ``/``-separated relative path: ``*``, ``?`` and ``[...]``
    stay within one directory, ``**/`` is any number of directories and a
    trailing ``**`` anything below."""
    return _glob(pattern).fullmatch(path) is not None


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    pat, out, i = pattern.removeprefix("./"), [], 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pat[i] == "?":
            out.append("[^/]")
            i += 1
        elif pat[i] == "[" and (j := pat.find("]", i + 2)) > 0:
            body = pat[i + 1 : j].replace("\\", "\\\\")
            out.append("[^/" + body[1:] + "]" if body[0] in "!^" else "[" + body + "]")
            i = j + 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    return re.compile("".join(out))

