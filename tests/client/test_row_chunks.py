"""codecs.iter_row_chunks: a segment parsed in runs is exactly orjson.loads of it, whatever the values."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trino_tui.client.codecs import iter_row_chunks, parse_rows
from trino_tui.client.errors import RowWidthMismatch, SegmentCorrupt

# values that put "],[" inside strings and nested arrays, where a run must not end
TRICKY = ["],[", "a],[b", '"],["', "\\],[", ["x"], [[1, 2], [3]], {"k": [[1], [2]]}, None, 1.5, "ü],[€"]


def _runs(data: bytes, **kw) -> list[list]:
    return list(iter_row_chunks(data, kw.pop("count", None), chunk_bytes=kw.pop("chunk_bytes", 1), **kw))


@pytest.mark.parametrize("chunk_bytes", [1, 7, 64, 1 << 20])
def test_runs_concatenate_to_the_whole_parse(chunk_bytes):
    rows = [[i, TRICKY[i % len(TRICKY)], TRICKY[(i * 3) % len(TRICKY)]] for i in range(200)]
    data = orjson.dumps(rows)
    runs = _runs(data, chunk_bytes=chunk_bytes, count=200, width=3)
    assert [r for run in runs for r in run] == rows
    if chunk_bytes == 1:
        assert len(runs) > 20  # it really split (and recovered where a split was not a row boundary)


def test_small_runs_are_the_default_path_of_parse_rows():
    rows = [[i, "x" * 50] for i in range(5000)]
    data = orjson.dumps(rows)
    assert len(list(iter_row_chunks(data, 5000))) > 1
    assert parse_rows(data, 5000, 2) == rows


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.recursive(st.none() | st.integers(-2**63, 2**63 - 1) | st.text(alphabet="[],\"\\ab"),
                                      lambda kids: st.lists(kids, max_size=3), max_leaves=6),
                         min_size=2, max_size=2), max_size=30),
       st.integers(min_value=1, max_value=40))
def test_any_rows_any_run_size(rows, chunk_bytes):
    data = orjson.dumps(rows)
    assert [r for run in _runs(data, chunk_bytes=chunk_bytes) for r in run] == rows


@pytest.mark.parametrize("data", [b"[[1],[2],[3]", b"[[1],[2]],[[3]]", b"[[1],[2]x,[3]]", b"[[1],[2],[3]]]",
                                  b'[[1],["a],[b],[3]]'])
def test_invalid_json_fails_with_the_whole_segment_message(data):
    with pytest.raises(SegmentCorrupt) as got:
        _runs(data, index=4)
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        assert str(exc) in str(got.value)
    else:  # pragma: no cover - the cases are invalid JSON
        pytest.fail("case is valid JSON")


def test_row_count_and_width_are_checked_with_absolute_row_numbers():
    data = orjson.dumps([[1, 2]] * 50 + [[1]] + [[1, 2]] * 5)
    with pytest.raises(RowWidthMismatch, match="row 150 has 1 values"):
        _runs(data, width=2, first_row=100)
    with pytest.raises(SegmentCorrupt, match="segment has 56 rows, rowsCount says 57"):
        _runs(data, count=57)


@pytest.mark.parametrize("data, rows", [(b"[]", []), (b" [[1]] ", [[1]]), (b"[[]]", [[]]), (b"[[1] , [2]]", [[1], [2]])])
def test_other_layouts_parse_whole(data, rows):
    assert [r for run in _runs(data) for r in run] == rows


def test_not_an_array_of_rows():
    with pytest.raises(SegmentCorrupt, match="not an array of rows"):
        _runs(b'{"a": 1}')


def test_batch_row_runs_deferred_eager_and_corrupt():
    import zstandard

    from trino_tui.client import Batch

    rows = [[i, "x" * 40] for i in range(4000)]
    raw = orjson.dumps(rows)
    deferred = Batch(10, 4000, segment=3, payload=zstandard.ZstdCompressor().compress(raw), encoding="json+zstd",
                     uncompressed_size=len(raw))
    runs = list(deferred.row_runs())
    assert len(runs) > 1 and [r for run in runs for r in run] == rows and not deferred.decoded
    assert deferred.wire_rows() == rows and list(deferred.row_runs()) == [rows]  # decoded: one run
    short = Batch(0, 4001, segment=4, payload=raw, encoding="json")
    with pytest.raises(SegmentCorrupt, match="segment has 4000 rows, rowsCount says 4001"):
        list(short.row_runs())
