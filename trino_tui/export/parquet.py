"""Parquet writer (optional extra ``trino-tui[parquet]``: pyarrow, imported only when used).

Rows are converted to Arrow record batches every ``CONVERT_ROWS`` rows (Arrow columns are compact;
Python rows are not) and written as row groups of ``row_group_rows`` rows, so memory stays bounded
by one group in Arrow form plus ``CONVERT_ROWS`` Python rows. Trino types map to Arrow types exactly:
integers → int8/16/32/64, real/double → float32/64, decimal(p, s) → decimal128(p, s), varchar/char/
json → string, varbinary → binary, date → date32, time(p ≤ 9) → time32(ms)/time64(us|ns),
timestamp(p ≤ 9) → timestamp(ms|us|ns) (``with time zone`` → the UTC instant, tz "UTC"),
interval day to second → duration(ms), interval year to month → int32 months, array → list,
map → map, row → struct (unnamed fields ``_col<i>``); anything else (uuid, ipaddress, sketches, p > 9)
→ its Trino text as string. Every field carries its Trino type in the field metadata ``trino.type``.
Single-threaded, like every writer; ``out`` is flushed, never closed.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, Callable, Sequence
from zoneinfo import ZoneInfo

from trino_tui.client.types import Column, TrinoType

from .base import RowWriter

__all__ = ["ParquetWriter", "arrow_type", "pyarrow_available"]

ROW_GROUP_ROWS = 64 * 1024
CONVERT_ROWS = 8 * 1024  # Python rows held before they become an Arrow record batch
_EPOCH = date(1970, 1, 1).toordinal()
_UNIT = ((3, "ms", 1_000), (6, "us", 1_000_000), (9, "ns", 1_000_000_000))
_INTS = {"tinyint": "int8", "smallint": "int16", "integer": "int32", "bigint": "int64"}
_Conv = Callable[[Any], Any]


def pyarrow_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _pa():
    try:
        import pyarrow as pa
    except ImportError:
        raise ValueError("PARQUET output needs pyarrow: pip install 'trino-tui[parquet]'") from None
    return pa


def _unit(precision: int | None) -> tuple[str, int] | None:
    p = 3 if precision is None else precision
    for limit, unit, per_second in _UNIT:
        if p <= limit:
            return unit, per_second
    return None


def arrow_type(t: TrinoType) -> Any:
    """The Arrow type a Trino type is written as."""
    pa = _pa()
    raw = t.raw
    if raw in _INTS:
        return getattr(pa, _INTS[raw])()
    simple = {"boolean": pa.bool_(), "real": pa.float32(), "double": pa.float64(), "varbinary": pa.binary(),
              "date": pa.date32(), "interval day to second": pa.duration("ms"),
              "interval year to month": pa.int32(), "unknown": pa.null()}
    if raw in simple:
        return simple[raw]
    if raw == "decimal":
        return pa.decimal128(t.precision or 38, t.scale or 0)
    if raw == "time" and _unit(t.precision):
        unit = _unit(t.precision)[0]
        return pa.time32(unit) if unit == "ms" else pa.time64(unit)
    if raw in ("timestamp", "timestamp with time zone") and _unit(t.precision):
        return pa.timestamp(_unit(t.precision)[0], tz="UTC" if raw != "timestamp" else None)
    if raw == "array" and t.element is not None:
        return pa.list_(arrow_type(t.element))
    if raw == "map" and t.key is not None and t.value is not None:
        return pa.map_(arrow_type(t.key), arrow_type(t.value))
    if raw == "row":
        return pa.struct([pa.field(name or f"_col{i}", arrow_type(ft)) for i, (name, ft) in enumerate(t.fields)])
    return pa.string()


def _fraction(text: str, per_second: int) -> int:
    """".123" digits -> ticks of 1/per_second (exact; more digits than the unit are cut)."""
    digits = len(str(per_second)) - 1
    return int((text + "0" * digits)[:digits]) if text else 0


def _clock_ticks(hms: str, per_second: int) -> int:
    """"HH:MM:SS[.fff]" -> ticks since midnight."""
    main, _, frac = hms.partition(".")
    h, m, s = (int(x) for x in main.split(":"))
    return ((h * 60 + m) * 60 + s) * per_second + _fraction(frac, per_second)


def _zone_offset_seconds(zone: str, local: str) -> int:
    if zone == "UTC" or zone == "Z":
        return 0
    if zone[:1] in "+-" and len(zone) >= 6:
        sign = -1 if zone[0] == "-" else 1
        return sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    naive = datetime.fromisoformat(local[:19])
    offset = naive.replace(tzinfo=ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _timestamp(per_second: int, with_zone: bool) -> _Conv:
    def conv(v: str) -> int:
        zone = ""
        if with_zone:
            v, zone = v.rsplit(" ", 1)
        day, _, clock = v.partition(" ")
        days = date.fromisoformat(day).toordinal() - _EPOCH
        ticks = days * 86400 * per_second + _clock_ticks(clock or "00:00:00", per_second)
        if with_zone:
            ticks -= _zone_offset_seconds(zone, v) * per_second
        return ticks
    return conv


def _interval_ds(v: str) -> int:
    """"[-]D HH:MM:SS.fff" -> milliseconds."""
    sign = -1 if v.startswith("-") else 1
    days, _, clock = v.lstrip("-").partition(" ")
    return sign * (int(days) * 86_400_000 + _clock_ticks(clock, 1000))


def _interval_ym(v: str) -> int:
    sign = -1 if v.startswith("-") else 1
    years, _, months = v.lstrip("-").partition("-")
    return sign * (int(years) * 12 + int(months or 0))


def _float(v: Any) -> float:
    return float(v)  # "NaN", "Infinity", "-Infinity" arrive as strings


def _text(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _map_key(t: TrinoType) -> _Conv:
    """Map keys arrive as JSON object keys (strings): back to the key type's wire value first."""
    inner = converter(t)
    if t.raw in _INTS:
        return lambda k: int(k)
    if t.raw == "boolean":
        return lambda k: k if isinstance(k, bool) else k.lower() == "true"
    if t.raw in ("real", "double"):
        return lambda k: float(k)
    return inner


