"""Issue 9, client items 4, 5, 6, 7, 9 and 11: each test fails on the pre-round client."""

from __future__ import annotations

import base64

import httpx
import lz4.block
import orjson
import pytest
import zstandard

from trino_tui.client import (
    ClientConfig, ConfigError, DeadlineExceeded, ProtocolError, RedirectLoop, ResponseTooLarge, RowRangeError,
    RowWidthMismatch, SegmentCorrupt, SegmentTooLarge, TrinoClient, TrinoConnectionError, decode_payload,
)
from trino_tui.client.netlog import MAX_BODY_LOG, body_for_log
from trino_tui.client.transport import Transport

from .fake_server import COLUMNS, FakeTrino, fake_client, make_rows
from .raw_servers import closed_port

GiB = 1 << 30


def _mock_client(handler, **kw) -> TrinoClient:
    config = ClientConfig(**{"server": "https://coord.test", "user": "u", "encoding": (), "retry_budget": 0, **kw})
    mock = httpx.MockTransport(handler)
    return TrinoClient(config, transport=Transport(config, coordinator_transport=mock, storage_transport=mock))


def _doc(data=None, columns=COLUMNS, next_uri=None, **extra) -> dict:
    doc = {"id": "q1", "infoUri": "https://coord.test/ui", "stats": {"state": "RUNNING" if next_uri else "FINISHED"},
           "columns": columns, **extra}
    if data is not None:
        doc["data"] = data
    if next_uri:
        doc["nextUri"] = next_uri
    return doc


# --- item 4: credentials in the server URL ---------------------------------------------------------

def test_url_password_over_http_is_refused_without_printing_it():
    with pytest.raises(ConfigError) as info:
        ClientConfig(server="http://bob:hunter2@db.example:8080")
    assert "TLS" in str(info.value) and "hunter2" not in str(info.value)


def test_url_credentials_become_user_and_password_and_are_stripped():
    port = closed_port()
    lines: list[str] = []
    config = ClientConfig(server=f"https://bob:hunter2@127.0.0.1:{port}", network_logging="HEADERS",
                          network_log=lines.append)
    assert (config.user, config.password, config.server) == ("bob", "hunter2", f"https://127.0.0.1:{port}")
    assert "hunter2" not in repr(config)
    with TrinoClient(config) as c:
        q = c.execute("SELECT 1")
        with pytest.raises(TrinoConnectionError) as info:
            q.wait_columns(10)
    assert "hunter2" not in str(info.value) and "bob:" not in str(info.value)
    assert lines and not any("hunter2" in line for line in lines)


def test_url_password_conflicting_with_password_is_refused():
    with pytest.raises(ConfigError, match="different password"):
        ClientConfig(server="https://bob:a@h", password="b")


# --- item 11: access token over plain http ------------------------------------------------------

def test_access_token_over_plain_http_is_refused():
    with pytest.raises(ConfigError, match="TLS/SSL is required"):
        ClientConfig(server="http://h:8080", user="u", access_token="eyJ.secret")


# --- item 5: redact first, then cut; secret-named session properties ---------------------------

def test_body_log_redacts_before_cutting():
    key = "c2VjcmV0LWtleS1tYXRlcmlhbC0zMi1ieXRlcyEhIQ=="
    for pad in range(MAX_BODY_LOG - 130, MAX_BODY_LOG, 3):  # the secret straddles the cut somewhere here
        body = ('{"pad": "' + "x" * pad + '", "x-amz-server-side-encryption-customer-key": ["' + key + '"]}').encode()
        text = body_for_log(body, "application/json")
        assert key[:12] not in text, pad


def test_body_logging_of_a_real_response_never_shows_the_sse_key():
    key = "U1NFLUMta2V5LXRoYXQtbXVzdC1uZXZlci1sZWFr"
    lines: list[str] = []
    seg = {"type": "spooled", "uri": "https://storage.test/s", "ackUri": "https://coord.test/ack",
           "metadata": {"rowOffset": 0, "rowsCount": 1, "segmentSize": 5},
           "headers": {"x-amz-server-side-encryption-customer-key": [key]}}

    def page(pad: str) -> bytes:
        return orjson.dumps(_doc(columns=[COLUMNS[0]], warnings=[{"message": pad}],
                                 data={"encoding": "json", "segments": [seg]}))

    at = page("").index(key.encode())
    body = page("y" * (MAX_BODY_LOG - 20 - at))  # the key starts 20 characters before the cut
    assert body.index(key.encode()) == MAX_BODY_LOG - 20

    def handler(request):
        if request.url.host == "storage.test":
            return httpx.Response(200, content=b"[[1]]")
        if "/ack" in request.url.path:
            return httpx.Response(200)
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    with _mock_client(handler, encoding=("json",), network_logging="BODY", network_log=lines.append) as c:
        assert [r for b in c.execute("x").batches() for r in b.wire_rows()] == [[1]]
    text = "\n".join(lines)
    assert "response body" in text and key[:10] not in text


