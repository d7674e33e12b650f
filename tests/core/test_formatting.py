"""Pure formatting helpers: exact strings, unknown values, unit boundaries."""

from __future__ import annotations

import math

import pytest

from trino_tui.core.formatting import (
    UNKNOWN,
    human_bytes,
    human_count,
    human_duration,
    human_ms,
    human_rate,
    human_ratio,
    percent,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0 B"), (512, "512 B"), (1023, "1023 B"), (1024, "1.00 kB"), (1536, "1.50 kB"),
     (10 * 1024 * 1024, "10.0 MB"), (150 * 1024**3, "150 GB"), (3 * 1024**6, "3072 PB")],
)
def test_human_bytes(value, expected):
    assert human_bytes(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (42, "42"), (9_999, "9,999"), (10_000, "10.0K"), (1_234_567, "1.23M"),
     (60_175, "60.2K"), (2.6, "3")],
)
def test_human_count(value, expected):
    assert human_count(value) == expected


def test_human_rate_rows_and_bytes():
    assert human_rate(12_500.0) == "12.5K rows/s"
    assert human_rate(3.2 * 1024 * 1024, "bytes") == "3.20 MB/s"
    assert human_rate(5, "segments") == "5 segments/s"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.25, "250ms"), (0, "0ms"), (-1, "0ms"), (12.34, "12.3s"), (75, "1:15"), (3725, "1:02:05")],
)
def test_human_duration(seconds, expected):
    assert human_duration(seconds) == expected


def test_human_ms_and_ratio_and_percent():
    assert human_ms(0.0123) == "12.3 ms"
    assert human_ms(2.5) == "2500 ms"
    assert human_ratio(340, 100) == "3.4×"
    assert percent(1, 4) == "25%"


@pytest.mark.parametrize(
    "fn", [human_bytes, human_count, human_rate, human_duration, human_ms])
@pytest.mark.parametrize("value", [None, math.nan, math.inf])
def test_unknown_values_render_placeholder(fn, value):
    assert fn(value) == UNKNOWN


def test_ratio_and_percent_unknown_or_zero():
    assert human_ratio(10, 0) == UNKNOWN
    assert human_ratio(None, 10) == UNKNOWN
    assert percent(3, 0) == UNKNOWN
