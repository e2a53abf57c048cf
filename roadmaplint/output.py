"""Reporting violations: text for people; JSON, SARIF, JUnit XML and GitHub
workflow commands for programs."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .lazyre import lazy
from .paths import posix, relative
from .violations import Fixable, Record, Violation

if TYPE_CHECKING:
    from .registry import Rule
    from .violations import Edit
    from .source import Source

# Where the rule pages live online: SARIF's helpUri points into this.
PROJECT_URL = "https://github.com/roadmaplint/roadmaplint"
RULES_URL = f"{PROJECT_URL}/blob/main/rules/"

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class FileReport(Record):
    __slots__ = _fields = ("path", "violations", "preset", "source")

    def __init__(self, path: str, violations: list[Violation] | None = None, preset: str | None = None,
                 source: Source | None = None) -> None:
        self.path = path
        self.violations = [] if violations is None else violations
        self.preset = preset
        # the text the violations' spans index; SARIF needs it for UTF-16 columns
        self.source = source


_LONE = lazy("[\ud800-\udfff]")


def _encodes(s: str) -> bool:
    """Whether ``s`` is UTF-8 as it is: it holds no surrogate (the only
    characters UTF-8 cannot encode)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(s: str) -> str:
    """``s`` as any output can carry it: a byte that is not UTF-8 (in a path
    the file system allows, or in a damaged file; Python keeps it as a lone
    surrogate) is written ``\\xNN``."""
    if s.isascii() or _encodes(s) or not _LONE.search(s):
        return s
    return _LONE.sub(lambda m: f"\\x{ord(m.group(0)) - 0xDC00:02x}" if "\udc80" <= m.group(0) <= "\udcff"
                     else f"\\u{ord(m.group(0)):04x}", s)


def shown_all(data: Any) -> Any:
    """Every string in a JSON-like structure, :func:`shown`."""
    if isinstance(data, str):
        return shown(data)
    if isinstance(data, dict):
        return {shown_all(k): shown_all(v) for k, v in data.items()}
    if isinstance(data, list):
        return [shown_all(v) for v in data]
    return data


_shown_all = shown_all  # the name cli.py imports


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(reports: list[FileReport]) -> str:
    """``Found 3 problems (1 error, 2 warnings) in 2 files; ...``: errors fail
    the run, warnings only with ``--strict``."""
    total = sum(len(r.violations) for r in reports)
    if not total:
        return f"All checks passed ({_plural(len(reports), 'file')})."
    files = sum(1 for r in reports if r.violations)
    errors = sum(v.severity == "error" for r in reports for v in r.violations)
    fixable = sum(v.fixable for r in reports for v in r.violations)
    unsafe = sum(v.unsafe_fixable for r in reports for v in r.violations)
    kinds = ", ".join(
        _plural(n, word) for n, word in ((errors, "error"), (total - errors, "warning")) if n
    )
    line = f"Found {_plural(total, 'problem')} ({kinds}) in {_plural(files, 'file')}"
    if fixable:
        line += f"; {fixable} fixable with `roadmaplint check --fix`"
    if unsafe:
        line += f"; {unsafe} more with `--fix --unsafe-fixes` [~]"
    return line + "."


def mark(v: Violation) -> str:
    """`` [*]`` for a safe fix, `` [~]`` for an unsafe one."""
    return " [*]" if v.fixable else " [~]" if v.unsafe_fixable else ""


def _like(v: Violation) -> tuple:
    """What makes two findings in one file the same finding: the rule, the
    message, the severity and the fix's replacement text."""
    fix = tuple(e.replacement for e in v.fix.edits) if v.fix is not None else None
    return v.code, v.message, v.severity, mark(v), fix


def _grouped(violations: list[Violation]) -> list[tuple[Violation, list[int]]]:
    """Each distinct finding at its first place, with the lines of the
    others like it (one damaged legend repeated 80 times is one line)."""
    first: dict[tuple, tuple[Violation, list[int]]] = {}
    for v in violations:
        key = _like(v)
        if key in first:
            first[key][1].append(v.line)
        else:
            first[key] = (v, [])
    return list(first.values())


def _more(lines: list[int], limit: int = 8) -> str:
    if not lines:
        return ""
    at = list(dict.fromkeys(lines))  # a line once, however many it holds
    where = ", ".join(str(n) for n in at[:limit]) + (", ..." if len(at) > limit else "")
    return f" (and {len(lines)} more like it on line{'s' if len(at) > 1 else ''} {where})"


