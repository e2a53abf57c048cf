"""Dates, periods and versions as roadmaps write them."""

from __future__ import annotations

import datetime as dt

import pytest

from roadmaplint import dates as D
from roadmaplint.document import load
from roadmaplint.source import Source


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    "text, year, first, last",
    [
        ("Q3 2025", None, "2025-07-01", "2025-09-30"),
        ("2025-Q3", None, "2025-07-01", "2025-09-30"),
        ("2025 Q3", None, "2025-07-01", "2025-09-30"),
        ("H2 2025", None, "2025-07-01", "2025-12-31"),
        ("2026", None, "2026-01-01", "2026-12-31"),
        ("June 2025", None, "2025-06-01", "2025-06-30"),
        ("Sept 2025", None, "2025-09-01", "2025-09-30"),
        ("2025-06-15", None, "2025-06-15", "2025-06-15"),
        ("June 15, 2025", None, "2025-06-15", "2025-06-15"),
        ("15 June 2025", None, "2025-06-15", "2025-06-15"),
        ("June 3 2022", None, "2022-06-03", "2022-06-03"),
        ("2027-03", None, "2027-03-01", "2027-03-31"),
        ("Q4’22", None, "2022-10-01", "2022-12-31"),
        ("Q4 '22", None, "2022-10-01", "2022-12-31"),
        ("Summer 2025", None, "2025-06-01", "2025-08-31"),
        ("Q1–Q2 2025", None, "2025-01-01", "2025-06-30"),
        ("2025–2026", None, "2025-01-01", "2026-12-31"),
        ("27 April 2024 - 27 May 2024", None, "2024-04-27", "2024-05-27"),
        # a quarter narrowed by its month, under a year heading
        ("Early Q4 (October)", 2022, "2022-10-01", "2022-10-11"),
        ("Mid Q1 (February)", 2023, "2023-02-10", "2023-02-19"),
        ("End of Q1 (March)", 2023, "2023-03-21", "2023-03-31"),
        ("End of Q4 (December)", 2022, "2022-12-21", "2022-12-31"),
        ("Q2", 2024, "2024-04-01", "2024-06-30"),
        ("(end June 2022)", None, "2022-06-20", "2022-06-30"),
        ("mid-2025", None, "2025-05-02", "2025-08-31"),
    ],
)
def test_period_forms(text: str, year: int | None, first: str, last: str) -> None:
    found = D.find_period(text, year)
    assert found is not None, text
    assert (found.start, found.end) == (day(first), day(last))
    assert found.text == (text[1:-1] if text.startswith("(") else text)


def test_a_period_remembers_where_it_was_written() -> None:
    text = "Plugin API (target: 2027-03) and more"
    found = D.find_period(text)
    assert found is not None
    assert text[found.start_offset : found.end_offset] == "2027-03"


@pytest.mark.parametrize(
    "text",
    [
        "This may change",
        "march forward with the parser",
        "Phase 2",
        "Step 3",
        "Support 1000 concurrent users",
        "3000 requests per second",
        "Handle 2048-bit keys",
        "Fix #2024",
        "v1.2.3",
        "Python 3.11 support",
        "1990s hardware",
        "Q3 without a year",
        "A jan-feb sale",
    ],
)
def test_no_dates_in_ordinary_text(text: str) -> None:
    assert D.find_period(text) is None


def test_words_stay_words_under_a_year_heading() -> None:
    # a year from the heading above fills in a quarter, not a number
    assert D.find_period("Phase 2", 2024) is None
    assert D.find_period("Step 3 of 20", 2024) is None
    assert D.find_period("it may slip", 2024) is None


def test_versions_order_numerically() -> None:
    versions = ["v1.10", "v1.2", "2.0.0", "2.0.0-rc1", "v1.2.1", "Version 0.4.2"]
    keys = {v: D.find_version(v) for v in versions}
    assert sorted(versions, key=lambda v: keys[v]) == [
        "Version 0.4.2", "v1.2", "v1.2.1", "v1.10", "2.0.0-rc1", "2.0.0"]


