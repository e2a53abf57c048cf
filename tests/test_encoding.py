"""The encoding rules (RL1xx) as a user meets them: mojibake repaired and
nothing else touched, files in other encodings read, invisible damage found."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from roadmaplint import fixes, mojibake
from roadmaplint.document import load
from roadmaplint.violations import Applicability
from roadmaplint.settings import Settings
from roadmaplint.linter import lint
from roadmaplint.source import Source
from helpers import assert_fixture, fixed, run, said, violations
from shared_data import SHARED, absent

SEED_003 = SHARED / "seeds" / "003_f281103d11bec08d.md"
MOJIBAKE_CORPUS = SHARED / "corpus" / "mojibake"
ROADMAPS_CORPUS = SHARED / "corpus" / "roadmaps"


# Each encoding rule at the character it names; damage quoted in code is left alone.
ENCODING = """\
# Roadmap

## Now

- Search Ã¢Å“â€¦ done  ◀ RL101 5:10
- Search âœ… done  ◀ RL101 6:10
- Sync<U+200B> between devices  ◀ RL105 7:7
- Export<U+0008> to CSV  ◀ RL106 8:9
- Caf<U+FFFD> menu  ◀ RL107 9:6
- `Caf<U+FFFD>` quoted in code
- Help<U+202E>text  ◀ RL105 11:7

