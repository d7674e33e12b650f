"""A tiny HTTP proxy in front of the moto S3 server: logs every request (method, path, query,
header names, status) as JSON lines and optionally delays each request (storage latency; --delay-file lets a benchmark change it
while the proxy runs).

Run as a process: ``python -m tests.real_trino.harness.proxy --upstream PORT --log FILE
--port-file FILE [--delay-ms N]``; it binds 127.0.0.1 on an ephemeral port and writes it to
--port-file. One upstream connection per handler thread; the log is appended under a lock.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def make_handler(upstream: int, log_path: Path, delay: float,
                 delay_file: Path | None = None) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()
    local = threading.local()

    def current_delay() -> float:
        """--delay-ms, or the milliseconds written in --delay-file (re-read per request)."""
        if delay_file is None:
            return delay
        try:
            return float(delay_file.read_text() or 0) / 1000
        except (OSError, ValueError):
            return delay

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _conn(self) -> http.client.HTTPConnection:
            if getattr(local, "conn", None) is None:
                local.conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=120)
            return local.conn

        def _forward(self) -> None:
            wait = current_delay()
            if wait:
                time.sleep(wait)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            for attempt in (0, 1):
                try:
                    conn = self._conn()
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    break
                except (http.client.HTTPException, OSError):
                    local.conn = None
                    if attempt:
                        raise
            path, _, query = self.path.partition("?")
            record = {"t": time.time(), "method": self.command, "path": path, "query": query,
                      "headers": sorted(k.lower() for k in self.headers.keys()),
                      "user_agent": self.headers.get("User-Agent", ""), "status": resp.status,
                      "bytes": len(data)}
            with lock, log_path.open("a") as fh:
                fh.write(json.dumps(record) + "\n")
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

    return Handler


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", type=int, required=True)
    ap.add_argument("--log", type=Path, required=True)
    ap.add_argument("--port-file", type=Path, required=True)
    ap.add_argument("--delay-ms", type=float, default=0.0)
    ap.add_argument("--delay-file", type=Path, default=None)
    args = ap.parse_args()
    handler = make_handler(args.upstream, args.log, args.delay_ms / 1000, args.delay_file)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    args.port_file.write_text(str(server.server_address[1]))
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
