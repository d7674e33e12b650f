"""Exception tree of trino_tui.client.

Every error has a one-line ``str()`` suitable for showing to a user as is::

    TrinoTuiError
    ├── ConfigError              invalid ClientConfig (e.g. password over plain http)
    ├── TrinoConnectionError     network failure (refused, unknown host, TLS, retries spent)
    │   └── DeadlineExceeded     one request outlived its whole-request deadline
    ├── AuthenticationError      HTTP 401 from the coordinator
    ├── HttpError(status)        any other unexpected HTTP status
    ├── ProtocolError            the server sent something the protocol does not allow
    │   ├── ResponseTooLarge     a coordinator response over ClientConfig.max_response_bytes
    │   ├── RedirectLoop         too many redirects (names the URI)
    │   ├── RowWidthMismatch     a row with more/fewer values than columns (segment, row)
    │   └── RowRangeError        overlapping or missing row ranges (segment, rows a..b)
    ├── QueryFailed(...)         the query failed on the server (``error`` object)
    ├── QueryCancelled           the query was cancelled by this client
    └── SegmentError             a spooled segment could not be turned into rows
        ├── SegmentExpired(expires_at)
        ├── SegmentCorrupt
        │   └── SegmentTooLarge  body over segmentSize / declared size over the cap (also a ProtocolError)
        └── SegmentDownloadFailed
"""

from __future__ import annotations


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class TrinoTuiError(Exception):
    """Base class; ``str()`` is always a single line."""

    def __init__(self, message: str = "") -> None:
        super().__init__(_one_line(message))

    def __str__(self) -> str:
        return _one_line(self.args[0] if self.args else self.__class__.__name__)


class ConfigError(TrinoTuiError):
    """The client configuration is invalid."""


class TrinoConnectionError(TrinoTuiError):
    """The server could not be reached (connection refused, timeout, reset ...)."""


class DeadlineExceeded(TrinoConnectionError):
    """A request (all its reads, plus retries) did not complete within its deadline."""


class AuthenticationError(TrinoTuiError):
    """The coordinator rejected the credentials (HTTP 401)."""


class HttpError(TrinoTuiError):
    """An HTTP status the protocol does not expect."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ProtocolError(TrinoTuiError):
    """A response violated the Trino client protocol."""


class ResponseTooLarge(ProtocolError):
    """A coordinator response exceeded ``ClientConfig.max_response_bytes``."""


class RedirectLoop(ProtocolError):
    """A request was redirected too many times."""


class RowWidthMismatch(ProtocolError):
    """A row does not have one value per column."""


class RowRangeError(ProtocolError):
    """Row ranges of the result overlap or leave a gap."""


class QueryFailed(TrinoTuiError):
    """The server reported a query failure."""

    def __init__(
        self,
        error_name: str | None = None,
        error_type: str | None = None,
        error_code: int | None = None,
        message: str = "",
        line: int | None = None,
        column: int | None = None,
        query_id: str | None = None,
    ) -> None:
        self.error_name = error_name
        self.error_type = error_type
        self.error_code = error_code
        self.message = _one_line(message) or (error_name or "unknown error")
        self.line = line
        self.column = column
        self.query_id = query_id
        prefix = f"Query {query_id} failed" if query_id else "Query failed"
        super().__init__(f"{prefix}: {self.message}")


class QueryCancelled(TrinoTuiError):
    """The query was cancelled by this client."""


class SegmentError(TrinoTuiError):
    """A spooled segment failed; ``index`` is its arrival index."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        self.index = index
        where = f"segment {index}: " if index is not None else ""
        super().__init__(where + message)


class SegmentExpired(SegmentError):
    """The segment expired or was deleted before it could be downloaded."""

    def __init__(self, message: str, *, index: int | None = None, expires_at: str | None = None) -> None:
        self.expires_at = expires_at
        if expires_at:
            message = f"{message} (expiresAt {expires_at})"
        super().__init__(message, index=index)


class SegmentCorrupt(SegmentError):
    """Decompression, JSON parsing, size or row-count checks failed."""


class SegmentTooLarge(SegmentCorrupt, ProtocolError):
    """A segment body is larger than its segmentSize, or declares an uncompressedSize over the cap."""


class SegmentDownloadFailed(SegmentError):
    """The download failed permanently (non-retryable status or retries exhausted)."""


__all__ = [
    "TrinoTuiError",
    "ConfigError",
    "TrinoConnectionError",
    "DeadlineExceeded",
    "AuthenticationError",
    "HttpError",
    "ProtocolError",
    "ResponseTooLarge",
    "RedirectLoop",
    "RowWidthMismatch",
    "RowRangeError",
    "QueryFailed",
    "QueryCancelled",
    "SegmentError",
    "SegmentExpired",
    "SegmentCorrupt",
    "SegmentTooLarge",
    "SegmentDownloadFailed",
]