def converter(t: TrinoType) -> _Conv:
    """wire value (not None) -> the Python value pyarrow takes for ``arrow_type(t)``."""
    raw = t.raw
    if raw in _INTS or raw in ("boolean", "unknown"):
        return lambda v: v
    if raw in ("real", "double"):
        return _float
    if raw == "decimal":
        return Decimal
    if raw == "varbinary":
        return base64.b64decode
    if raw == "date":
        return lambda v: date.fromisoformat(v).toordinal() - _EPOCH
    if raw == "interval day to second":
        return _interval_ds
    if raw == "interval year to month":
        return _interval_ym
    if raw == "time" and _unit(t.precision):
        per = _unit(t.precision)[1]
        return lambda v: _clock_ticks(v, per)
    if raw in ("timestamp", "timestamp with time zone") and _unit(t.precision):
        return _timestamp(_unit(t.precision)[1], raw != "timestamp")
    if raw == "array" and t.element is not None:
        elem = converter(t.element)
        return lambda v: [None if x is None else elem(x) for x in v]
    if raw == "map" and t.key is not None and t.value is not None:
        key, val = _map_key(t.key), converter(t.value)
        return lambda v: [(key(k), None if x is None else val(x)) for k, x in v.items()]
    if raw == "row":
        convs = [converter(ft) for _, ft in t.fields]
        return lambda v: tuple(None if x is None else c(x) for c, x in zip(convs, v))  # by position
    return _text


class ParquetWriter(RowWriter):
    """Streams rows into a Parquet file, one row group per ``row_group_rows`` rows."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column], *, row_group_rows: int = ROW_GROUP_ROWS,
                 compression: str = "zstd") -> None:
        super().__init__(out, columns)
        pa = _pa()
        import pyarrow.parquet as pq

        self._pa = pa
        self.row_group_rows = max(1, row_group_rows)
        self._types = [arrow_type(c.type) for c in self.columns]
        self._convs = [converter(c.type) for c in self.columns]
        fields = [pa.field(c.name, t, metadata={"trino.type": c.type.text or c.type.raw})
                  for c, t in zip(self.columns, self._types)]
        self.schema = pa.schema(fields)
        self._writer = pq.ParquetWriter(out, self.schema, compression=compression)
        self._buffer: list[list] = []
        self._batches: list[Any] = []  # converted rows not yet written (pyarrow RecordBatch)
        self._pending = 0
        self.row_groups = 0

    def write_rows(self, rows: list[list]) -> None:
        for row in rows:
            self._check_width(row)
        self._buffer.extend(rows)
        if len(self._buffer) >= min(CONVERT_ROWS, self.row_group_rows):
            self._convert()

    def _convert(self) -> None:
        """Buffered Python rows -> one record batch; every full row group is written."""
        rows, self._buffer = self._buffer, []
        if rows:
            self._batches.append(self._record_batch(rows))
            self._pending += len(rows)
        while self._pending >= self.row_group_rows:
            table = self._pa.Table.from_batches(self._batches, schema=self.schema)
            self._write_group(table.slice(0, self.row_group_rows))
            rest = table.slice(self.row_group_rows)
            self._batches, self._pending = rest.to_batches(), rest.num_rows

    def _record_batch(self, rows: list[list]) -> Any:
        pa = self._pa
        arrays = []
        for i, (conv, typ) in enumerate(zip(self._convs, self._types)):
            try:
                arrays.append(pa.array([None if r[i] is None else conv(r[i]) for r in rows], type=typ))
            except (ValueError, TypeError, ArithmeticError, pa.ArrowException) as e:
                col = self.columns[i]
                raise ValueError(f"cannot write column {col.name!r} ({col.type.text}) as Parquet: {e}") from None
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def _write_group(self, table: Any) -> None:
        self._writer.write_table(table, row_group_size=max(1, table.num_rows))
        self.rows_written += table.num_rows
        self.row_groups += 1

    def _finish(self) -> None:
        self._convert()
        if self._pending:
            self._write_group(self._pa.Table.from_batches(self._batches, schema=self.schema))
            self._batches, self._pending = [], 0
        self._writer.close()