def test_secret_named_session_properties_are_redacted_in_logs_and_traces():
    lines: list[str] = []
    records: list[dict] = []
    srv = FakeTrino(make_rows(5), encoding=None)
    props = {"hive.s3_secret_key": "S3SECRET", "my_token": "TOK", "query_max_run_time": "1h"}
    with fake_client(srv, session_properties=props, network_logging="HEADERS", network_log=lines.append,
                     trace=records.append) as c:
        list(c.execute("x").batches())
    text = "\n".join(lines) + repr(records)
    assert "S3SECRET" not in text and "TOK" not in text
    assert "hive.s3_secret_key=***" in text and "query_max_run_time=1h" in text


# --- item 6: memory bounds against hostile servers ---------------------------------------------

class Endless:
    """A streaming body that never ends; counts what the client pulled."""

    def __init__(self, chunk: int = 64 << 10) -> None:
        self.sent = 0
        self.chunk = b"[" * chunk

    def __iter__(self):
        while True:
            self.sent += len(self.chunk)
            yield self.chunk


def test_segment_body_read_stops_just_past_segment_size():
    body = Endless()

    def handler(request):
        return httpx.Response(200, content=body)

    config = ClientConfig(server="https://coord.test", user="u")
    t = Transport(config, storage_transport=httpx.MockTransport(handler))
    try:
        with pytest.raises(SegmentTooLarge, match="segment 4: .*exceeds segmentSize 1000") as info:
            t.download("https://storage.test/seg", (), segment_size=1000, index=4)
    finally:
        t.close()
    assert isinstance(info.value, ProtocolError) and isinstance(info.value, SegmentCorrupt)
    assert body.sent <= 2 * len(body.chunk)  # stopped after the chunk that crossed segmentSize


def test_declared_uncompressed_size_over_the_cap_is_refused_before_allocating():
    payload = zstandard.ZstdCompressor().compress(b"[[1]]")
    with pytest.raises(SegmentTooLarge, match="exceeds the limit"):
        decode_payload(payload, "json+zstd", 2 * GiB, 1)
    with pytest.raises(SegmentTooLarge):  # item 9: lz4 declaring 8 GiB (was OverflowError)
        decode_payload(lz4.block.compress(b"[[1]]", store_size=False), "json+lz4", 8 * GiB, 1)
    with pytest.raises(SegmentTooLarge):  # the cap is configurable
        decode_payload(payload, "json+zstd", 5, 1, max_uncompressed=4)


def test_zstd_frame_lying_about_its_size_is_refused_before_allocating():
    fake = zstandard.ZstdCompressor(write_content_size=True).compress(b"[[1]]")
    with pytest.raises(SegmentCorrupt, match="zstd frame says 5 bytes"):
        decode_payload(fake, "json+zstd", 400 << 20, 1)  # declared 400 MiB, frame knows better


def test_decompression_output_is_bounded_by_the_declared_size():
    bomb = zstandard.ZstdCompressor(write_content_size=False).compressobj()
    data = bomb.compress(b"\0" * (64 << 20)) + bomb.flush()  # 64 MiB of zeros, no size in the frame
    with pytest.raises(SegmentCorrupt, match="decompressed to 1001 bytes"):
        decode_payload(data, "json+zstd", 1000, None)


def test_coordinator_responses_are_capped():
    body = Endless()
    with _mock_client(lambda r: httpx.Response(200, content=body), max_response_bytes=1 << 20) as c:
        q = c.execute("x")
        with pytest.raises(ResponseTooLarge, match="exceeds 1048576 bytes"):
            q.wait_columns(10)
    assert body.sent <= (1 << 20) + 2 * len(body.chunk)
    with _mock_client(lambda r: httpx.Response(200, json=_doc(data=[[1, "a"]]))) as c:
        assert len(list(c.execute("x").batches())) == 1  # the default cap (64 MiB) is far above real pages


def test_declared_content_length_over_the_cap_is_refused_without_reading():
    body = Endless()
    resp = lambda r: httpx.Response(200, content=body, headers={"Content-Length": str(10 * GiB)})  # noqa: E731
    with _mock_client(resp) as c, pytest.raises(ResponseTooLarge):
        c.execute("x").wait_columns(10)
    assert body.sent == 0


# --- item 7: whole-request deadline and the retry budget across retries -------------------------

