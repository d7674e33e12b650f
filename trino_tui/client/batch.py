"""Batch: one ordered run of result rows as handed to the consumer.

Whatever ``ClientConfig.decode`` says, ``wire_rows()`` is the one way to get rows: an eagerly
decoded batch returns the rows the decoder parsed; a deferred one decodes its payload on the
first call (``codecs.decode_payload``: one decompression) and caches the list. ``row_runs()``
serves consumers that can take rows a few hundred at a time (writers): a deferred batch is then
decoded in ~64 KB runs of JSON and nothing is cached (the rows of a run are used while they are
still in the CPU cache, and the whole batch never exists as Python objects). The pipeline
keeps no reference to a delivered batch, so a consumer may drop it (or clear its rows) to free
memory. Not thread-safe: one consumer owns a batch.
"""

from __future__ import annotations

from dataclasses import field
from typing import Iterator

from trino_tui.records import record
from .codecs import DEFAULT_MAX_UNCOMPRESSED, decode_payload, decode_payload_runs


@record(frozen=False, eq=False)
class Batch:
    """``row_count`` rows starting at ``row_offset``; ``segment`` None = a direct-protocol page."""

    row_offset: int
    row_count: int
    segment: int | None = None
    payload: bytes | None = None  # segment bytes as received (maybe compressed); None for direct pages
    encoding: str | None = None
    uncompressed_size: int | None = None
    _rows: list[list] | None = field(default=None, repr=False)
    _width: int | None = field(default=None, repr=False)
    _max_uncompressed: int = field(default=DEFAULT_MAX_UNCOMPRESSED, repr=False)

    @property
    def decoded(self) -> bool:
        """True once the rows exist as Python lists (eager mode, or after wire_rows())."""
        return self._rows is not None

    def wire_rows(self) -> list[list]:
        """The rows as wire values (decoded on first call when the pipeline deferred decoding)."""
        if self._rows is None:
            if self.payload is None or self.encoding is None:
                raise ValueError("batch has neither rows nor a payload")
            self._rows = decode_payload(
                self.payload, self.encoding, self.uncompressed_size, self.row_count, width=self._width,
                max_uncompressed=self._max_uncompressed, first_row=self.row_offset, index=self.segment,
            )
        return self._rows

    def row_runs(self) -> Iterator[list[list]]:
        """The rows in order, in runs (one run if already decoded); same checks and errors as
        ``wire_rows``, though a failure may come after earlier runs (the consumer discards them)."""
        if self._rows is not None or self.payload is None or self.encoding is None:
            yield self.wire_rows()
            return
        yield from decode_payload_runs(
            self.payload, self.encoding, self.uncompressed_size, self.row_count, width=self._width,
            max_uncompressed=self._max_uncompressed, first_row=self.row_offset, index=self.segment,
        )
