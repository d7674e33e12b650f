"""Sandbox configuration: the `SandboxConfig` knobs, data-size parsing and `RequestRecord`.

Owns the defaults and their validation. `SandboxConfig` is a plain mutable dataclass; the running
sandbox reads it through `Sandbox.configure()` (which swaps in a validated copy), so readers may
take a reference to the current config object without locking.

Segment sizing defaults (documented choice): inline segments up to 1000 rows / 128 KiB in total
(Trino 466 defaults), then spooled segments whose target starts at 1 MiB and doubles up to
4 MiB. tpch.tiny.lineitem (~10 MB of JSON) therefore yields a couple of inline segments and
about four spooled ones; tpch.sf1.lineitem about 250 spooled segments.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

RETRIEVAL_MODES = ("STORAGE", "COORDINATOR_STORAGE_REDIRECT", "COORDINATOR_PROXY", "WORKER_PROXY")
KNOWN_ENCODINGS = ("json+zstd", "json+lz4", "json")

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_data_size(value: str | int | float) -> int:
    """Parse an airlift-style data size ("64kB", "1MB", "1.5MB", "4096") into bytes (1 kB = 1024 B)."""
    if isinstance(value, bool):
        raise ValueError(f"invalid data size: {value!r}")
    if isinstance(value, (int, float)):
        return int(value)
    m = _SIZE_RE.match(value)
    if not m:
        raise ValueError(f"invalid data size: {value!r}")
    unit = (m.group(2) or "").lower().replace("i", "").rstrip("b") if m.group(2) else ""
    if unit not in _UNITS:
        raise ValueError(f"invalid data size: {value!r}")
    return int(float(m.group(1)) * _UNITS[unit])


def parse_bool(value: str | bool) -> bool:
    """Parse a Trino boolean session value ("true"/"false", case-insensitive)."""
    if isinstance(value, bool):
        return value
    v = value.strip().lower()
    if v in ("true", "1", "yes", "on"):
        return True
    if v in ("false", "0", "no", "off"):
        return False
    raise ValueError(f"invalid boolean: {value!r}")


@dataclass
class SandboxConfig:
    """Every knob of the sandbox. See the module docstring for the sizing defaults.

    Beyond docs/architecture.md: max_segments_per_response (cap per QueryResults so that several
    responses happen), direct_page_size (~1 MB direct-protocol pages), cache_results, query_expiry
    (finished queries are forgotten after it), client_timeout (silent queries fail ABANDONED_QUERY).
    Faults: fault_segment_503 / fault_truncate (body cut to its first half, Content-Length matching
    the cut body) / fault_corrupt (bytes flipped, same length) apply per segment GET wherever bytes
    are served (storage, coordinator proxy, workers); fault_poll_503 per statement GET; all drawn
    deterministically from `seed`. fault_expire_after shortens every new segment's lifetime.
    """

    host: str = "127.0.0.1"
    port: int = 0
    workers: int = 3
    retrieval_mode: str = "STORAGE"
    encodings: tuple[str, ...] = KNOWN_ENCODINGS
    spooling_enabled: bool = True
    inlining_enabled: bool = True
    inlining_max_rows: int = 1000
    inlining_max_size: int = 128 * 1024
    initial_segment_size: int = 1024 * 1024
    max_segment_size: int = 4 * 1024 * 1024
    compression_threshold: int = 8192
    segment_ttl: float = 3600.0
    max_segments_per_response: int = 3
    direct_page_size: int = 1024 * 1024
    storage_latency: float = 0.0
    storage_bandwidth: float | None = None
    segment_latency: dict[int, float] = field(default_factory=dict)  # query-local segment index (inline included)
    worker_pace: float = 0.0
    poll_wait: float = 1.0
    fault_segment_503: float = 0.0
    fault_poll_503: float = 0.0
    fault_expire_after: float | None = None
    fault_truncate: float = 0.0
    fault_corrupt: float = 0.0
    seed: int = 0
    cache_results: bool = False
    query_expiry: float = 900.0
    client_timeout: float = 300.0
    data_dir: str | None = None
    schemas: tuple[str, ...] = ("tiny",)
    synthetic_catalog: str | None = None  # e.g. "schemas=1000,tables=10000,latency=0.05" (synthetic.SyntheticSpec)
    query_memory_limit: int = 2 * 1024**3  # DuckDB memory_limit; a query over it fails EXCEEDED_LOCAL_MEMORY_LIMIT
    tls_cert: str | None = None  # PEM certificate (chain): coordinator and workers serve https
    tls_key: str | None = None  # PEM private key for tls_cert
    tls_client_ca: str | None = None  # PEM CA: request client certificates (mutual TLS), verify them
    storage_tls_cert: str | None = None  # storage serves https with its own certificate when set
    storage_tls_key: str | None = None
    auth: Any = None  # an auth_hook.Authenticator consulted per coordinator request; None = off

    def validate(self) -> "SandboxConfig":
        """Check ranges and enumerations; raise ValueError with a one-line message."""
        if self.retrieval_mode not in RETRIEVAL_MODES:
            raise ValueError(f"retrieval_mode must be one of {', '.join(RETRIEVAL_MODES)}")
        bad = [e for e in self.encodings if e not in KNOWN_ENCODINGS]
        if bad:
            raise ValueError(f"unknown encoding(s): {', '.join(bad)}")
        if self.synthetic_catalog:
            from .synthetic import SyntheticSpec
            SyntheticSpec.parse(self.synthetic_catalog)
        if self.query_memory_limit < 16 * 1024**2:
            raise ValueError("query_memory_limit must be at least 16MB")
        if self.workers < 1:
            raise ValueError("workers must be >= 1")
        if not 0 < self.initial_segment_size <= self.max_segment_size:
            raise ValueError("initial_segment_size must be > 0 and <= max_segment_size")
        if self.max_segments_per_response < 1:
            raise ValueError("max_segments_per_response must be >= 1")
        for name in ("fault_segment_503", "fault_poll_503", "fault_truncate", "fault_corrupt"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be a fraction between 0 and 1")
        if self.poll_wait < 0 or self.worker_pace < 0 or self.storage_latency < 0:
            raise ValueError("poll_wait, worker_pace and storage_latency must be >= 0")
        if self.storage_bandwidth is not None and self.storage_bandwidth <= 0:
            raise ValueError("storage_bandwidth must be > 0 bytes/s")
        if bool(self.tls_cert) != bool(self.tls_key) or bool(self.storage_tls_cert) != bool(self.storage_tls_key):
            raise ValueError("a TLS certificate needs its key (tls_cert with tls_key, storage_tls_cert with storage_tls_key)")
        if self.tls_client_ca and not self.tls_cert:
            raise ValueError("tls_client_ca (mutual TLS) needs tls_cert and tls_key")
        if self.auth is not None and not callable(getattr(self.auth, "authenticate", None)):
            raise ValueError("auth must have an authenticate(request) method")
        return self

    def replace(self, **knobs: Any) -> "SandboxConfig":
        """A validated copy with *knobs* changed; unknown names raise ValueError."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(knobs) - names)
        if unknown:
            raise ValueError(f"unknown sandbox knob(s): {', '.join(unknown)}")
        if "encodings" in knobs:
            knobs["encodings"] = tuple(knobs["encodings"])
        if "segment_latency" in knobs:
            knobs["segment_latency"] = {int(k): float(v) for k, v in dict(knobs["segment_latency"]).items()}
        return dataclasses.replace(self, **knobs).validate()

    def describe(self) -> dict[str, Any]:
        """Knobs as a plain dict (for printing; holds no secrets: the authenticator shows as its class)."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["segment_latency"] = dict(self.segment_latency)
        out["auth"] = type(self.auth).__name__ if self.auth is not None else None
        return out


@dataclass(frozen=True)
class RequestRecord:
    """One request received by storage, a worker listener or a coordinator segment endpoint."""

    listener: str  # "storage" | "worker-N" | "coordinator"
    method: str
    path: str
    query: str
    headers: dict[str, str]  # names lower-cased
    status: int
