"""Count what `format` does to Markdown nobody here wrote, judged by cmark-gfm.

    python benchmarks/rendering.py [--shared ../shared] [--generated 500]

Inputs: the CommonMark and GFM spec examples and markdownlint's test files
(../shared/peer), the corpus roadmaps and the seeds, and generated roadmaps
(the property tests' generator). For each input, safe and with unsafe fixes:
whether `format` fails (it must not), whether a second run changes anything
(it must not), whether the rendering-neutral rules alone leave cmark-gfm's
HTML identical, and which fixes the guard withheld, and why.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the generator lives with the property tests

NEUTRAL = ["bom", "line-endings", "heading-style", "trailing-whitespace", "final-newline", "blank-lines",
           "list-marker-style", "heading-blank-lines", "bare-url"]


def github(text: str) -> str:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    parts = re.split(r"(<pre[ >].*?</pre>)", html, flags=re.S)
    return "".join(p if i % 2 else re.sub(r"> <", "><", re.sub(r"[ \t\r\n\f]+", " ", p))
                   for i, p in enumerate(parts)).strip()


def inputs(shared: Path, generated: int) -> list[tuple[str, str, bytes]]:
    out = []
    examples = shared / "peer" / "commonmark-gfm-examples.json"
    if examples.is_file():
        for ex in json.loads(examples.read_text(encoding="utf-8")):
            out.append(("commonmark-gfm", f"{ex['src']}-{ex['num']}", ex["md"].encode("utf-8")))
    for group, folder, pattern in (("markdownlint", "peer/markdownlint", "*.md"), ("corpus", "corpus/roadmaps", "*"),
                                   ("seeds", "seeds", "0*.md")):
        for path in sorted((shared / folder).glob(pattern)):
            out.append((group, path.name, path.read_bytes()))
    if generated:
        from hypothesis import HealthCheck, given, settings
        from test_properties import roadmap

        made: list[bytes] = []

        @settings(max_examples=generated, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(roadmap())
        def collect(data: bytes) -> None:
            made.append(data)

        collect()
        out += [("generated", str(i), data) for i, data in enumerate(made[:generated])]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("ROADMAPLINT_SHARED", HERE.parent.parent / "shared")))
    parser.add_argument("--generated", type=int, default=500)
    args = parser.parse_args()

    from roadmaplint.settings import Settings
    from roadmaplint.fixes import fix
    from roadmaplint.source import Source, SourceError

    every = Settings(select=["ALL"], ignore=["dead-link"])
    rows: dict[str, Counter] = {}
    withheld: Counter = Counter()
    for group, name, data in inputs(args.shared, args.generated):
        c = rows.setdefault(group, Counter())
        c["inputs"] += 1
        try:
            source = Source.from_bytes(data, "ROADMAP.md")
        except SourceError:
            c["not text (exit 2 by design)"] += 1
            continue
        for unsafe in (False, True):
            mode = "unsafe" if unsafe else "safe"
            try:
                once = fix(source, every, unsafe=unsafe)
            except Exception as exc:  # noqa: BLE001 - counted, never expected
                c[f"{mode}: failed ({type(exc).__name__})"] += 1
                continue
            c[f"{mode}: changed"] += once.text != source.text or once.source.to_bytes() != source.to_bytes()
            c[f"{mode}: not settled in one run"] += fix(once.source, every, unsafe=unsafe).text != once.text
            for v in once.withheld:
                withheld[(mode, v.code, v.message.rsplit("(fix withheld: ", 1)[-1].rstrip(")"))] += 1
        neutral = fix(source, Settings(select=NEUTRAL))  # safe fixes: an unsafe bare-url fix relinks on purpose
        if neutral.text != source.text:
            c["neutral rules: changed"] += 1
            c["neutral rules: HTML differs"] += github(neutral.text) != github(source.text)
    for group, c in rows.items():
        print(f"{group}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
    print("withheld fixes:" if withheld else "withheld fixes: none")
    for (mode, code, why), n in withheld.most_common():
        print(f"  {n} {mode} {code}: {why}")


if __name__ == "__main__":
    main()
