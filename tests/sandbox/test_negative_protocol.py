"""Negative protocol tests with plain httpx: what the sandbox refuses and how it says so."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.helpers_server import fake_sandbox

USER = {"X-Trino-User": "tester"}


@pytest.fixture(scope="module")
def sb():
    with fake_sandbox(retrieval_mode="STORAGE") as sandbox:
        yield sandbox


@pytest.fixture()
def http():
    with httpx.Client(timeout=10) as client:
        yield client


def post(http: httpx.Client, sb, sql: str, **headers: str) -> httpx.Response:
    return http.post(f"{sb.url}/v1/statement", content=sql.encode(), headers={**USER, **headers})


def run_to_end(http: httpx.Client, first: dict) -> list[dict]:
    docs = [first]
    while "nextUri" in docs[-1]:
        r = http.get(docs[-1]["nextUri"])
        assert r.status_code == 200, r.text
        docs.append(r.json())
    return docs


def spooled_segments(http: httpx.Client, sb, sql: str) -> list[dict]:
    r = post(http, sb, sql, **{"X-Trino-Query-Data-Encoding": "json"})
    segs = []
    for doc in run_to_end(http, r.json()):
        data = doc.get("data")
        if isinstance(data, dict):
            segs.extend(s for s in data["segments"] if s["type"] == "spooled")
    assert segs, "expected spooled segments"
    return segs


def seg_headers(seg: dict) -> dict[str, str]:
    return {k: v[0] for k, v in seg["headers"].items()}


def test_missing_user_is_400_text(http, sb):
    r = http.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text == "Error 400 Bad Request: User must be set"


def test_empty_sql_is_400(http, sb):
    r = post(http, sb, "   ")
    assert r.status_code == 400 and "SQL statement is empty" in r.text


def test_schema_without_catalog_is_400(http, sb):
    r = post(http, sb, "SELECT * FROM numbers_3", **{"X-Trino-Schema": "tiny"})
    assert r.status_code == 400 and "Schema is set but catalog is not" in r.text


def test_bad_session_header_is_400(http, sb):
    r = post(http, sb, "SELECT * FROM numbers_3", **{"X-Trino-Session": "novalue"})
    assert r.status_code == 400 and "Invalid X-Trino-Session header" in r.text


def test_unknown_query_or_slug_is_404(http, sb):
    first = post(http, sb, "SELECT * FROM numbers_3").json()
    bad_slug = first["nextUri"].replace("/y", "/yX", 1)
    assert http.get(bad_slug).status_code == 404
    assert http.get(f"{sb.url}/v1/statement/executing/20200101_000000_00000_zzzzz/y00/0").status_code == 404


def test_older_token_is_410_same_token_replays(http, sb):
    first = post(http, sb, "SELECT * FROM numbers_3000").json()
    q1 = http.get(first["nextUri"]).json()  # queued -> executing/0
    e0 = http.get(q1["nextUri"])
    again = http.get(q1["nextUri"])
    assert again.content == e0.content  # idempotent replay, byte for byte
    skipped = e0.json()["nextUri"].rsplit("/", 1)[0] + "/9"
    assert http.get(skipped).status_code == 404  # not the next token
    e1 = http.get(e0.json()["nextUri"])
    assert e1.status_code == 200
    assert http.get(q1["nextUri"]).status_code == 410  # token 0 is now older than the last (1)


def test_cancel_with_delete_fails_user_canceled(http, sb):
    sb.configure(worker_pace=0.5)
    try:
        first = post(http, sb, "SELECT * FROM numbers_3000").json()
        q1 = http.get(first["nextUri"]).json()
        r = http.delete(q1["nextUri"])
        assert r.status_code == 204
        docs = run_to_end(http, http.get(q1["nextUri"]).json())
    finally:
        sb.configure(worker_pace=0.0)
    err = docs[-1]["error"]
    assert docs[-1]["stats"]["state"] == "FAILED"
    assert (err["errorName"], err["errorCode"], err["errorType"]) == ("USER_CANCELED", 3, "USER_ERROR")
    assert "nextUri" not in docs[-1]


def test_syntax_error_has_error_location(http, sb):
    docs = run_to_end(http, post(http, sb, "SELECT syntax error").json())
    err = docs[-1]["error"]
    assert err["errorName"] == "SYNTAX_ERROR" and err["errorType"] == "USER_ERROR" and err["errorCode"] == 1
    assert err["errorLocation"] == {"lineNumber": 1, "columnNumber": 8}
    assert err["failureInfo"]["errorLocation"] == {"lineNumber": 1, "columnNumber": 8}
    assert err["failureInfo"]["suppressed"] == [] and err["failureInfo"]["stack"] == []
    assert docs[-1]["stats"]["state"] == "FAILED"


def test_missing_segment_headers_is_400(http, sb):
    seg = spooled_segments(http, sb, "SELECT * FROM numbers_3000")[0]
    r = http.get(seg["uri"])
    assert r.status_code == 400 and "<Code>InvalidRequest</Code>" in r.text
    wrong = seg_headers(seg) | {"x-amz-server-side-encryption-customer-key": "AAAA"}
    assert http.get(seg["uri"], headers=wrong).status_code == 400
    assert http.get(seg["uri"], headers=seg_headers(seg)).status_code == 200


def test_authorization_to_storage_is_400(http, sb):
    seg = spooled_segments(http, sb, "SELECT * FROM numbers_3000")[0]
    r = http.get(seg["uri"], headers=seg_headers(seg) | {"Authorization": "Bearer secret"})
    assert r.status_code == 400 and "InvalidArgument" in r.text


def test_tampered_signature_is_403(http, sb):
    seg = spooled_segments(http, sb, "SELECT * FROM numbers_3000")[0]
    uri = seg["uri"]
    sig = uri.rsplit("=", 1)[1]
    tampered = uri[: -len(sig)] + ("0" if sig[0] != "0" else "1") + sig[1:]
    r = http.get(tampered, headers=seg_headers(seg))
    assert r.status_code == 403 and "AccessDenied" in r.text
    later = uri.replace("X-Sandbox-Expires=", "X-Sandbox-Expires=9")
    assert http.get(later, headers=seg_headers(seg)).status_code == 403


def test_expired_url_is_403(http, sb):
    sb.configure(fault_expire_after=0.0)
    try:
        seg = spooled_segments(http, sb, "SELECT * FROM numbers_3000")[0]
    finally:
        sb.configure(fault_expire_after=None)
    r = http.get(seg["uri"], headers=seg_headers(seg))
    assert r.status_code == 403 and "expired" in r.text


def test_deleted_segment_is_404_and_ack_is_idempotent(http, sb):
    seg = spooled_segments(http, sb, "SELECT * FROM numbers_3000")[0]
    assert http.get(seg["ackUri"], headers=seg_headers(seg)).status_code == 200
    assert http.get(seg["ackUri"], headers=seg_headers(seg)).status_code == 200
    r = http.get(seg["uri"], headers=seg_headers(seg))
    assert r.status_code == 404 and "NoSuchKey" in r.text


def test_download_endpoint_in_storage_mode_is_503(http, sb):
    seg = spooled_segments(http, sb, "SELECT * FROM numbers_3000")[0]
    seg_id = seg["ackUri"].rsplit("/", 1)[1]
    r = http.get(f"{sb.url}/v1/spooled/download/{seg_id}", headers=seg_headers(seg))
    assert r.status_code == 503 and "Retrieval mode is STORAGE" in r.text
