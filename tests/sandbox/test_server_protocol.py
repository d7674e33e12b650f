"""Statement + spooling protocol shape, checked with plain httpx against the fake engine."""

from __future__ import annotations

import base64

import httpx
import lz4.block
import orjson
import pytest
import zstandard

from tests.sandbox.helpers_server import fake_sandbox, number_rows
from tests.sandbox.test_negative_protocol import post, run_to_end, seg_headers

ALLOWED_META = {"rowOffset", "rowsCount", "segmentSize", "uncompressedSize", "expiresAt"}


@pytest.fixture(scope="module")
def sb():
    with fake_sandbox() as sandbox:
        yield sandbox


@pytest.fixture()
def http():
    with httpx.Client(timeout=10) as client:
        yield client


def no_nulls(value) -> bool:
    if value is None:
        return False
    if isinstance(value, dict):
        return all(no_nulls(v) for v in value.values())
    if isinstance(value, list):
        return all(no_nulls(v) for v in value)
    return True


def decode(encoding: str, payload: bytes, meta: dict) -> list:
    if "uncompressedSize" in meta:
        assert encoding != "json"
        if encoding == "json+zstd":
            raw = zstandard.ZstdDecompressor().decompress(payload)
        else:
            raw = lz4.block.decompress(payload, uncompressed_size=meta["uncompressedSize"])
        assert len(raw) == meta["uncompressedSize"]
    else:
        raw = payload
    return orjson.loads(raw)


def read_spooled(http, docs: list[dict]) -> tuple[list, list[dict]]:
    rows, segments = [], []
    for doc in docs:
        data = doc.get("data")
        if data is None:
            continue
        assert isinstance(data, dict) and data["segments"], "never an empty segment list"
        for seg in data["segments"]:
            segments.append(seg)
            meta = seg["metadata"]
            assert set(meta) <= ALLOWED_META and meta["rowsCount"] > 0
            assert meta["rowOffset"] == len(rows)
            if seg["type"] == "inline":
                assert "expiresAt" not in meta
                payload = base64.b64decode(seg["data"])
            else:
                assert "expiresAt" in meta and seg["ackUri"].startswith("http")
                r = http.get(seg["uri"], headers=seg_headers(seg), follow_redirects=True)
                assert r.status_code == 200
                payload = r.content
            assert len(payload) == meta["segmentSize"]
            part = decode(data["encoding"], payload, meta)
            assert len(part) == meta["rowsCount"]
            rows.extend(part)
    return rows, segments


def test_info(http, sb):
    info = http.get(f"{sb.url}/v1/info").json()
    assert info["nodeVersion"] == {"version": "476"}
    assert info["coordinator"] is True and info["starting"] is False and info["environment"] == "sandbox"


def test_queued_response_shape(http, sb):
    r = post(http, sb, "SELECT * FROM numbers_10", **{"X-Trino-Query-Data-Encoding": "foo, json+lz4,json"})
    doc = r.json()
    assert r.headers["X-Trino-Query-Data-Encoding"] == "json+lz4"
    assert doc["stats"]["state"] == "QUEUED" and doc["stats"]["queued"] is True
    assert "/v1/statement/queued/" in doc["nextUri"] and doc["nextUri"].endswith("/1")
    assert doc["nextUri"].split("/")[-2].startswith("y")
    assert "columns" not in doc and "data" not in doc and doc["warnings"] == []
    assert doc["infoUri"].endswith(f"/ui/query.html?{doc['id']}")
    assert no_nulls(doc)
    plain = post(http, sb, "SELECT * FROM numbers_10", **{"X-Trino-Query-Data-Encoding": "xml"})
    assert "X-Trino-Query-Data-Encoding" not in plain.headers


def test_direct_protocol_pages(http, sb):
    sb.configure(direct_page_size=20_000)
    try:
        docs = run_to_end(http, post(http, sb, "SELECT * FROM numbers_2000").json())
    finally:
        sb.configure(direct_page_size=1024 * 1024)
    pages = [d["data"] for d in docs if "data" in d]
    assert len(pages) > 3 and all(p for p in pages)
    assert [r for p in pages for r in p] == number_rows(2000)
    assert all(no_nulls(d) for d in docs)
    assert docs[-1]["stats"]["state"] == "FINISHED" and "nextUri" not in docs[-1]
    assert docs[-1]["stats"]["progressPercentage"] == 100.0
    assert docs[-1]["columns"][0] == {"name": "n", "type": "bigint",
                                      "typeSignature": {"rawType": "bigint", "arguments": []}}
    states = [d["stats"]["state"] for d in docs]
    assert states[0] == "QUEUED" and "RUNNING" in states
    assert docs[-2]["stats"]["rootStage"]["subStages"][0]["stageId"] == "1"


