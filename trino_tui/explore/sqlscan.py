"""A forgiving SQL tokenizer and the facts completion needs about the text around the cursor.

Owns: ``tokens`` (words, quoted identifiers, strings, numbers, punctuation; comments skipped; an
unterminated quote runs to the end), ``cursor_context`` (the dotted name being typed, whether a
relation is expected there) and ``references`` (tables named after FROM/JOIN, with aliases).
Never raises on incomplete SQL. Pure; thread-safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .keywords import CLAUSE_KEYWORDS, KEYWORDS, RELATION_KEYWORDS
from .quoting import RESERVED

__all__ = ["CursorContext", "Reference", "Token", "cursor_context", "references", "tokens"]

_KEYWORDS_LOWER = frozenset(k.lower() for k in KEYWORDS)
_SCAN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>--[^\n]*|/\*(?:.|\n)*?(?:\*/|\Z))
  | (?P<qident>"(?:[^"]|"")*(?:"|\Z))
  | (?P<string>'(?:[^']|'')*(?:'|\Z))
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str   # word | qident | string | number | punct
    text: str
    start: int
    end: int

    @property
    def is_name(self) -> bool:
        return self.kind in ("word", "qident")

    @property
    def value(self) -> str:
        """An identifier's name: quoted ones unquoted, bare ones as typed."""
        if self.kind == "qident":
            body = self.text[1:-1] if len(self.text) > 1 and self.text.endswith('"') else self.text[1:]
            return body.replace('""', '"')
        return self.text

    @property
    def lower(self) -> str:
        return self.text.lower() if self.kind == "word" else ""


def tokens(text: str) -> list[Token]:
    out = []
    for m in _SCAN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        out.append(Token(kind, m.group(), m.start(), m.end()))
    return out


def _statement(toks: list[Token], offset: int) -> list[Token]:
    """The tokens of the statement holding ``offset`` (split on ``;``)."""
    start = 0
    for i, t in enumerate(toks):
        if t.text == ";" and t.kind == "punct":
            if t.end <= offset:
                start = i + 1
            else:
                return toks[start:i]
    return toks[start:]


@dataclass(frozen=True)
class CursorContext:
    """``parts``: the complete names before the one being typed (``tpch.tiny.li`` -> tpch, tiny);
    ``prefix``: what is typed of the last name (unquoted); ``start``: where that text begins;
    ``quoted``: it began with ``"``; ``relation``: a table name is expected (after FROM, JOIN ...)."""

    parts: tuple[str, ...]
    prefix: str
    start: int
    quoted: bool
    relation: bool
    clause: str
    statement: tuple[Token, ...]


def cursor_context(text: str, offset: int) -> CursorContext | None:
    """What is being typed at ``offset``; None inside a string literal or a comment."""
    if _inside_literal(text, offset):
        return None
    all_toks = tokens(text)
    stmt = _statement(all_toks, offset)
    before = [t for t in stmt if t.start < offset]
    prefix, start, quoted = "", offset, False
    i = len(before)
    if before and before[-1].is_name and before[-1].end >= offset:
        tok = before[-1]
        prefix = Token(tok.kind, text[tok.start:offset], tok.start, offset).value
        start, quoted = tok.start, tok.kind == "qident"
        i -= 1
    elif before and before[-1].kind == "number" and before[-1].end >= offset:
        return None
    parts: list[str] = []
    while i >= 2 and before[i - 1].text == "." and before[i - 2].is_name:
        parts.insert(0, before[i - 2].value)
        i -= 2
    prev = before[i - 1] if i >= 1 else None
    clause = next((t.lower for t in reversed(before[:i]) if t.lower in CLAUSE_KEYWORDS), "")
    relation = prev is not None and (prev.lower in RELATION_KEYWORDS or (prev.text == "," and clause == "from"))
    return CursorContext(tuple(parts), prefix, start, quoted, relation, clause, tuple(stmt))


def _inside_literal(text: str, offset: int) -> bool:
    """True when ``offset`` sits inside a string literal or a comment (terminated or not)."""
    for m in _SCAN.finditer(text):
        if m.start() >= offset:
            return False
        kind, body = m.lastgroup, m.group()
        if kind == "string":
            closed = len(body) > 1 and body.endswith("'")
        elif kind == "comment":
            closed = body.startswith("/*") and len(body) > 3 and body.endswith("*/")
            if body.startswith("--"):
                closed = False  # a line comment holds the cursor up to its end
        else:
            continue
        if offset < m.end() or (offset == m.end() and not closed):
            return True
    return False


@dataclass(frozen=True)
class Reference:
    """A table the statement reads: its name parts and alias (None without one)."""

    parts: tuple[str, ...]
    alias: str | None


def references(stmt: tuple[Token, ...] | list[Token]) -> list[Reference]:
    """Tables after FROM / JOIN (and after commas of a FROM list), with ``AS alias`` or a bare alias."""
    out: list[Reference] = []
    toks = list(stmt)
    i, n = 0, len(toks)
    in_from = False
    while i < n:
        t = toks[i]
        low = t.lower
        if low in CLAUSE_KEYWORDS and low not in ("from", "join"):
            in_from = False
        if low in ("from", "join") or (in_from and t.text == ","):
            in_from = in_from or low == "from"
            j = i + 1
            parts: list[str] = []
            while j < n and toks[j].is_name and toks[j].lower not in RESERVED:
                parts.append(toks[j].value)
                if j + 1 < n and toks[j + 1].text == ".":
                    j += 2
                else:
                    j += 1
                    break
            if parts:
                alias = None
                if j < n and toks[j].lower == "as" and j + 1 < n and toks[j + 1].is_name:
                    alias, j = toks[j + 1].value, j + 2
                elif j < n and toks[j].is_name and toks[j].lower not in _KEYWORDS_LOWER:
                    alias, j = toks[j].value, j + 1
                out.append(Reference(tuple(parts), alias))
                i = j
                continue
        i += 1
    return out
