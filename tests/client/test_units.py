"""Unit tests: config validation, redaction, codecs, protocol parsing, session headers."""

from __future__ import annotations

import lz4.block
import orjson
import pytest
import zstandard

from trino_tui.client import ClientConfig, ConfigError, ProtocolError, QueryFailed, SegmentCorrupt
from trino_tui.client.codecs import check_declared, decode_payload, decompress, parse_rows
from trino_tui.client.protocol import from_json, parse_query_results, query_failed
from trino_tui.client.redact import redact_headers, redact_text, redact_url
from trino_tui.client.session import ClientSession


# --- config --------------------------------------------------------------------------------

def test_password_over_http_is_refused():
    with pytest.raises(ConfigError, match="TLS/SSL is required for authentication with username and password"):
        ClientConfig(server="http://h:8080", user="u", password="p")
    assert ClientConfig(server="https://h:8443", user="u", password="p").password == "p"


@pytest.mark.parametrize("kw, msg", [
    (dict(server="ftp://h"), "Invalid server URL"),
    (dict(encoding=("json+gzip",)), "Unknown encoding"),
    (dict(network_logging="LOUD"), "Invalid network logging level"),
    (dict(downloaders=0), "downloaders must be at least 1"),
    (dict(schema="s"), "Schema is set but catalog is not"),
])
def test_config_validation(kw, msg):
    base = dict(server="http://h:8080", user="u")
    base.update(kw)
    with pytest.raises(ConfigError, match=msg):
        ClientConfig(**base)


def test_config_defaults_and_normalisation():
    c = ClientConfig(server="http://h:8080/", user="u", network_logging="basic")
    assert c.encoding == ("json+zstd", "json+lz4", "json") and c.spooling
    assert c.network_logging == "BASIC" and c.base_url == "http://h:8080"
    assert c.downloaders == 5 and c.decoders == 5 and c.max_out_of_order == 10 and c.verify is True
    assert not ClientConfig(server="http://h", user="u", encoding=()).spooling


# --- redaction -----------------------------------------------------------------------------

def test_redact_headers_masks_secrets_only():
    out = dict(redact_headers([
        ("Authorization", "Bearer abc"), ("X-Trino-Extra-Credential", "k=v"), ("X-Trino-User", "alice"),
        ("x-amz-server-side-encryption-customer-key", "SECRET"), ("x-amz-server-side-encryption-customer-key-MD5", "m"),
        ("x-amz-server-side-encryption-customer-algorithm", "AES256"), ("Cookie", "c"),
    ]))
    assert out["Authorization"] == "***" and out["X-Trino-Extra-Credential"] == "***" and out["Cookie"] == "***"
    assert out["x-amz-server-side-encryption-customer-key"] == "***"
    assert out["x-amz-server-side-encryption-customer-key-MD5"] == "***"
    assert out["X-Trino-User"] == "alice" and out["x-amz-server-side-encryption-customer-algorithm"] == "AES256"


def test_redact_url_and_text():
    url = "https://u:pw@bucket.s3/x?X-Amz-Credential=AK%2F1&X-Amz-Signature=deadbeef&part=1"
    red = redact_url(url)
    assert "pw" not in red and "deadbeef" not in red and "AK" not in red and "part=1" in red
    body = orjson.dumps({"headers": {"x-amz-server-side-encryption-customer-key": ["S3CR3T"]},
                         "password": "hunter2", "uri": "https://s/x?X-Amz-Signature=abc123", "user": "bob"}).decode()
    red = redact_text(body)
    assert "S3CR3T" not in red and "hunter2" not in red and "abc123" not in red and '"bob"' in red


# --- codecs --------------------------------------------------------------------------------

ROWS = [[i, f"v{i}", None, 1.5] for i in range(500)]
RAW = orjson.dumps(ROWS)


@pytest.mark.parametrize("encoding, payload", [
    ("json+zstd", zstandard.ZstdCompressor().compress(RAW)),
    ("json+lz4", lz4.block.compress(RAW, store_size=False)),
])
def test_compressed_codecs_roundtrip_and_size_checks(encoding, payload):
    assert decode_payload(payload, encoding, len(RAW), len(ROWS)) == ROWS
    with pytest.raises(SegmentCorrupt, match="segmentSize"):
        check_declared(payload[:-3], encoding, len(payload), len(RAW))
    with pytest.raises(SegmentCorrupt):
        decode_payload(payload, encoding, len(RAW) + 10, None)
    with pytest.raises(SegmentCorrupt):
        decode_payload(b"\x00" * len(payload), encoding, len(RAW), None)


