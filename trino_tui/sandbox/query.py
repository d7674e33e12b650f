"""One query's lifecycle: state machine, producer thread, ordered hand-out of results.

`Query` runs the statement on its own producer thread once submitted (first GET of the queued
URI): the engine executes, chunks are cut into direct pages or inline/spooled segments, spooled
segments are encoded and stored by the shared `WorkerPool` (in parallel), and every item lands in
an ordered slot list. The coordinator hands out the ready prefix of that list (`take()`), so row
offsets follow production order whatever order the workers finish in.

Thread-safety: all mutable state is guarded by `self._cond` (a Condition); `poll_lock` serializes
the coordinator's token handling for this query. Invariants: items are handed out exactly once
and in order; after a failure/cancel no item is handed out and unhanded spooled segments are
deleted from storage; `close()` joins the producer thread.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from .cache import CachedItem, CachedResult, ResultCache
from .config import SandboxConfig
from .results import ABANDONED, USER_CANCELED, Progress, QueryFailure, SegmentOut, internal_error
from .spooling import (PageBuilder, SegmentPlan, Segmenter, SpoolingOptions, encode_payload,
                       spooling_disabled_by_session)
from .statement_meta import StatementMeta
from .storage import SegmentStore
from .workers import WorkerPool

SPOOLED_CHUNK_BYTES = 256 * 1024  # engine fetch overhead grows quickly below ~64 kB chunks
MAX_PENDING_PAGES = 8
MAX_PENDING_SEGMENTS = 1000


def chunk_target(opts: SpoolingOptions) -> int:
    """Engine chunk size for spooled queries: small enough that inlining and segment cuts are fine-grained
    (64 kB with the defaults), larger (up to 256 kB, cheaper for the engine) when inlining is off."""
    limits = [SPOOLED_CHUNK_BYTES, opts.initial_segment_size // 4]
    if opts.inlining_enabled and opts.inlining_max_size:
        limits.append(opts.inlining_max_size // 2)
    return max(1024, min(limits))


@dataclass(frozen=True)
class ClientSession:
    """Session values parsed from the POST's X-Trino-* headers."""

    user: str
    source: str | None = None
    catalog: str | None = None
    schema: str | None = None
    time_zone: str = "UTC"
    properties: dict[str, str] = field(default_factory=dict)
    client_tags: tuple[str, ...] = ()
    principal: str | None = None  # the authenticated user (auth hook), None without authentication
    prepared: dict[str, str] = field(default_factory=dict)  # X-Trino-Prepared-Statement: name -> SQL
    transaction_id: str | None = None  # X-Trino-Transaction-Id (None: autocommit)
    parametric_datetime: bool = True  # X-Trino-Client-Capabilities has PARAMETRIC_DATETIME


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)\s*$")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def time_limit(value: str | None) -> tuple[float, str] | None:
    """An airlift duration ("1s", "10m", "100.00d") -> (seconds, Trino's text "1.00s"); None if unset/invalid."""
    m = _DURATION.match(value or "")
    if not m:
        return None
    return float(m.group(1)) * _UNIT_SECONDS[m.group(2)], f"{float(m.group(1)):.2f}{m.group(2)}"


@dataclass
class _Slot:
    item: SegmentOut | tuple[int, bytes] | None = None  # segment, or (rows, page document)


@dataclass
class QueryDeps:
    """Collaborators shared by all queries of one sandbox."""

    engine: Any
    session_context: Callable[..., Any]
    pool: WorkerPool
    store: SegmentStore
    config: Callable[[], SandboxConfig]
    cache: ResultCache | None = None
    clock: Callable[[], float] = time.monotonic


