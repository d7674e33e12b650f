"""A raw statement-protocol driver (http.client only): POST a statement, follow nextUri, and keep
every response (status, headers, parsed body). Used for readiness checks and to record the wire
answers of real Trino (tests/fixtures/real_trino) and of the sandbox (tests/fidelity).

Not a client for trino-tui's users: no retries, no spooled segment download. Single-threaded.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: dict | str


@dataclass
class Exchange:
    """All responses of one statement, in order."""

    sql: str
    responses: list[Response] = field(default_factory=list)

    @property
    def last(self) -> dict:
        return next((r.body for r in reversed(self.responses) if isinstance(r.body, dict)), {})

    def rows(self) -> list[list]:
        out: list[list] = []
        for r in self.responses:
            if isinstance(r.body, dict) and isinstance(r.body.get("data"), list):
                out.extend(r.body["data"])
        return out


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float) -> Response:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            parsed: dict | str = json.loads(raw) if raw else ""
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return Response(resp.status, list(resp.getheaders()), parsed)
    finally:
        conn.close()


def run(base_url: str, sql: str, headers: dict[str, str] | None = None, timeout: float = 120.0,
        max_responses: int = 100000) -> Exchange:
    """Run *sql* to completion with the given request headers; every response is kept."""
    hdrs = {"X-Trino-User": "harness", **(headers or {})}
    ex = Exchange(sql)
    resp = _request("POST", base_url.rstrip("/") + "/v1/statement", sql.encode(), hdrs, timeout)
    ex.responses.append(resp)
    while isinstance(resp.body, dict) and resp.body.get("nextUri") and len(ex.responses) < max_responses:
        resp = _request("GET", resp.body["nextUri"], None, hdrs, timeout)
        ex.responses.append(resp)
    return ex


def scalar(base_url: str, sql: str) -> object:
    """The single value of a one-row, one-column direct-protocol query (raises on failure)."""
    ex = run(base_url, sql)
    if "error" in ex.last:
        raise ValueError(ex.last["error"].get("message"))
    rows = ex.rows()
    if len(rows) != 1:
        raise ValueError(f"expected one row from {sql!r}, got {len(rows)}")
    return rows[0][0]