```
Zero<U+200B>width in code
```
"""


def test_fixture_positions() -> None:
    assert_fixture(ENCODING, "RL1")


def damage(text: str, encoding: str) -> str:
    """``text`` saved as UTF-8 and read back through ``encoding``."""
    return text.encode("utf-8").decode(encoding)


# -- seed 003 and the BOM + CRLF file ---------------------------------------------


@pytest.mark.skipif(not SEED_003.is_file(), reason=absent("seeds"))
def test_seed_003_legend_repaired_byte_for_byte(tmp_path: Path) -> None:
    original = SEED_003.read_bytes()
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(original)
    assert run("format", "--select", "mojibake", str(path)).exit_code == 0

    text = original.decode("utf-8")
    for bad, good in (("âœ…", "✅"), ("ğŸ¦€", "🦀"), ("ğŸ’¤", "💤")):
        assert bad in text
        text = text.replace(bad, good)
    assert path.read_bytes() == text.encode("utf-8")
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert items and all(line[2] in "✅🦀💤" for line in items)

    before = path.stat().st_mtime_ns
    result = run("format", "--select", "mojibake", str(path))
    assert "1 file left unchanged" in result.output
    assert path.stat().st_mtime_ns == before


def test_bom_crlf_file_loses_bom_keeps_crlf_and_gets_its_emoji_back(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    body = "# Roadmap\n\n- {} Import from CSV\n- {} Export to PDF\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.format("âœ…", "ðŸš§").replace("\n", "\r\n").encode("utf-8"))
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == body.format("✅", "🚧").replace("\n", "\r\n").encode("utf-8")


# -- mojibake: what is edited, and what is not -----------------------------------------


def test_only_the_damaged_spans_are_edited() -> None:
    # ftfy on its own would straighten the quotes, split the ligature,
    # narrow the full-width letters and compose the NFD e
    kept = "“Quoted” ‘words’ — ﬁle ﬂow ＡＢＣ Cafe\u0301"
    out = fixed(f"# Roadmap\n\n- âœ… {kept} â€” done\n", "mojibake")
    assert out == f"# Roadmap\n\n- ✅ {kept} — done\n"


def test_code_spans_and_code_blocks_are_reported_and_repaired_only_on_request() -> None:
    text = textwrap.dedent("""\
        # Roadmap

        - Our old notes say `âœ…` for âœ…

        | marker | was |
        |---|---|
        | `ðŸš§` | ðŸš§ |

        ```text
        âœ… shipped â€” ðŸš§ started
        ```
        """)
    vs = violations(text, "mojibake")
    assert [(v.line, v.column, v.fixable) for v in vs] == [
        (3, 22, False), (3, 31, True), (7, 4, False), (7, 12, True), (10, 1, False), (10, 13, False), (10, 17, False)]
    assert [v.message for v in vs if not v.fixable] == [
        'mojibake "âœ…" -> "✅" in code', 'mojibake "ðŸš§" -> "🚧" in code',
        'mojibake "âœ…" -> "✅" in code', 'mojibake "â€”" -> "—" in code', 'mojibake "ðŸš§" -> "🚧" in code']
    assert all(v.fix is not None and v.fix.applicability is Applicability.UNSAFE for v in vs if not v.fixable)
    # format leaves code alone
    out = fixed(text, "mojibake")
    assert "`âœ…`" in out and "`ðŸš§`" in out and "âœ… shipped â€” ðŸš§ started" in out
    assert "for ✅" in out and "| 🚧 |" in out
    # --unsafe-fixes repairs a file damaged as a whole, code included
    out = fixed(text, "mojibake", unsafe=True)
    assert out == text.replace("âœ…", "✅").replace("ðŸš§", "🚧").replace("â€”", "—")


@pytest.mark.parametrize(("data", "column", "message"), [
    # U+1F50D (F0 9F 94 8D) read as Windows-1252, which has no 0x8D: dropped
    (b"## \xc3\xb0\xc5\xb8\xe2\x80\x9d Search\n", 4,
     'mojibake "ðŸ”": a byte was lost, so it cannot be repaired exactly (it was one of 🔁, 🔍, 🔏, 🔐, 🔝, 🔠)'),
    (b"## \xc3\xb0\xc5\xb8\xe2\x80\x9d\n", 4,
     'mojibake "ðŸ”": a byte was lost, so it cannot be repaired exactly (it was one of 🔁, 🔍, 🔏, 🔐, 🔝)'),
    (b"- \xc3\xb0\xc5\xb8\xe2\x80\x9dSearch\n", 3,
     'mojibake "ðŸ”": a byte was lost, so it cannot be repaired exactly (it was one of 🔁, 🔍, 🔏, 🔐, 🔝)'),
    # EF B8 of U+FE0F, its 0x8F dropped, with no emoji left before it
    (b"- \xc3\xaf\xc2\xb8 done\n", 3, 'mojibake "ï¸": what is left of U+FE0F (variation selector) whose last byte was lost'),
])
def test_mojibake_whose_last_byte_was_dropped_is_reported_without_a_fix(data: bytes, column: int, message: str) -> None:
    (v,) = violations(data, "mojibake")
    assert (v.column, v.message, v.fix) == (column, message, None)
    assert fixed(data, "RL1", unsafe=True) == data


def test_a_single_space_after_a_cut_emoji_is_not_read_as_its_lost_byte() -> None:
    # "🛠" is F0 9F 9B A0: with the no-break space made a plain space, two
    # spaces follow "ðŸ›" and the repair is exact; with one space the space
    # is the word's own, and ftfy's reading (🔠, 🔠, with the words touching
    # the emoji) would be a guess
    data = "## ðŸ›  Tech\n- ðŸ” ðŸ” Search\n".encode()
    vs = violations(data, "mojibake")
    assert [(v.line, v.column, v.fixable) for v in vs] == [(1, 4, True), (2, 3, False), (2, 7, False)]
    assert fixed(data, "RL1") == "## 🛠 Tech\n- ðŸ” ðŸ” Search\n".encode()


def test_selector_left_after_an_emoji_is_restored_on_request() -> None:
    # "⚙️" is E2 9A 99 EF B8 8F; read as Windows-1252 with 0x8F dropped
    data = b"## \xc3\xa2\xc5\xa1\xe2\x84\xa2\xc3\xaf\xc2\xb8 Settings\n- \xe2\x9c\x85\xc3\xaf\xc2\xb8 done\n"
    vs = violations(data, "mojibake")
    assert [(v.line, v.column, v.fixable) for v in vs] == [(1, 4, True), (1, 7, False), (2, 4, False)]
    assert vs[1].message == 'mojibake "ï¸" -> "<U+FE0F>": a byte was lost; this is the only character it can have been'
    assert fixed(data, "RL1") == "## ⚙ï¸ Settings\n- ✅ï¸ done\n".encode()
    assert fixed(data, "RL1", unsafe=True) == "## ⚙\ufe0f Settings\n- ✅\ufe0f done\n".encode()


@pytest.mark.parametrize("text", [
    "- Naïve search, déjà vu, façade, Noël, Zoë, maïs, ambiguïté\n",
    "- Größe, Straße, Übermaß; coração, ação, pão; ÿ and ð in Íslenska: við, það\n",
    "- Ruby ü¸ ï: odd but clean\n",
])
def test_latin_words_are_not_truncated_mojibake(text: str) -> None:
    assert violations(text, "mojibake") == []


def test_message_shows_before_and_after() -> None:
    (v,) = violations("- âœ… done\n", "mojibake")
    assert v.message == 'mojibake "âœ…" -> "✅"'
    assert (v.line, v.column, v.end_column) == (1, 3, 6)
    assert v.fixable


def test_invisible_characters_in_a_message_are_spelled_out() -> None:
    (v,) = violations("- " + damage("❌", "latin-1") + " dropped\n", "mojibake")
    assert v.message == 'mojibake "â<U+009D><U+008C>" -> "❌"'


def test_lossy_damage_is_reported_without_a_fix() -> None:
    # Á is C3 81; Windows-1252 has no 0x81, so the byte became U+FFFD
    (v,) = violations("# RELATÓRIO DE ANÃ\ufffdLISE\n", "mojibake")
    assert v.fix is None
    assert v.message.startswith('mojibake "Ã�": a byte was lost, so it cannot be repaired exactly')
    assert "Á" in v.message
    # the replacement character is the mojibake rule's to report here
    assert [x.code for x in violations("# RELATÓRIO DE ANÃ\ufffdLISE\n", "RL1")] == ["RL101"]


def test_lost_variation_selector_is_an_unsafe_fix() -> None:
    # ⚠️ is E2 9A A0 EF B8 8F; the 0x8F has no Windows-1252 character
    text = "- " + damage("⚠", "cp1252") + "ï¸\ufffd Careful\n"
    assert fixed(text, "mojibake") == "- ⚠ï¸\ufffd Careful\n"
    assert fixed(text, "mojibake", unsafe=True) == "- ⚠️ Careful\n"


def test_twice_encoded_text() -> None:
    twice = damage(damage("✅ naïve", "cp1252"), "cp1252")
    assert twice.startswith("Ã¢Å“â€¦")
    assert fixed(f"- {twice}\n", "mojibake") == "- ✅ naïve\n"


@pytest.mark.parametrize(
    "encoding, word",
    [
        ("cp1252", "✅"),
        ("cp1252", "—"),
        ("cp1254", "🦀"),
        ("cp1254", "ğüş"),
        ("cp1250", "✅"),
        ("cp1250", "Dvořák"),
        ("cp1251", "🚧"),
        ("cp1251", "Привет"),
        ("mac_roman", "✅"),
        ("mac_roman", "Straße"),
        ("latin-1", "café"),
        ("latin-1", "✅"),
    ],
)
def test_damage_through_each_code_page_is_repaired(encoding: str, word: str) -> None:
    broken = damage(word, encoding)
    assert broken != word
    text = f"- {broken} is next\n"
    assert [v.code for v in violations(text, "RL1")] == ["RL101"]
    assert fixed(text, "RL1") == f"- {word} is next\n"


CLEAN = """\
# Roadmap – Zürich, Dvořák, Łódź, Ångström, Þórr