class Query:
    """See the module docstring."""

    def __init__(self, seq: int, query_id: str, sql: str, session: ClientSession, encoding: str | None,
                 deps: QueryDeps):
        self.seq, self.query_id, self.sql, self.session = seq, query_id, sql, session
        self.requested_encoding = encoding
        self.spooled_encoding: str | None = None  # set when the query actually spools
        self.meta: StatementMeta | None = None
        self.poll_lock = threading.Lock()
        self.queued_token = 0
        self.exec_token = -1
        self.last_response: Any = None
        self.delivered_final = False
        self.created_wall = time.time()
        self.started_wall: float | None = None
        self.ended_wall: float | None = None
        self._deps = deps
        self._clock = deps.clock
        self._created = self._clock()
        self.last_seen = self._created
        self._submitted: float | None = None
        self._ended: float | None = None
        self._cond = threading.Condition()
        self._cancel = threading.Event()
        self._phase = "QUEUED"
        self._failure: QueryFailure | None = None
        self._slots: deque[_Slot] = deque()
        self._produced_all = False
        self._handed = 0
        self._rows = 0
        self._bytes = 0
        self._index = 0
        self._row_offset = 0
        self._thread: threading.Thread | None = None
        self._total_rows: int | None = None
        self._cache_record: tuple[Hashable, CachedResult] | None = None

    # -- control --------------------------------------------------------------------------
    def submit(self) -> None:
        """Start the producer thread (idempotent)."""
        with self._cond:
            if self._thread is not None or self._failure is not None:
                return
            self._submitted = self._clock()
            self.started_wall = time.time()
            self._phase = "PLANNING"
            self._thread = threading.Thread(target=self._produce, name=f"sandbox-query-{self.query_id}",
                                            daemon=True)
            self._thread.start()

    def cancel(self) -> None:
        """Fail with USER_CANCELED unless already finished; stops production."""
        self._fail(USER_CANCELED)

    def touch(self) -> None:
        """Record client activity (any statement request, including HEAD heartbeats)."""
        self.last_seen = self._clock()

    def abandon_if_idle(self, timeout: float) -> bool:
        """Fail with ABANDONED_QUERY when the client has been silent for *timeout* seconds."""
        if self._ended is None and self._clock() - self.last_seen > timeout:
            self._fail(ABANDONED)
            return True
        return False

    def enforce_time_limits(self) -> bool:
        """Fail with EXCEEDED_TIME_LIMIT past the session's query_max_run_time (since creation) or
        query_max_execution_time (since the first poll), as Trino does."""
        if self._ended is not None:
            return False
        now = self._clock()
        for prop, since in (("query_max_run_time", self._created), ("query_max_execution_time", self._submitted)):
            limit = time_limit(self.session.properties.get(prop))
            if limit is not None and since is not None and now - since > limit[0]:
                self._fail(QueryFailure(f"Query exceeded maximum time limit of {limit[1]}", 131075,
                                        "EXCEEDED_TIME_LIMIT", "INSUFFICIENT_RESOURCES"))
                return True
        return False

    def close(self) -> None:
        """Stop production (failing the query if it was still running) and join the producer thread."""
        self._fail(USER_CANCELED)
        self._cancel.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()

    # -- views ----------------------------------------------------------------------------
    @property
    def failure(self) -> QueryFailure | None:
        return self._failure

    @property
    def state(self) -> str:
        with self._cond:
            return self._state_locked()

    def _state_locked(self) -> str:
        if self._failure is not None:
            return "FAILED"
        if self.delivered_final:
            return "FINISHED"
        return self._phase

    @property
    def ended(self) -> float | None:
        return self._ended

    def progress(self) -> Progress:
        with self._cond:
            now = self._clock()
            start = self._submitted if self._submitted is not None else now
            end = self._ended if self._ended is not None else now
            queued = 0 if self._produced_all or self._submitted is None or self._failure else 1
            pending = len(self._slots)
            return Progress(
                state=self._state_locked(), elapsed_ms=int((end - self._created) * 1000),
                queued_ms=int((start - self._created) * 1000), running_ms=int(max(0.0, end - start) * 1000),
                workers=self._deps.pool.count, total_splits=self._handed + pending + queued,
                queued_splits=queued, running_splits=pending, completed_splits=self._handed,
                processed_rows=self._rows, processed_bytes=self._bytes, total_rows=self._total_rows,
                done=self._failure is not None or (self._produced_all and not pending),
                staged=self.meta is None or bool(self.meta.columns),
                planned=(self.meta is not None and self.meta.scans) or (self._failure is not None and self._failure.runtime),
            )

    def take(self, timeout: float) -> tuple[list[SegmentOut | tuple[int, bytes]], bool]:
        """Wait up to *timeout* for ready items; returns (items, complete). complete = no more will come.

        At most max_segments_per_response segments, or one direct page, per call."""
        deadline = self._clock() + timeout
        with self._cond:
            while True:
                if self._failure is not None:
                    return [], True
                limit = self._deps.config().max_segments_per_response if self.spooled_encoding else 1
                out: list[SegmentOut | tuple[int, bytes]] = []
                while self._slots and self._slots[0].item is not None and len(out) < limit:
                    out.append(self._slots.popleft().item)  # type: ignore[arg-type]
                if out:
                    self._handed += len(out)
                    self._cond.notify_all()
                    return out, False
                if self._produced_all and not self._slots:
                    return [], True
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return [], False
                self._cond.wait(remaining)

    def mark_delivered(self) -> None:
        """The final (nextUri-less) response was built: FINISHED unless it already failed.

        A complete result recorded for the cache is published now: every segment job has finished."""
        with self._cond:
            self.delivered_final = True
            if self._ended is None:
                self._ended = self._clock()
                self.ended_wall = time.time()
            publish = self._cache_record if self._failure is None else None
            self._cache_record = None
        if publish is not None and self._deps.cache is not None:
            self._deps.cache.put(*publish)

    def _discard_cache_record(self) -> None:
        with self._cond:
            record, self._cache_record = self._cache_record, None
        if record is not None and self._deps.cache is not None:
            self._deps.cache.discard(record[1])

    # -- producer -------------------------------------------------------------------------
    def _fail(self, failure: QueryFailure) -> None:
        with self._cond:
            if self._failure is not None or self.delivered_final:
                return
            self._failure = failure
            self._ended = self._clock()
            self.ended_wall = time.time()
            dropped = [s.item for s in self._slots if isinstance(s.item, SegmentOut) and s.item.stored]
            self._slots.clear()
            self._cond.notify_all()
        self._cancel.set()
        interrupt = getattr(self._deps.engine, "cancel", None)
        if callable(interrupt):
            interrupt(self.query_id)  # stops DuckDB work still inside Engine.execute
        self._discard_cache_record()
        for item in dropped:
            self._deps.store.discard(item.stored.id)  # type: ignore[union-attr]

    def _produce(self) -> None:
        try:
            self._run()
        except Exception as exc:  # engine TrinoError or anything unexpected → FAILED, one line
            if hasattr(exc, "error_name"):
                self._fail(QueryFailure.from_engine(exc))
            else:
                self._fail(internal_error(exc))

    def _run(self) -> None:
        cfg = self._deps.config()
        props = self.session.properties
        try:
            spool = self.requested_encoding is not None and not spooling_disabled_by_session(props)
            opts = SpoolingOptions.resolve(cfg, self.requested_encoding, props) if spool else None  # type: ignore[arg-type]
        except ValueError as exc:
            self._fail(QueryFailure(str(exc), 14, "INVALID_SESSION_PROPERTY", "USER_ERROR"))
            return
        key: Hashable = (self.sql, self.session.user, self.session.catalog, self.session.schema,
                         self.session.time_zone, tuple(sorted(props.items())),
                         tuple(sorted(self.session.prepared.items())), self.session.parametric_datetime,
                         opts, cfg.direct_page_size)
        use_cache = cfg.cache_results and self._deps.cache is not None
        cached = self._deps.cache.get(key) if use_cache else None  # type: ignore[union-attr]
        if cached is not None:
            self._replay(cached, opts)
            return
        s = self.session
        extra: dict[str, Any] = {}  # only what differs from the defaults: fake engines take plain dicts
        if s.prepared or s.transaction_id:
            extra.update(prepared=dict(s.prepared), transaction_id=s.transaction_id)
        if not s.parametric_datetime:
            extra["parametric_datetime"] = False
        ctx = self._deps.session_context(
            user=self.session.user, catalog=self.session.catalog, schema=self.session.schema,
            time_zone=props.get("time_zone_id") or self.session.time_zone, properties=dict(props),
            query_id=self.query_id, **extra)
        res = self._deps.engine.execute(self.sql, ctx)
        try:
            self._run_result(res, cfg, opts, key if use_cache else None)
        finally:
            close = getattr(res, "close", None)
            if callable(close):
                close()

    def _run_result(self, res: Any, cfg: SandboxConfig, opts: SpoolingOptions | None, key: Hashable | None) -> None:
        """Produce the engine's result; *key* is the cache key when caching is on."""
        self._set_meta(res)
        self._total_rows = getattr(res, "total_rows", None)
        is_query = bool(getattr(res, "is_query", False))
        if not is_query:
            opts = None
        record = CachedResult(self.meta.columns) if (key is not None and is_query) else None  # type: ignore[union-attr]
        self._set_running(opts)
        if opts is None:
            self._produce_direct(res, cfg, record)
        else:
            self._produce_spooled(res, opts, record)
        with self._cond:
            complete = self._failure is None and not self._cancel.is_set()
            if record is not None and complete:
                self._cache_record = (key, record)  # published once the final response is delivered
            self._produced_all = True
            self._cond.notify_all()
        if record is not None and not complete and self._deps.cache is not None:
            self._deps.cache.discard(record)

    def _set_meta(self, res: Any) -> None:
        self.meta = StatementMeta.of(res)

    def _set_running(self, opts: SpoolingOptions | None) -> None:
        with self._cond:
            self.spooled_encoding = opts.encoding if opts else None
            if self._failure is None:
                self._phase = "RUNNING"

    def _wait_capacity(self, cap: int) -> bool:
        """Back-pressure: wait until fewer than *cap* items are pending; False when cancelled."""
        with self._cond:
            while len(self._slots) >= cap and not self._cancel.is_set():
                self._cond.wait(0.5)
            return not self._cancel.is_set()

    def _add_slot(self, rows: int, nbytes: int) -> tuple[_Slot, int, int]:
        with self._cond:
            slot = _Slot()
            self._slots.append(slot)
            index, offset = self._index, self._row_offset
            self._index += 1
            self._row_offset += rows
            self._rows += rows
            self._bytes += nbytes
            return slot, index, offset

    def _complete(self, slot: _Slot, item: SegmentOut | tuple[int, bytes]) -> None:
        with self._cond:
            if self._failure is None and any(s is slot for s in self._slots):
                slot.item = item
                self._cond.notify_all()
                return
        if isinstance(item, SegmentOut) and item.stored is not None:
            self._deps.store.discard(item.stored.id)

    def _produce_direct(self, res: Any, cfg: SandboxConfig, record: CachedResult | None) -> None:
        pages = PageBuilder(cfg.direct_page_size)
        for rows, chunk in res.iter_chunks(cfg.direct_page_size):
            if self._cancel.is_set():
                return
            for page in pages.add(rows, chunk):
                if not self._emit_page(page, record):
                    return
        for page in pages.finish():
            if not self._emit_page(page, record):
                return

    def _emit_page(self, page: tuple[int, bytes], record: CachedResult | None) -> bool:
        if not self._wait_capacity(MAX_PENDING_PAGES) or not self._deps.pool.pace():
            return False
        if record is not None:
            blob = self._deps.store.write_blob(page[1], owned=False)
            record.items.append(CachedItem("page", page[0], blob.size, None, blob=blob))
        slot, _, _ = self._add_slot(page[0], len(page[1]))
        self._complete(slot, page)
        return True

    def _produce_spooled(self, res: Any, opts: SpoolingOptions, record: CachedResult | None) -> None:
        segmenter = Segmenter(opts)
        for rows, chunk in res.iter_chunks(chunk_target(opts)):
            if self._cancel.is_set():
                return
            for plan in segmenter.add(rows, chunk):
                if not self._emit_segment(plan, opts, record):
                    return
        for plan in segmenter.finish():
            if not self._emit_segment(plan, opts, record):
                return

    def _emit_segment(self, plan: SegmentPlan, opts: SpoolingOptions, record: CachedResult | None) -> bool:
        if not self._wait_capacity(MAX_PENDING_SEGMENTS):
            return False
        nbytes = sum(len(c) for c in plan.chunks)
        if plan.kind == "inline":
            if not self._deps.pool.pace():
                return False
            slot, _, offset = self._add_slot(plan.rows, nbytes)
            enc = encode_payload(opts.encoding, plan.document(), opts.compression_threshold)
            if record is not None:
                record.items.append(CachedItem("inline", plan.rows, len(enc.payload), enc.uncompressed_size,
                                               payload=enc.payload))
            self._complete(slot, SegmentOut(offset, plan.rows, len(enc.payload), enc.uncompressed_size,
                                            payload=enc.payload))
            return True
        slot, index, offset = self._add_slot(plan.rows, nbytes)
        cached_at = len(record.items) if record is not None else None
        if record is not None:
            record.items.append(CachedItem("spooled", plan.rows, 0, None))  # placeholder, filled by the job

        def job(worker: int) -> None:
            try:
                enc = encode_payload(opts.encoding, plan.document(), opts.compression_threshold)
                store = self._deps.store
                blob = store.write_blob(enc.payload, owned=record is None)
                if record is not None and cached_at is not None:
                    record.items[cached_at] = CachedItem("spooled", plan.rows, blob.size, enc.uncompressed_size,
                                                         blob=blob)
                seg = store.put(self.query_id, index, f"{self.seq}:{index}", opts.encoding, blob, worker)
                self._complete(slot, SegmentOut(offset, plan.rows, blob.size, enc.uncompressed_size, stored=seg))
            except Exception as exc:
                self._fail(internal_error(exc))

        return self._deps.pool.submit(job, self._cancel)

    def _replay(self, cached: CachedResult, opts: SpoolingOptions | None) -> None:
        """Serve a cached result: same payload bytes, fresh segment ids/keys/expiry."""
        self.meta = StatementMeta(columns=cached.columns)
        self._set_running(opts)
        store = self._deps.store
        for item in cached.items:
            if not self._wait_capacity(MAX_PENDING_PAGES if opts is None else MAX_PENDING_SEGMENTS):
                return
            slot, index, offset = self._add_slot(item.rows, item.size)
            if item.kind == "inline":
                out: Any = SegmentOut(offset, item.rows, item.size, item.uncompressed_size, payload=item.payload)
            elif item.kind == "spooled":
                seg = store.put(self.query_id, index, f"{self.seq}:{index}", opts.encoding, item.blob,  # type: ignore
                                index % self._deps.pool.count)
                out = SegmentOut(offset, item.rows, item.size, item.uncompressed_size, stored=seg)
            else:
                with open(item.blob.path, "rb") as f:  # type: ignore[union-attr]
                    out = (item.rows, f.read())
            self._complete(slot, out)
        with self._cond:
            self._produced_all = True
            self._cond.notify_all()
