"""`Sandbox`: wires engine, storage, workers, coordinator and listeners together; owns their lifetime.

start() builds the engine (lazily imported so `import trino_tui.sandbox` stays cheap), binds the
coordinator, storage and N worker listeners, starts the worker pool and a housekeeping thread
(prunes expired segments and forgets old queries), then waits until GET /v1/info answers with
"starting": false. stop() reverses all of it and joins every thread. `configure()` swaps in a
validated config copy; all components read the current config on each use, so knobs apply at
once. Thread-safe for concurrent readers; start/stop are meant to be called from one thread.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

import orjson

from .auth_hook import AuthenticatedApp
from .cache import ResultCache
from .config import RequestRecord, SandboxConfig
from .coordinator import VERSION, CoordinatorApp, QueryRegistry
from .faults import FaultInjector
from .query import QueryDeps
from .server import Listener, tls_context
from .storage import SegmentStore, StorageApp, StoredSegment
from .workers import WorkerApp, WorkerPool

_HOUSEKEEPING_INTERVAL = 1.0
_MAX_LOG = 200_000


class SandboxSystemInfo:
    """The engine's view of the cluster (system.runtime.nodes / queries)."""

    def __init__(self, sandbox: "Sandbox"):
        self._sandbox = sandbox

    def nodes(self) -> list[dict[str, Any]]:
        sb = self._sandbox
        if not sb.running:
            return []
        out = [dict(node_id="coordinator", http_uri=sb.url, node_version=VERSION, coordinator=True, state="active")]
        out += [dict(node_id=f"worker-{i}", http_uri=u, node_version=VERSION, coordinator=False, state="active")
                for i, u in enumerate(sb.worker_urls)]
        return out

    def queries(self) -> list[dict[str, Any]]:
        registry = self._sandbox._registry
        if registry is None:
            return []

        def ts(epoch: float | None) -> datetime | None:
            return None if epoch is None else datetime.fromtimestamp(epoch, tz=timezone.utc)

        return [dict(query_id=q.query_id, state=q.state, user=q.session.user, source=q.session.source,
                     query=q.sql, created=ts(q.created_wall), started=ts(q.started_wall), end=ts(q.ended_wall))
                for q in registry.all()]