@pytest.mark.parametrize("encoding", ["json", "json+zstd", "json+lz4"])
def test_spooled_segments_shape(http, sb, encoding):
    r = post(http, sb, "SELECT * FROM numbers_5000", **{"X-Trino-Query-Data-Encoding": encoding})
    docs = run_to_end(http, r.json())
    rows, segments = read_spooled(http, docs)
    assert rows == number_rows(5000)
    kinds = [s["type"] for s in segments]
    assert kinds[0] == "inline" and kinds.count("spooled") >= 3
    sizes = [s["metadata"]["uncompressedSize" if encoding != "json" else "segmentSize"]
             for s in segments if s["type"] == "spooled"][:3]
    assert sizes[1] > sizes[0] * 1.5  # target doubles from the initial size
    per_response = [len(d["data"]["segments"]) for d in docs if "data" in d]
    assert max(per_response) <= sb.config.max_segments_per_response and len(per_response) >= 2
    if encoding != "json":
        assert all("uncompressedSize" in s["metadata"] for s in segments if s["metadata"]["segmentSize"] > 9000
                   or s["type"] == "spooled")
    for seg in segments:
        if seg["type"] == "spooled":
            assert set(seg["headers"]) == {"x-amz-server-side-encryption-customer-algorithm",
                                           "x-amz-server-side-encryption-customer-key",
                                           "x-amz-server-side-encryption-customer-key-md5"}
            http.get(seg["ackUri"], headers=seg_headers(seg))
    assert all(no_nulls(d) for d in docs)


def test_small_json_segment_is_not_compressed(http, sb):
    r = post(http, sb, "SELECT * FROM numbers_5", **{"X-Trino-Query-Data-Encoding": "json+zstd"})
    rows, segments = read_spooled(http, run_to_end(http, r.json()))
    assert rows == number_rows(5)
    assert [s["type"] for s in segments] == ["inline"] and "uncompressedSize" not in segments[0]["metadata"]


def test_session_properties_override_sizes_and_disable_spooling(http, sb):
    enc = {"X-Trino-Query-Data-Encoding": "json"}
    props = "spooling_inlining_enabled=false,spooling_initial_segment_size=64kB,spooling_max_segment_size=1MB"
    no_inline = post(http, sb, "SELECT * FROM numbers_5000", **enc, **{"X-Trino-Session": props})
    rows, segments = read_spooled(http, run_to_end(http, no_inline.json()))
    assert rows == number_rows(5000)
    assert {s["type"] for s in segments} == {"spooled"} and len(segments) == 3  # 64 kB, 128 kB, tail
    direct = post(http, sb, "SELECT * FROM numbers_50", **enc, **{"X-Trino-Session": "spooling_enabled=false"})
    docs = run_to_end(http, direct.json())
    assert [r for d in docs for r in d.get("data", [])] == number_rows(50)
    bad = post(http, sb, "SELECT * FROM numbers_50", **enc, **{"X-Trino-Session": "spooling_max_segment_size=lots"})
    err = run_to_end(http, bad.json())[-1]["error"]
    assert err["errorName"] == "INVALID_SESSION_PROPERTY"


def test_non_query_statement_is_direct_with_set_headers(http, sb):
    r = post(http, sb, "SET SESSION query_max_run_time = '1 h'", **{"X-Trino-Query-Data-Encoding": "json"})
    docs = [r.json()]
    last = None
    while "nextUri" in docs[-1]:
        last = http.get(docs[-1]["nextUri"])
        docs.append(last.json())
    assert last is not None and last.headers["X-Trino-Set-Session"] == "query_max_run_time=1+h"
    assert "X-Trino-Query-Data-Encoding" not in last.headers
    assert docs[-1]["updateType"] == "SET SESSION" and docs[-1]["columns"] == []
    r = post(http, sb, "USE tpch.tiny")
    while "nextUri" in r.json():
        r = http.get(r.json()["nextUri"])
    assert r.headers["X-Trino-Set-Catalog"] == "tpch" and r.headers["X-Trino-Set-Schema"] == "tiny"


