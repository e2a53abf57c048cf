"""The cheap tests that stand before a pattern (so that a check compiles only
the patterns a document can need) say "no match" only where the pattern
finds none: each gated answer is compared with the pattern's own, on
written strings (the triggering text is in each test) and on the headings
and lines of the shared corpus when it is there."""

from __future__ import annotations

import re
import sys

import pytest

from roadmaplint import binding, dates, lazyre, mojibake, output, spec
from roadmaplint.rules import encoding
from helpers import found
from shared_data import SHARED, absent

# the characters re.I lets stand for a letter, and those \s, \w, \d take
ALL = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)

TITLES = [
    "Now — Q3 2026", "Next: Jan-Mar 2025", "Later (6-12 months)", "next - tbd", "Roadmap, sept 2025.",
    "Phase 1 – H2 2024 – 2025", "Now —Q3", "Now–Q3 2026", "Later | 2027", "Up next: ſept 2025",
    "Milestones [next release]", "v1.2 — 2025", "Later — Torch work", "design conventions", "k8s-collector",
    "Done (Q1 2025) — shipped", "In progress ⟶ v2", "Ship it ✅", "Status key", "Legend:", "İn progress",
    "ıN PROGRESS", "WİP", "Now\u00a0— Q3 2026", "Now\u2003- Q3", "x:y", "Q3 ’25", "end of 2025", "mid-2025",
    "1. Now", "A) Later", "iv. Next", "(1) Now", "_Later_", "**Now**", "12.3 Later", "Kelvin K", "ſoon",
    "Version 3", "v2", "release 10.4", "2024.06", "vs. the rest", "ver 1", "Conventions", "TBA", "Someday/maybe",
    "  - not yet scheduled", "not scheduled", "## Long-term", "Up next", "Future Items - Subject to discussion",
    "Completed tasks (June 3 2022)", "To do tasks", "container-specific tuning (end June 2022)",
]


def corpus_titles() -> list[str]:
    folder = SHARED / "corpus" / "roadmaps"
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.iterdir())[:80]:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("#") or line.lstrip().startswith(("- ", "* ")):
                out.append(line.lstrip("#-* ").strip())
    return out


@pytest.fixture(scope="module")
def titles() -> list[str]:
    return TITLES + corpus_titles()


def test_fold_case_gives_each_letter_re_i_matches_with_it():
    # "ſ" (U+017F), "ı" (U+0131), "İ" (U+0130), "K" (U+212A) match s, i, i, k
    any_letter = re.compile("[a-z]", re.I)
    for ch in {m.group(0) for m in any_letter.finditer(ALL)}:
        letters = [a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, ch, re.I)]
        assert letters and all(lazyre.fold_case(ch) == a for a in letters), ch
    assert lazyre.fold_case("ſoon İN progreſs") == "soon in progress"


def test_classes_are_the_string_methods_the_gates_use():
    assert [c for c in ALL if c.isspace()] == re.findall(r"\s", ALL)
    assert [c for c in ALL if c.isalnum() or c == "_"] == re.findall(r"\w", ALL)
    assert [c for c in ALL if c.isdecimal()] == re.findall(r"\d", ALL)
    # nothing but "." and ")" match [.)] case-insensitively, nor v or V
    assert re.findall(r"[.)]", ALL, re.I) == [")", "."] and re.findall("v", ALL, re.I) == ["V", "v"]


def test_section_name_as_with_one_pattern(titles):
    one = re.compile(
        rf"(?:\s*\([^()]*\)|\s*\[[^\[\]]*\]|\s*(?:\s[-–—|]|[:,])\s*{spec._PERIOD}(?:\s*[-–/]\s*{spec._PERIOD})?)"
        r"\s*[.:]?$", re.I)

    def ungated(key: str) -> str:
        name = key
        if len(key) > 2 * spec.TITLE_LIMIT:
            return key
        for _ in range(3):
            if not any(c in name for c in spec._TRAILING_ENDS):
                break
            shorter = one.sub("", name).rstrip(" :-–—,")
            if shorter == name or not re.search(r"[^\W\d_]", shorter):
                break
            name = shorter
        return name

    for title in titles:
        for key in (spec.title_key(title), title, title + "\n"):
            assert spec.section_name(key) == ungated(key), key
    assert spec.section_name("now — q3 2026") == "now"
    assert spec.section_name("next (q1) — jan 2026") == "next"


