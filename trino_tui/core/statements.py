"""Split SQL text into statements with their positions (shared by the TUI editor and headless mode).

Owns: finding statement boundaries on ``;`` outside quotes ('..' with '' escapes, ".." and `..`
identifiers) and comments (``--`` to end of line, ``/* */``); statements holding only whitespace and
comments are dropped. Statement text is sent verbatim (comments kept, surrounding whitespace and the
``;`` removed), so server error locations (line:column) refer to ``Statement.text``. Also maps
offsets to editor (row, col) locations, Trino error locations back to the editor, and renders the
Trino CLI's ``LINE n:`` + caret context. Pure functions; no Textual import; thread-safe.
"""

from __future__ import annotations

import re

from trino_tui.records import record


@record
class Statement:
    """One statement: ``text`` is exactly what is sent (stripped, no trailing ``;``).

    ``start``/``end`` are offsets of ``text`` in the editor text; ``span_end`` is the offset just past
    the terminating ``;`` (or the end of the text), used to decide which statement holds the cursor.
    """

    text: str
    start: int
    end: int
    span_start: int
    span_end: int
    line: int = 1  # 1-based line of the input where ``text`` starts


_SPACE = re.compile(r"\s*")
_SPECIAL = re.compile(r"[;'\"`]|--|/\*")  # what can start a quote, a comment or end a statement


def _scan_end(text: str, i: int) -> int:
    """Offset just past the quoted string or comment that starts at ``i`` (or ``i + 1``)."""
    ch = text[i]
    if ch in ("'", '"', "`"):
        j = i + 1
        while True:  # str.find: a 10 MB literal is scanned at C speed
            j = text.find(ch, j)
            if j < 0:
                return len(text)
            if text.startswith(ch, j + 1):  # a doubled quote is part of the text
                j += 2
                continue
            return j + 1
    if text.startswith("--", i):
        j = text.find("\n", i)
        return len(text) if j < 0 else j
    if text.startswith("/*", i):
        j = text.find("*/", i + 2)
        return len(text) if j < 0 else j + 2
    return i + 1


def _is_blank(sql: str) -> bool:
    """True when ``sql`` holds only whitespace and comments."""
    i = 0
    while True:
        i = _SPACE.match(sql, i).end()  # type: ignore[union-attr] - r"\s*" always matches
        if i >= len(sql):
            return True
        if not sql.startswith(("--", "/*"), i):
            return False
        i = _scan_end(sql, i)


def split_statements(text: str) -> list[Statement]:
    """All non-blank statements of ``text`` in order."""
    out: list[Statement] = []
    span_start = 0
    i = 0
    n = len(text)
    line, counted = 1, 0  # line number at offset *counted* (counted incrementally: linear time)
    while i <= n:
        if i == n or text[i] == ";":
            raw = text[span_start:i]
            if not _is_blank(raw):
                lead = len(raw) - len(raw.lstrip())
                body = raw.strip()
                start = span_start + lead
                line += text.count("\n", counted, start)
                counted = start
                out.append(Statement(body, start, start + len(body), span_start, min(i + 1, n), line))
            span_start = i + 1
            i += 1
            continue
        if text[i] in "'\"`" or text.startswith(("--", "/*"), i):
            i = _scan_end(text, i)
        else:  # jump over ordinary text to the next quote, comment or ';'
            found = _SPECIAL.search(text, i)
            i = found.start() if found else n
    return out


def statement_at(text: str, offset: int) -> Statement | None:
    """The statement holding ``offset``; in trailing blank space, the statement before it."""
    stmts = split_statements(text)
    if not stmts:
        return None
    started = [s for s in stmts if s.start <= offset]
    return started[-1] if started else stmts[0]


def offset_to_location(text: str, offset: int) -> tuple[int, int]:
    """Editor (row, column) of a text offset (both 0-based, columns in code points)."""
    row = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    return row, col


def location_to_offset(text: str, location: tuple[int, int]) -> int:
    """Text offset of an editor (row, column) location (clamped to the line)."""
    row, col = location
    lines = text.split("\n")
    row = max(0, min(row, len(lines) - 1))
    return sum(len(line) + 1 for line in lines[:row]) + max(0, min(col, len(lines[row])))


def error_location(text: str, stmt: Statement, line: int, column: int) -> tuple[int, int]:
    """Editor (row, col) of Trino's 1-based ``line``/``column`` inside ``stmt.text``."""
    lines = stmt.text.split("\n")
    line = max(1, min(line, len(lines)))
    rel = sum(len(part) + 1 for part in lines[: line - 1]) + max(0, column - 1)
    return offset_to_location(text, min(stmt.start + rel, stmt.end))


CONTEXT_WIDTH = 120  # characters of an SQL line shown around an error column


def error_context_lines(sql: str, line: int | None, column: int | None) -> list[str]:
    """Trino-CLI style ``LINE n: <sql line>`` plus a caret under *column* (both 1-based).

    A line longer than CONTEXT_WIDTH is cut to that many characters around the column ("..."
    marks a cut). Returns [] when the location is missing or outside *sql*.
    """
    if not line or line < 1:
        return []
    lines = sql.split("\n")
    if line > len(lines):
        return []
    prefix = f"LINE {line}: "
    text = lines[line - 1].rstrip("\r")
    col = min(max(1, column or 1), len(text) + CONTEXT_WIDTH)  # a caret far past the text says nothing
    if len(text) > CONTEXT_WIDTH:  # a long line (a 10 MB one-line INSERT): the window around the column
        start = max(0, min(col - 1 - CONTEXT_WIDTH // 2, len(text) - CONTEXT_WIDTH))
        head = "..." if start else ""
        tail = "..." if start + CONTEXT_WIDTH < len(text) else ""
        text = head + text[start:start + CONTEXT_WIDTH] + tail
        col += len(head) - start
    pad = "".join("\t" if c == "\t" else " " for c in text[: col - 1])
    pad += " " * max(0, col - 1 - len(text))
    return [prefix + text, " " * len(prefix) + pad + "^"]
