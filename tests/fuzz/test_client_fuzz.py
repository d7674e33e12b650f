"""Fuzzing what the client parses from untrusted bytes: QueryResults JSON, segment metadata,
codecs with lying sizes, Trino type strings. Every input must end in a typed, one-line
TrinoTuiError (or ValueError for type text) -- never another exception, never unbounded memory."""

from __future__ import annotations

import lz4.block
import orjson
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from trino_tui.client import ProtocolError, TrinoTuiError, decode_payload, parse_columns
from trino_tui.client.protocol import from_json, parse_query_results, parse_segment
from trino_tui.client.types import parse_type_text

pytestmark = pytest.mark.fuzz

CAP = 1 << 20  # a small cap keeps lying sizes cheap
json_scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=20)
row_values = st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)
sizes = st.one_of(st.none(), st.integers(-5, 3000), st.sampled_from([2**31, 2**33, 2**63, 10**20, -2**63]),
                  st.text(max_size=5), st.floats())
encodings = st.sampled_from(["json", "json+zstd", "json+lz4"])


def _attempt(fn, errors, *args, **kw):
    """``fn(*args)``, or None when it raised one of *errors* -- whose message must be one line."""
    try:
        return fn(*args, **kw)
    except errors as exc:
        assert "\n" not in str(exc)
        return None


@given(st.binary(max_size=300))
def test_query_results_bytes(body):
    _attempt(parse_query_results, ProtocolError, body)


@given(st.fixed_dictionaries(
    {"id": json_values},
    optional={"nextUri": json_values, "columns": json_values, "data": json_values, "stats": json_values,
              "error": json_values, "warnings": json_values, "updateCount": json_values, "updateType": json_values,
              "infoUri": json_values, "partialCancelUri": json_values}))
def test_query_results_documents(doc):
    r = _attempt(from_json, ProtocolError, doc)
    if r is None:
        return
    assert isinstance(r.stats, dict) and isinstance(r.warnings, list)
    assert r.next_uri is None or isinstance(r.next_uri, str)
    assert r.update_count is None or isinstance(r.update_count, int)


@given(st.fixed_dictionaries(
    {"type": st.sampled_from(["inline", "spooled", "other"]) | json_values},
    optional={"data": st.text(max_size=40) | json_values, "uri": json_values, "ackUri": json_values,
              "headers": json_values,
              "metadata": st.fixed_dictionaries({}, optional={
                  "rowOffset": sizes, "rowsCount": sizes, "segmentSize": sizes, "uncompressedSize": sizes,
                  "expiresAt": json_values}) | json_values}),
       encodings)
def test_segment_metadata(raw, encoding):
    seg = _attempt(parse_segment, ProtocolError, raw, encoding)
    if seg is None:
        return
    assert isinstance(seg.row_offset, int) and isinstance(seg.rows_count, int) and isinstance(seg.segment_size, int)
    assert seg.row_offset >= 0 and seg.rows_count >= 0 and seg.segment_size >= 0
    assert seg.kind in ("inline", "spooled")
    assert seg.kind == "inline" or (isinstance(seg.uri, str) and isinstance(seg.ack_uri, str))


def _compress(encoding: str, raw: bytes) -> bytes:
    if encoding == "json+zstd":
        return zstandard.ZstdCompressor().compress(raw)
    if encoding == "json+lz4":
        return lz4.block.compress(raw, store_size=False)
    return raw


@given(st.lists(st.lists(row_values, min_size=1, max_size=3), max_size=20), encodings,
       st.integers(-3000, 3000) | st.sampled_from([2**31, 2**40, 10**19]), st.integers(-3, 3) | st.none(),
       st.integers(1, 3) | st.none())
def test_codecs_with_lying_sizes(rows, encoding, size_delta, count_delta, width):
    raw = orjson.dumps(rows)
    payload = _compress(encoding, raw)
    honest = None if encoding == "json" else len(raw)
    declared = None if honest is None and size_delta % 2 else (honest or 0) + size_delta
    count = None if count_delta is None else len(rows) + count_delta
    out = _attempt(decode_payload, TrinoTuiError, payload, encoding, declared, count, width=width,
                   max_uncompressed=CAP)
    if out is not None:  # accepted only when nothing lied
        assert out == rows and declared == honest and (count is None or count == len(rows))
        assert width is None or all(len(r) == width for r in rows)


@given(st.binary(max_size=400), encodings, sizes.filter(lambda s: s is None or isinstance(s, int)),
       st.integers(0, 5) | st.none())
def test_codecs_with_garbage_payloads(payload, encoding, declared, count):
    _attempt(decode_payload, TrinoTuiError, payload, encoding, declared, count, max_uncompressed=CAP)


type_words = st.sampled_from(["array", "map", "row", "decimal", "varchar", "bigint", "timestamp", "with", "time",
                              "zone", "(", ")", ",", " ", '"', '""', "3", "10", "a b", "interval", "day", "to",
                              "second", "x", "ROW", "char"])


@given(st.lists(type_words, max_size=30).map("".join) | st.text(max_size=40))
def test_type_text(text):
    t = _attempt(parse_type_text, ValueError, text)
    assert t is None or (t.raw and isinstance(t.args, tuple)) and isinstance(t.args, tuple)


signatures = st.recursive(
    st.fixed_dictionaries({"rawType": st.sampled_from(["bigint", "varchar", "decimal"]) | json_values},
                          optional={"arguments": st.just([])}),
    lambda inner: st.fixed_dictionaries({
        "rawType": st.sampled_from(["array", "map", "row"]) | json_values,
        "arguments": st.lists(st.fixed_dictionaries({
            "kind": st.sampled_from(["TYPE", "LONG", "NAMED_TYPE", "TYPE_SIGNATURE", "VARIABLE"]) | json_values,
            "value": inner | json_values | st.fixed_dictionaries({"typeSignature": inner}, optional={
                "fieldName": st.fixed_dictionaries({"name": json_values})}),
        }), max_size=3)}),
    max_leaves=10)


@given(st.lists(st.fixed_dictionaries({"name": json_values}, optional={"type": json_values,
                                                                         "typeSignature": signatures | json_values}),
                max_size=3))
def test_column_descriptions(columns):
    cols = _attempt(parse_columns, ValueError, columns)
    assert cols is None or len(cols) == len(columns)
