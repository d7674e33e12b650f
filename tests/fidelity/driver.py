"""Runs corpus entries over the raw wire (tests/real_trino/harness/wire.py) in one session that
follows the server's session headers (Set-Catalog/Schema/Session, Clear-Session, Added/
Deallocated-Prepare, Started/Clear-Transaction-Id, Set-Role), and downloads + acks spooled
segments so their rows can be compared. A test driver, not trino-tui's client. Single-threaded.
"""

from __future__ import annotations

import base64
import http.client
import json
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, unquote_plus, urlsplit

import lz4.block
import zstandard

from tests.real_trino.harness import wire

CAPABILITIES = "PATH,PARAMETRIC_DATETIME,SESSION_AUTHORIZATION"  # what trino-tui's client sends


@dataclass
class WireSession:
    catalog: str | None = None
    schema: str | None = None
    time_zone: str = "UTC"
    properties: dict[str, str] = field(default_factory=dict)
    prepared: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    transaction_id: str = "NONE"
    capabilities: bool = True

    def headers(self, encoding: str | None) -> dict[str, str]:
        h = {"X-Trino-User": "fidelity", "X-Trino-Source": "trino-tui-fidelity", "X-Trino-Time-Zone": self.time_zone,
             "X-Trino-Transaction-Id": self.transaction_id}
        if self.capabilities:
            h["X-Trino-Client-Capabilities"] = CAPABILITIES
        if self.catalog:
            h["X-Trino-Catalog"] = self.catalog
        if self.schema:
            h["X-Trino-Schema"] = self.schema
        if self.properties:
            h["X-Trino-Session"] = ",".join(f"{k}={quote(v)}" for k, v in self.properties.items())
        if self.prepared:
            h["X-Trino-Prepared-Statement"] = ",".join(f"{quote(k)}={quote(v)}" for k, v in self.prepared.items())
        if self.roles:
            h["X-Trino-Role"] = ",".join(f"{k}={quote(v)}" for k, v in self.roles.items())
        if encoding:
            h["X-Trino-Query-Data-Encoding"] = encoding
        return h

    def follow(self, headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            n = name.lower()
            if n == "x-trino-set-catalog":
                self.catalog = value
            elif n == "x-trino-set-schema":
                self.schema = value
            elif n == "x-trino-set-session":
                k, _, v = value.partition("=")
                self.properties[k] = unquote(v)
            elif n == "x-trino-clear-session":
                self.properties.pop(value, None)
            elif n == "x-trino-added-prepare":
                k, _, v = value.partition("=")   # form-encoded (Java's URLEncoder: '+' is a space)
                self.prepared[unquote_plus(k)] = unquote_plus(v)
            elif n == "x-trino-deallocated-prepare":
                self.prepared.pop(unquote(value), None)
            elif n == "x-trino-started-transaction-id":
                self.transaction_id = value
            elif n == "x-trino-clear-transaction-id":
                self.transaction_id = "NONE"
            elif n == "x-trino-set-role":
                k, _, v = value.partition("=")
                self.roles[k] = unquote(v)

    def snapshot(self) -> dict:
        return {"catalog": self.catalog, "schema": self.schema, "properties": dict(self.properties),
                "prepared": sorted(self.prepared), "roles": dict(self.roles),
                "in_transaction": self.transaction_id != "NONE"}


def _http(method: str, url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def decode_segment(raw: bytes, encoding: str, meta: dict) -> list[list]:
    size = meta.get("uncompressedSize")
    if size is not None and encoding == "json+zstd":
        raw = zstandard.ZstdDecompressor().decompress(raw, max_output_size=int(size))
    elif size is not None and encoding == "json+lz4":
        raw = lz4.block.decompress(raw, uncompressed_size=int(size))
    return json.loads(raw)


def spooled_rows(exchange: wire.Exchange) -> tuple[list[list], list[int]]:
    """Rows of every segment of *exchange* in order (downloading + acking spooled ones), and the
    HTTP status of each ack."""
    rows: list[list] = []
    acks: list[int] = []
    for resp in exchange.responses:
        data = resp.body.get("data") if isinstance(resp.body, dict) else None
        if not isinstance(data, dict):
            continue
        for seg in data.get("segments", []):
            if seg["type"] == "inline":
                raw = base64.b64decode(seg["data"])
            else:
                hdrs = {k: v[0] for k, v in seg.get("headers", {}).items()}
                status, raw = _http("GET", seg["uri"], hdrs)
                if status != 200:
                    raise OSError(f"segment download answered {status}")
                acks.append(_http("GET", seg["ackUri"], hdrs)[0])
            rows.extend(decode_segment(raw, data["encoding"], seg["metadata"]))
    return rows, acks


def run_entry(base_url: str, entry) -> list[tuple[wire.Exchange, dict, list[list], list[int]]]:
    """Run each step of a corpus entry in one following session: (exchange, session after, rows, acks)."""
    session = WireSession(catalog=entry.catalog, schema=entry.schema, capabilities=entry.capabilities)
    out = []
    for sql in entry.steps:
        ex = wire.run(base_url, sql, session.headers(entry.encoding))
        for resp in ex.responses:
            session.follow(resp.headers)
        rows, acks = spooled_rows(ex)
        out.append((ex, session.snapshot(), ex.rows() + rows, acks))
    return out