def test_title_key_as_with_the_numbering_pattern_always(titles):
    numbering = re.compile(r"^(?:[a-z]\d?|\d+|[ivx]+)(?:\.\d+)*[.)]\s+", re.I)

    def ungated(title: str) -> str:
        text = " ".join(title.replace("\ufe0f", "").split())
        text = re.sub(r"^[^\w\[(]+", "", text)
        text = numbering.sub("", text)
        text = re.sub(r"^[^\w\[(]+", "", text)
        return text.rstrip(" :").casefold()

    for title in titles + ["1.2) ⚡ Fast", "ſ. Soon", "K) Kelvin", "٣. Later"]:
        assert spec.title_key(title) == ungated(title), title


def test_preset_patterns_tested_only_where_their_words_are(titles):
    patterns = {p for p in spec._HINTS}
    assert patterns == {s.pattern.pattern for name in spec.PRESETS for s in spec.preset(name).sections
                        if s.pattern is not None and s.pattern.pattern != "."}
    keys = [spec.title_key(t) for t in titles] + titles + ["ıN PROGRESS", "WİP", "ſoon", "to-do", "2024"]
    for pattern in patterns:
        compiled = re.compile(pattern, re.I)
        for key in keys:
            if compiled.search(key):
                assert spec._may_match(compiled, key), (pattern, key)
    assert spec.preset("horizons").sections[0].matches("short term", 2)
    assert not spec.preset("checklist").sections[0].catch_all and spec.preset("themes").sections[1].catch_all


def test_emoji_at_end_as_its_pattern():
    at_end = re.compile(rf"(?:{binding.EMOJI.pattern})$")
    for tail in ["Ship it ✅", "Ship it ✅\n", "✅", "a ✅✅", "a 👍🏽", "a 👩\u200d💻", "a ✅x", "a é✅", "a \u200d✅",
                 "done", "", "\n", "a 🚧\ufe0f", "ü", "a ✅ "]:
        want, got = at_end.search(tail), binding._emoji_at_end(tail)
        assert (want and (want.start(), want.end())) == (got and (got.start(), got.end())), tail


def test_heading_and_legend_gates(titles):
    tail = re.compile(binding._HEADING_TAIL.pattern)
    label = re.compile(binding._LEGEND_LABEL.pattern, re.I)
    legend = re.compile(binding._LEGEND_TITLE.pattern)
    theme = re.compile(binding._THEME_PARA.pattern, re.I)

    def ungated_status(title: str) -> str | None:
        text = " ".join(title.replace("\ufe0f", "").split()).strip(" *_`")
        for emoji, name in binding._HEADING_EMOJI.items():
            if text.startswith(emoji) or text.endswith(emoji):
                return name
        m = tail.search(text)
        if m is None:
            return None
        phrase = re.split(r"[,;]", next(g for g in m.groups() if g is not None))[0].strip(" *_`.").casefold()
        return next((name for name, regex in binding._HEADING_PHRASE if regex.fullmatch(phrase)), None)

    for title in titles + ["Tier 1\u2003— Shipped", "v0.2 ⟶ planned", "A [done; late]", "B (shipped, 2024)",
                           "Status key：", "**WHY**: x", "İcon legend: x", "A (in-progress)", "B [to-do]",
                           "C — won't do", "D (cancelled)", "E — wont do", "F (on hold)", "G (Canceled)",
                           "H (cancelllled)", "I (cancel)", "J — Not Yet Started", "K (ongoing, late)"]:
        assert binding.heading_status(title) == ungated_status(title), title
        assert bool(binding._may_label(title) and label.match(title)) == bool(label.match(title)), title
        key = spec.title_key(title)
        assert binding._legend_title(key) == bool(legend.fullmatch(key)), key
        assert bool(binding._theme_para(title)) == bool(theme.match(title)), title
        for name, starts, regex in binding._SECTION_STATUS:
            if regex.match(key):
                assert key.startswith(starts), key
    assert binding.heading_status("Tier 1\u2003— Shipped") == "done"
    assert binding.heading_status("D (cancelllled)") == "dropped"
    # every phrase a status pattern takes in full is a word of _PHRASES or starts with "cancel"
    for _, regex in binding._HEADING_PHRASE:
        words = regex.pattern.strip("()").split("|")
        for word in words:
            for text in {word, word.replace("[- ]", " "), word.replace("[- ]", "-"), word.replace(" ?", ""),
                         word.replace(" ?", " "), word.replace("'?", ""), word.replace("'?", "'")}:
                if regex.fullmatch(text):
                    assert text in binding._PHRASES or text.startswith("cancel"), text


