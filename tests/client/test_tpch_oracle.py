"""Oracle test: trino-tui's client vs the official `trino` client on the real sandbox engine
(tpch.tiny.lineitem, DuckDB), every row identical and in the same order."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers_server import real_sandbox, trino_connect
from trino_tui.client import ClientConfig, TrinoClient

SQL = "SELECT * FROM tpch.tiny.lineitem ORDER BY orderkey, linenumber"


@pytest.fixture(scope="module")
def tpch_sandbox():
    with real_sandbox() as sb:
        yield sb


def official_rows(sb) -> list[list]:
    conn = trino_connect(sb, None, legacy_primitive_types=True)  # direct protocol, wire-like values
    try:
        cur = conn.cursor()
        cur.execute(SQL)
        return [list(r) for r in cur.fetchall()]
    finally:
        conn.close()


@pytest.mark.parametrize("encoding", ["json+zstd", "json+lz4"])
def test_lineitem_matches_the_official_client(tpch_sandbox, encoding):
    expected = official_rows(tpch_sandbox)
    config = ClientConfig(server=tpch_sandbox.url, user="tester", encoding=(encoding,))
    with TrinoClient(config) as client, client.execute(SQL) as query:
        got = [row for batch in query.batches() for row in batch.wire_rows()]
        snap = query.snapshot()
    assert len(got) == 60_175 == len(expected)
    assert got == expected
    assert snap.segments_spooled >= 2 and snap.segments_acked == snap.segments_spooled
    assert tpch_sandbox.wait_segments(lambda sb: not sb.live_segments(), timeout=5)
