"""SQL text handling for the sandbox: a small Trino-SQL tokenizer, table-reference discovery and
offset-preserving rewriting (Trino names -> DuckDB names).

Owns: `tokenize`, `Token`, `find_table_refs`, `Rewriter`. Pure and thread-safe. The tokenizer is
deliberately lenient: anything it does not understand is left for DuckDB's parser to reject, so
syntax errors still come from one place (and carry DuckDB's position).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_TOKEN_RE = re.compile(
    r"""(?P<ws>\s+)
      | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
      | (?P<string>'(?:[^']|'')*(?:'|\Z))
      | (?P<qident>"(?:[^"]|"")*(?:"|\Z))
      | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
      | (?P<punct>::|<=|>=|<>|!=|\|\||->|=>|.)""",
    re.S | re.X,
)


@dataclass(frozen=True)
class Token:
    kind: str      # ws | comment | string | qident | number | word | punct
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_ident(self) -> bool:
        return self.kind in ("word", "qident")

    @property
    def ident(self) -> str:
        """Identifier value: words are case-insensitive (lower-cased) like Trino's."""
        if self.kind == "qident":
            return self.text[1:-1].replace('""', '"') if self.text.endswith('"') and len(self.text) > 1 else self.text[1:]
        return self.text.lower()


def tokenize(sql: str) -> list[Token]:
    """All tokens including whitespace and comments (their texts concatenate to `sql`)."""
    return [Token(m.lastgroup or "punct", m.group(), m.start()) for m in _TOKEN_RE.finditer(sql)]


def significant(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("ws", "comment")]


def string_value(tok: Token) -> str:
    return tok.text[1:-1].replace("''", "'")


# ---------------------------------------------------------------- table references

@dataclass(frozen=True)
class TableRef:
    parts: tuple[str, ...]   # identifier values, 1..3 parts
    start: int               # offset of the first token
    end: int                 # offset after the last token
    role: str                # read | create | write | drop


_CLAUSE_END = frozenset({
    "where", "group", "having", "order", "limit", "offset", "union", "except", "intersect", "window",
    "qualify", "on", "using", "select", "values", "fetch", "set", "returning",
})
_NOT_TABLE = frozenset({"lateral", "unnest", "values", "select", "with", "table"}) | _CLAUSE_END


def _read_name(sig: list[Token], i: int) -> tuple[list[Token], int]:
    """Read ident(.ident)* starting at sig[i]; returns the identifier tokens and next index."""
    parts: list[Token] = []
    while i < len(sig) and sig[i].is_ident:
        parts.append(sig[i])
        if i + 2 < len(sig) and sig[i + 1].text == "." and sig[i + 2].is_ident:
            i += 2
            continue
        i += 1
        break
    return parts, i


def find_table_refs(sig: list[Token]) -> list[TableRef]:
    """Table names in FROM/JOIN lists and DML/DDL targets (CTE names excluded)."""
    ctes = {sig[i].ident for i in range(len(sig) - 2)
            if sig[i].is_ident and sig[i + 1].lower == "as" and sig[i + 2].text == "("}
    refs: list[TableRef] = []
    depth = 0
    selects = [False]             # per paren level: has a SELECT been seen (FROM then starts a FROM list,
                                  # unlike EXTRACT(x FROM y) / SUBSTRING(x FROM 1) / TRIM(x FROM y))
    from_depths: list[int] = []   # paren depths at which a FROM list is open
    expect: str | None = None     # role of the next name, if a table may follow
    i = 0
    while i < len(sig):
        tok = sig[i]
        low = tok.lower
        if expect is not None and tok.kind == "word" and low in ("if", "not", "exists"):
            i += 1
            continue
        if expect is not None and tok.is_ident and not (tok.kind == "word" and low in _NOT_TABLE):
            parts, j = _read_name(sig, i)
            followed_by_paren = j < len(sig) and sig[j].text == "(" and expect == "read"
            if not followed_by_paren and len(parts) <= 3 and not (len(parts) == 1 and parts[0].ident in ctes):
                refs.append(TableRef(tuple(p.ident for p in parts), parts[0].start, parts[-1].end, expect))
            expect = None
            i = j
            continue
        expect = None
        if tok.text == "(":
            depth += 1
            selects.append(False)
        elif tok.text == ")":
            depth -= 1
            if len(selects) > 1:
                selects.pop()
            while from_depths and from_depths[-1] > depth:
                from_depths.pop()
        elif tok.kind == "word":
            if low == "select":
                selects[-1] = True
            if low == "from" and (selects[-1] or i == 0 or (i == 1 and sig[0].lower == "delete")):
                from_depths.append(depth)
                expect = "write" if i == 1 and sig[0].lower == "delete" else "read"
            elif low == "join":
                expect = "read"
            elif low == "into":
                expect = "write"
            elif low == "update" and i == 0:
                expect = "write"
            elif low == "table":
                prev = sig[i - 1].lower if i else ""
                expect = {"create": "create", "drop": "drop", "alter": "write"}.get(prev, "read")
                if prev in ("or", "replace"):
                    expect = "create"
            elif low in _CLAUSE_END and from_depths and from_depths[-1] == depth:
                from_depths.pop()
        elif tok.text == "," and from_depths and from_depths[-1] == depth:
            expect = "read"
        i += 1
    return refs


# ---------------------------------------------------------------- rewriting

class Rewriter:
    """Replace spans of the user's SQL and map offsets of the result back to the original."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self._edits: list[tuple[int, int, str]] = []

    def replace(self, start: int, end: int, text: str) -> None:
        self._edits.append((start, end, text))

    def result(self) -> tuple[str, "OffsetMap"]:
        out: list[str] = []
        new_starts: list[int] = []
        spans: list[tuple[int, int, int]] = []  # (new_start, old_start, new_len)
        pos = 0
        length = 0
        for start, end, text in sorted(self._edits):
            chunk = self.sql[pos:start]
            out.append(chunk)
            length += len(chunk)
            spans.append((length, start, len(text)))
            new_starts.append(length)
            out.append(text)
            length += len(text)
            pos = end
        out.append(self.sql[pos:])
        ends = [e for _, e, _ in sorted(self._edits)]
        return "".join(out), OffsetMap(spans, ends)


class OffsetMap:
    """Maps offsets in rewritten SQL back to offsets in the user's SQL."""

    def __init__(self, spans: list[tuple[int, int, int]], old_ends: list[int]) -> None:
        self._spans = spans
        self._old_ends = old_ends
        self._keys = [s[0] for s in spans]

    def __call__(self, new_offset: int) -> int:
        k = bisect.bisect_right(self._keys, new_offset) - 1
        if k < 0:
            return new_offset
        new_start, old_start, new_len = self._spans[k]
        if new_offset < new_start + new_len:
            return old_start
        return self._old_ends[k] + (new_offset - new_start - new_len)


# ---------------------------------------------------------------- Trino type syntax -> DuckDB

_ZONED_LITERAL = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[A-Za-z]|[+-]\d)")


