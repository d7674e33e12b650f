"""A minimal Trino coordinator for the format oracle: answers every POST /v1/statement with one
finished QueryResults carrying fixed columns and rows (direct protocol). Test-only helper."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS = {
    "state": "FINISHED", "queued": False, "scheduled": True, "nodes": 1, "totalSplits": 1,
    "queuedSplits": 0, "runningSplits": 0, "completedSplits": 1, "cpuTimeMillis": 0,
    "wallTimeMillis": 0, "queuedTimeMillis": 0, "elapsedTimeMillis": 0, "processedRows": 0,
    "processedBytes": 0, "physicalInputBytes": 0, "peakMemoryBytes": 0, "spilledBytes": 0,
}


class FakeCoordinator:
    """Owns an HTTP server thread on 127.0.0.1 (start/close join it)."""

    def __init__(self, columns_json: list[dict], rows: list[list]) -> None:
        self.columns_json = columns_json
        self.rows = rows
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps({
                    "id": "20240101_000000_00000_aaaaa",
                    "infoUri": f"{owner.url}/ui/query.html?20240101_000000_00000_aaaaa",
                    "columns": owner.columns_json, "data": owner.rows, "stats": STATS,
                    "warnings": [],
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-coordinator", daemon=True)

    def start(self) -> "FakeCoordinator":
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> "FakeCoordinator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
