"""Double columns of a run rendered by orjson's float writer (the export workers' fast path).

The generated row formatter spends most of a lineitem row on its four doubles: ``repr`` of a float
costs ~200 ns. orjson writes a whole run's doubles in one C call (~25 ns a value) with exactly
the digits of ``repr`` for every double in Java's plain range (0.001 <= |x| < 1e7, and zero), where
the in-process writer's text (Java's ``Double.toString``) *is* ``repr`` -- the range the formatter
inlines (``rowfmt``); tests/export/test_double_text.py checks that identity on generated doubles.

`DoubleText.prepare(rows)` replaces, in place, each double column's values by that text (NULL:
empty) and returns the rows, to be written by a writer built over `text_columns` (the double columns
typed varchar, whose formatter prints a string as it is and NULL/empty as empty), or None when a
double column holds anything else (an int, a string such as ``"NaN"``, a value outside the plain
range; the rows are then left as they were): the caller writes them as they are. Only the CSV and
TSV families (NULL is an empty field, a double is its Java text) qualify. The object is immutable
(one per result); ``prepare`` mutates only the rows it is given.
"""

from __future__ import annotations

import os
from itertools import chain
from operator import itemgetter
from typing import Any, Mapping, Sequence

import orjson

from trino_tui.client.types import Column, parse_type_text

__all__ = ["ENV_SWITCH", "FORMATS", "DoubleText", "group_text"]

ENV_SWITCH = "TRINO_TUI_EXPORT_FAST_DOUBLES"  # "0": workers format doubles with the row formatter (A/B)

FORMATS = frozenset(("CSV", "CSV_HEADER", "CSV_UNQUOTED", "CSV_HEADER_UNQUOTED", "TSV", "TSV_HEADER"))

_VARCHAR = parse_type_text("varchar")
_DIGITS_TO_D = bytes.maketrans(b"0123456789", b"d" * 10)
_STARTS_TO_COMMA = bytes.maketrans(b"[-", b",,")


def group_text(values: Sequence[Any], width: int) -> list[str] | None:
    """The in-process text of *values* (rows of *width* doubles: tuples, or the values themselves
    when *width* is 1), flattened (NULL -> ""); or None unless every value is None or a float whose
    Java text is its ``repr`` (zero, or 0.001 <= |x| < 1e7). Checked on orjson's text of them all:
    no string, boolean, nested value or exponent; exactly one "." per non-null value (no int); no
    8-digit integer part (>= 1e7); no "0.000" after a separator (0 < |x| < 0.001)."""
    raw = orjson.dumps(values)
    n = len(values) * width
    if b'"' in raw or b"e" in raw or b"{" in raw or raw.count(b"[") != (len(values) + 1 if width > 1 else 1):
        return None
    nulls = raw.count(b"null")
    if raw.count(b".") != n - nulls:
        return None
    if nulls and (values.count(None) if width == 1 else list(chain.from_iterable(values)).count(None)) != nulls:
        return None  # orjson writes NaN and infinities as null too
    if b"dddddddd." in raw.translate(_DIGITS_TO_D) or b",0.000" in raw.translate(_STARTS_TO_COMMA):
        return None
    body = raw[2:-2].replace(b"],[", b",") if width > 1 else raw[1:-1]
    if nulls:
        body = body.replace(b"null", b"")
    texts = body.decode("ascii").split(",") if n else []
    return texts if len(texts) == n else None


def _compile_put(indexes: Sequence[int]) -> Any:
    """``put(rows, texts)``: row[indexes[k]] = the next text, row after row (one loop; only indexes
    enter the generated source)."""
    names = ", ".join(f"v{k}" for k in range(len(indexes)))
    body = "; ".join(f"r[{j}] = v{k}" for k, j in enumerate(indexes))
    src = (f"def put(rows, texts):\n"
           f"    it = iter(texts)\n"
           f"    for r, {names} in zip(rows, {', '.join(['it'] * len(indexes))}):\n"
           f"        {body}\n")
    env: dict[str, Any] = {}
    exec(compile(src, "<trino_tui.export double text>", "exec"), env)  # noqa: S102 - indexes only
    return env["put"]


class DoubleText:
    """The double columns of one result; see the module docstring."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.indexes = [i for i, c in enumerate(columns) if c.type.raw == "double"]
        self.width = len(columns)
        doubles = set(self.indexes)
        self.text_columns = [Column(c.name, _VARCHAR) if i in doubles else c for i, c in enumerate(columns)]
        self._get = itemgetter(*self.indexes) if self.indexes else None
        self._put = _compile_put(self.indexes) if self.indexes else None

    @classmethod
    def for_format(cls, fmt: str, columns: Sequence[Column], env: Mapping[str, str] | None = None) -> "DoubleText | None":
        """The fast path for *fmt* and *columns*, or None (no double column, another format, or
        ``TRINO_TUI_EXPORT_FAST_DOUBLES=0``)."""
        env = os.environ if env is None else env
        if env.get(ENV_SWITCH, "").strip() == "0" or fmt.strip().upper() not in FORMATS:
            return None
        made = cls(columns)
        return made if made.indexes else None

    def prepare(self, rows: list[list]) -> list[list] | None:
        """*rows* with their double values replaced by text (in place), or None (rows untouched;
        also if a row is not as wide as the result)."""
        if not rows or set(map(len, rows)) != {self.width}:
            return None
        texts = group_text(list(map(self._get, rows)), len(self.indexes))  # type: ignore[arg-type]
        if texts is None:
            return None
        self._put(rows, texts)
        return rows
