"""Unit tests for the pure spooling pieces: negotiation, sizes, encoders, segmenter, page builder."""

from __future__ import annotations

import lz4.block
import orjson
import pytest
import zstandard

from trino_tui.sandbox import SandboxConfig
from trino_tui.sandbox.config import parse_data_size
from trino_tui.sandbox.results import expires_at_text
from trino_tui.sandbox.spooling import PageBuilder, Segmenter, SpoolingOptions, encode_payload, negotiate


def test_negotiate_takes_first_enabled_in_client_order():
    enabled = ("json+zstd", "json+lz4", "json")
    assert negotiate("json+lz4,json+zstd", enabled) == "json+lz4"
    assert negotiate(" , bogus , json ", enabled) == "json"
    assert negotiate("JSON", enabled) is None  # exact, case-sensitive
    assert negotiate(None, enabled) is None and negotiate("json+zstd", ("json",)) is None


@pytest.mark.parametrize("text,expected", [("64kB", 65536), ("1MB", 1 << 20), ("1.5MB", 1572864), ("4096", 4096),
                                           ("2GB", 2 << 30), ("10B", 10)])
def test_parse_data_size(text, expected):
    assert parse_data_size(text) == expected


def test_parse_data_size_rejects_garbage():
    with pytest.raises(ValueError):
        parse_data_size("lots")


def test_encoders_compress_only_at_threshold():
    doc = orjson.dumps([[i, "x" * 20] for i in range(2000)])
    small = b"[[1]]"
    for enc in ("json", "json+zstd", "json+lz4"):
        assert encode_payload(enc, small, 8192).uncompressed_size is None
    assert encode_payload("json", doc, 8192).payload == doc
    z = encode_payload("json+zstd", doc, 8192)
    assert z.uncompressed_size == len(doc) and zstandard.ZstdDecompressor().decompress(z.payload) == doc
    assert zstandard.get_frame_parameters(z.payload).content_size == len(doc)
    lz = encode_payload("json+lz4", doc, 8192)
    assert lz.uncompressed_size == len(doc)
    assert lz4.block.decompress(lz.payload, uncompressed_size=len(doc)) == doc


def opts(**kw) -> SpoolingOptions:
    cfg = SandboxConfig(inlining_max_rows=10, inlining_max_size=1000, initial_segment_size=1000,
                        max_segment_size=4000)
    return SpoolingOptions.resolve(cfg, "json", kw)


def cut(segmenter: Segmenter, chunks: int, rows_per_chunk: int = 4, size: int = 200) -> list:
    plans = []
    for i in range(chunks):
        plans += segmenter.add(rows_per_chunk, b"x" * size)
    return plans + segmenter.finish()


def test_segmenter_inlines_then_spools_with_doubling_targets():
    plans = cut(Segmenter(opts()), 60)
    kinds = [p.kind for p in plans]
    assert kinds[:2] == ["inline", "inline"] and "inline" not in kinds[2:]  # 8 rows fit, 12 do not
    sizes = [sum(len(c) + 1 for c in p.chunks) for p in plans if p.kind == "spooled"]
    assert sizes[0] >= 1000 and sizes[1] >= 2000 and sizes[2] >= 4000 and sizes[3] >= 4000
    assert sizes[1] < 2000 + 201 and sizes[2] < 4000 + 201
    assert sum(p.rows for p in plans) == 240


def test_segmenter_respects_session_overrides():
    plans = cut(Segmenter(opts(spooling_inlining_enabled="false", spooling_initial_segment_size="2kB",
                               spooling_max_segment_size="2kB")), 30)
    assert {p.kind for p in plans} == {"spooled"}
    assert all(len(p.chunks) == 11 for p in plans[:-1])  # 11 * 201 bytes >= 2048


def test_bad_session_values_name_the_property():
    with pytest.raises(ValueError, match="spooling_inlining_max_rows"):
        opts(spooling_inlining_max_rows="many")


def test_page_builder_groups_chunks_up_to_target():
    pb = PageBuilder(1000)
    pages = []
    for i in range(10):
        pages += pb.add(2, b"[1,2],[3,4]" + b" " * 289)
    pages += pb.finish()
    assert [p[0] for p in pages] == [6, 6, 6, 2]
    assert all(p[1].startswith(b"[[1,2]") and p[1].endswith(b"]") for p in pages)


def test_expires_at_is_local_time_without_offset():
    epoch = 1700000000.0  # 2023-11-14T22:13:20Z
    assert expires_at_text(epoch, "UTC") == "2023-11-14T22:13:20"
    assert expires_at_text(epoch + 0.5, "+05:30") == "2023-11-15T03:43:20.500"
    assert expires_at_text(1699999980.0, "America/New_York") == "2023-11-14T17:13"