## Étape 1 « Café » … et ™

- Ελληνικά κείμενα, Русский текст «всё ёлки», Відомо: Ні, їх є
- Српски: Ђорђе, Љубљана, Њујорк, Џон; Türkçe: ğüşıöç, İstanbul’da
- 中文文本——日本語のテキスト「こんにちは」、한국어 텍스트
- Română: ș ț ă î â; Čeština: příliš žluťoučký kůň; Magyar: őrült tűz
- Tiếng Việt có dấu; עברית; العربية; हिन्दी; ไทย
- Emoji: 👨‍👩‍👧 🇫🇷 🏴‍☠️ 1️⃣ #️⃣ 👍🏽 ⚡️ ✔ ❤️
- Persian: می‌خواهم; Straße groß…; x² ½ µs; £5 €10 ¥20; ±3 °C; ©2024 ®
- AMANHÃ e depois; MAÇÃ verde; SÃO PAULO; ¿Qué? ¡Sí!
- „Deutsch“ ‚einfach‘; «Élan» “Ça”; ﬁle ﬂow ＡＢＣ; Cafe\u0301 NFD
- Thanks @\u200bteam for #\u200b12; ไทย\u200bภาษา
"""


def test_no_false_positives_on_clean_text_in_many_languages() -> None:
    assert violations(CLEAN, "RL1") == []


WORDS = ["Zürich", "Dvořák", "Łódź", "Ångström", "Þórr", "Ελλάδα", "Привет", "ёлка", "Їжак", "Ђорђе", "中文",
         "日本語", "한국어", "naïve", "café", "Straße", "œuvre", "España", "ação", "İstanbul", "ğüş", "șir", "țară",
         "Tiếng", "עברית", "العربية", "…", "™", "«Élan»", "“quoted”", "‘single’", "it’s", "—", "–", "½", "°C", "€10",
         "£5", "©2024", "µs", "x²", "ﬁle", "ＡＢＣ", "👍🏽", "🇫🇷", "👨‍👩‍👧", "1️⃣", "✅", "🚧", "💤", "⚡️", "❤️"]


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), st.sampled_from([" ", ", ", " — ", " / ", "; "]))
def test_clean_words_in_any_order_are_not_mojibake(words: list[str], sep: str) -> None:
    assert violations("- " + sep.join(words) + "\n", "mojibake", "control-character", "replacement-character") == []


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["✅", "🚧", "💤", "🦀", "❌", "⚠️", "—", "→", "“ok”"]), min_size=1, max_size=4),
       st.sampled_from(["cp1252", "cp1254", "cp1250", "cp1251", "mac_roman"]))
def test_emoji_damage_round_trips(words: list[str], encoding: str) -> None:
    text = "- " + " ".join(words) + " done\n"
    broken = text.encode("utf-8").decode(encoding, errors="replace")
    out = fixed(broken, "mojibake", unsafe=True)
    if "\ufffd" in broken:
        # a byte the code page lacks is lost; the rest comes back
        assert out.count("\ufffd") <= broken.count("\ufffd")
    else:
        assert out == text


def test_high_characters_cover_every_code_page() -> None:
    import re

    high = re.compile(f"[{mojibake._HIGH}]")
    for enc in mojibake._PAGES:
        for ch, b in mojibake._table(enc).items():
            if b >= 0x80:
                assert high.match(ch), (enc, hex(b), ch)


@pytest.mark.skipif(not ROADMAPS_CORPUS.is_dir(), reason=absent("corpus"))
def test_corpus_roadmaps_have_no_false_mojibake() -> None:
    hits = {}
    for path in sorted(ROADMAPS_CORPUS.glob("*.md")):
        found_here = violations(path.read_bytes(), "RL101", "RL105", "RL106", "RL107")
        if found_here:
            hits[path.name] = sorted({v.code for v in found_here})
    # one file really is damaged: "SpringgerÃ¤usch" for "Springgeräusch"
    assert hits == {"60fingers--ludumdare35--Roadmap.md": ["RL101"]}


@pytest.mark.skipif(not MOJIBAKE_CORPUS.is_dir(), reason=absent("corpus"))
def test_corpus_mojibake_is_found_and_fixed_to_a_fixed_point() -> None:
    detected = exact = 0
    in_code: dict[str, tuple[int, int]] = {}
    for path in sorted(MOJIBAKE_CORPUS.glob("*.md")):
        source = Source.from_bytes(path.read_bytes())
        detected += any(v.code == "RL101" for v in lint(source, Settings(select=["RL1"])))
        result = fixes.fix(source, Settings(select=["RL1"]))
        again = fixes.fix(result.source, Settings(select=["RL1"]))
        assert again.source.to_bytes() == result.source.to_bytes(), path.name
        left = [v for v in lint(result.source, Settings(select=["RL101", "RL106", "RL107"]))]
        exact += not [v for v in left if not result.document.in_code(v.span.start)]
        # code blocks and spans (some quote mojibake) come out as they went in
        before = [source.text[s.start : s.end] for s in sorted(load(source).code_spans, key=lambda s: s.start)]
        after = [result.text[s.start : s.end] for s in sorted(result.document.code_spans, key=lambda s: s.start)]
        assert after == before, path.name
        # mojibake in code is reported; --unsafe-fixes repairs what it can
        quoted = [v for v in left if v.code == "RL101" and result.document.in_code(v.span.start)]
        if quoted:
            unsafe = fixes.fix(source, Settings(select=["RL1"]), unsafe=True)
            rest = [v for v in lint(unsafe.source, Settings(select=["RL101"])) if unsafe.document.in_code(v.span.start)]
            in_code[path.name] = (len(quoted), len(rest))
    assert detected == 16
    assert exact == 15
    # two files damaged as a whole, code blocks included; what remains has
    # lost a byte ("â†\ufffd" for an arrow) and cannot be repaired
    assert sorted(in_code.values()) == [(12, 0), (35, 17)]


# -- RL102 invalid-utf8, RL103 bom, RL104 line-endings ---------------------------------


def test_cp1252_file_is_read_named_and_rewritten_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    text = "# Roadmap\n\n- Café menu — “done”\n- Naïve search, déjà vu\n"
    path.write_bytes(text.encode("cp1252"))
    result = run("check", str(path), "--select", "RL1", "--format", "json")
    assert result.exit_code == 1
    (v,) = json.loads(result.output)["violations"]
    assert v["name"] == "invalid-utf8" and "cp1252" in v["message"] and v["fixable"]
    assert (v["line"], v["column"]) == (3, 6)
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == text.encode("utf-8")


def test_ambiguous_bytes_get_an_unsafe_fix(tmp_path: Path) -> None:
    # "è" in Windows-1252 is "č" in Windows-1250: nothing tells which
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"# Zu\xe8\n")
    (v,) = violations(path.read_bytes(), "invalid-utf8")
    assert v.fix is not None and v.fix.applicability is Applicability.UNSAFE
    assert "cp1250" in v.message and "č" in v.message
    run("format", str(path))
    assert path.read_bytes() == b"# Zu\xe8\n"
    run("format", "--unsafe-fixes", str(path))
    assert path.read_bytes() == "# Zuè\n".encode("utf-8")


def test_a_fix_the_code_page_cannot_hold_rewrites_the_file_as_utf8() -> None:
    # the user's spec writes "done" as ✅; a Windows-1252 file cannot hold it
    data = "# Café menu\n\n- :white_check_mark: Soup\n".encode("cp1252")
    spec = {"statuses": {"done": {"markers": ["✅", ":white_check_mark:"]}}}
    assert fixed(data, "status-marker-form", spec=spec) == "# Café menu\n\n- ✅ Soup\n".encode("utf-8")


def test_utf8_inside_a_legacy_file_is_repaired_only_on_request() -> None:
    # a Windows-1252 file (most of its non-ASCII bytes) with one line pasted
    # in as UTF-8 (an emoji): its bytes read as Windows-1252 are mojibake,
    # and the reading is not certain
    data = "# Café, déjà vu à la\n\n".encode("cp1252") + "- ✅ done\n".encode("utf-8")
    (v,) = violations(data, "invalid-utf8")
    assert v.fix is not None and v.fix.applicability is Applicability.UNSAFE
    assert "parts of it are UTF-8" in v.message
    assert fixed(data, "RL1") == data
    assert fixed(data, "RL1", unsafe=True) == "# Café, déjà vu à la\n\n- ✅ done\n".encode("utf-8")


def test_a_utf8_file_with_a_damaged_byte_stays_utf8() -> None:
    # one Windows-1252 byte (0xE9) in a UTF-8 file: only that byte is
    # reported; "Caf\xe9" reads "Café" in every Western code page and
    # nothing else fits, so the repair is safe, and the emoji is untouched
    data = b"# Caf\xe9\n\n" + "- ✅ done\n".encode("utf-8")
    (v,) = violations(data, "invalid-utf8")
    assert (v.line, v.column) == (1, 6)
    assert v.message.startswith('invalid UTF-8 byte 0xE9: it reads as "é" in cp1252')
    assert v.fix is not None and v.fix.applicability is Applicability.SAFE
    assert fixed(data, "RL1") == "# Café\n\n- ✅ done\n".encode("utf-8")


def test_a_utf8_character_cut_short_gets_no_fix() -> None:
    # b"\xe2\x9c" is "✅" without its last byte: no code page's letters;
    # the Windows-1252 "é" on the same line is still repaired
    data = "# Roadmap ✅ ✅\n\n".encode("utf-8") + b"- caf\xe9 \xe2\x9c done\n"
    cut, quote = sorted(violations(data, "invalid-utf8"), key=lambda v: v.fix is None)[::-1]
    assert cut.message == ("invalid UTF-8 bytes 0xE2 0x9C: a UTF-8 character cut short (a byte was lost), "
                           "so it cannot be repaired exactly; check the text")
    assert cut.fix is None
    assert quote.message.startswith('invalid UTF-8 byte 0xE9: it reads as "é" in cp1252')
    assert fixed(data, "RL1") == "# Roadmap ✅ ✅\n\n- café ".encode("utf-8") + b"\xe2\x9c done\n"


def test_an_uncertain_guess_for_a_damaged_byte_is_never_safe(tmp_path: Path) -> None:
    # b"\xe9" after Cyrillic: "é" in Windows-1252, "й" in Windows-1251
    path = tmp_path / "ROADMAP.md"
    data = "Привет ".encode("utf-8") + b"\xe9\n"
    path.write_bytes(data)
    result = run("check", str(path), "--select", "invalid-utf8")
    assert result.exit_code == 1
    assert ('RL102 [invalid-utf8] [~] invalid UTF-8 byte 0xE9: it may be "é" in cp1252 (Windows-1252), '
            'but cp1251 (Windows-1251) reads "й"') in result.output
    assert "[*]" not in result.output
    # format keeps the file as UTF-8 with the byte as it was, and settles
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == data
    assert run("format", "--check", str(path)).exit_code == 0
    assert run("format", "--unsafe-fixes", str(path)).exit_code == 0
    assert path.read_bytes() == "Привет é\n".encode("utf-8")


def test_a_damaged_utf8_file_is_rewritten_only_where_damaged(tmp_path: Path) -> None:
    # today's whole-file Windows-1251 rewrite would turn "Привет" into other bytes
    path = tmp_path / "ROADMAP.md"
    path.write_bytes("# Привет\n\nПривет   \n\n".encode("utf-8") + b"- caf\xe9\n")
    assert run("format", str(path)).exit_code == 0
    assert path.read_bytes() == "# Привет\n\nПривет\n\n- café\n".encode("utf-8")
    assert run("format", "--check", str(path)).exit_code == 0


def test_bom_is_reported_and_removed() -> None:
    (v,) = violations(b"\xef\xbb\xbf# Roadmap\n", "bom")
    assert v.message == "file starts with a UTF-8 byte-order mark"
    assert fixed(b"\xef\xbb\xbf# Roadmap\n", "bom") == b"# Roadmap\n"
    assert fixed(b"\xef\xbb\xbf\xef\xbb\xbf# Roadmap\n", "bom") == b"# Roadmap\n"


def test_mixed_line_endings_go_to_the_majority() -> None:
    (v,) = violations(b"# Roadmap\r\n\r\n- a\n- b\r\n", "line-endings")
    assert v.message == "mixed line endings (3 CRLF, 1 LF); use CRLF"
    assert (v.line, v.column) == (3, 4)
    assert fixed(b"# Roadmap\r\n\r\n- a\n- b\r\n", "line-endings") == b"# Roadmap\r\n\r\n- a\r\n- b\r\n"
    assert fixed(b"# Roadmap\n\n- a\r\n- b\n", "line-endings") == b"# Roadmap\n\n- a\n- b\n"
    assert violations(b"# Roadmap\r\n\r\n- a\r\n", "line-endings") == []


@pytest.mark.parametrize("style, want", [("lf", b"# R\n\n- a\n"), ("crlf", b"# R\r\n\r\n- a\r\n")])
def test_line_ending_style_option(style: str, want: bytes) -> None:
    for data in (b"# R\n\n- a\n", b"# R\r\n\r\n- a\r\n"):
        assert fixed(data, "line-endings", style=style) == want


# -- RL105 invisible-character ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, message, want",
    [
        ("- Search\u200b by tag\n", "invisible zero-width space (U+200B)", "- Search by tag\n"),
        ("- Inter\u00adnational\n", "invisible soft hyphen (U+00AD)", "- International\n"),
        ("- Ship it\u00a0\n", "trailing no-break space (U+00A0)", "- Ship it\n"),
        ("- Ship it \u00a0 \n", "trailing no-break space (U+00A0)", "- Ship it\n"),
        ("- Sp\u200dam\n", "invisible zero-width joiner (U+200D)", "- Spam\n"),
    ],
)
def test_invisible_characters_are_removed(text: str, message: str, want: str) -> None:
    (v,) = violations(text, "invisible-character")
    assert v.message == message and v.fixable
    assert fixed(text, "invisible-character") == want


def test_a_no_break_space_in_a_heading_is_an_unsafe_fix() -> None:
    # GitHub's anchor can change with it: "## 🧠\u00a0Plan" is #plan, "## 🧠 Plan" is #-plan
    text = "## Next\u00a0release\n"
    (v,) = violations(text, "invisible-character")
    assert v.message == "no-break space (U+00A0) in a heading; use a plain space"
    assert not v.fixable and v.severity == "warning"
    assert fixed(text, "invisible-character") == text
    assert fixed(text, "invisible-character", unsafe=True) == "## Next release\n"


def test_invisible_characters_that_mean_something_are_left_alone() -> None:
    text = ("- 👩\u200d💻 🏳\ufe0f\u200d🌈 می\u200cخواهم\n"
            "- Thanks @\u200bteam, see #\u200b12\n"
            "- ภาษา\u200bไทย, Q1\u00a02025 stays\n"
            "- שלום\u200f (עברית)\n")
    assert violations(text, "invisible-character") == []


def test_nbsp_after_markdown_syntax_is_an_unsafe_fix() -> None:
    text = "##\u00a0Next\n\n-\u00a0item\n"
    assert len(violations(text, "invisible-character")) == 2
    assert fixed(text, "invisible-character") == text
    assert fixed(text, "invisible-character", unsafe=True) == "## Next\n\n- item\n"


def test_invisible_characters_other_than_bidi_controls_are_warnings() -> None:
    # U+200B in a word, U+00AD in a word, U+00A0 in a heading: invisible, and
    # they change nothing a reader sees, so a warning and no failed check
    text = "# Roadmap\n\n## Next\u00a0release\n\n- Search\u200b by tag\n- Inter\u00adnational\n"
    vs = violations(text, "invisible-character")
    assert [(v.line, v.severity) for v in vs] == [(3, "warning"), (5, "warning"), (6, "warning")]


def test_bidi_controls_are_errors_even_in_code_but_never_edited_there() -> None:
    text = "# Roadmap\n\n- Access \u202egnirts\u202c check\n\n```sh\nrm -rf \u202e/tmp\n```\n"
    vs = violations(text, "invisible-character")
    assert [(v.line, v.severity) for v in vs] == [(3, "error"), (3, "error"), (6, "error")]
    assert all("bidirectional control character" in v.message for v in vs)
    assert vs[2].fix is None  # in a code block: reported, never edited
    assert not any(v.fixable for v in vs)
    out = fixed(text, "invisible-character", unsafe=True)
    assert out == "# Roadmap\n\n- Access gnirts check\n\n```sh\nrm -rf \u202e/tmp\n```\n"


# -- RL106 control-character, RL107 replacement-character -----------------------------------


def test_control_characters() -> None:
    text = "- Export\x08 to CSV\n- Don\x92t break it\n"
    a, b = violations(text, "control-character")
    assert a.message == "control character U+0008 in text" and a.fixable
    assert b.message == 'control character U+0092 in text; in Windows-1252 it is "’"' and not b.fixable
    assert fixed(text, "control-character") == "- Export to CSV\n- Don\x92t break it\n"
    assert fixed(text, "control-character", unsafe=True) == "- Export to CSV\n- Don’t break it\n"
    assert violations("```\nraw\x08\n```\n", "control-character") == []


def test_control_character_inside_a_word_may_have_eaten_a_letter() -> None:
    # b"front/\x08ackend": a "\b" escape in a string made U+0008 of the "b"
    text = b"- Split front/\x08ackend, \x0calse \x1bscape and \x01x; Export\x08 to CSV\n"
    vs = violations(text, "control-character")
    assert [(v.column, v.message, v.fix.applicability if v.fix else None) for v in vs] == [
        (15, 'control character U+0008 inside a word: a character may have been lost '
             '(a "\\b" escape makes U+0008 of the letter "b")', Applicability.UNSAFE),
        (24, 'control character U+000C inside a word: a character may have been lost '
             '(a "\\f" escape makes U+000C of the letter "f")', Applicability.UNSAFE),
        (30, 'control character U+001B inside a word: a character may have been lost '
             '(a "\\e" escape makes U+001B of the letter "e")', Applicability.UNSAFE),
        (41, "control character U+0001 inside a word: a character may have been lost", Applicability.UNSAFE),
        (51, "control character U+0008 in text", Applicability.SAFE),
    ]
    # format removes only the stray one; --unsafe-fixes puts the letters back
    assert fixed(text, "control-character") == text.replace(b"Export\x08", b"Export")
    assert fixed(text, "control-character", unsafe=True) == (
        b"- Split front/backend, false escape and x; Export to CSV\n")


def test_replacement_character_is_reported_only() -> None:
    (v,) = violations("- Caf\ufffd\ufffd menu\n", "replacement-character")
    assert v.message == "replacement character U+FFFD x2: the original text was lost"
    assert v.fix is None
    assert violations("- `Caf\ufffd`\n", "replacement-character") == []


# -- RL108 status-marker-form -----------------------------------------------------------------

LEGEND = "# Roadmap\n\n## Legend\n\n- ✅ done\n- ⚡️ in progress\n\n## Now\n\n"


def test_shortcode_becomes_the_legends_emoji() -> None:
    text = LEGEND + "- :white_check_mark: Import\n- ✅ Export\n"
    (v,) = violations(text, "status-marker-form")
    assert v.message == 'status marker ":white_check_mark:"; write it as "✅", the legend\'s form'
    assert fixed(text, "status-marker-form") == LEGEND + "- ✅ Import\n- ✅ Export\n"


def test_variation_selector_follows_the_legend() -> None:
    text = LEGEND + "- ⚡ Export\n"
    assert fixed(text, "status-marker-form") == LEGEND + "- ⚡️ Export\n"
    plain = LEGEND.replace("⚡️", "⚡")
    assert violations(plain + "- ⚡ Export\n", "status-marker-form") == []
    assert fixed(plain + "- ⚡️ Export\n", "status-marker-form") == plain + "- ⚡ Export\n"


def test_capital_task_box() -> None:
    # two "[x]", one "[X]": the odd one out follows the others
    text = "# Roadmap\n\n- [x] Import\n- [X] Export\n- [x] Print\n- [ ] Sync\n"
    (v,) = violations(text, "status-marker-form")
    assert v.message == 'task box "[X]"; write it as "[x]", the form this file uses most'
    assert fixed(text, "status-marker-form") == text.replace("[X]", "[x]")
    # a tie: the first one decides
    tie = "# Roadmap\n\n- [X] Import\n- [x] Export\n- [ ] Sync\n"
    (v,) = violations(tie, "status-marker-form")
    assert v.message == 'task box "[x]"; write it as "[X]", the form this file uses first'
    assert fixed(tie, "status-marker-form") == tie.replace("[x]", "[X]")


@pytest.mark.parametrize(
    "text",
    [
        "# Roadmap\n\n- [X] Import\n- [X] Export\n- [ ] Sync\n",  # [X] throughout
        "# Roadmap\n\n- :white_check_mark: Import\n- :white_check_mark: Export\n- :construction: Sync\n",
        "# Roadmap\n\n- ⚡ Import\n- ⚡ Export\n",  # no U+FE0F, throughout
    ],
)
def test_one_form_throughout_is_clean(text: str) -> None:
    assert violations(text, "status-marker-form") == []


def test_the_form_most_items_use_wins() -> None:
    text = "# Roadmap\n\n- :white_check_mark: Import\n- ✅ Export\n- :white_check_mark: Sync\n"
    (v,) = violations(text, "status-marker-form")
    assert (v.line, v.message) == (4, 'status marker "✅"; write it as ":white_check_mark:", the form this file uses most')
    assert fixed(text, "status-marker-form") == text.replace("✅", ":white_check_mark:")


def test_a_spec_names_the_task_box() -> None:
    text = "# Roadmap\n\n- [x] Import\n- [x] Export\n"
    spec = {"statuses": {"done": {"markers": ["[X]"]}}}
    assert said(text, "status-marker-form", spec=spec) == [
        (n, 'task box "[x]"; write it as "[X]", your spec\'s form') for n in (3, 4)]
    assert fixed(text, "status-marker-form", spec=spec) == text.replace("[x]", "[X]")


def test_an_emoji_and_a_letter_damaged_on_one_line_are_both_repaired() -> None:
    # the emoji's repair is exact; ftfy finds the letter's beside it
    fixed_text = fixed("# Roadmap\n\n- âœ… CafÃ© opens\n", "mojibake", unsafe=True)
    assert fixed_text == "# Roadmap\n\n- ✅ Café opens\n"


def test_presets_do_not_respell_what_the_author_wrote() -> None:
    # no legend: the preset lists ✔️ and [in progress], but ✔ and
    # [In-progress] are the author's spelling of the same markers
    text = "# Roadmap\n\n## Now\n\n- ✔ Import\n- [In-progress] Export\n- [Done] Sync\n"
    assert violations(text, "status-marker-form") == []


# -- start-up cost ------------------------------------------------------------------------------

_MODULES = """\
import sys
from roadmaplint.cli import main
try:
    main(["check", "--select", "RL1", sys.argv[1]])