class Sandbox:
    """The embedded Trino-compatible server (context manager). See the module docstring."""

    def __init__(self, config: SandboxConfig | None = None, *, progress: Callable[[str], None] | None = None,
                 engine: Any = None):
        self._config = (config or SandboxConfig()).replace()
        self._progress = progress
        self._engine = engine  # tests may inject a fake engine
        self.storage_log: list[RequestRecord] = []
        self.system_info = SandboxSystemInfo(self)
        self._store: SegmentStore | None = None
        self._registry: QueryRegistry | None = None
        self._pool: WorkerPool | None = None
        self._cache: ResultCache | None = None
        self._listeners: list[Listener] = []
        self._coordinator: Listener | None = None
        self._storage: Listener | None = None
        self._workers: list[Listener] = []
        self._stop = threading.Event()
        self._housekeeper: threading.Thread | None = None
        self.running = False

    # -- public API -----------------------------------------------------------------------
    @property
    def config(self) -> SandboxConfig:
        return self._config

    def configure(self, **knobs: Any) -> None:
        """Change knobs at run time (validated; applies to the next request/segment)."""
        fixed = sorted(set(knobs) & {"host", "port", "workers", "query_memory_limit", "synthetic_catalog", "tls_cert", "tls_key",
                                     "tls_client_ca", "storage_tls_cert", "storage_tls_key", "auth"})
        if fixed:
            raise ValueError(f"{', '.join(fixed)} cannot change while the sandbox runs")
        self._config = self._config.replace(**knobs)

    @property
    def url(self) -> str:
        return self._require(self._coordinator).url

    @property
    def storage_url(self) -> str:
        return self._require(self._storage).url

    @property
    def worker_urls(self) -> list[str]:
        return [w.url for w in self._workers]

    @property
    def segments_created(self) -> int:
        return self._store.created if self._store else 0

    @property
    def segments_acked(self) -> int:
        return self._store.acked if self._store else 0

    @property
    def delayed_requests(self) -> int:
        """Segment requests currently held by storage_latency / segment_latency (for tests)."""
        return self._store.delayed if self._store else 0

    def live_segments(self) -> list[StoredSegment]:
        return self._store.live() if self._store else []

    def wait_segments(self, predicate: Callable[["Sandbox"], bool], timeout: float = 10.0) -> bool:
        """Wait until *predicate(self)* holds (re-checked whenever a segment is stored/acked/removed or a
        delayed request starts/ends)."""
        store = self._require(self._store)
        return store.wait_for(lambda: predicate(self), timeout)

    @property
    def engine(self) -> Any:
        return self._engine

    def start(self) -> "Sandbox":
        cfg = self._config
        if self._engine is None:
            from .engine import Engine  # the engine engineer's module; heavy (duckdb)
            self._engine = Engine(data_dir=cfg.data_dir, schemas=cfg.schemas, system=self.system_info,
                                  progress=self._progress, memory_limit=cfg.query_memory_limit,
                                  synthetic=cfg.synthetic_catalog)
        session_context = self._session_context_factory()
        current = lambda: self._config  # noqa: E731 - components read the live config
        self._store = SegmentStore(current)
        faults = FaultInjector(current)
        self._pool = WorkerPool(cfg.workers, current).start()
        self._cache = ResultCache(self._store)  # used only while config.cache_results is on
        deps = QueryDeps(engine=self._engine, session_context=session_context, pool=self._pool, store=self._store,
                         config=current, cache=self._cache)
        self._registry = QueryRegistry(current)
        tls = tls_context(cfg.tls_cert, cfg.tls_key, cfg.tls_client_ca) if cfg.tls_cert and cfg.tls_key else None
        storage_tls = (tls_context(cfg.storage_tls_cert, cfg.storage_tls_key)
                       if cfg.storage_tls_cert and cfg.storage_tls_key else None)
        coordinator: Any = CoordinatorApp(self._registry, deps, self._store, faults,
                                          lambda: (self.url, self.storage_url, self.worker_urls), self._log)
        if cfg.auth is not None:
            coordinator = AuthenticatedApp(coordinator, cfg.auth)
        try:  # every listener is recorded as soon as it is bound so stop() can close it
            self._coordinator = self._bind(Listener("coordinator", coordinator, cfg.host, cfg.port, tls))
            self._storage = self._bind(Listener(
                "storage", _Logged(StorageApp(self._store, faults, current), self._log), cfg.host, 0, storage_tls))
            self._workers = [self._bind(Listener(
                f"worker-{i}", _Logged(WorkerApp(self._store, faults, current), self._log), cfg.host, 0, tls))
                for i in range(cfg.workers)]
        except OSError:
            self.stop()
            raise
        for listener in self._listeners:
            listener.start()
        self._housekeeper = threading.Thread(target=self._housekeeping, name="sandbox-housekeeping", daemon=True)
        self._housekeeper.start()
        self.running = True
        self._wait_ready()
        return self

    def stop(self) -> None:
        """Cancel queries, close listeners and workers, delete all segment files; joins every thread."""
        self.running = False
        self._stop.set()
        if self._housekeeper is not None:
            self._housekeeper.join()
            self._housekeeper = None
        if self._registry is not None:
            self._registry.close()
        if self._store is not None:
            self._store.closing.set()
        for listener in self._listeners:
            listener.close()
        self._listeners = []
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._cache is not None:
            self._cache.clear()
        if self._store is not None:
            self._store.close()
        close = getattr(self._engine, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals ------------------------------------------------------------------------
    @staticmethod
    def _require(value: Any) -> Any:
        if value is None:
            raise RuntimeError("sandbox is not started")
        return value

    def _bind(self, listener: Listener) -> Listener:
        self._listeners.append(listener)
        return listener

    def _log(self, record: RequestRecord) -> None:
        if len(self.storage_log) < _MAX_LOG:
            self.storage_log.append(record)

    def _session_context_factory(self) -> Callable[..., Any]:
        try:
            from .engine_api import SessionContext
            return SessionContext
        except ImportError:
            return dict  # fake engines in tests accept a dict

    def housekeep(self) -> None:
        """Prune expired segments, fail abandoned queries, forget old ones (also run every second)."""
        if self._store is not None:
            self._store.prune()
        if self._registry is not None:
            self._registry.expire()

    def _housekeeping(self) -> None:
        while not self._stop.wait(_HOUSEKEEPING_INTERVAL):
            self.housekeep()

    def _wait_ready(self, timeout: float = 30.0) -> None:
        coordinator = self._require(self._coordinator)
        deadline = time.monotonic() + timeout
        while True:
            if coordinator.url.startswith("https:"):  # probing our own listener: its certificate is ours
                probe_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                probe_tls.check_hostname = False
                probe_tls.verify_mode = ssl.CERT_NONE
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    coordinator.host, coordinator.port, timeout=5, context=probe_tls)
            else:
                conn = http.client.HTTPConnection(coordinator.host, coordinator.port, timeout=5)
            try:
                conn.request("GET", "/v1/info")
                resp = conn.getresponse()
                body = resp.read()
                if resp.status in (401, 403):  # an authenticator guards /v1/info too: it answers, so it is up
                    return
                if resp.status == 200 and orjson.loads(body).get("starting") is False:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            if time.monotonic() > deadline or self._stop.wait(0.05):
                raise RuntimeError("sandbox coordinator did not become ready")


class _Logged:
    """Wraps an app so every request it answers is appended to the storage log."""

    def __init__(self, app: Any, log: Callable[[RequestRecord], None]):
        self._app = app
        self._log = log
        self._name: str | None = None

    def handle(self, req: Any) -> Any:
        resp = self._app.handle(req)
        self._log(RequestRecord(req.listener, req.method, req.path, req.query, req.header_dict(), resp.status))
        return resp
