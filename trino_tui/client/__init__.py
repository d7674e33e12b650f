"""trino_tui.client: Trino statement protocol + parallel spooling pipeline (no Textual/Rich).

Public API: ClientConfig, TrinoClient, Query, Batch, ClientSession, the errors and the
event/snapshot types. See docs/architecture.md.
"""

from .config import ClientConfig
from .errors import (
    AuthenticationError, ConfigError, HttpError, ProtocolError, QueryCancelled, QueryFailed, SegmentCorrupt,
    SegmentDownloadFailed, SegmentError, SegmentExpired, TrinoConnectionError, TrinoTuiError,
)
from .events import (
    AckEvent, Event, PipelineSnapshot, QueryEvent, SegmentEvent, SegmentSnapshot, SegmentState, StageSnapshot,
)
from .pipeline.finalizer import Batch
from .query import Query, TrinoClient
from .session import ClientSession
from .types import Column, RowConverter, TrinoType, parse_columns, value_converter

__all__ = [
    "ClientConfig", "TrinoClient", "Query", "Batch", "ClientSession",
    "Column", "TrinoType", "RowConverter", "parse_columns", "value_converter",
    "TrinoTuiError", "ConfigError", "TrinoConnectionError", "AuthenticationError", "HttpError", "ProtocolError",
    "QueryFailed", "QueryCancelled", "SegmentError", "SegmentExpired", "SegmentCorrupt", "SegmentDownloadFailed",
    "Event", "QueryEvent", "SegmentEvent", "AckEvent", "SegmentState", "SegmentSnapshot", "StageSnapshot",
    "PipelineSnapshot",
]
