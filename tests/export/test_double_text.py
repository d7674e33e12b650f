"""export.double_text: double columns rendered by orjson give exactly the in-process writer's bytes.

The export worker (`export.worker._Formatter`) writes a run through the double-text writer only when
`DoubleText.prepare` proves the text identical; these tests compare the worker's output with the
in-process writer's on fixed and generated rows, with the fast path on and off.
"""

from __future__ import annotations

import io
import math

import orjson
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trino_tui.client import RowWidthMismatch, SegmentCorrupt
from trino_tui.client.types import Column, parse_type_text
from trino_tui.export import create_writer
from trino_tui.export.double_text import ENV_SWITCH, FORMATS, DoubleText, group_text
from trino_tui.export.text import java_double
from trino_tui.export.worker import _Formatter

# deterministic (derandomized, no example database): a failure reproduces
FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)
ROWS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

TYPES = ["bigint", "double", "varchar", "double", "date", "boolean", "decimal(10,2)"]
COLUMNS = [Column(f"c{i}", parse_type_text(t)) for i, t in enumerate(TYPES)]

plain_doubles = st.one_of(
    st.floats(min_value=0.001, max_value=1e7, exclude_max=True),
    st.floats(min_value=-1e7, max_value=-0.001, exclude_min=True),
    st.sampled_from([0.0, -0.0, 0.001, -0.001, 9999999.999999998, 0.1, 0.07, 49.0, 1234567.0]),
)
odd_doubles = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),  # any finite double, most outside the plain range
    st.sampled_from([1e7, -1e7, 0.000999, 1e-5, 1e16, 1.5e300, 5e-324]),
    st.integers(min_value=-10**6, max_value=10**6),  # an int in a double column prints as "5.0"
    st.sampled_from(["NaN", "Infinity", "-Infinity", True, False]),
)
texts = st.one_of(st.text(max_size=12), st.sampled_from(['say "hi"', "a,b", "two\nlines", "back\\slash", "", "ü 日本"]))


def row_strategy(doubles: st.SearchStrategy) -> st.SearchStrategy:
    maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731
    return st.tuples(maybe(st.integers(min_value=-2**63, max_value=2**63 - 1)), maybe(doubles), maybe(texts),
                     maybe(doubles), maybe(st.just("2024-01-02")), maybe(st.booleans()),
                     maybe(st.sampled_from(["1.50", "-0.00", "12345678.90"]))).map(list)


def job(rows: list, offset: int = 0) -> tuple:
    raw = orjson.dumps(rows)
    return (zstandard.ZstdCompressor().compress(raw), "json+zstd", len(raw), len(rows), offset, 0)


def in_process(fmt: str, rows: list) -> bytes:
    out = io.BytesIO()
    writer = create_writer(fmt, out, COLUMNS)
    writer.write_rows([])  # the header, as the worker's parent writes it
    start = len(out.getvalue())
    writer.write_rows(orjson.loads(orjson.dumps(rows)))  # the wire rows exactly as the worker parses them
    return out.getvalue()[start:]


def worker_output(fmt: str, rows: list) -> bytes:
    return b"".join(_Formatter(fmt, COLUMNS, 1 << 30).run(job(rows)))


@FAST
@given(st.lists(plain_doubles, min_size=1, max_size=40))
def test_orjson_text_of_a_plain_double_is_the_in_process_text(values: list) -> None:
    assert group_text(values, 1) == [java_double(v) for v in values]
    assert group_text(values, 1) == [repr(v) for v in values]


@FAST
@given(odd_doubles)
def test_anything_but_a_plain_double_or_null_is_declined(value) -> None:
    if isinstance(value, float) and (value == 0.0 or 0.001 <= abs(value) < 1e7):
        return  # a plain double after all (st.floats may draw one)
    assert group_text([1.5, value, None], 1) is None
    assert group_text([(1.5, value)], 2) is None


def test_nulls_are_empty_and_groups_flatten_row_by_row() -> None:
    assert group_text([(1.5, None), (None, -0.0), (0.0, 49.0)], 2) == ["1.5", "", "", "-0.0", "0.0", "49.0"]
    assert group_text([None, None], 1) == ["", ""]
    assert group_text([[1.5]], 1) is None  # nested
    assert group_text([float("nan"), None], 1) is None and group_text([(float("inf"), 1.5)], 2) is None
    assert group_text([{"a": 1.0}], 1) is None


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@ROWS
@given(rows=st.lists(row_strategy(plain_doubles), min_size=1, max_size=30))
def test_worker_bytes_equal_in_process_bytes_plain_doubles(fmt: str, rows: list) -> None:
    assert DoubleText(COLUMNS).prepare(orjson.loads(orjson.dumps(rows))) is not None  # the fast path applies
    assert worker_output(fmt, rows) == in_process(fmt, rows)


@pytest.mark.parametrize("fmt", ["CSV", "CSV_UNQUOTED", "TSV"])
@ROWS
@given(rows=st.lists(row_strategy(st.one_of(plain_doubles, odd_doubles)), min_size=1, max_size=30))
def test_worker_bytes_equal_in_process_bytes_any_doubles(fmt: str, rows: list) -> None:
    assert worker_output(fmt, rows) == in_process(fmt, rows)