def test_version_and_later_gates(titles):
    later = re.compile(dates.LATER.pattern, re.I)
    lead = re.compile(dates._LEAD.pattern)
    for title in titles + ["V3", "Version\t12", "1.x", "٣.٤", "  — later", "_later", "...Up   next", "🔮 Future",
                           "ſomeday", "LATER — v2", "İdeas", "— Not yet scheduled", "x.1", "1.", "v", "٣v٤", "1.2.3",
                           "VERſION 3", "— v٣", "«1.2»", "ν2", "Ⅴ2", "v 2", "v.2", "—1.2"]:
        if dates._VERSION.search(title):
            assert dates._may_version(title), title
        assert dates.is_later(title) == bool(later.match(title)), title
        if title[:1].isalnum() and "." not in title[:5] and ")" not in title[:5]:
            assert lead.match(title).end() == 0, title
    assert dates.find_version("Design Conventions") is None and dates.find_version("v2") == (2, 0, 0, 9, 0)


def test_mojibake_marks_are_the_high_class():
    high = re.compile(f"[{mojibake._HIGH}]")
    marks = mojibake._high_marks()
    assert {ord(c) for c in high.findall(ALL)} == {k for k, v in marks.items() if v == "\x01"}
    cheap, shape, _, a_space = mojibake._patterns()

    def ungated(line: str) -> bool:
        if not cheap.search(line):
            return False
        return (a_space.search(line) is not None or mojibake._truncated().search(line) is not None
                or any(shape.search(line.translate(mojibake._classes(enc))) for enc in mojibake._PAGES))

    for line in ["âœ… done", "Ã done", "Ã  la", "à la", "x Ã\ufffd", "— a", "——", "é", "café été", "ðŸ", "ðŸš§"]:
        assert mojibake._suspect(line) == ungated(line), line
        if cheap.search(line):
            assert mojibake._high_pair(line), line
    assert not mojibake._high_pair("— a – b") and mojibake._high_pair("x Ã\ufffd") and mojibake._high_pair("â€”")


def test_output_and_invisible_gates():
    assert output.shown("caf\u00e9 \udcff") == "caf\u00e9 \\xff"
    assert output.shown("a \ud83d b").startswith("a ") and output.shown("a \ud83d b") != "a \ud83d b"
    assert output.shown("café ✅") == "café ✅"
    assert set(re.findall(encoding._INVISIBLE.pattern, ALL)) == encoding._INVISIBLE_CHARS


@pytest.mark.skipif(not (SHARED / "corpus" / "roadmaps").is_dir(), reason=absent("corpus/roadmaps"))
def test_the_corpus_has_titles_for_the_gates():
    assert len(corpus_titles()) > 1000


def test_unscheduled_gate(titles):
    from roadmaplint.rules import order

    pattern = re.compile(order._UNSCHEDULED.pattern)
    for title in titles + ["v3 候选(未排期)", "v2.0 (tentative) — soon", "v3 candidates", "v2 — TBD", "v2 – ſcheduled",
                           "v2.0 release candidate", "v4 待定"]:
        assert order._unscheduled(title) == bool(pattern.search(title)), title


