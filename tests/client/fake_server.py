"""A tiny in-process fake Trino (coordinator + storage) on httpx.MockTransport.

Deterministic: no sockets, no sleeps. Segments can be held back on a threading.Event to force
out-of-order completion; faults (503 bursts, corrupt bytes, expired 410) are per segment index.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field

import httpx
import lz4.block
import orjson
import zstandard

from trino_tui.client import ClientConfig, TrinoClient
from trino_tui.client.transport import Transport

COORD = "https://coord.test"
STORAGE = "http://storage.test"
COLUMNS = [
    {"name": "k", "type": "bigint", "typeSignature": {"rawType": "bigint", "arguments": []}},
    {"name": "s", "type": "varchar", "typeSignature": {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]}},
]


def make_rows(n: int) -> list[list]:
    return [[i, f"row-{i}"] for i in range(n)]


def encode(rows: list[list], encoding: str, compress: bool = True) -> tuple[bytes, int | None]:
    raw = orjson.dumps(rows)
    if encoding == "json" or not compress:
        return raw, None
    if encoding == "json+zstd":
        return zstandard.ZstdCompressor().compress(raw), len(raw)
    return lz4.block.compress(raw, store_size=False), len(raw)


@dataclass
class FakeTrino:
    rows: list[list]
    encoding: str | None = "json+zstd"  # None = direct protocol
    segment_rows: int = 100
    segments_per_page: int = 2
    inline_first: bool = True
    fail_at_page: int | None = None  # query error on that page
    seg_503: dict[int, int] = field(default_factory=dict)
    poll_503: int = 0
    # scripted faults for the first POSTs / polls: an int status, (status, headers) or an exception to raise
    post_faults: list = field(default_factory=list)
    poll_faults: list = field(default_factory=list)
    corrupt: set[int] = field(default_factory=set)
    truncate: set[int] = field(default_factory=set)
    fault_downloads: int = 10**9  # corrupt/truncate faults apply to the first N downloads of a segment
    expired: set[int] = field(default_factory=set)
    hold: dict[int, threading.Event] = field(default_factory=dict)
    hold_pages: dict[int, threading.Event] = field(default_factory=dict)
    redirect: bool = False
    status_post: int = 200
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    acked: set[int] = field(default_factory=set)
    downloaded: list[int] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    head_status: int = 200
    ack_status: int = 200
    head_seen: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.segments: list[tuple[int, list[list]]] = [
            (off, self.rows[off: off + self.segment_rows]) for off in range(0, len(self.rows), self.segment_rows)
        ]
        self.payloads = [encode(rows, self.encoding or "json") for _, rows in self.segments]
        self.pages = [
            list(range(i, min(i + self.segments_per_page, len(self.segments))))
            for i in range(0, len(self.segments), self.segments_per_page)
        ]
        self.served_503: dict[int, int] = {}
        self.polls_failed = 0

    # --- protocol ----------------------------------------------------------------------

    def _segment_json(self, i: int) -> dict:
        off, rows = self.segments[i]
        payload, usize = self.payloads[i]
        meta = {"rowOffset": off, "rowsCount": len(rows), "segmentSize": len(payload)}
        if usize is not None:
            meta["uncompressedSize"] = usize
        if i == 0 and self.inline_first:
            return {"type": "inline", "data": base64.b64encode(payload).decode(), "metadata": meta}
        meta["expiresAt"] = "2099-01-01T00:00:00"
        uri = f"{COORD}/v1/spooled/download/{i}" if self.redirect else f"{STORAGE}/seg/{i}"
        return {"type": "spooled", "uri": uri, "ackUri": f"{COORD}/v1/spooled/ack/{i}", "metadata": meta,
                "headers": {"x-amz-server-side-encryption-customer-key": [f"key{i}"]}}

    def _page(self, n: int) -> dict:
        doc: dict = {"id": "q1", "infoUri": f"{COORD}/ui/query.html?q1", "warnings": [],
                     "stats": {"state": "RUNNING", "processedRows": n}}
        if n == 0:
            doc["stats"]["state"] = "QUEUED"
            doc["nextUri"] = f"{COORD}/v1/statement/executing/q1/y/1"
            return doc
        if self.fail_at_page == n:
            doc["stats"]["state"] = "FAILED"
            doc["columns"] = COLUMNS
            doc["error"] = {"message": "line 1:8: boom", "errorCode": 1, "errorName": "SYNTAX_ERROR",
                            "errorType": "USER_ERROR", "errorLocation": {"lineNumber": 1, "columnNumber": 8}}
            return doc
        doc["columns"] = COLUMNS
        idx = self.pages[n - 1] if n - 1 < len(self.pages) else []
        if idx:
            if self.encoding is None:
                doc["data"] = [row for i in idx for row in self.segments[i][1]]
            else:
                doc["data"] = {"encoding": self.encoding, "segments": [self._segment_json(i) for i in idx]}
        if n < len(self.pages):
            doc["nextUri"] = f"{COORD}/v1/statement/executing/q1/y/{n + 1}"
        else:
            doc["stats"]["state"] = "FINISHED"
        return doc

    def handler(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
        path = request.url.path
        host = request.url.host
        if host == "storage.test" or path.startswith("/v1/spooled/download/"):
            return self._storage(request, int(path.rsplit("/", 1)[1]))
        if path.startswith("/v1/spooled/ack/"):
            if self.ack_status != 200:
                return httpx.Response(self.ack_status, text="ack storage failure")
            with self.lock:
                self.acked.add(int(path.rsplit("/", 1)[1]))
            return httpx.Response(200)
        scripted = self.post_faults if request.method == "POST" else self.poll_faults if request.method == "GET" else []
        if scripted:
            fault = scripted.pop(0)
            if isinstance(fault, BaseException):
                raise fault
            status, headers = fault if isinstance(fault, tuple) else (fault, {})
            return httpx.Response(status, headers=headers, text=f"fault {status}")
        if request.method == "POST":
            if self.status_post != 200:
                return httpx.Response(self.status_post, text="Unauthorized")
            return httpx.Response(200, json=self._page(0))
        if request.method == "DELETE":
            self.deleted.append(str(request.url))
            return httpx.Response(204)
        if request.method == "HEAD":
            self.heads.append(str(request.url))
            self.head_seen.set()
            return httpx.Response(self.head_status)
        if self.polls_failed < self.poll_503:
            self.polls_failed += 1
            return httpx.Response(503, text="busy")
        n = int(path.rsplit("/", 1)[1])
        if n in self.hold_pages:
            assert self.hold_pages[n].wait(10), f"page {n} was never released"
        return httpx.Response(200, json=self._page(n), headers=self.response_headers if n == len(self.pages) else None)

    def _storage(self, request: httpx.Request, i: int) -> httpx.Response:
        if request.url.host == "coord.test":  # redirect hop
            return httpx.Response(303, headers={"Location": f"{STORAGE}/seg/{i}"})
        if i in self.hold:
            assert self.hold[i].wait(10), f"segment {i} was never released"
        with self.lock:
            served = self.served_503.get(i, 0)
            if served < self.seg_503.get(i, 0):
                self.served_503[i] = served + 1
                return httpx.Response(503, text="slow down")
            self.downloaded.append(i)
        if i in self.expired:
            return httpx.Response(410, text="gone")
        payload = self.payloads[i][0]
        faulty = self.downloaded.count(i) <= self.fault_downloads
        if i in self.corrupt and faulty:
            payload = bytes(len(payload))
        if i in self.truncate and faulty:
            payload = payload[: len(payload) // 2]
        return httpx.Response(200, content=payload)


def fake_client(server: FakeTrino, transport_kw: dict | None = None, **overrides) -> TrinoClient:
    """A TrinoClient wired to *server* through MockTransport (*transport_kw*: wait=, clock=)."""
    kw = dict(server=COORD, user="alice", encoding=("json+zstd", "json+lz4", "json"), retry_budget=5.0)
    if server.encoding is None:
        kw["encoding"] = ()
    kw.update(overrides)
    config = ClientConfig(**kw)
    mock = httpx.MockTransport(server.handler)
    transport = Transport(config, coordinator_transport=mock, storage_transport=mock, **(transport_kw or {}))
    return TrinoClient(config, transport=transport)
