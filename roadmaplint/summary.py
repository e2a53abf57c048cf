"""The GitHub Action's job summary: Markdown made from a JSON report.

``python -m roadmaplint.summary REPORT.json [EXIT_CODE]`` prints the summary
(the Action appends it to ``$GITHUB_STEP_SUMMARY``). Not imported by ``check``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

MAX_PROBLEMS = 20


def _cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _statistics(rows: list[dict]) -> str:
    """Markdown for ``check --statistics --format json`` (one row per rule)."""
    lines = ["## roadmaplint", ""]
    if not rows:
        return "\n".join(lines + ["All checks passed."]) + "\n"
    total = sum(row["count"] for row in rows)
    lines += [f"Found {total} problem{'s' if total != 1 else ''}.", "",
              "| Rule | Name | Severity | Count | Fixable |", "| --- | --- | --- | ---: | ---: |"]
    lines += [f"| {row['code']} | {_cell(row.get('name', ''))} | {row.get('severity', '')} | {row['count']} "
              f"| {row.get('fixable', 0)} |" for row in rows]
    return "\n".join(lines) + "\n"


def make_summary(report: dict | list | None, exit_code: int | None = None) -> str:
    """Markdown for a ``check --format json`` report, or its ``--statistics``
    list (None: no usable report)."""
    if isinstance(report, list):
        return _statistics(report)
    lines = ["## roadmaplint", ""]
    if report is None:
        code = "" if exit_code is None else f" (exit code {exit_code})"
        lines.append(f"roadmaplint could not check the files{code}: see the step's log.")
        return "\n".join(lines) + "\n"
    violations = report.get("violations", [])
    files = len(report.get("files", []))
    if not violations:
        lines.append(f"All checks passed ({files} file{'s' if files != 1 else ''}).")
        return "\n".join(lines) + "\n"
    counts = Counter((v["code"], v.get("name", ""), v.get("severity", "")) for v in violations)
    fixable = Counter(v["code"] for v in violations if v.get("fixable"))
    lines.append(f"Found {len(violations)} problem{'s' if len(violations) != 1 else ''} "
                 f"in {files} file{'s' if files != 1 else ''}.")
    lines += ["", "| Rule | Name | Severity | Count | Fixable |", "| --- | --- | --- | ---: | ---: |"]
    for (code, name, severity), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"| {code} | {_cell(name)} | {severity} | {count} | {fixable[code]} |")
    shown = violations[:MAX_PROBLEMS]
    lines += ["", f"### First {len(shown)} problem{'s' if len(shown) != 1 else ''}"
              if len(violations) > len(shown) else "### Problems", "",
              "| Location | Rule | Message |", "| --- | --- | --- |"]
    for v in shown:
        lines.append(f"| `{_cell(v['path'])}:{v['line']}` | {v['code']} | {_cell(v['message'])} |")
    if len(violations) > len(shown):
        lines += ["", f"… and {len(violations) - len(shown)} more."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) > 2:
        print("usage: python -m roadmaplint.summary REPORT.json [EXIT_CODE]", file=sys.stderr)
        return 2
    exit_code = int(args[1]) if len(args) == 2 and args[1].lstrip("-").isdigit() else None
    try:
        report = json.loads(Path(args[0]).read_text(encoding="utf-8"))
        if not isinstance(report, (dict, list)):
            report = None
    except (OSError, ValueError):
        report = None
    sys.stdout.write(make_summary(report, exit_code))
    return 0


if __name__ == "__main__":
    sys.exit(main())
