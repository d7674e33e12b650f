"""trino_tui.client: Trino statement protocol + parallel spooling pipeline (no Textual/Rich).

Front ends import only the names in ``__all__``. Imports are lazy (PEP 562): ``import
trino_tui.client`` loads nothing, and light names (types, errors, events, config) never pull in
httpx or the pipeline; ``TrinoClient``/``Query`` load them on first use. See docs/architecture.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    # connection + queries
    "ClientConfig": "config", "TrinoClient": "query", "Query": "query", "QueryHandle": "handle",
    "ClientSession": "session", "Batch": "batch", "decode_payload": "codecs",
    # types
    "Column": "types", "TrinoType": "types", "RowConverter": "types", "parse_columns": "types",
    "value_converter": "types",
    # policies and helpers
    "STAGE_NAMES": "events", "gc_paused": "gcpolicy", "redact_secrets": "redact",
    # events and snapshots
    "Event": "events", "QueryEvent": "events", "SegmentEvent": "events", "AckEvent": "events",
    "RetryEvent": "events", "SegmentState": "events", "SegmentSnapshot": "events", "StageSnapshot": "snapshots",
    "PipelineSnapshot": "snapshots",
    # connection methods: OAuth2 external authentication, its token cache, Kerberos/SPNEGO
    "ExternalAuthentication": "oauth2", "default_token_store": "token_cache", "FileTokenStore": "token_cache",
    "MemoryTokenStore": "token_cache", "KerberosOptions": "kerberos", "kerberos_auth": "kerberos",
    # errors
    "TrinoTuiError": "errors", "ConfigError": "errors", "TrinoConnectionError": "errors",
    "DeadlineExceeded": "errors", "AuthenticationError": "errors", "HttpError": "errors",
    "ProtocolError": "errors", "ResponseTooLarge": "errors", "RedirectLoop": "errors",
    "RowWidthMismatch": "errors", "RowRangeError": "errors", "QueryFailed": "errors",
    "QueryCancelled": "errors", "SegmentError": "errors", "SegmentExpired": "errors",
    "SegmentCorrupt": "errors", "SegmentTooLarge": "errors", "SegmentDownloadFailed": "errors",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # static analysers see the real names
    from .batch import Batch
    from .codecs import decode_payload
    from .config import ClientConfig
    from .kerberos import KerberosOptions, kerberos_auth
    from .oauth2 import ExternalAuthentication
    from .token_cache import FileTokenStore, MemoryTokenStore, default_token_store
    from .errors import (
        AuthenticationError, ConfigError, DeadlineExceeded, HttpError, ProtocolError, QueryCancelled, QueryFailed,
        RedirectLoop, ResponseTooLarge, RowRangeError, RowWidthMismatch, SegmentCorrupt, SegmentDownloadFailed,
        SegmentError, SegmentExpired, SegmentTooLarge, TrinoConnectionError, TrinoTuiError,
    )
    from .events import (
        STAGE_NAMES, AckEvent, Event, QueryEvent, RetryEvent, SegmentEvent, SegmentSnapshot, SegmentState,
    )
    from .gcpolicy import gc_paused
    from .handle import QueryHandle
    from .query import Query, TrinoClient
    from .redact import redact_secrets
    from .session import ClientSession
    from .snapshots import PipelineSnapshot, StageSnapshot
    from .types import Column, RowConverter, TrinoType, parse_columns, value_converter