def text(reports: list[FileReport], color: bool, quiet: bool = False) -> str:
    """One line per finding, ``path:line:col: severity CODE [name] [*] message``
    (``[*]``: a safe fix exists; ``[~]``: an unsafe one), then the summary.
    Findings alike in one file (same rule, message and fix) share the line
    of the first: "(and 3 more like it on lines 12, 40, 41)". The summary,
    and every other format, counts and places each one."""
    if color:
        import click  # only to style: a plain check does not import click
    lines = []
    for report in reports:
        for v, others in _grouped(report.violations) if not quiet else ():
            where = f"{shown(v.path)}:{v.line}:{v.column}:"
            severity, code = v.severity, v.code
            if color:
                where = click.style(where, bold=True)
                severity = click.style(severity, fg="red" if v.severity == "error" else "yellow", bold=True)
                code = click.style(code, bold=True)
            lines.append(f"{where} {severity} {code} [{v.name}]{mark(v)} {shown(v.message)}{_more(others)}")
    if not quiet or any(r.violations for r in reports):
        lines.append(summary(reports))
    return "\n".join(lines)


def statistics(reports: list[FileReport], as_json: bool = False) -> str:
    """One line per rule that found something, most found first: count,
    code, name, and how many have a safe fix."""
    rows: dict[str, dict[str, Any]] = {}
    for r in reports:
        for v in r.violations:
            row = rows.setdefault(v.code, {"code": v.code, "name": v.name, "severity": v.severity,
                                           "count": 0, "fixable": 0})
            row["count"] += 1
            row["fixable"] += v.fixable
    ordered = sorted(rows.values(), key=lambda row: (-row["count"], row["code"]))
    if as_json:
        import json

        return json.dumps(ordered, indent=2)
    width = max((len(str(row["count"])) for row in ordered), default=1)
    return "\n".join(
        (f"{row['count']:>{width}}  {row['code']}  {row['name']:<24} {row['severity']:<8}"
         + (f" [*] {row['fixable']} fixable" if row["fixable"] else "")).rstrip()
        for row in ordered
    )


def as_json(reports: list[FileReport]) -> str:
    data = {
        "version": 1,
        "files": [
            {"path": r.path, "preset": r.preset, "violations": len(r.violations)} for r in reports
        ],
        "violations": [v.as_dict() for r in reports for v in r.violations],
    }
    import json

    return json.dumps(shown_all(data), indent=2, ensure_ascii=False)


def _root() -> str:
    """What paths are reported relative to: the checkout in GitHub Actions
    (annotations and code scanning resolve paths from there), else the
    working directory."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    return os.path.abspath(workspace) if workspace else os.getcwd()


def _relative(path: str) -> str:
    """The path relative to :func:`_root`, with forward slashes; a path
    outside it stays absolute."""
    full = os.path.abspath(path)
    return posix(relative(full, _root()) or full)


# -- GitHub workflow commands ------------------------------------------------

def _escape_data(s: str) -> str:
    # the escaping of @actions/core's command.ts
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(reports: list[FileReport]) -> str:
    """One ``::error`` or ``::warning`` command per violation."""
    lines = []
    for report in reports:
        path = shown(_relative(report.path))
        for v in report.violations:
            props: dict[str, object] = {"file": path, "line": v.line}
            # GitHub takes columns only for an annotation on a single line
            if v.end_line == v.line:
                props.update(col=v.column, endLine=v.end_line, endColumn=v.end_column)
            else:
                props.update(endLine=v.end_line)
            props["title"] = f"{v.code} {v.name}"
            joined = ",".join(f"{k}={_escape_property(str(val))}" for k, val in props.items())
            kind = "error" if v.severity == "error" else "warning"
            lines.append(f"::{kind} {joined}::{_escape_data(shown(v.message))}")
    return "\n".join(lines)


# -- SARIF 2.1.0 ---------------------------------------------------------------

def _utf16(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _position(source: Source, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``offset``, the column in UTF-16 code units
    (SARIF's default columnKind)."""
    line = source.line_of(offset)
    return line + 1, _utf16(source.text[source.line_start(line) : offset]) + 1


def _region(source: Source | None, start: int, end: int, fallback: Violation | None = None) -> dict[str, int]:
    if source is None:  # no text to measure: code point columns are the best we have
        assert fallback is not None
        return {"startLine": fallback.line, "startColumn": fallback.column,
                "endLine": fallback.end_line, "endColumn": fallback.end_column}
    (sl, sc), (el, ec) = _position(source, start), _position(source, end)
    return {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}


def _rule_page(r: Rule) -> str:
    from .resources import data_text

    try:
        return data_text("rules", f"{r.code}-{r.name}.md")
    except OSError:
        return ""


def _what_it_does(page: str) -> str:
    """The first paragraph of a rule page's "What it does" section."""
    m = re.search(r"^## What it does\n+(.+?)(?:\n\s*\n|\Z)", page, re.M | re.S)
    if not m:
        return ""
    first = " ".join(m.group(1).split())
    # a paragraph that leads into an example or a list ends in a colon
    return first[:-1] + "." if first.endswith(":") else first