def test_session_headers_reach_the_engine(http, sb):
    run_to_end(http, post(http, sb, "SELECT * FROM numbers_1", **{
        "X-Trino-Catalog": "TPCH", "X-Trino-Schema": "Tiny", "X-Trino-Time-Zone": "Asia/Tokyo",
        "X-Trino-Session": "a=1%2C2, b=x+y", "X-Trino-Source": "pytest"}).json())
    _, ctx = sb.engine.executed[-1]
    assert (ctx.catalog, ctx.schema, ctx.time_zone, ctx.user) == ("tpch", "tiny", "Asia/Tokyo", "tester")
    assert dict(ctx.properties) == {"a": "1,2", "b": "x y"}
    assert ctx.query_id


def test_heartbeat_head_and_long_poll(http, sb):
    sb.configure(worker_pace=0.3, poll_wait=0.05)
    try:
        first = post(http, sb, "SELECT * FROM numbers_3000").json()
        executing = http.get(first["nextUri"]).json()["nextUri"]
        assert http.head(executing).status_code == 200
        empty = http.get(executing).json()  # nothing produced yet within the short poll
        assert "data" not in empty and "nextUri" in empty
        docs = run_to_end(http, empty)
    finally:
        sb.configure(worker_pace=0.0, poll_wait=0.2)
    assert [r for d in docs for r in d.get("data", [])] == number_rows(3000)
    assert http.head(executing).status_code == 404  # query finished


def test_failure_mid_stream_reports_error(http, sb):
    docs = run_to_end(http, post(http, sb, "SELECT * FROM failing_4000").json())
    assert docs[-1]["error"]["errorName"] == "DIVISION_BY_ZERO" and "nextUri" not in docs[-1]
    assert "errorLocation" not in docs[-1]["error"]


def test_system_info_lists_nodes_and_queries(http, sb):
    run_to_end(http, post(http, sb, "SELECT * FROM numbers_5").json())  # at least one query is known
    nodes = sb.system_info.nodes()
    assert [n["coordinator"] for n in nodes] == [True] + [False] * len(sb.worker_urls)
    assert nodes[1]["http_uri"] == sb.worker_urls[0]
    queries = sb.system_info.queries()
    assert queries and {"query_id", "state", "user", "query", "created"} <= set(queries[0])


def test_expires_at_in_session_zone(http, sb):
    r = post(http, sb, "SELECT * FROM numbers_5000", **{"X-Trino-Query-Data-Encoding": "json",
                                                       "X-Trino-Time-Zone": "+05:30"})
    _, segments = read_spooled(http, run_to_end(http, r.json()))
    from datetime import datetime, timedelta, timezone
    text = next(s for s in segments if s["type"] == "spooled")["metadata"]["expiresAt"]
    assert "+" not in text and "Z" not in text
    expected = datetime.now(timezone(timedelta(hours=5, minutes=30))).replace(tzinfo=None) + timedelta(hours=1)
    assert abs((datetime.fromisoformat(text) - expected).total_seconds()) < 120


@pytest.mark.parametrize("mode", ["COORDINATOR_STORAGE_REDIRECT", "WORKER_PROXY", "COORDINATOR_PROXY"])
def test_retrieval_mode_hops(http, sb, mode):
    sb.configure(retrieval_mode=mode)
    try:
        r = post(http, sb, "SELECT * FROM numbers_3000", **{"X-Trino-Query-Data-Encoding": "json"})
        segs = [s for d in run_to_end(http, r.json()) if "data" in d for s in d["data"]["segments"]
                if s["type"] == "spooled"]
        seg = segs[0]
        assert seg["uri"].startswith(f"{sb.url}/v1/spooled/download/")
        assert seg["ackUri"] == seg["uri"].replace("/download/", "/ack/")
        hdrs = seg_headers(seg)
        assert http.get(seg["uri"]).status_code == 400  # segment headers required at the coordinator too
        first = http.get(seg["uri"], headers=hdrs)
        if mode == "COORDINATOR_PROXY":
            assert first.status_code == 200 and len(first.content) == seg["metadata"]["segmentSize"]
            return
        assert first.status_code == 303
        location = first.headers["Location"]
        target = sb.storage_url if mode == "COORDINATOR_STORAGE_REDIRECT" else tuple(sb.worker_urls)
        assert location.startswith(target)
        assert http.get(location).status_code == 400  # the hop checks the headers as well
        body = http.get(location, headers=hdrs).content
        assert len(body) == seg["metadata"]["segmentSize"]
        for s in segs:
            http.get(s["ackUri"], headers=seg_headers(s))
    finally:
        sb.configure(retrieval_mode="STORAGE")
