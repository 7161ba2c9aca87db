"""Highlighting the spans of a post's indicators."""

from __future__ import annotations

from sinergi.detection.selectors import highlight_segments, numbered_indicators

TEXT = "Lowker admin Kamboja gaji 15jt tanpa pengalaman"


def flag(start, end, code="X", text=None):
    return {"code": code, "span_start": start, "span_end": end, "span_text": text or TEXT[start:end]}


def test_segments_rebuild_the_text_and_mark_each_span():
    indicators = numbered_indicators([flag(13, 20, "NON_PLACEMENT"), flag(31, 47, "NO_EXPERIENCE")])
    segments = highlight_segments(TEXT, indicators)
    assert "".join(s.text for s in segments) == TEXT
    marked = [(s.text, s.numbers) for s in segments if s.indicators]
    assert marked == [("Kamboja", "1"), ("tanpa pengalaman", "2")]


def test_overlapping_spans_become_one_mark_with_both_numbers():
    indicators = numbered_indicators([flag(21, 30, "SALARY"), flag(26, 30, "AMOUNT")])
    segments = highlight_segments(TEXT, indicators)
    assert [(s.text, s.numbers) for s in segments if s.indicators] == [("gaji 15jt", "1, 2")]
    assert "".join(s.text for s in segments) == TEXT


def test_a_span_outside_the_text_is_found_by_its_words_or_dropped():
    moved = {"code": "X", "span_start": 500, "span_end": 507, "span_text": "Kamboja"}
    lost = {"code": "Y", "span_start": "?", "span_end": None, "span_text": "Myanmar"}
    segments = highlight_segments(TEXT, numbered_indicators([moved, lost]))
    assert [s.text for s in segments if s.indicators] == ["Kamboja"]
    assert "".join(s.text for s in segments) == TEXT


def test_no_indicator_is_one_plain_segment():
    assert [(s.text, s.indicators) for s in highlight_segments(TEXT, [])] == [(TEXT, [])]
