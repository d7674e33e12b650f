"""Issue 9 item 10: the sandbox's request handling under bad input and vanishing clients, plus the
session values and nested type syntax it used to get wrong."""

from __future__ import annotations

import socket
import struct

import httpx
import pytest

from tests.sandbox.conftest import run
from tests.sandbox.helpers_server import fake_sandbox
from trino_tui.sandbox.engine import Engine, SessionContext
from trino_tui.sandbox.server import MAX_REQUEST_BODY, Listener, Request, Response


def raw_request(url: str, head: bytes) -> bytes:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def sb():
    with fake_sandbox() as sandbox:
        yield sandbox


@pytest.mark.parametrize("value", [b"abc", b"-1", b"1e3"])
def test_bad_content_length_is_a_clear_400(sb, capfd, value: bytes) -> None:
    reply = raw_request(sb.url, b"POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: u\r\n"
                                b"Content-Length: " + value + b"\r\n\r\nSELECT 1")
    assert reply.startswith(b"HTTP/1.1 400 "), reply[:200]
    assert b"Invalid Content-Length" in reply
    assert "Traceback" not in capfd.readouterr().err


def test_huge_declared_body_is_refused_before_reading(sb, capfd) -> None:
    reply = raw_request(sb.url, b"POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: u\r\n"
                                b"Content-Length: 99999999999\r\n\r\nSELECT 1")
    assert reply.startswith(b"HTTP/1.1 413 "), reply[:200]
    assert str(MAX_REQUEST_BODY).encode() in reply
    assert "Traceback" not in capfd.readouterr().err


class _Big:
    def handle(self, request: Request) -> Response:
        return Response(200, b"x" * (64 * 1024 * 1024), "application/octet-stream")


def test_client_disconnect_mid_response_prints_nothing(capfd) -> None:
    listener = Listener("big", _Big()).start()
    try:
        with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(1024).startswith(b"HTTP/1.1 200")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST on close
    finally:
        listener.close()  # joins the handler thread, which met a reset/broken pipe
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err


def test_next_uri_ignores_the_host_header(sb) -> None:
    r = httpx.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3",
                   headers={"X-Trino-User": "u", "Host": "evil.example:1"})
    doc = r.json()
    assert doc["nextUri"].startswith(sb.url + "/") and doc["infoUri"].startswith(sb.url + "/")
    assert "evil" not in r.text


def test_session_functions_answer_the_session(sbx_engine: Engine) -> None:
    session = SessionContext(user="alice", catalog="tpch", schema="tiny", time_zone="Asia/Kolkata")
    result, rows, _ = run(sbx_engine, "SELECT current_user, current_catalog, current_schema, current_timezone()",
                          session)
    assert rows == [["alice", "tpch", "tiny", "Asia/Kolkata"]]
    assert [c.name for c in result.columns] == ["_col0", "_col1", "_col2", "_col3"]
    _, rows, _ = run(sbx_engine, "SELECT current_catalog, current_schema", SessionContext(user="bob"))
    assert rows == [[None, None]]


@pytest.mark.parametrize("sql, type_text, value", [
    ("SELECT CAST(ARRAY[ROW(1, 'a')] AS ARRAY(ROW(x integer, y varchar)))", "array(row(x integer, y varchar))",
     [[1, "a"]]),
    ("SELECT CAST(MAP(ARRAY['a'], ARRAY[1]) AS MAP(varchar, ARRAY(bigint)))", None, None),
    ("SELECT CAST(ROW(1, ARRAY[2]) AS ROW(a bigint, b ARRAY(integer)))", "row(a bigint, b array(integer))",
     [1, [2]]),
])
def test_nested_type_syntax(sbx_engine: Engine, sql: str, type_text: str | None, value) -> None:
    if type_text is None:  # MAP(varchar, bigint) cannot hold ARRAY values: a Trino-style error, not a syntax error
        from trino_tui.sandbox.sql_errors import TrinoError
        with pytest.raises(TrinoError) as info:
            run(sbx_engine, sql)
        assert info.value.error_name != "SYNTAX_ERROR"
        return
    result, rows, _ = run(sbx_engine, sql)
    assert result.columns[0].type == type_text
    assert rows == [[value]]