def type_syntax_edits(sig: list[Token]) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits turning Trino type syntax DuckDB lacks into DuckDB's:
    VARBINARY -> BLOB, TIME(p) -> TIME, TIMESTAMP(p) WITH TIME ZONE -> TIMESTAMPTZ, and a
    TIMESTAMP literal carrying a zone (TIMESTAMP '... America/New_York') -> TIMESTAMPTZ."""
    edits: list[tuple[int, int, str]] = []
    n = len(sig)
    skip_to = -1
    for i, tok in enumerate(sig):
        if tok.kind != "word" or i < skip_to:
            continue
        low = tok.lower
        if low == "as" and i + 2 < n and sig[i + 1].lower in ("array", "map", "row") and sig[i + 2].text == "(":
            nested = _nested_type_edit(sig, i + 1)
            if nested is not None:
                edits.append(nested[:3])
                skip_to = nested[3]
            continue
        precision = (i + 3 < n and sig[i + 1].text == "(" and sig[i + 2].kind == "number" and sig[i + 3].text == ")")
        if low == "varbinary":
            edits.append((tok.start, tok.end, "BLOB"))
        elif low == "time" and precision:
            edits.append((sig[i + 1].start, sig[i + 3].end, ""))
        elif low == "timestamp" and precision and i + 6 < n and \
                [t.lower for t in sig[i + 4:i + 7]] == ["with", "time", "zone"]:
            edits.append((tok.start, sig[i + 6].end, "TIMESTAMPTZ"))
        elif low == "timestamp" and i + 1 < n and sig[i + 1].kind == "string" and \
                _ZONED_LITERAL.search(string_value(sig[i + 1])):
            edits.append((tok.start, tok.end, "TIMESTAMPTZ"))
    return edits


def _nested_type_edit(sig: list[Token], i: int) -> tuple[int, int, str, int] | None:
    """A Trino ARRAY(...) / MAP(...) / ROW(...) type starting at sig[i] (after AS) as DuckDB's type:
    (start, end, replacement, index after the type), or None when it does not parse as a type."""
    from .trino_types import duckdb_storage, parse_type

    depth = 0
    for j in range(i + 1, len(sig)):
        if sig[j].text == "(":
            depth += 1
        elif sig[j].text == ")":
            depth -= 1
            if depth == 0:
                break
    else:
        return None
    try:
        duck = duckdb_storage(parse_type(" ".join(t.text for t in sig[i:j + 1])), markers=True)
    except (ValueError, KeyError, IndexError):
        return None
    return sig[i].start, sig[j].end, duck, j + 1


# ---------------------------------------------------------------- VALUES without row parentheses

_VALUES_END = frozenset({"order", "limit", "offset", "fetch", "union", "except", "intersect", "as", "window"})


def values_row_edits(sig: list[Token]) -> list[tuple[int, int, str]]:
    """Zero-width edits parenthesising each bare VALUES item: Trino's ``VALUES 1, 2`` is two
    one-column rows (DuckDB needs ``VALUES (1), (2)``); ``ROW(1, 'a')`` items become ``(1, 'a')``."""
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(sig):
        if tok.kind != "word" or tok.lower != "values":
            continue
        depth, start = 0, i + 1
        j = start
        while j <= len(sig):
            t = sig[j] if j < len(sig) else None
            at_end = t is None or (depth == 0 and (t.text in (")", ";") or (t.kind == "word" and t.lower in _VALUES_END)))
            if at_end or (depth == 0 and t is not None and t.text == ","):
                edits += _row_item(sig, start, j)
                if at_end:
                    break
                start = j + 1
            elif t is not None and t.text == "(":
                depth += 1
            elif t is not None and t.text == ")":
                depth -= 1
            j += 1
    return edits


def _row_item(sig: list[Token], start: int, end: int) -> list[tuple[int, int, str]]:
    """Edits for the VALUES item sig[start:end] (none when it already is one parenthesised row)."""
    if start >= end:
        return []
    first, last = sig[start], sig[end - 1]
    if first.text == "(" and last.text == ")" and _closes(sig, start) == end - 1:
        return []
    if first.kind == "word" and first.lower == "row" and end - start > 2 and sig[start + 1].text == "(" \
            and _closes(sig, start + 1) == end - 1:
        return [(first.start, first.end, "")]
    return [(first.start, first.start, "("), (last.end, last.end, ")")]


def _closes(sig: list[Token], open_at: int) -> int:
    """Index of the parenthesis closing the one at sig[open_at] (-1: unbalanced)."""
    depth = 0
    for k in range(open_at, len(sig)):
        depth += {"(": 1, ")": -1}.get(sig[k].text, 0)
        if depth == 0:
            return k
    return -1