def test_uncompressed_when_size_absent_and_row_count_checked():
    assert decompress(RAW, "json+zstd", None) == RAW
    with pytest.raises(SegmentCorrupt, match="rowsCount"):
        parse_rows(RAW, len(ROWS) + 1)
    with pytest.raises(SegmentCorrupt, match="invalid JSON"):
        parse_rows(RAW[:-1], None)
    with pytest.raises(SegmentCorrupt):
        decompress(RAW, "json", len(RAW))
    with pytest.raises(ProtocolError):
        decompress(RAW, "json+brotli", None)


# --- protocol ------------------------------------------------------------------------------

def test_parse_spooled_and_direct_results():
    doc = {"id": "q", "infoUri": "i", "nextUri": "n", "stats": {"state": "RUNNING"}, "warnings": [],
           "data": {"encoding": "json+lz4", "segments": [
               {"type": "inline", "data": "W1sxXV0=", "metadata": {"rowOffset": 0, "rowsCount": 1, "segmentSize": 5}},
               {"type": "spooled", "uri": "u", "ackUri": "a", "headers": {"h": ["1"]},
                "metadata": {"rowOffset": 1, "rowsCount": 7, "segmentSize": 9, "uncompressedSize": 20,
                             "expiresAt": "2025-01-01T00:00"}}]}}
    r = parse_query_results(orjson.dumps(doc))
    assert r.encoding == "json+lz4" and r.rows is None and r.state == "RUNNING"
    inline, spooled = r.segments
    assert inline.data == b"[[1]]" and inline.uncompressed_size is None
    assert spooled.headers == (("h", "1"),) and spooled.uncompressed_size == 20 and spooled.expires_at
    direct = from_json({"id": "q", "data": [[1], [2]], "stats": {}, "updateType": "INSERT", "updateCount": 3})
    assert direct.rows == [[1], [2]] and direct.segments == () and direct.update_count == 3


@pytest.mark.parametrize("body", [b"not json", b'{"no": "id"}',
                                  b'{"id":"q","data":{"encoding":"json+xz","segments":[]}}',
                                  b'{"id":"q","data":{"encoding":"json","segments":[{"type":"spooled","metadata":{"rowOffset":0,"rowsCount":1,"segmentSize":1}}]}}'])
def test_protocol_errors(body):
    with pytest.raises(ProtocolError):
        parse_query_results(body)


def test_query_failed_conversion():
    exc = query_failed({"message": "line 1:8: mismatched\ninput", "errorName": "SYNTAX_ERROR", "errorCode": 1,
                        "errorType": "USER_ERROR", "errorLocation": {"lineNumber": 1, "columnNumber": 8}}, "q1")
    assert isinstance(exc, QueryFailed) and (exc.line, exc.column, exc.error_name) == (1, 8, "SYNTAX_ERROR")
    assert "\n" not in str(exc) and str(exc).startswith("Query q1 failed:")


# --- session -------------------------------------------------------------------------------

