"""ClientConfig.lazy_rows: segments verified in the pipeline, parsed only when the consumer asks."""

from __future__ import annotations

import pytest

from trino_tui.client import SegmentCorrupt
from trino_tui.rowstore import RowStore

from .conftest import client_for

N = 20_000
SQL = f"SELECT * FROM numbers_{N}"


@pytest.mark.parametrize("encoding", ["json+zstd", "json+lz4", "json"])
def test_lazy_batches_carry_payloads_and_counts_not_rows(sandbox, encoding):
    with client_for(sandbox, encoding=(encoding,), lazy_rows=True) as c, c.execute(SQL) as q:
        batches = list(q.batches())
        snap = q.snapshot()
    spooled = [b for b in batches if b.rows is None]
    assert spooled, "large results must reach the consumer as unparsed segments"
    assert all(b.payload is not None and b.row_count > 0 for b in spooled)
    assert sum(b.row_count for b in batches) == N == snap.rows_delivered
    keys = [row[0] for b in batches for row in b.wire_rows()]
    assert keys == list(range(N))  # parsing on demand gives every row once, in order
    assert snap.segments_acked == snap.segments_spooled  # verified segments are acked like parsed ones
    assert sandbox.wait_segments(lambda sb: not sb.live_segments(), timeout=5)


def test_lazy_batches_fill_a_row_store(sandbox):
    with client_for(sandbox, encoding=("json+zstd",), lazy_rows=True) as c, c.execute(SQL) as q:
        store = RowStore(q.wait_columns())
        for batch in q.batches():
            store.append(batch)
    try:
        assert len(store) == N
        assert [r[0] for r in store.rows(N - 3, N)] == [N - 3, N - 2, N - 1]
        assert [r[0] for r in store.rows(0, 2)] == [0, 1]
    finally:
        store.close()


def test_lazy_mode_still_rejects_corrupt_compressed_segments(sandbox):
    sandbox.configure(fault_corrupt=1.0)
    with client_for(sandbox, encoding=("json+zstd",), lazy_rows=True) as c, c.execute(SQL) as q:
        with pytest.raises(SegmentCorrupt):
            for _ in q.batches():
                pass
