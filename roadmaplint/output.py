"""Reporting violations: text for people, JSON for programs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import click

from .engine import Violation


@dataclass
class FileReport:
    path: str
    violations: list[Violation] = field(default_factory=list)
    preset: str | None = None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text(reports: list[FileReport], color: bool, quiet: bool = False) -> str:
    lines = []
    total = fixable = files = 0
    for report in reports:
        if report.violations:
            files += 1
        for v in report.violations:
            total += 1
            fixable += v.fixable
            if quiet:
                continue
            where = click.style(f"{v.path}:{v.line}:{v.column}:", bold=True) if color else f"{v.path}:{v.line}:{v.column}:"
            code = v.code
            if color:
                code = click.style(code, fg="red" if v.severity == "error" else "yellow", bold=True)
            mark = " [*]" if v.fixable else ""
            lines.append(f"{where} {code} [{v.name}]{mark} {v.message}")
    if total:
        summary = f"Found {_plural(total, 'problem')} in {_plural(files, 'file')}"
        if fixable:
            summary += f" ({fixable} fixable with roadmaplint format)"
        lines.append(summary)
    elif not quiet:
        lines.append(f"All checks passed ({_plural(len(reports), 'file')}).")
    return "\n".join(lines)


def as_json(reports: list[FileReport]) -> str:
    data = {
        "version": 1,
        "files": [
            {"path": r.path, "preset": r.preset, "violations": len(r.violations)} for r in reports
        ],
        "violations": [v.as_dict() for r in reports for v in r.violations],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