def test_session_headers_and_response_handling():
    cfg = ClientConfig(server="http://h", user="alice", catalog="tpch", schema="tiny", timezone="UTC",
                       session_properties={"query_max_run_time": "1 h"}, client_tags=("a", "b"))
    s = ClientSession.from_config(cfg)
    h = s.statement_headers()
    d = dict(h)
    assert d["X-Trino-User"] == "alice" and d["X-Trino-Catalog"] == "tpch" and d["X-Trino-Schema"] == "tiny"
    assert d["X-Trino-Client-Capabilities"] == "PATH,PARAMETRIC_DATETIME,SESSION_AUTHORIZATION"
    assert d["X-Trino-Transaction-Id"] == "NONE" and d["X-Trino-Time-Zone"] == "UTC"
    assert d["X-Trino-Query-Data-Encoding"] == "json+zstd,json+lz4,json" and d["X-Trino-Client-Tags"] == "a,b"
    assert ("X-Trino-Session", "query_max_run_time=1+h") in h
    s.apply_response_headers([
        ("x-trino-set-catalog", "memory"), ("X-Trino-Set-Schema", "default"), ("X-Trino-Set-Session", "a=x%20y"),
        ("X-Trino-Clear-Session", "query_max_run_time"), ("X-Trino-Added-Prepare", "p1=SELECT+1"),
        ("X-Trino-Started-Transaction-Id", "tx1"), ("X-Trino-Set-Authorization-User", "bob"),
        ("X-Trino-Set-Path", "a.b"), ("X-Trino-Set-Role", "system=ROLE%7Badmin%7D"),
    ])
    d = dict(s.statement_headers())
    assert (d["X-Trino-Catalog"], d["X-Trino-Schema"], d["X-Trino-Transaction-Id"]) == ("memory", "default", "tx1")
    assert d["X-Trino-Session"] == "a=x+y" and d["X-Trino-Prepared-Statement"] == "p1=SELECT+1"
    assert d["X-Trino-User"] == "bob" and d["X-Trino-Original-User"] == "alice" and d["X-Trino-Path"] == "a.b"
    assert d["X-Trino-Role"] == "system=ROLE%7Badmin%7D"
    s.apply_response_headers([("X-Trino-Clear-Transaction-Id", "true"), ("X-Trino-Reset-Authorization-User", "true"),
                              ("X-Trino-Deallocated-Prepare", "p1")])
    d = dict(s.statement_headers())
    assert d["X-Trino-Transaction-Id"] == "NONE" and d["X-Trino-User"] == "alice" and "X-Trino-Prepared-Statement" not in d
    direct = ClientSession.from_config(ClientConfig(server="http://h", user="u", encoding=()))
    assert "X-Trino-Query-Data-Encoding" not in dict(direct.statement_headers())


def test_expiry_passed_uses_the_session_zone():
    from datetime import datetime, timezone

    from trino_tui.client.protocol import expiry_passed

    now = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
    assert expiry_passed("2025-03-01T11:59:59", "UTC", now)
    assert not expiry_passed("2025-03-01T12:00:01.5", "UTC", now)
    assert expiry_passed("2025-03-01T12:30", "Europe/Paris", now)  # 11:30 UTC
    assert not expiry_passed("2025-03-01T12:30", "America/New_York", now)  # 17:30 UTC
    assert not expiry_passed(None, "UTC", now) and not expiry_passed("garbage", "UTC", now)


def test_ca_bundle_settings():
    import ssl

    import certifi

    from trino_tui.client.httpclients import TlsContext

    with pytest.raises(ConfigError, match="CA bundle"):
        ClientConfig(server="https://h", user="u", verify="/no/such/ca.pem")
    assert TlsContext(certifi.where()).get().verify_mode == ssl.CERT_REQUIRED
    assert TlsContext(False).get().verify_mode == ssl.CERT_NONE
    assert TlsContext(True).get().verify_mode == ssl.CERT_REQUIRED


# --- crashes the fuzz suite found (tests/fuzz), kept as regular tests ------------------------------

@pytest.mark.parametrize("doc", [
    {"id": "q", "updateCount": []},          # was TypeError from int()
    {"id": "q", "nextUri": []},              # was accepted, then crashed the fetcher
    {"id": "q", "stats": "RUNNING"},         # was accepted as stats
    {"id": "q", "columns": {}},
    {"id": "q", "data": {"encoding": "json", "segments": {}}},
    {"id": "q", "data": {"encoding": "json", "segments": [{"type": "inline", "metadata": []}]}},
])
def test_malformed_query_results_fields_are_protocol_errors(doc):
    with pytest.raises(ProtocolError):
        from_json(doc)


@pytest.mark.parametrize("meta", [
    {"rowOffset": -1, "rowsCount": 1, "segmentSize": 1},
    {"rowOffset": 0, "rowsCount": 1.5, "segmentSize": 1},
    {"rowOffset": 0, "rowsCount": True, "segmentSize": 1},
    {"rowOffset": 0, "rowsCount": 1, "segmentSize": "12"},
])
def test_segment_metadata_must_be_non_negative_integers(meta):
    from trino_tui.client.protocol import parse_segment

    with pytest.raises(ProtocolError, match="non-negative integer"):
        parse_segment({"type": "inline", "data": "", "metadata": meta}, "json")


def test_spooled_uri_must_be_a_string():
    from trino_tui.client.protocol import parse_segment

    meta = {"rowOffset": 0, "rowsCount": 1, "segmentSize": 1}
    with pytest.raises(ProtocolError, match="uri"):
        parse_segment({"type": "spooled", "uri": {"a": 1}, "ackUri": "x", "metadata": meta}, "json")
