"""The decoded-ahead window: decompression runs ``decode_window`` positions ahead, parsed rows only
within a byte budget (channels.WindowedQueue parse permits), and no stage keeps a delivered unit
alive while it waits. Deterministic: queue methods that never wait, decoders driven by hand."""

from __future__ import annotations

import threading
import time
import weakref

import orjson
import pytest
import zstandard

from trino_tui.client.codecs import decompress, decompress_reusing
from trino_tui.client.errors import SegmentCorrupt
from trino_tui.client.pipeline import pipeline as pipeline_mod
from trino_tui.client.pipeline.channels import CancelToken, Channel, WindowedQueue
from trino_tui.client.pipeline.decoder import Decoder
from trino_tui.client.pipeline.stats import PipelineStats
from trino_tui.client.pipeline.units import Unit
from trino_tui.client.protocol import SegmentDescriptor

from .fake_server import FakeTrino, fake_client, make_rows


def queue(size: int = 2, max_bytes: int = 100) -> WindowedQueue[str]:
    return WindowedQueue("decoders", CancelToken(), size, max_bytes=max_bytes)


def test_fresh_units_are_handed_out_inside_the_position_window_only() -> None:
    q = queue(size=2)
    for seq in (2, 0, 1):
        q.put(f"u{seq}", seq, 10)
    assert [q.poll(), q.poll(), q.poll()] == ["u0", "u1", None]  # u2 lies outside [0, 2)
    q.advance(1)
    assert q.poll() == "u2"


def test_parse_permits_are_bounded_by_bytes_and_returned_on_delivery() -> None:
    q = queue(size=4, max_bytes=100)
    assert q.may_parse(0, 80)  # the unit the consumer needs next
    assert not q.may_parse(1, 30)  # 80 + 30 > 100
    assert q.may_parse(1, 20) and q.ahead_bytes == 100
    assert q.may_parse(1, 20)  # asking again is idempotent
    assert not q.may_parse(2, 1)
    q.advance(1)  # unit 0 delivered: its 80 bytes return
    assert q.ahead_bytes == 20 and q.may_parse(2, 80) and not q.may_parse(3, 1)


def test_the_next_unit_gets_its_permit_however_big() -> None:
    q = queue(size=4, max_bytes=100)
    assert q.may_parse(1, 60)  # nothing else holds a permit: an idle decoder may run ahead
    assert q.may_parse(0, 10**9)  # the base always parses (no deadlock on a huge segment)
    assert not q.may_parse(2, 1)
    q.advance(2)
    assert q.ahead_bytes == 0 and q.may_parse(3, 10**9)  # alone again: goes


def test_zero_budget_means_one_unit_parsed_ahead() -> None:
    q = queue(size=4, max_bytes=0)
    assert q.may_parse(0, 1) and not q.may_parse(1, 1)
    q.advance(1)
    assert q.may_parse(1, 1)


def test_a_ready_unit_waits_for_its_permit_while_fresh_ones_pass_it() -> None:
    q = queue(size=3, max_bytes=100)
    assert q.may_parse(0, 90)
    q.put("ready1", 1, 50, ready=True)
    assert q.poll() is None  # decompressed, but 90 + 50 > 100
    q.put("fresh2", 2, 50)
    assert q.poll() == "fresh2"  # decompression still runs ahead
    q.advance(1)
    assert q.poll() == "ready1" and q.ahead_bytes == 50  # now the base: permit recorded on hand-out


def _unit(seq: int, rows: list[list]) -> Unit:
    data = orjson.dumps(rows)
    payload = zstandard.ZstdCompressor().compress(data)
    seg = SegmentDescriptor(kind="inline", encoding="json+zstd", row_offset=seq * len(rows), rows_count=len(rows),
                            segment_size=len(payload), uncompressed_size=len(data), data=payload)
    return Unit(seq=seq, row_offset=seg.row_offset, rows_count=len(rows), segment=seg, payload=payload,
                slot_bytes=len(data))


def _decoder(q: WindowedQueue[Unit], results: Channel[Unit], token: CancelToken) -> Decoder:
    stats = PipelineStats(time.monotonic, None, {"downloaders": 1, "decoders": 1})
    return Decoder("decode-1", q, results, stats, token, lambda unit: None, threading.BoundedSemaphore(1),
                   eager=True, max_uncompressed=1 << 30, width=lambda: 2, redownload=lambda unit, why: False)