@pytest.mark.parametrize("text", ["37.5% faster", "$0.25 per call", "192.168.1.1", "2025"])
def test_no_versions_in_numbers(text: str) -> None:
    assert D.find_version(text) is None


@pytest.mark.parametrize(
    "text, kind, end",
    [
        ("container-specific tuning (end June 2022)", "target", "2022-06-30"),
        ("Plugin API, target: 2027-03", "target", "2027-03-31"),
        ("Ship the importer by 2026-01-15", "target", "2026-01-15"),
        ("Plugin API (Q3 2025)", "target", "2025-09-30"),
        ("Plugin API (done 2024-02)", "completed", "2024-02-29"),
        ("Shipped on March 3, 2024: the importer", "completed", "2024-03-03"),
    ],
)
def test_item_dates(text: str, kind: str, end: str) -> None:
    found = D.item_dates(text)
    assert [(d.kind, d.period.end) for d in found] == [(kind, day(end))]


def test_target_and_completion_on_one_item() -> None:
    found = D.item_dates("Plugin API (target: 2024-03, done 2024-02)")
    assert D.target(found).period.end == day("2024-03-31")  # type: ignore[union-attr]
    assert D.completed(found).period.end == day("2024-02-29")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "Rewrite the parser, started in June 2024",
        "Support 2000 users",
        "Likely won't ship in 2026",
        "Migrate from the 2019 API",
    ],
)
def test_a_date_in_passing_is_no_target(text: str) -> None:
    assert D.target(D.item_dates(text)) is None


def test_a_heading_named_by_a_period_targets_it() -> None:
    assert D.target(D.item_dates("Q3 2025: Plugins", title=True)).period.end == day("2025-09-30")  # type: ignore[union-attr]
    assert D.target(D.item_dates("Notes from the 2025 meetup", title=True)) is None


def test_names() -> None:
    assert D.name_of("Later").later
    assert D.name_of("Up next").later
    assert not D.name_of("Future-proof testing").later
    strong = D.name_of("✅ Q3 2025 — Plugins")
    assert strong.period_strong and strong.period is not None
    weak = D.name_of("Phase 1 (Q1 2025)")
    assert weak.period is not None and not weak.period_strong and weak.period_prefix == "phase # ("
    labelled = D.name_of("hledger 1.40, september")
    assert labelled.version == D.find_version("1.40") and labelled.version_strong
    assert not D.name_of("Language: Python 3.11").version_strong


def test_annotate_reads_year_headings() -> None:
    doc = load(Source(
        "# Roadmap\n\n## 2023\n\n### End of Q1 (March)\n\n- [ ] Metrics (by Mid Q1 (February))\n"
        "- [x] Docs (done 2023-02-01)\n"
    ))
    dates = D.annotate(doc)
    milestone = doc.root.children[0].children[0].children[0]
    assert milestone.title == "End of Q1 (March)"
    assert D.target(dates[id(milestone)]).period.end == day("2023-03-31")  # type: ignore[union-attr]
    metrics, docs = doc.root.children[0].children[0].children[0].items
    assert D.target(dates[id(metrics)]).period.end == day("2023-02-19")  # type: ignore[union-attr]
    assert D.completed(dates[id(docs)]).period.end == day("2023-02-01")  # type: ignore[union-attr]
    assert dates[id(docs)][0].as_dict() == {"kind": "completed", "text": "2023-02-01",
                                       "start": "2023-02-01", "end": "2023-02-01"}


def test_a_number_in_a_heading_gives_no_year() -> None:
    doc = load(Source("# Roadmap\n\n## Scaling to 2000 nodes\n\n### Q3\n\n- [ ] sharding (by Q4)\n"))
    dates = D.annotate(doc)
    scaling = doc.root.children[0].children[0]
    assert dates[id(scaling)] == [] and dates[id(scaling.children[0])] == []
    assert dates[id(scaling.children[0].items[0])] == []