class TickClock:
    """Fake time: every byte the drip body yields advances it by one second."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_one_byte_per_second_drip_fails_by_the_deadline():
    clock = TickClock()

    def drip():
        for b in orjson.dumps(_doc(data=[[1, "x" * 1000]])):
            clock.now += 1.0
            yield bytes([b])

    config = ClientConfig(server="https://coord.test", user="u", encoding=(), request_timeout=5, retry_budget=0)
    mock = httpx.MockTransport(lambda r: httpx.Response(200, content=drip()))
    with TrinoClient(config, transport=Transport(config, coordinator_transport=mock, clock=clock)) as c:
        q = c.execute("x")
        with pytest.raises(DeadlineExceeded, match="did not complete within 5 s"):
            q.wait_columns(10)
    assert clock.now <= 7  # stopped within a byte or two of the 5 s deadline, not after ~1000 s


def test_the_client_clock_also_times_request_deadlines():
    clock = TickClock()
    config = ClientConfig(server="https://coord.test", user="u", encoding=())
    with TrinoClient(config, clock=clock) as c:
        assert c.transport.clock is clock  # one injected clock for stats and transport deadlines


def test_the_retry_budget_bounds_all_attempts_together():
    clock = TickClock()
    attempts: list[float] = []

    def handler(request):
        if request.method == "POST":
            return httpx.Response(200, json=_doc(next_uri="https://coord.test/v1/statement/executing/q1/x/1"))
        attempts.append(clock.now)

        def drip():
            while True:
                clock.now += 1.0
                yield b" "
        return httpx.Response(200, content=drip())

    def wait(token, delay):
        clock.now += delay
        return False

    config = ClientConfig(server="https://coord.test", user="u", encoding=(), request_timeout=5, retry_budget=12)
    mock = httpx.MockTransport(handler)
    with TrinoClient(config, transport=Transport(config, coordinator_transport=mock, clock=clock, wait=wait)) as c:
        with pytest.raises(DeadlineExceeded):
            list(c.execute("x").batches())
    assert 2 <= len(attempts) <= 4 and clock.now <= 12 + 2


# --- item 9: typed protocol violations naming segment / rows / URI --------------------------------

def test_row_width_mismatch_in_a_direct_page_names_the_row():
    with _mock_client(lambda r: httpx.Response(200, json=_doc(data=[[1, "a"], [2]]))) as c:
        with pytest.raises(RowWidthMismatch, match="row 1 has 1 values but the result has 2 columns"):
            list(c.execute("x").batches())


@pytest.mark.parametrize("decode", ["eager", "deferred"])
def test_row_width_mismatch_in_a_segment_names_segment_and_row(decode):
    rows = [[0, "a"], [1, "b", "extra"]]

    def handler(request):
        seg = {"type": "inline", "data": base64.b64encode(orjson.dumps(rows)).decode(),
               "metadata": {"rowOffset": 0, "rowsCount": 2, "segmentSize": len(orjson.dumps(rows))}}
        return httpx.Response(200, json=_doc(data={"encoding": "json", "segments": [seg]}))

    with _mock_client(handler, encoding=("json",), decode=decode) as c:
        with pytest.raises(RowWidthMismatch, match="segment 0: row 1 has 3 values but the result has 2 columns"):
            for b in c.execute("x").batches():
                b.wire_rows()


def test_redirect_loop_on_post_is_a_protocol_error_naming_the_uri():
    def handler(request):
        return httpx.Response(307, headers={"Location": "https://coord.test/v1/statement"})

    with _mock_client(handler) as c:
        with pytest.raises(RedirectLoop, match="POST https://coord.test/v1/statement: more than 5 redirects"):
            c.execute("x").wait_columns(10)


def test_overlapping_rows_are_reported_as_an_overlap():
    def segment(offset, n):
        raw = orjson.dumps([[i, "b"] for i in range(offset, offset + n)])
        return {"type": "inline", "data": base64.b64encode(raw).decode(),
                "metadata": {"rowOffset": offset, "rowsCount": n, "segmentSize": len(raw)}}

    pages = [_doc(data={"encoding": "json", "segments": [segment(0, 4)]},
                  next_uri="https://coord.test/v1/statement/executing/q1/x/1"),
             _doc(data={"encoding": "json", "segments": [segment(2, 4)]})]

    def handler(request):
        return httpx.Response(200, json=pages.pop(0))

    with _mock_client(handler, encoding=("json",)) as c:
        with pytest.raises(RowRangeError, match="segment 1 starts at rowOffset 2, overlapping rows 2..3"):
            list(c.execute("x").batches())


def test_malformed_columns_are_a_protocol_error_not_an_internal_one():
    bad = [{"name": "a", "typeSignature": {"rawType": "array", "arguments": [{"kind": "WHAT", "value": 1}]}}]
    with _mock_client(lambda r: httpx.Response(200, json=_doc(columns=bad, data=[[1]]))) as c:
        with pytest.raises(ProtocolError, match="the server sent malformed columns: unsupported type signature"):
            c.execute("x").wait_columns(10)
