"""trino-tui's client reads real Trino 476 in every encoding x retrieval mode: the same values as
the official Python client on the same server, segments really spooled in storage, fetched the
way the mode says, every one acked, and nothing but the segment's own headers reaching storage."""

from __future__ import annotations

import pytest

from tests.fidelity.driver import spooled_rows
from tests.real_trino.harness import wire
from tests.real_trino.helpers import (
    ALL_TYPES, ALL_TYPES_SQL, ENCODINGS, MODES, StorageLog, eventually, first_mismatch, official_rows,
    tui_query_rows, tui_wire_rows,
)

pytestmark = pytest.mark.real_trino
LINEITEM = "SELECT * FROM tpch.tiny.lineitem ORDER BY orderkey, linenumber"
MODE_PARAMS = [pytest.param(m, marks=pytest.mark.cluster(m), id=m) for m in MODES]


@pytest.mark.parametrize("encoding", ENCODINGS, ids=lambda e: e or "direct")
@pytest.mark.parametrize("mode", MODE_PARAMS)
def test_lineitem_same_values_as_official_client(trino, mode, encoding):
    ours, query = tui_query_rows(trino, LINEITEM, encoding)
    theirs = official_rows(trino, LINEITEM, encoding)
    assert len(ours) == 60175
    assert first_mismatch(ours, theirs) is None, first_mismatch(ours, theirs)
    assert query.encoding == encoding and query.outcome == "finished"


@pytest.mark.parametrize("encoding", ENCODINGS, ids=lambda e: e or "direct")
@pytest.mark.parametrize("mode", MODE_PARAMS)
def test_every_type_same_values_as_official_client(trino, mode, encoding):
    ours, query = tui_query_rows(trino, ALL_TYPES_SQL, encoding)
    theirs = official_rows(trino, ALL_TYPES_SQL, encoding)
    assert len(query.columns) == len(ALL_TYPES) and query.columns[0].type.text == "boolean"
    assert first_mismatch(ours, theirs) is None, first_mismatch(ours, theirs)  # every column, strictly


@pytest.mark.parametrize("mode", MODE_PARAMS)
def test_every_type_wire_values_are_trinos(trino, mode):
    """Batch.wire_rows() hands over exactly the JSON values Trino sent (direct and spooled)."""
    expected = wire.run(trino.url, ALL_TYPES_SQL, {"X-Trino-Client-Capabilities": "PATH,PARAMETRIC_DATETIME"}).rows()
    for encoding in ENCODINGS:
        assert tui_wire_rows(trino, ALL_TYPES_SQL, encoding) == expected, encoding


def _objects(records: list[dict], method: str, sdk: bool) -> set[str]:
    return {r["path"] for r in records if r["method"] == method and r["user_agent"].startswith("aws-sdk") == sdk
            and r["status"] < 300}


@pytest.mark.parametrize("encoding", ["json+zstd", "json+lz4", "json"])
@pytest.mark.parametrize("mode", MODE_PARAMS)
def test_segments_spooled_fetched_and_acked(trino, mode, encoding):
    log = StorageLog(trino)
    rows, query = tui_query_rows(trino, LINEITEM, encoding)
    assert len(rows) == 60175
    stored = lambda: _objects(log.records(), "PUT", sdk=True)  # noqa: E731
    assert len(stored()) >= 3, "Trino spooled fewer than 3 segments into storage"
    # every segment acked: the coordinator deletes each acked object from storage
    assert eventually(lambda: stored() <= _objects(log.records(), "DELETE", sdk=True)), "some segments never acked"
    records = log.records()
    client_gets = _objects(records, "GET", sdk=False)
    if mode in ("storage", "coordinator_storage_redirect"):
        assert client_gets == stored(), "trino-tui did not fetch every segment straight from storage"
    else:  # the coordinator or a worker reads storage for the client
        assert not client_gets and stored() <= _objects(records, "GET", sdk=True)
    for r in records:
        if not r["user_agent"].startswith("aws-sdk"):  # only trino-tui ran since the mark
            assert "authorization" not in r["headers"], r
            assert not [h for h in r["headers"] if h.startswith("x-trino-")], r


@pytest.mark.cluster("storage")
def test_segment_metadata_as_trino_sends_it(trino):
    """The raw spooled answer of this cluster has what the client relies on (guards the harness)."""
    ex = wire.run(trino.url, LINEITEM, {"X-Trino-Query-Data-Encoding": "json+zstd"})
    segments = [s for r in ex.responses if isinstance(r.body, dict) and isinstance(r.body.get("data"), dict)
                for s in r.body["data"]["segments"]]
    spooled = [s for s in segments if s["type"] == "spooled"]
    assert spooled and all({"rowOffset", "rowsCount", "segmentSize", "expiresAt"} <= set(s["metadata"]) for s in spooled)
    rows, acks = spooled_rows(ex)
    assert len(rows) == 60175 and set(acks) == {200}