def test_a_decoder_queues_a_decompressed_unit_back_until_its_permit_then_reuses_the_buffer() -> None:
    token = CancelToken()
    q: WindowedQueue[Unit] = WindowedQueue("decoders", token, 3, max_bytes=1)
    results: Channel[Unit] = Channel("finalizer", token)
    dec = _decoder(q, results, token)
    first, second = _unit(0, make_rows(50)), _unit(1, make_rows(50))
    q.put(second, 1, second.slot_bytes)
    q.put(first, 0, first.slot_bytes)
    assert q.may_parse(0, first.slot_bytes)  # unit 0 holds the budget (as if another decoder parsed it)
    assert q.poll() is first
    dec._handle(q.poll())  # unit 1: decompressed, no permit -> back in the queue, nothing delivered
    assert len(results) == 0 and len(q) == 1 and second.json is not None and second.rows is None
    buffer = second.json
    dec._handle(first)
    assert results.get(0) is first and first.rows == make_rows(50)
    assert isinstance(dec._spare, bytearray)  # first's buffer, kept for the next decompression
    q.advance(1)
    dec._handle(q.poll())  # now the base: parsed from the buffer it was decompressed into
    assert results.get(0) is second and second.rows == make_rows(50) and second.json is None
    assert dec._spare is buffer


def test_a_decoder_waiting_for_work_keeps_no_delivered_unit_alive() -> None:
    token = CancelToken()
    waiting = threading.Event()

    class Spy(WindowedQueue):
        calls = 0

        def get(self):  # type: ignore[override]
            Spy.calls += 1
            if Spy.calls == 2:
                waiting.set()  # the decoder is back for more: its previous unit was handed on
            return super().get()

    q: WindowedQueue[Unit] = Spy("decoders", token, 2, max_bytes=1 << 20)
    results: Channel[Unit] = Channel("finalizer", token)
    dec = _decoder(q, results, token)
    thread = threading.Thread(target=dec.run)
    thread.start()
    try:
        q.put(_unit(0, make_rows(20)), 0)
        delivered = results.get(10)
        assert waiting.wait(10)
        assert delivered.rows == make_rows(20)
        ref = weakref.ref(delivered)
        del delivered
        assert ref() is None  # nothing in the waiting decoder refers to the unit or its rows
    finally:
        token.cancel()
        thread.join(10)
    assert not thread.is_alive()


def test_rows_parsed_ahead_stay_within_the_budget_end_to_end(monkeypatch) -> None:
    outstanding: list[int] = []

    class Recording(WindowedQueue):
        def _permit(self, seq, nbytes):  # type: ignore[override]
            ok = super()._permit(seq, nbytes)
            outstanding.append(len(self._permits))
            return ok

    monkeypatch.setattr(pipeline_mod, "WindowedQueue", Recording)
    monkeypatch.setattr(pipeline_mod, "DECODE_AHEAD_BYTES", 1)  # smaller than any segment
    srv = FakeTrino(make_rows(3000), encoding="json+zstd", segment_rows=100, segments_per_page=30)
    with fake_client(srv, decode_window=8, max_out_of_order=10) as c:
        rows = [row for b in c.execute("x").batches() for row in b.wire_rows()]
    assert rows == make_rows(3000)
    # the base, plus at most one unit that got its permit while nothing else held one
    assert outstanding and max(outstanding) <= 2


@pytest.mark.parametrize("spare_len", [0, 10, 10_000_000])
def test_decompress_reusing_equals_decompress_and_reuses_the_buffer(spare_len: int) -> None:
    data = orjson.dumps(make_rows(500))
    payload = zstandard.ZstdCompressor().compress(data)
    spare = bytearray(spare_len)
    out = decompress_reusing(payload, "json+zstd", len(data), spare)
    assert out == decompress(payload, "json+zstd", len(data)) == data
    assert (out is spare) == (spare_len > 0) and len(out) == len(data)


def test_decompress_reusing_checks_sizes_and_falls_back_for_other_encodings() -> None:
    data = orjson.dumps(make_rows(50))
    payload = zstandard.ZstdCompressor().compress(data)
    with pytest.raises(SegmentCorrupt):
        decompress_reusing(payload[:-3], "json+zstd", len(data), bytearray(8))
    with pytest.raises(SegmentCorrupt):
        decompress_reusing(b"\x28\xb5\x2f\xfd" + payload[4:10] + b"\0" * 40, "json+zstd", len(data), bytearray(8))
    assert decompress_reusing(data, "json", None, bytearray(8)) == data


def test_decoder_threads_are_capped_at_the_decode_window_and_the_cores(monkeypatch):
    from trino_tui.client.pipeline import pipeline

    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 8)
    assert [pipeline.decoder_threads(5, w) for w in (1, 2, 3, 8)] == [1, 2, 3, 5]
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 1)
    assert [pipeline.decoder_threads(5, w) for w in (1, 4)] == [1, 2]  # the core cap is at least 2


def test_the_decode_window_is_a_setting_with_a_flag():
    from trino_tui.core.args import parse_args
    from trino_tui.core.settings import resolve

    config = resolve(vars(parse_args(["--decode-window", "3", "--decoders", "2"])), env={}).client
    assert (config.decode_window, config.decoders) == (3, 2)
    assert resolve({}, env={}).client.decode_window == 1
