"""A hostile fake Trino (coordinator + segment storage) on 127.0.0.1, port 0.

Scenarios (``HostileServer(scenario)``; ``close()`` stops it and joins its threads):
  oversized_segment  segment metadata says segmentSize=1000, storage streams BIG bytes
  zstd_bomb          an honest zstd segment (a few KB) whose frame and uncompressedSize say BOMB bytes
  huge_response      the coordinator answers the POST with a BIG-byte QueryResults document
  drip               the coordinator answers the POST one byte every DRIP_INTERVAL seconds
  drip_poll          the POST is answered at once, every poll (nextUri GET) drips
Streaming stops as soon as the client hangs up. Thread-safe; one thread per connection.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import zstandard

MiB = 1 << 20
BIG = 512 * MiB          # bytes a hostile body would send (the old client read all of it)
BOMB = 1024 * MiB        # declared and real uncompressed size of the zstd bomb
RESPONSE = 256 * MiB     # size of the huge coordinator response
DRIP_INTERVAL = 0.1      # seconds between dripped bytes
DRIP_BYTES = 600         # bytes in the dripped answer (60 s at 10 bytes/s)
COLUMNS = [{"name": "a", "type": "bigint", "typeSignature": {"rawType": "bigint", "arguments": []}}]
SCENARIOS = ("oversized_segment", "zstd_bomb", "huge_response", "drip", "drip_poll")

_bomb_cache: list[bytes] = []


def zstd_bomb() -> bytes:
    """BOMB zero bytes as one zstd frame carrying its content size (built once, in 1 MiB steps)."""
    if not _bomb_cache:
        c = zstandard.ZstdCompressor(level=3).compressobj(size=BOMB)
        zeros = b"\0" * MiB
        parts = [c.compress(zeros) for _ in range(BOMB // MiB)]
        _bomb_cache.append(b"".join(parts) + c.flush())
    return _bomb_cache[0]


class HostileServer:
    def __init__(self, scenario: str) -> None:
        assert scenario in SCENARIOS, scenario
        self.scenario = scenario
        self.sent = 0
        self.polls = 0
        self.stop = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.post(self)

            def do_GET(self) -> None:
                outer.get(self)

            def do_DELETE(self) -> None:
                self._empty(204)

            def _empty(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="hostile-server", daemon=True)
        self._thread.start()

    # --- protocol -----------------------------------------------------------------------

    def _doc(self, segment: dict) -> bytes:
        return json.dumps({"id": "q1", "infoUri": f"{self.url}/ui", "stats": {"state": "FINISHED"},
                           "columns": COLUMNS, "data": {"encoding": segment.pop("_encoding"),
                                                        "segments": [segment]}}).encode()

    def _spooled(self, encoding: str, size: int, usize: int | None) -> dict:
        meta = {"rowOffset": 0, "rowsCount": 1, "segmentSize": size}
        if usize is not None:
            meta["uncompressedSize"] = usize
        return {"_encoding": encoding, "type": "spooled", "uri": f"{self.url}/seg/1", "ackUri": f"{self.url}/ack/1",
                "metadata": meta}

    def post(self, h: BaseHTTPRequestHandler) -> None:
        if self.scenario == "oversized_segment":
            self._send(h, self._doc(self._spooled("json", 1000, None)))
        elif self.scenario == "zstd_bomb":
            self._send(h, self._doc(self._spooled("json+zstd", len(zstd_bomb()), BOMB)))
        elif self.scenario == "huge_response":
            head = b'{"id":"q1","infoUri":"x","stats":{"state":"FINISHED"},"warnings":[{"message":"'
            tail = b'"}]}'
            self._stream(h, head, RESPONSE - len(head) - len(tail), tail)
        elif self.scenario == "drip_poll":
            self._send(h, json.dumps({"id": "q1", "infoUri": "x", "stats": {"state": "QUEUED"},
                                      "nextUri": f"{self.url}/v1/statement/queued/q1/x/1"}).encode())
        else:
            self._drip(h)

    def _drip(self, h: BaseHTTPRequestHandler) -> None:
        body = b'{"id":"q1","infoUri":"x","stats":{"state":"FINISHED"}' + b" " * DRIP_BYTES + b"}"
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for i in range(len(body)):
            if self.stop.wait(DRIP_INTERVAL):
                return
            if not self._write(h, body[i:i + 1]):
                return

    def get(self, h: BaseHTTPRequestHandler) -> None:
        if h.path.startswith("/ack/"):
            self._send(h, b"")
        elif self.scenario == "drip_poll":
            self.polls += 1
            self._drip(h)
        elif self.scenario == "oversized_segment":
            self._stream(h, b"", BIG, b"")
        else:
            self._send(h, zstd_bomb(), "application/octet-stream")

    # --- io -----------------------------------------------------------------------------

    def _send(self, h: BaseHTTPRequestHandler, body: bytes, ctype: str = "application/json") -> None:
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        self._write(h, body)

    def _stream(self, h: BaseHTTPRequestHandler, head: bytes, n: int, tail: bytes) -> None:
        """*head*, n filler bytes, *tail*, chunked encoding (no Content-Length to refuse early)."""
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        filler = b"x" * MiB
        parts = [head] + [filler] * (n // MiB) + [filler[: n % MiB], tail]
        for part in parts:
            if self.stop.is_set():
                return
            if not part:  # an empty chunk would end the body
                continue
            if not self._write(h, b"%x\r\n%s\r\n" % (len(part), part)):
                return
        self._write(h, b"0\r\n\r\n")

    def _write(self, h: BaseHTTPRequestHandler, data: bytes) -> bool:
        try:
            h.wfile.write(data)
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return False
        self.sent += len(data)
        return True

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

    def __enter__(self) -> "HostileServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

