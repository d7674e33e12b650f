"""Row ⇄ segment provenance under forced conditions (synthetic batches and segments)."""

from __future__ import annotations

from dataclasses import replace

from tests.tui import fake_snapshots as fs
from trino_tui.insight.provenance import Provenance

S = fs.SegmentState


def _segments():
    """inline 0 (rows 0–119), spooled 1 (120–1,119, redirected, acked), spooled 2 (1,120–2,119,
    ack failed), spooled 3 downloaded but never delivered, spooled 4 and 5 never fetched."""
    return (fs.make_segment(0, S.ACKED, kind="inline", rows=120, row_offset=0),
            fs.make_segment(1, S.ACKED, row_offset=120, hops=(fs.COORDINATOR, fs.STORAGE)),
            fs.make_segment(2, S.DELIVERED, row_offset=1120, ack_error="HTTP 500"),
            fs.make_segment(3, S.DOWNLOADED, row_offset=2120),
            fs.make_segment(4, S.QUEUED, row_offset=3120),
            fs.make_segment(5, S.QUEUED, row_offset=4120))


def _fed():
    p = Provenance()
    for seg in _segments()[:3]:
        p.add_batch(seg.row_offset, seg.rows, seg.index)
    p.update_segments(_segments())
    return p


def test_lookup_names_the_segment_with_its_facts():
    p = _fed()
    origin = p.lookup(500)
    assert (origin.segment, origin.first, origin.last, origin.kind) == (1, 120, 1119, "spooled")
    assert origin.host == fs.STORAGE and origin.ack == "acked"
    assert round(origin.download_ms) == 350 and round(origin.decode_ms) == 350
    assert origin.text().startswith("row 500 · segment 1 (spooled, rows 120–1,119) · "
                                    f"{fs.STORAGE} · download 350 ms · decode 350 ms · acked")
    assert p.lookup(0).kind == "inline" and "acked" not in p.lookup(0).text()
    assert p.lookup(1500).ack == "ack failed: HTTP 500"
    assert p.lookup(2120) is None and p.lookup(-1) is None  # never delivered


def test_first_row_of_a_segment_and_the_stopped_summary():
    p = _fed()
    assert [p.first_row(i) for i in (0, 2, 4, 99)] == [0, 1120, 3120, None]
    assert p.summary(segments_total=6) == "rows 0–2,119 from segments 0–2; 2 never fetched"
    assert Provenance().summary(3) == "no rows; 3 segments never fetched"
    assert Provenance().summary(0) == "no rows"


def test_direct_pages_and_out_of_order_feeds():
    p = Provenance()
    p.add_batch(1000, 500, None)  # a later page first: the prefix waits for rows 0–999
    assert p.rows == 0 and p.lookup(1200).kind == "direct page"
    p.add_batch(0, 1000, None)
    p.add_batch(0, 1000, None)  # repeats are ignored
    assert p.rows == 1500
    assert p.summary(0) == "rows 0–1,499 from direct pages"
    assert p.lookup(10).text() == "row 10 · direct page (rows 0–999)"


def test_segments_alone_give_delivered_ranges_when_no_batches_are_fed():
    p = Provenance()
    segs = _segments()
    p.update_segments(segs, delivered_ranges=True)
    assert p.rows == 2120 and p.lookup(2000).segment == 2
    p.update_segments((replace(segs[3], delivered_at=fs.START + 20),), delivered_ranges=True)
    assert p.rows == 3120
