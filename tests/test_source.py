"""Bytes to text: UTF-8, the BOM, and legacy code pages found by detection."""

from __future__ import annotations

import pytest

from roadmaplint.source import Source, SourceError, detect_legacy, legacy_readings

SAMPLES = [
    ("cp1252", "# Café ‘déjà vu’ — naïve\n\nTrès être où, à bientôt.\n"),
    ("cp1252", "España está lista. ¿Qué pasa? Señor Muñoz\n"),
    ("cp1252", "Straße in Zürich, Größe… Ångström och Øresund\n"),
    ("cp1250", "Łódź i Gdańsk, zażółć gęślą jaźń\n"),
    ("cp1250", "Dvořák: příliš žluťoučký kůň úpěl ďábelské ódy\n"),
    ("cp1250", "Ľudovít Štúr, ťava, kôň\n"),
    ("cp1251", "Привет, «мир» — всё готово\n"),
    ("cp1251", "Відомо: Ні, їх є ґанок\n"),
    ("cp1254", "Türkçe ğüşıöç İstanbul’da\n"),
    ("mac_roman", "Café résumé naïve — “quoted” and Ça\n"),
]


@pytest.mark.parametrize("encoding, text", SAMPLES, ids=[f"{e}-{i}" for i, (e, _) in enumerate(SAMPLES)])
def test_legacy_file_is_read_by_detection(encoding: str, text: str) -> None:
    source = Source.from_bytes(text.encode(encoding), "ROADMAP.md")
    assert source.text == text
    assert source.encoding_certain
    # the same text either way; the name is the most likely of the code
    # pages that agree (Windows-1254 reads Western text like Windows-1252)
    assert source.encoding == encoding or text.encode(source.encoding) == text.encode(encoding)


def test_legacy_file_round_trips_to_the_same_bytes() -> None:
    data = "# Café — “done”\r\n".encode("cp1252")
    source = Source.from_bytes(data)
    assert source.encoding == "cp1252" and source.newline == "\r\n"
    assert source.to_bytes() == data


def test_utf8_is_read_as_is() -> None:
    source = Source.from_bytes("# Café ✅\n".encode("utf-8"))
    assert (source.text, source.encoding, source.bom) == ("# Café ✅\n", "utf-8", False)
    source = Source.from_bytes(b"\xef\xbb\xbf# Roadmap\n")
    assert (source.text, source.bom) == ("# Roadmap\n", True)
    assert source.to_bytes() == b"\xef\xbb\xbf# Roadmap\n"


def test_a_reading_two_code_pages_give_differently_is_not_certain() -> None:
    # "è" in Windows-1252 is "č" in Windows-1250, and one word tells nothing
    assert detect_legacy(b"Zu\xe8\n") == ("cp1252", "Zuè\n", False)
    readings = [enc for enc, _, _ in legacy_readings(b"Zu\xe8\n")]
    assert readings[:2] == ["cp1252", "cp1250"]


def test_a_reading_clearly_better_than_the_others_is_certain() -> None:
    # Windows-1250 reads "déjà" as "déjŕ" and "naïve" as "naďve": Slovak
    # letters, but rare ones, where Windows-1252 gives common French ones
    assert detect_legacy("Naïve, déjà vu\n".encode("cp1252")) == ("cp1252", "Naïve, déjà vu\n", True)


def test_utf8_pasted_into_a_legacy_file_is_not_certain() -> None:
    data = "# Café\n".encode("cp1252") + "- ✅ done\n".encode("utf-8")
    enc, text, certain = detect_legacy(data)
    assert enc == "cp1252" and not certain
    assert text.encode(enc) == data  # the text still writes back the same bytes


@pytest.mark.parametrize(
    "data, message",
    [
        (b"# x\x00\x01", "binary file (contains NUL bytes)"),
        ("# Roadmap\n".encode("utf-16"), "UTF-16 file (byte-order mark); save it as UTF-8"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\xff\xfe\x90\x81", "not valid UTF-8 (byte 0xff on line 1)"),
    ],
)
def test_what_is_not_text_stays_an_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError) as info:
        Source.from_bytes(data)
    assert str(info.value).startswith(message)


def test_utf8_with_a_damaged_byte_stays_utf8_and_writes_back_the_same_bytes() -> None:
    data = "Привет ".encode("utf-8") + b"\xe9\n"
    source = Source.from_bytes(data)
    assert source.encoding == "utf-8"
    assert source.text == "Привет \udce9\n"  # the bad byte, kept for RL102
    assert source.to_bytes() == data


def test_a_whole_legacy_file_is_still_read_in_its_code_page() -> None:
    # no valid multi-byte UTF-8 anywhere: Windows-1251 as before
    data = "Привет, мир\n".encode("cp1251")
    source = Source.from_bytes(data)
    assert (source.encoding, source.text) == ("cp1251", "Привет, мир\n")


def test_a_legacy_file_with_chance_utf8_pairs_stays_legacy() -> None:
    # Windows-1251 "Сі" is the bytes D1 B3, valid UTF-8 by chance; the rest
    # of the Ukrainian text is not UTF-8 at all
    text = "Січень: плани на рік\n"
    data = text.encode("cp1251")
    assert b"\xd1\xb3" in data
    source = Source.from_bytes(data)
    assert (source.encoding, source.text) == ("cp1251", text)