except SystemExit as exc:
    code = exc.code
print(code, "ftfy" in sys.modules, "emoji" in sys.modules)
"""


@pytest.mark.parametrize(
    "text, code, loaded",
    [
        ("# Roadmap – Zürich\n\n## Légende\n\n- ✅ done\n- 🚧 in progress\n\n- ✅ Ship “it” — now\n", "0", "False"),
        # an emoji read back through a code page is repaired exactly without ftfy ...
        ("# Roadmap\n\n- âœ… done\n", "1", "False"),
        # ... a letter needs it (an "Ã©" could be a word's own)
        ("# Roadmap\n\n- CafÃ© opens\n", "1", "True"),
        ("# Roadmap\n\n- âœ… CafÃ© opens\n", "1", "True"),
    ],
)
def test_clean_files_do_not_import_ftfy(tmp_path: Path, text: str, code: str, loaded: str) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _MODULES, str(path)], capture_output=True, text=True, check=True)
    assert proc.stdout.split()[-3:] == [code, loaded, "False"], proc.stdout + proc.stderr


def test_code_page_bytes_by_translate_are_the_tables():
    # damage() reads a line as a code page's bytes with str.translate; a
    # character the page lacks ("✅" in cp1252, "я" in latin-1) becomes NUL
    from roadmaplint import mojibake

    lines = ["âœ… Done", "ðŸš§ WIP ✅", "Ã©tÃ©", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚ я", "\x81\x8d\x8f\x90\x9d", "plain", "",
             "".join(chr(c) for c in range(0x300))]
    for enc in mojibake._PAGES:
        table = mojibake._table(enc)
        for line in lines:
            want = bytes(table.get(c, 0) for c in line)
            assert line.translate(mojibake._byte_map(enc)).encode("latin-1") == want, (enc, line)
