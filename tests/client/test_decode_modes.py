"""ClientConfig.decode: "eager" (decoder threads parse) vs "deferred" (Batch.wire_rows parses);
the consumer sees one Batch API, and a payload is decompressed at most once per decode."""

from __future__ import annotations

from collections import Counter

import lz4.block
import pytest

from trino_tui.client import Batch, SegmentCorrupt, decode_payload
from trino_tui.client import codecs as codecs_mod

from .fake_server import FakeTrino, encode, fake_client, make_rows

N, SEG = 1000, 100


class _CountingZstd:
    def __init__(self, real, counts: Counter) -> None:
        self.real, self.counts = real, counts

    def decompress(self, payload, *a, **kw):
        self.counts[bytes(payload)] += 1
        return self.real.decompress(payload, *a, **kw)

    def stream_reader(self, payload, *a, **kw):
        self.counts[bytes(payload)] += 1
        return self.real.stream_reader(payload, *a, **kw)


@pytest.fixture
def decompressions(monkeypatch) -> Counter:
    """Counts real decompressions per payload (zstd and lz4), wherever they happen."""
    counts: Counter = Counter()
    real_zstd, real_lz4 = codecs_mod._zstd, lz4.block.decompress
    monkeypatch.setattr(codecs_mod, "_zstd", lambda: _CountingZstd(real_zstd(), counts))

    def lz4_counting(payload, *a, **kw):
        counts[bytes(payload)] += 1
        return real_lz4(payload, *a, **kw)

    monkeypatch.setattr(lz4.block, "decompress", lz4_counting)
    return counts


@pytest.mark.parametrize("encoding", ["json+zstd", "json+lz4"])
def test_eager_decompresses_each_segment_once(decompressions, encoding):
    srv = FakeTrino(make_rows(N), encoding=encoding, segment_rows=SEG)
    with fake_client(srv, encoding=(encoding,), decode="eager") as c:
        batches = list(c.execute("x").batches())
        assert all(b.decoded for b in batches)
        rows = [r for b in batches for r in b.wire_rows()]
        rows += [r for b in batches for r in b.wire_rows()]  # repeated calls: the same list, no decode
    assert rows == make_rows(N) * 2
    payloads = [p for p, _ in srv.payloads]
    assert all(decompressions[p] == 1 for p in payloads), decompressions.values()
    assert sum(decompressions.values()) == len(payloads)


@pytest.mark.parametrize("encoding", ["json+zstd", "json+lz4"])
def test_deferred_decompresses_only_in_wire_rows_and_once(decompressions, encoding):
    srv = FakeTrino(make_rows(N), encoding=encoding, segment_rows=SEG)
    with fake_client(srv, encoding=(encoding,), decode="deferred") as c:
        q = c.execute("x")
        batches = list(q.batches())
        snap = q.snapshot()
        assert sum(decompressions.values()) == 0  # the pipeline only checked sizes
        assert not any(b.decoded for b in batches)
        assert all(b.payload is not None and b.row_count == SEG for b in batches)
        first = batches[0].wire_rows()
        assert batches[0].wire_rows() is first
        rows = [r for b in batches for r in b.wire_rows()]
    assert rows == make_rows(N)
    assert all(decompressions[p] == 1 for p, _ in srv.payloads)
    assert snap.segments_acked == snap.segments_spooled == len(srv.segments) - 1
    assert snap.rows_delivered == N


def test_deferred_corrupt_segment_fails_in_wire_rows_naming_the_segment():
    srv = FakeTrino(make_rows(300), segment_rows=100)
    good, usize = srv.payloads[1]  # keep the zstd frame header (the cheap check passes), break the body
    srv.payloads[1] = (good[:18] + bytes(b ^ 0x5A for b in good[18:]), usize)
    with fake_client(srv, decode="deferred") as c:
        batches = list(c.execute("x").batches())
    assert batches[0].wire_rows() == make_rows(100)
    with pytest.raises(SegmentCorrupt, match="segment 1"):
        batches[1].wire_rows()


def test_decode_payload_is_public_and_checks_count():
    rows = make_rows(5)
    payload, usize = encode(rows, "json+zstd")
    assert decode_payload(payload, "json+zstd", usize, 5) == rows
    with pytest.raises(SegmentCorrupt, match="rowsCount"):
        decode_payload(payload, "json+zstd", usize, 6)
    batch = Batch(row_offset=0, row_count=5, segment=3, payload=payload, encoding="json+zstd", uncompressed_size=usize)
    assert batch.wire_rows() == rows and batch.decoded


def test_lazy_rows_is_gone():
    from trino_tui.client import ClientConfig, ConfigError

    with pytest.raises(TypeError):
        ClientConfig(server="http://h", user="u", lazy_rows=True)
    with pytest.raises(ConfigError, match="decode"):
        ClientConfig(server="http://h", user="u", decode="lazy")
