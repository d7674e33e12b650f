"""Segment storage: the object store, pre-signed URLs, SSE-C checks and the storage listener app.

`SegmentStore` keeps each spooled segment's payload in a file under a private temp directory
(so sf1 results do not live in memory), with a random 32-byte SSE-C-style key per segment, an
expiry, and counters (`created`, `acked`). Thread-safe: the segment map is guarded by a lock;
payload files are written once before a segment becomes visible and never modified.

`serve_segment()` is the single place that turns a stored segment into an HTTP response (header
checks, latency, faults, bandwidth); storage, coordinator-proxy and worker listeners all use it.
`StorageApp` serves pre-signed URLs `/{bucket}/{object}?X-Sandbox-Expires=..&X-Sandbox-Signature=..`
answering like S3: 400 with Authorization or bad SSE-C headers, 403 when expired or tampered,
404 after deletion.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qs, urlencode

from .config import SandboxConfig
from .faults import FaultInjector
from .server import Request, Response

BUCKET = "sandbox-spool"
SSE_ALGORITHM = "x-amz-server-side-encryption-customer-algorithm"
SSE_KEY = "x-amz-server-side-encryption-customer-key"
SSE_KEY_MD5 = "x-amz-server-side-encryption-customer-key-md5"


@dataclass(frozen=True)
class Blob:
    """A payload file; `owned` blobs are deleted with their segment, shared (cached) ones are not."""

    path: str
    size: int
    owned: bool = True


@dataclass(frozen=True)
class StoredSegment:
    """One spooled segment. `fault_key` identifies it for deterministic fault decisions."""

    id: str
    query_id: str
    index: int
    fault_key: str
    encoding: str
    blob: Blob
    key: bytes
    created: float
    expires: float
    worker: int

    @property
    def object_path(self) -> str:
        return f"/{BUCKET}/segments/{self.id}.{self.encoding}"

    def sse_headers(self) -> dict[str, list[str]]:
        """The segment `headers` map a client must send (lower-case names, one value each)."""
        return {
            SSE_ALGORITHM: ["AES256"],
            SSE_KEY: [base64.b64encode(self.key).decode()],
            SSE_KEY_MD5: [base64.b64encode(hashlib.md5(self.key).digest()).decode()],
        }


def s3_error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    ).encode()
    return Response(status, body, "application/xml")


def check_sse_headers(seg: StoredSegment, headers: dict[str, str]) -> str | None:
    """None when the SSE-C headers match the segment's key, else a one-line reason."""
    expected = seg.sse_headers()
    for name, values in expected.items():
        got = headers.get(name)
        if got is None:
            return f"missing required header {name}"
        if got.strip() != values[0]:
            return f"header {name} does not match the object's encryption key"
    return None


