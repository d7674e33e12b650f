"""A test gateway in front of the sandbox coordinator (127.0.0.1, port 0) that breaks one thing.

Forwards every request to the coordinator and rewrites the coordinator's URL in response bodies
to its own, as a real gateway with forwarded headers would. ``no_head``: HEAD answers 405 (a
server or proxy without heartbeat support). ``block_spooled``: ``/v1/spooled/*`` answers 404 (a
gateway that does not forward the segment endpoints). Start/stop own the server thread.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
               "content-encoding"}


class Gateway:
    def __init__(self, upstream: str, *, no_head: bool = False, block_spooled: bool = False):
        self.upstream = upstream.rstrip("/")
        self.no_head, self.block_spooled = no_head, block_spooled
        self.seen: list[tuple[str, str, int]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, data = gateway.forward(self.command, self.path, self.headers, body)
                gateway.seen.append((self.command, self.path, status))
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._client = httpx.Client(timeout=30.0)
        self._thread = threading.Thread(target=self._server.serve_forever, name="test-gateway",
                                        daemon=True)

    def forward(self, method, path, headers, body):
        if self.no_head and method == "HEAD":
            return 405, [], b""
        if self.block_spooled and path.startswith("/v1/spooled/"):
            return 404, [("Content-Type", "text/plain")], b"Not Found"
        out = [(k, v) for k, v in headers.items() if k.lower() not in HOP_HEADERS]
        resp = self._client.request(method, self.upstream + path, headers=out, content=body)
        data = resp.content.replace(self.upstream.encode(), self.url.encode())
        keep = [(k, v.replace(self.upstream, self.url)) for k, v in resp.headers.items()
                if k.lower() not in HOP_HEADERS]
        return resp.status_code, keep, data

    def start(self) -> "Gateway":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self._client.close()