def test_marker_at_as_without_first_character_tests():
    def ungated(text: str):
        for kind, regex in (("emoji", binding.EMOJI), ("shortcode", binding._SHORTCODE), ("bracket", binding._BRACKET)):
            m = regex.match(text, 0, len(text))
            if m:
                if kind == "bracket" and not binding._STATUS_BRACKETS.match(m.group(1).strip()):
                    return None
                return kind, m.group(0)
        m = binding._MOJIBAKE_TOKEN.match(text, 0, len(text))
        fixed = m and binding._demojibake(m.group(0))
        return ("mojibake", m.group(0)) if fixed else None

    for text in ["© done", "® x", "‼ x", "✅ x", "✅\ufe0f x", ":x: y", ":white_check_mark: y", "[done] x", "[x] y",
                 "[ ] z", "âœ… x", "ðŸš§ x", "é x", "x ✅", "", " ✅", "_x_"]:
        got = binding.marker_at(text, 0, len(text))
        assert (got and (got.kind, got.text)) == ungated(text), text


def test_mirror_host_in_any_case():
    # the host written in capitals, in a link and in link text, is the mirror host (RL403 is case-insensitive)
    assert found("See <https://G.NITE07.ORG/o/r>.\n", "RL403") == [(1, 14, "RL403")]
    assert found("[G.Nite07.org/o/r](https://example.com/x)\n", "RL403") == [(1, 2, "RL403")]
    assert found("See https://example.com/x.\n", "RL403") == []
    # a host of the user's that is not ASCII ("exämple.cn"): the pattern decides, written in capitals too
    assert found("See https://EX\u00c4MPLE.CN/x.\n", "RL403", hosts={"ex\u00e4mple.cn": "x.org"}) == [(1, 13, "RL403")]


def test_rule_metadata_read_as_the_patterns_read_it():
    from roadmaplint import registry

    codes = ["RL101", "RL999", "RL099", "RL10", "RL1011", "rl101", "RL1٣٤", "RL1a1", "XL101", ""]
    names = ["mirror-link", "a", "a1-b2", "1a", "a--b", "a-", "-a", "A-b", "a_b", "", "ä", "a-1"]
    for code in codes:
        for name in names:
            want = bool(registry._CODE.fullmatch(code) and registry._NAME.fullmatch(name))
            assert registry._valid(code, name) == want, (code, name)


def test_small_gates(titles):
    from roadmaplint import source

    lone = re.compile("[\ud800-\udfff]")
    for text in ["abc", "café", "a\udcff b", "\ud83d", "✅ x"]:
        assert source.as_replacement(text) == lone.sub("\ufffd", text), text
    lead = re.compile(spec._LEAD.pattern)
    for title in titles + ["later:\tx", "now —x", "a\u2003– b"]:
        key = spec.title_key(title)
        m = lead.search(key[: 2 * spec.TITLE_LIMIT])
        want = None if m is None else spec.section_name(key[: m.start()].rstrip())
        want = want if want is not None and re.search(r"[^\W\d_]", want) else None
        assert spec.section_lead(key) == want, key


def test_legend_pair_gate(titles):
    emoji_first = re.compile(binding._E)
    assert {ord(c) for c in emoji_first.findall(ALL)} == {
        c for low, high in binding._E_RANGES for c in range(low, high + 1)}
    pair = re.compile(binding._PAIR.pattern)
    for text in titles + ["✅ done, 🚧 doing", ":x: no", "é x", "é\u00a0é", "é\u2003é", "Ã© x", "— a — b", "™ x",
                          "\U0001F9E0 x", "\u2194 x", "ab", "日本"]:
        if pair.search(text):
            assert binding._may_pair(text), text
    assert not binding._may_pair("— a – b é") and binding._may_pair("日本")


def test_iso_date_gate():
    pattern = dates._PATTERNS[0][1]
    for text in ["2025-06-15", "2025/6/15", "2025.06.15", "2025 06 15", "2025-06", "on 2025.6.1."]:
        if pattern.search(text):
            assert dates._possible(text)[0], text
    assert dates.find_period("Shipped 2025.06.15").text == "2025.06.15"


def test_closing_emoji_only_after_a_character_past_ascii(titles):
    # item_marker looks for "Ship it ✅" only when the line ends past ASCII:
    # every emoji ends with a character past it, so an ASCII last character
    # (or none) leaves _emoji_at_end nothing
    for tail in [*titles, "Ship it ✅", "Ship it ✅ x", "a ✅1", "#️⃣", "a 👩\u200d💻", "✅\ufe0f", "", "x"]:
        if tail[-1:] < "\x80":
            assert binding._emoji_at_end(tail) is None, tail


