"""The coordinator listener: statement protocol (§1–3), /v1/info and the spooled segment endpoints.

`CoordinatorApp.handle()` routes requests; `QueryRegistry` owns the queries (ids, slugs, expiry).
Token rules per query are applied under `Query.poll_lock`: the same token replays the cached
response byte for byte, an older one answers 410, anything else not next answers 404. Long polls
wait on the query's condition (≤ poll_wait) for data or a state change. Thread-safe.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import itertools
import re
import secrets
import string
import threading
import time
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import quote_plus, unquote_plus

import orjson

from .config import RequestRecord, SandboxConfig
from .faults import FaultInjector
from .query import ClientSession, Query, QueryDeps
from .results import Document, segment_json, spooled_data, stats_json
from .server import Request, Response, text_error
from .spooling import negotiate
from .storage import SegmentStore, check_sse_headers, serve_segment

VERSION = "476"  # the Trino version the sandbox emulates (clients compare it)
JSON = "application/json"
_STATEMENT_RE = re.compile(r"^/v1/statement/(queued|executing)/([^/]+)/([^/]+)/(\d+)$")


class QueryRegistry:
    """All queries by id; finished queries are expired after config.query_expiry seconds."""

    def __init__(self, config_ref: Callable[[], SandboxConfig], clock: Callable[[], float] = time.monotonic):
        self._config = config_ref
        self._clock = clock
        self._queries: dict[str, Query] = {}
        self._slug_keys: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._node = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(5))

    def create(self, sql: str, session: ClientSession, encoding: str | None, deps: QueryDeps) -> Query:
        seq = next(self._seq)
        qid = f"{datetime.now(timezone.utc).strftime('%Y%m%d_%H%M%S')}_{seq:05d}_{self._node}"
        query = Query(seq, qid, sql, session, encoding, deps)
        with self._lock:
            self._queries[qid] = query
            self._slug_keys[qid] = secrets.token_bytes(16)
        return query

    def slug(self, query: Query) -> str:
        key = self._slug_keys[query.query_id]
        return "y" + hmac.new(key, query.query_id.encode(), hashlib.sha1).hexdigest()

    def lookup(self, query_id: str, slug: str) -> Query | None:
        with self._lock:
            query = self._queries.get(query_id)
        if query is None or not hmac.compare_digest(self.slug(query), slug):
            return None
        return query

    def all(self) -> list[Query]:
        with self._lock:
            return list(self._queries.values())

    def expire(self) -> int:
        """Fail abandoned queries; forget (and join) queries that ended more than query_expiry seconds ago."""
        cfg = self._config()
        for q in self.all():
            q.abandon_if_idle(cfg.client_timeout)
            q.enforce_time_limits()
        limit = self._clock() - cfg.query_expiry
        with self._lock:
            old = [q for q in self._queries.values() if q.ended is not None and q.ended < limit]
            for q in old:
                del self._queries[q.query_id]
                del self._slug_keys[q.query_id]
        for q in old:
            q.close()
        return len(old)

    def close(self) -> None:
        for q in self.all():
            q.cancel()
        for q in self.all():
            q.close()


def parse_session_headers(req: Request) -> ClientSession | Response:
    """Parse X-Trino-* request headers into a ClientSession, or a 400 Response."""
    user = req.header("X-Trino-User") or req.principal  # Trino: the session user defaults to the principal
    if not user:
        return text_error(400, "User must be set")
    catalog = (req.header("X-Trino-Catalog") or "").strip().lower() or None
    schema = (req.header("X-Trino-Schema") or "").strip().lower() or None
    if schema and not catalog:
        return text_error(400, "Schema is set but catalog is not")
    props: dict[str, str] = {}
    for value in req.header_all("X-Trino-Session"):
        for item in value.split(","):
            if not item.strip():
                continue
            parts = item.split("=")
            if len(parts) != 2 or not parts[0].strip():
                return text_error(400, "Invalid X-Trino-Session header")
            props[parts[0].strip()] = unquote_plus(parts[1].strip())
    prepared: dict[str, str] = {}
    for value in req.header_all("X-Trino-Prepared-Statement"):
        for item in value.split(","):
            if not item.strip():
                continue
            name, sep, text = item.partition("=")
            if not sep or not name.strip():
                return text_error(400, "Invalid X-Trino-Prepared-Statement header")
            prepared[unquote_plus(name.strip()).lower()] = unquote_plus(text.strip())
    transaction = (req.header("X-Trino-Transaction-Id") or "").strip()
    capabilities = {c.strip().upper() for c in (req.header("X-Trino-Client-Capabilities") or "").split(",")}
    tags = tuple(t.strip() for t in (req.header("X-Trino-Client-Tags") or "").split(",") if t.strip())
    return ClientSession(user=user, source=req.header("X-Trino-Source"), catalog=catalog, schema=schema,
                         time_zone=(req.header("X-Trino-Time-Zone") or "UTC").strip() or "UTC",
                         properties=props, client_tags=tags, principal=req.principal, prepared=prepared,
                         transaction_id=None if transaction.upper() in ("", "NONE") else transaction,
                         parametric_datetime="PARAMETRIC_DATETIME" in capabilities)


def change_headers(changes: object) -> list[tuple[str, str]]:
    """X-Trino-* answer headers for a statement's resultset.SessionChanges (None: no changes)."""
    if changes is None:
        return []
    c = changes
    out = [("X-Trino-Added-Prepare", f"{quote_plus(n)}={quote_plus(sql)}") for n, sql in c.added_prepare.items()]
    out += [("X-Trino-Deallocated-Prepare", quote_plus(n)) for n in c.deallocated_prepare]
    if c.started_transaction_id:
        out.append(("X-Trino-Started-Transaction-Id", c.started_transaction_id))
    if c.clear_transaction_id:
        out.append(("X-Trino-Clear-Transaction-Id", "true"))
    out += [("X-Trino-Set-Role", f"{quote_plus(cat)}={quote_plus(role)}") for cat, role in c.set_role.items()]
    if c.set_authorization_user:
        out.append(("X-Trino-Set-Authorization-User", c.set_authorization_user))
    if c.reset_authorization_user:
        out.append(("X-Trino-Reset-Authorization-User", "true"))
    return out