class SegmentStore:
    """Spooled segment payloads on disk plus their metadata; see the module docstring."""

    def __init__(self, config_ref: Callable[[], SandboxConfig], clock: Callable[[], float] = time.time):
        self._config = config_ref
        self._clock = clock
        self._dir = tempfile.mkdtemp(prefix="trino-tui-sandbox-")
        self._secret = secrets.token_bytes(32)
        self._segments: dict[str, StoredSegment] = {}
        self._lock = threading.RLock()  # re-entrant: wait_for predicates may call live()
        self._changed = threading.Condition(self._lock)
        self.closing = threading.Event()
        self.created = 0
        self.acked = 0
        self.delayed = 0  # requests currently held by storage_latency / segment_latency

    # -- payloads -------------------------------------------------------------------------
    def write_blob(self, payload: bytes, owned: bool = True) -> Blob:
        fd, path = tempfile.mkstemp(dir=self._dir, suffix=".seg")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        return Blob(path, len(payload), owned)

    @staticmethod
    def read(seg: StoredSegment) -> bytes:
        with open(seg.blob.path, "rb") as f:
            return f.read()

    @staticmethod
    def discard_blob(blob: Blob) -> None:
        try:
            os.unlink(blob.path)
        except FileNotFoundError:
            pass

    # -- segments -------------------------------------------------------------------------
    def put(self, query_id: str, index: int, fault_key: str, encoding: str, blob: Blob, worker: int) -> StoredSegment:
        cfg = self._config()
        now = self._clock()
        ttl = cfg.segment_ttl if cfg.fault_expire_after is None else min(cfg.segment_ttl, cfg.fault_expire_after)
        seg = StoredSegment(
            id=base64.urlsafe_b64encode(secrets.token_bytes(18)).decode(),
            query_id=query_id, index=index, fault_key=fault_key, encoding=encoding, blob=blob,
            key=secrets.token_bytes(32), created=now, expires=now + ttl, worker=worker,
        )
        with self._lock:
            self._segments[seg.id] = seg
            self.created += 1
            self._changed.notify_all()
        return seg

    def get(self, seg_id: str) -> StoredSegment | None:
        with self._lock:
            return self._segments.get(seg_id)

    def is_expired(self, seg: StoredSegment) -> bool:
        return self._clock() >= seg.expires

    def ack(self, seg_id: str) -> bool:
        """Delete on client acknowledgement; True if the segment existed."""
        return self._remove(seg_id, acked=True)

    def discard(self, seg_id: str) -> bool:
        """Delete without counting an ack (query cancelled before the segment was handed out)."""
        return self._remove(seg_id, acked=False)

    def _remove(self, seg_id: str, acked: bool) -> bool:
        with self._lock:
            seg = self._segments.pop(seg_id, None)
            if seg is not None and acked:
                self.acked += 1
            self._changed.notify_all()
        if seg is None:
            return False
        if seg.blob.owned:
            self.discard_blob(seg.blob)
        return True

    def prune(self) -> int:
        """Delete segments past expiry; returns how many were removed."""
        now = self._clock()
        with self._lock:
            dead = [s.id for s in self._segments.values() if s.expires <= now]
        return sum(self._remove(i, acked=False) for i in dead)

    def live(self) -> list[StoredSegment]:
        with self._lock:
            return list(self._segments.values())

    def hold(self, delay: float) -> bool:
        """Wait *delay* seconds (injected latency), counted in `delayed`; False if the store closed meanwhile."""
        with self._changed:
            self.delayed += 1
            self._changed.notify_all()
        try:
            return not self.closing.wait(delay)
        finally:
            with self._changed:
                self.delayed -= 1
                self._changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until *predicate()* (evaluated under the store lock) holds; for tests."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def close(self) -> None:
        self.closing.set()
        with self._lock:
            self._segments.clear()
        shutil.rmtree(self._dir, ignore_errors=True)

    # -- pre-signed URLs ------------------------------------------------------------------
    def _signature(self, method: str, path: str, expires: int) -> str:
        msg = f"{method}\n{path}\n{expires}".encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()

    def presign(self, seg: StoredSegment, storage_url: str) -> str:
        expires = int(seg.expires) + (0 if seg.expires == int(seg.expires) else 1)
        query = urlencode({"X-Sandbox-Expires": expires, "X-Sandbox-Signature": self._signature("GET", seg.object_path, expires)})
        return f"{storage_url}{seg.object_path}?{query}"

    def verify(self, path: str, query: str) -> str | None:
        """None when the URL signature is valid and unexpired, else the S3-style reason."""
        params = parse_qs(query)
        try:
            expires = int(params["X-Sandbox-Expires"][0])
            signature = params["X-Sandbox-Signature"][0]
        except (KeyError, ValueError, IndexError):
            return "Query-string authentication requires X-Sandbox-Expires and X-Sandbox-Signature"
        if not hmac.compare_digest(signature, self._signature("GET", path, expires)):
            return "The request signature we calculated does not match the signature you provided"
        if self._clock() >= expires:
            return "Request has expired"
        return None


def serve_segment(
    store: SegmentStore, faults: FaultInjector, config: SandboxConfig, seg: StoredSegment, req: Request,
    expired: Callable[[], Response], missing_headers: Callable[[str], Response],
) -> Response:
    """Serve *seg*'s bytes for *req*: SSE-C check, latency, faults, bandwidth. Shared by all listeners."""
    problem = check_sse_headers(seg, req.header_dict())
    if problem:
        return missing_headers(problem)
    delay = config.storage_latency + config.segment_latency.get(seg.index, 0.0)
    if delay > 0 and not store.hold(delay):
        return Response(503, b"sandbox stopping", "text/plain")
    if store.is_expired(seg):
        return expired()
    fault = faults.segment(seg.fault_key)
    if fault.unavailable:
        return Response(503, b"Service Unavailable (injected fault)", "text/plain")
    try:
        body = store.read(seg)
    except FileNotFoundError:
        return expired()
    return Response(200, fault.apply(body), "application/octet-stream", bandwidth=config.storage_bandwidth)


class StorageApp:
    """The storage listener: pre-signed GETs only."""

    def __init__(self, store: SegmentStore, faults: FaultInjector, config_ref: Callable[[], SandboxConfig]):
        self._store = store
        self._faults = faults
        self._config = config_ref

    def handle(self, req: Request) -> Response:
        if req.method not in ("GET", "HEAD"):
            return s3_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        if req.header("Authorization") is not None:
            return s3_error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Sandbox-Signature "
                                                    "query parameter should be specified")
        problem = self._store.verify(req.path, req.query)
        if problem:
            return s3_error(403, "AccessDenied", problem)
        name = req.path.rsplit("/", 1)[-1]
        seg = self._store.get(name.split(".", 1)[0])
        if seg is None or seg.object_path != req.path:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return serve_segment(
            self._store, self._faults, self._config(), seg, req,
            expired=lambda: s3_error(403, "AccessDenied", "Request has expired"),
            missing_headers=lambda why: s3_error(400, "InvalidRequest", f"The object was stored using a form of "
                                                 f"Server Side Encryption: {why}"),
        )