def _reviewed_by_word_pattern(doc, start):
    """dates._reviewed as it was: _REVIEWED_WORD searched at every offset."""
    text, src = doc.text, doc.source
    low = text.lower().replace("\u017f", "s").replace("\u0131", "i")
    pos = start
    while True:
        word = dates._REVIEWED_WORD.search(low, pos)
        if word is None:
            return
        line = src.line_of(word.start())
        yield from dates._REVIEWED.finditer(text, max(src.line_start(line), start), src.line_end(line))
        if line + 1 >= src.line_count:
            return
        pos = src.line_start(line + 1)


def test_reviewed_lines_found_word_by_word():
    from roadmaplint import document
    from roadmaplint.source import Source

    texts = [
        "# Plan\n\nLast Updated: 2025-06-01\n_Reviewed June 2024_\n> **Date:** 2022-10-07\n",
        "As of\tMarch 2025 the plan is...\nas  of 2024-01-02\nnote 2024: x\nAddendum (2025-02-03)\n",
        "date 2025-01-01 date 2025-02-02\nLAST REVISED 2024-12-31\nmodified 2023-03-03",
        "> **Direction note (2026-07-16):**\n## Second amendment (2026-07-09)\n**Addendum (2026-03-01)**\n",
        "x\n\nno words here\n", "", "revie\nw 2025-01-01\nupdat", "ſomething revieweD on 2025-05-05\n",
    ]
    folder = SHARED / "corpus" / "roadmaps"
    if folder.is_dir():
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.iterdir())[:60]]
    for text in texts:
        doc = document.load(Source(text))
        for start in (0, 7, len(text) // 2):
            want = [(m.start(), m.end()) for m in _reviewed_by_word_pattern(doc, start)]
            got = [(m.start(), m.end()) for m in dates._reviewed(doc, start)]
            assert got == want, (text[:60], start)


def test_ascii_url_ends_only_at_a_quote():
    # _intended_end reads an ASCII URL without its two patterns: of what
    # they match, only '"' is ASCII
    from roadmaplint.rules import links

    ascii_chars = [chr(c) for c in range(128)]
    assert [c for c in ascii_chars if links._NOT_URL.search(c)] == ['"']
    assert not any(links._CJK_AFTER_URL.search("a" + c, 1) for c in ascii_chars)
    text = 'see https://example.org/a"b and more'
    assert links._intended_end(text, 4, len(text) - 9) == text.index('"')
    assert links._intended_end("https://example.org/ab", 0, 22) is None


def test_may_name_only_where_a_period_or_version_can_be(titles):
    # milestone-order reads no names in a list where fewer than two titles
    # hold a digit, a month or a season
    for title in [*titles, "Ship the parser", "Phase two", "Sept. release", "Fall plans", "v", "①", "2025"]:
        if not dates.may_name(title):
            name = dates.name_of(title)
            assert name.period is None and name.version is None, title
            assert dates.find_period(title) is None and dates.version_at(title) is None, title
    assert not dates.may_name("Ship the parser") and dates.may_name("Ship it in June")
    assert dates.may_name("v2") and dates.may_name("Q3") and dates.may_name("Fall plans")


def test_month_or_season_search_is_the_lower_case_words(titles):
    words = (*dates._MONTH_KEYS, *dates._SEASONS)
    for title in [*titles, "JUNE", "Fall", "sUmMeR", "Decade", "nothing here", "Oct."]:
        if title.isascii():
            want = any(w in title.lower() for w in words)
            assert (dates._MONTH_OR_SEASON.search(title.lower()) is not None) == want, title


def test_url_unescape_only_with_a_backslash_or_ampersand():
    import html

    from roadmaplint.rules import links

    for url in ["#a\\_b", "a&amp;b", "x&#35;y", "docs/a%20b.md#c", "plain", "", "a\\", "&", "#ok-1"]:
        assert links.unescape(url) == html.unescape(links._ESCAPE.sub(r"\1", url)), url
    assert links.unescape("#a\\_b") == "#a_b" and links.unescape("a&amp;b") == "a&b"