def sarif_rule(r: Rule) -> dict[str, Any]:
    url = f"{RULES_URL}{r.code}-{r.name}.md"
    full = _what_it_does(_rule_page(r)) or r.summary
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": full},
        "helpUri": url,
        "help": {"text": f"{full}\n\n{url}", "markdown": f"{full}\n\n[{r.code} {r.name}]({url})"},
        "defaultConfiguration": {"level": _level(r.severity.value), "enabled": r.default},
        "properties": {"fixable": r.fix is not Fixable.NEVER, "fix": r.fix.value},
    }


def _level(severity: str) -> str:
    return "error" if severity == "error" else "warning"


def _file_uri(path: str) -> str:
    """``file:///...`` for an absolute path (SARIF only: pathlib knows how)."""
    from pathlib import Path

    return Path(path).as_uri()


def _artifact(path: str) -> dict[str, str]:
    rel = _relative(path)
    if os.path.isabs(rel):  # outside the root: a file URI (bytes percent-encoded)
        return {"uri": _file_uri(rel)}
    # percent-encode the path's bytes, as the file system holds them
    return {"uri": quote(os.fsencode(rel), safe="/"), "uriBaseId": "%SRCROOT%"}


def _fix(v: Violation, source: Source | None, artifact: dict[str, str]) -> dict[str, Any] | None:
    fix = v.fix
    # a BOM or encoding change is not an edit of the text: no replacement says it
    if fix is None or not fix.edits or fix.bom is not None or fix.encoding is not None or source is None:
        return None
    edits: list[Edit] = sorted(fix.edits)
    return {
        "description": {"text": f"{fix.applicability.value} fix for {v.code} {v.name}"},
        "artifactChanges": [
            {
                "artifactLocation": artifact,
                "replacements": [
                    {"deletedRegion": _region(source, e.start, e.end),
                     "insertedContent": {"text": e.replacement}}
                    for e in edits
                ],
            }
        ],
    }


def sarif(reports: list[FileReport], rules: list[Rule], successful: bool = True) -> str:
    """A SARIF 2.1.0 log of one run; columns count UTF-16 code units."""
    from . import __version__

    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for report in reports:
        artifact = _artifact(report.path)
        for v in report.violations:
            result: dict[str, Any] = {
                "ruleId": v.code,
                "ruleIndex": index[v.code],
                "level": _level(v.severity),
                "message": {"text": v.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact,
                            "region": _region(report.source, v.span.start, v.span.end, v),
                        }
                    }
                ],
            }
            fix = _fix(v, report.source, artifact)
            if fix:
                result["fixes"] = [fix]
            results.append(result)
    run = {
        "tool": {
            "driver": {
                "name": "roadmaplint",
                "informationUri": PROJECT_URL,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [sarif_rule(r) for r in rules],
            }
        },
        "invocations": [{"executionSuccessful": successful}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(_root()).rstrip("/") + "/"}},
        "columnKind": "utf16CodeUnits",
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    import json

    return json.dumps(shown_all(log), indent=2, ensure_ascii=False)


# -- JUnit XML -------------------------------------------------------------------

# characters XML 1.0 cannot hold, even escaped
_NOT_XML = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(s: str) -> str:
    s = shown(s)
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", s)


def junit(reports: list[FileReport], strict: bool = False) -> str:
    """One test case per file. Errors (warnings too with ``strict``) are
    its failures, as they fail the run; warnings are listed in the case's
    ``system-out``, where report viewers show them without turning the run
    red. Valid against the common JUnit schema (Jenkins' junit-10.xsd)."""
    import xml.etree.ElementTree as ET

    def failing(v: Violation) -> bool:
        return strict or v.severity == "error"

    failed = sum(1 for r in reports if any(failing(v) for v in r.violations))
    counts = {"tests": str(len(reports)), "failures": str(failed), "errors": "0"}
    suites = ET.Element("testsuites", {"name": "roadmaplint", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "roadmaplint", **counts, "skipped": "0"})
    for report in reports:
        case = ET.SubElement(suite, "testcase", {"classname": "roadmaplint", "name": _xml_text(report.path)})
        notes = []
        for v in report.violations:
            where = _xml_text(f"{v.path}:{v.line}:{v.column}")
            if not failing(v):
                notes.append(f"{where}: {v.severity} {v.code} [{v.name}] {_xml_text(v.message)}")
                continue
            failure = ET.SubElement(case, "failure", {
                "message": _xml_text(f"{v.code} {v.name}: {v.message}"),
                "type": v.severity,
            })
            failure.text = where
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