FIXED = [
    [1, 49.0, "plain", 0.07, "2024-01-02", True, "1.50"],
    [None, None, None, None, None, None, None],
    [-9223372036854775808, -0.0, 'say "hi", twice', 0.0, "1900-01-01", False, "-0.00"],
    [9223372036854775807, 9999999.999999998, "two\nlines\tand tab", 0.001, None, None, None],
    [0, -1234567.125, "back\\slash \\n ü 日本", -0.001, "2024-02-29", True, "12345678.90"],
    [7, 0.5, "", 1.0, "", False, ""],
]
ODD = [[1, 1e7, "x", 0.5, None, None, None], [2, 1e-5, "x", 0.5, None, None, None],
       [3, 5, "x", 0.5, None, None, None], [4, "NaN", "x", "-Infinity", None, None, None],
       [5, 1.5e300, "x", 0.000999, None, None, None]]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_fixed_rows_plain_and_odd(fmt: str) -> None:
    for rows in (FIXED, ODD, FIXED + ODD):
        assert worker_output(fmt, rows) == in_process(fmt, rows)
    assert b'"-0.0"' in worker_output("CSV", FIXED) and b'"1.0E7"' in worker_output("CSV", ODD)
    assert b'"5.0"' in worker_output("CSV", ODD)  # an int in a double column: Java text of 5.0


def test_the_fast_path_is_taken_for_plain_runs_and_declined_for_odd_ones(monkeypatch) -> None:
    formatter = _Formatter("CSV", COLUMNS, 1 << 30)
    used: list[str] = []
    monkeypatch.setattr(formatter._text_writer, "write_rows", lambda rows: used.append("text"))
    monkeypatch.setattr(formatter._writer, "write_rows", lambda rows: used.append("rows"))
    formatter.run(job(FIXED))
    formatter.run(job(ODD))
    assert used == ["text", "rows"]


def test_a_declined_run_is_left_untouched() -> None:
    rows = orjson.loads(orjson.dumps(FIXED + ODD))
    before = [list(r) for r in rows]
    assert DoubleText(COLUMNS).prepare(rows) is None
    assert rows == before and all(type(a) is type(b) for r, s in zip(rows, before) for a, b in zip(r, s))


def test_rows_of_another_width_are_declined() -> None:
    assert DoubleText(COLUMNS).prepare([[1, 1.5]]) is None
    assert DoubleText(COLUMNS).prepare([]) is None


def test_switch_formats_and_columns() -> None:
    assert DoubleText.for_format("CSV", COLUMNS, env={}) is not None
    assert DoubleText.for_format("csv_header", COLUMNS, env={ENV_SWITCH: "1"}) is not None
    assert DoubleText.for_format("CSV", COLUMNS, env={ENV_SWITCH: "0"}) is None
    assert DoubleText.for_format("JSON", COLUMNS, env={}) is None
    assert DoubleText.for_format("CSV", [Column("x", parse_type_text("real"))], env={}) is None
    assert [c.type.raw for c in DoubleText(COLUMNS).text_columns] == [
        "bigint", "varchar", "varchar", "varchar", "date", "boolean", "decimal"]


def test_switch_off_in_the_worker(monkeypatch) -> None:
    monkeypatch.setenv(ENV_SWITCH, "0")
    formatter = _Formatter("CSV", COLUMNS, 1 << 30)
    assert formatter._doubles is None
    assert b"".join(formatter.run(job(FIXED))) == in_process("CSV", FIXED)


def test_bad_segments_raise_as_before() -> None:
    formatter = _Formatter("CSV", COLUMNS, 1 << 30)
    with pytest.raises(RowWidthMismatch):
        formatter.run(job([[1, 1.5]]))
    raw = b'[[1,1.5,"x",0.5,null,null,null],[2,'
    with pytest.raises(SegmentCorrupt):
        formatter.run((zstandard.ZstdCompressor().compress(raw), "json+zstd", len(raw), 2, 0, 0))
    huge = b'[[123456789012345678901234567890,1.5,"x",0.5,null,null,null]]'  # orjson: a float
    assert b"".join(formatter.run((huge, "json", None, 1, 0, 0))) == in_process("CSV", orjson.loads(huge))


def test_many_rows_in_several_runs() -> None:
    rows = [[i, (i % 997) / 8 + 0.001, f"r{i},x", -(i % 13) / 4, "2024-01-02", i % 2 == 0, f"{i}.00"]
            for i in range(5000)]
    rows[4321][3] = math.pi * 1e7  # one run falls back (3.1415926535897934E7)
    assert worker_output("CSV", rows) == in_process("CSV", rows)


def test_the_parent_never_imports_the_fast_path() -> None:
    """Only the worker processes build a `_Formatter`; the main process (pool, result reader) and a
    small in-process export do not load export.double_text."""
    import subprocess
    import sys

    code = ("import sys, io\n"
            "from trino_tui.export.parallel import SegmentFormatPool\n"
            "from trino_tui.export.worker import ResultReader, write_message\n"
            "from trino_tui.export import create_writer\n"
            "from trino_tui.client.types import Column, parse_type_text\n"
            "w = create_writer('CSV', io.BytesIO(), [Column('d', parse_type_text('double'))])\n"
            "w.write_rows([[1.5]]); w.close()\n"
            "print('trino_tui.export.double_text' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