class CoordinatorApp:
    """Routes for the coordinator listener (see module docstring)."""

    def __init__(self, registry: QueryRegistry, deps: QueryDeps, store: SegmentStore, faults: FaultInjector,
                 urls: Callable[[], tuple[str, str, list[str]]], record: Callable[[RequestRecord], None]):
        self._registry = registry
        self._deps = deps
        self._store = store
        self._faults = faults
        self._urls = urls  # -> (coordinator url, storage url, worker urls)
        self._record = record
        self._started = time.monotonic()

    @property
    def _config(self) -> SandboxConfig:
        return self._deps.config()

    def handle(self, req: Request) -> Response:
        resp = self._route(req)  # a copy: replayed responses are cached objects
        return dataclasses.replace(resp, headers=[*resp.headers, ("X-Content-Type-Options", "nosniff")])

    def _route(self, req: Request) -> Response:
        path = req.path
        if path.startswith("/v1/spooled/"):
            resp = self._spooled(req)
            self._record(RequestRecord("coordinator", req.method, path, req.query, req.header_dict(), resp.status))
            return resp
        if path == "/v1/statement":
            if req.method == "POST":
                return self._post(req)
            if req.method == "HEAD":
                return Response(200)
            return text_error(405, "Method Not Allowed")
        if path.startswith("/v1/statement/partialCancel/") and req.method == "DELETE":
            return Response(204)  # Trino stops a stage early; the sandbox has one stage and ignores it
        m = _STATEMENT_RE.match(path)
        if m:
            return self._statement(req, m.group(1), m.group(2), m.group(3), int(m.group(4)))
        if path == "/v1/info" and req.method in ("GET", "HEAD"):
            return self._info()
        if path == "/ui/query.html":
            return self._query_page(req.query)
        return text_error(404, "Not Found")

    # -- statement protocol ---------------------------------------------------------------
    def _post(self, req: Request) -> Response:
        session = parse_session_headers(req)
        if isinstance(session, Response):
            return session
        sql = req.body.decode("utf-8", errors="replace").strip()
        if not sql:
            return text_error(400, "SQL statement is empty")
        cfg = self._config
        header = req.header("X-Trino-Query-Data-Encoding")
        encoding = negotiate(header, cfg.encodings) if cfg.spooling_enabled else None
        query = self._registry.create(sql, session, encoding, self._deps)
        base = self._urls()[0]  # our own URL, never the request's Host header
        doc = Document(query.query_id, self._info_uri(base, query), self._next(base, query, "queued", 1), None,
                       None, stats_json(query.progress()))
        headers = [("X-Trino-Query-Data-Encoding", encoding)] if encoding else []
        return Response(200, doc.encode(), JSON, headers)

    def _next(self, base: str, query: Query, phase: str, token: int) -> str:
        return f"{base}/v1/statement/{phase}/{query.query_id}/{self._registry.slug(query)}/{token}"

    @staticmethod
    def _info_uri(base: str, query: Query) -> str:
        return f"{base}/ui/query.html?{query.query_id}"

    def _statement(self, req: Request, phase: str, qid: str, slug: str, token: int) -> Response:
        query = self._registry.lookup(qid, slug)
        if query is None:
            return text_error(404, "Query not found")
        query.touch()
        if req.method == "DELETE":
            query.cancel()
            return Response(204)
        if req.method == "HEAD":
            alive = phase == "executing" and not query.delivered_final
            return Response(200 if alive else 404)
        if req.method != "GET":
            return text_error(405, "Method Not Allowed")
        base = self._urls()[0]  # our own URL, never the request's Host header
        with query.poll_lock:
            if phase == "queued":
                return self._poll_queued(query, token, base)
            return self._poll_executing(query, token, base)

    def _poll_queued(self, query: Query, token: int, base: str) -> Response:
        if token == query.queued_token and query.last_response and query.last_response[0] == ("queued", token):
            return query.last_response[1]
        if token != query.queued_token + 1:
            return text_error(410, "Invalid token")
        if self._faults.poll_unavailable(f"{query.seq}:q{token}"):
            return text_error(503, "Service Unavailable (injected fault)")
        query.submit()
        query.queued_token = token
        failure = query.failure
        doc = Document(query.query_id, self._info_uri(base, query),
                       None if failure else self._next(base, query, "executing", 0), None, None,
                       stats_json(query.progress()), error=failure)
        headers = [("X-Trino-Query-Data-Encoding", query.requested_encoding)] if query.requested_encoding else []
        resp = Response(200, doc.encode(), JSON, headers)
        query.last_response = (("queued", token), resp)
        return resp

    def _poll_executing(self, query: Query, token: int, base: str) -> Response:
        last = query.exec_token
        if token == last and query.last_response and query.last_response[0] == ("executing", token):
            return query.last_response[1]
        if token < last:
            return text_error(410, "Invalid token")
        if token != last + 1 or query.delivered_final:
            return text_error(404, "Query not found or token out of range")
        if self._faults.poll_unavailable(f"{query.seq}:e{token}"):
            return text_error(503, "Service Unavailable (injected fault)")
        query.submit()
        items, complete = query.take(self._config.poll_wait)
        failure = query.failure
        if failure is not None or (complete and not items):
            query.mark_delivered()
            next_uri = None
        else:
            next_uri = self._next(base, query, "executing", token + 1)
        meta = query.meta
        data = self._data(query, items, base) if items and failure is None else None
        progress = query.progress()
        partial = (f"{base}/v1/statement/partialCancel/{query.query_id}/1/{self._registry.slug(query)}/{token}"
                   if next_uri and meta is not None and meta.columns else None)
        doc = Document(query.query_id, self._info_uri(base, query), next_uri,
                       meta.columns if meta is not None else None, data, stats_json(progress),
                       error=failure, partial_cancel_uri=partial,
                       update_type=meta.update_type if meta is not None and failure is None else None,
                       update_count=meta.update_count if meta is not None and failure is None else None)
        resp = Response(200, doc.encode(), JSON, self._executing_headers(query))
        query.exec_token = token
        query.last_response = (("executing", token), resp)
        return resp

    def _data(self, query: Query, items: list, base: str) -> bytes:
        if query.spooled_encoding is None:
            if len(items) == 1:
                return items[0][1]
            return b"[" + b",".join(page[1][1:-1] for page in items) + b"]"
        _, storage_url, _ = self._urls()
        mode = self._config.retrieval_mode
        segments = [segment_json(s, base, storage_url, mode, self._store, query.session.time_zone) for s in items]
        return spooled_data(query.spooled_encoding, segments)

    @staticmethod
    def _executing_headers(query: Query) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = []
        meta = query.meta
        if meta is not None and query.failure is None:
            if meta.set_catalog:
                headers.append(("X-Trino-Set-Catalog", meta.set_catalog))
            if meta.set_schema:
                headers.append(("X-Trino-Set-Schema", meta.set_schema))
            for name, value in meta.set_session.items():
                headers.append(("X-Trino-Set-Session", f"{name}={quote_plus(str(value))}"))
            for name in meta.clear_session:
                headers.append(("X-Trino-Clear-Session", name))
            headers += change_headers(meta.changes)
        if query.spooled_encoding:
            headers.append(("X-Trino-Query-Data-Encoding", query.spooled_encoding))
        return headers

    # -- info -----------------------------------------------------------------------------
    def _info(self) -> Response:
        up = time.monotonic() - self._started
        body = {"nodeVersion": {"version": VERSION}, "environment": "sandbox", "coordinator": True,
                "starting": False, "uptime": f"{up / 60:.2f}m"}
        return Response(200, orjson.dumps(body), JSON)

    def _query_page(self, query_id: str) -> Response:
        for q in self._registry.all():
            if q.query_id == query_id:
                text = f"<html><body><h1>Query {q.query_id}</h1><p>State: {q.state}</p></body></html>"
                return Response(200, text.encode(), "text/html; charset=utf-8")
        return text_error(404, "Query not found")

    # -- spooled segments -----------------------------------------------------------------
    def _spooled(self, req: Request) -> Response:
        parts = req.path.split("/")  # ['', 'v1', 'spooled', kind, id]
        if len(parts) != 5 or req.method not in ("GET", "HEAD"):
            return text_error(404, "Not Found")
        kind, seg_id = parts[3], parts[4]
        if kind == "ack":
            self._store.ack(seg_id)
            return Response(200)
        if kind != "download":
            return text_error(404, "Not Found")
        cfg = self._config
        if cfg.retrieval_mode == "STORAGE":
            return text_error(503, "Retrieval mode is STORAGE but segment resource was called")
        seg = self._store.get(seg_id)
        if seg is None or self._store.is_expired(seg):
            return text_error(500, "Segment not found or expired")
        if cfg.retrieval_mode == "COORDINATOR_PROXY":
            return serve_segment(self._store, self._faults, cfg, seg, req,
                                 expired=lambda: text_error(500, "Segment not found or expired"),
                                 missing_headers=lambda why: text_error(400, why))
        problem = check_sse_headers(seg, req.header_dict())
        if problem:
            return text_error(400, problem)
        _, storage_url, worker_urls = self._urls()
        if cfg.retrieval_mode == "COORDINATOR_STORAGE_REDIRECT":
            location = self._store.presign(seg, storage_url)
        else:
            worker = worker_urls[seg.worker % len(worker_urls)]
            location = f"{worker}{req.path}" + (f"?{req.query}" if req.query else "")
        return Response(303, b"", None, [("Location", location)])
