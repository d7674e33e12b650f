"""Split a SQL script into statements on `;` (headless `--execute`, `-f`, stdin).

Owns only lexical splitting: a `;` inside a 'string' ('' escapes), a "quoted identifier" (""
escapes), a `-- line comment` or a `/* block comment */` does not split. Statements that hold
nothing but whitespace and comments are dropped. Statement text is sent verbatim (comments kept,
surrounding whitespace and the terminating `;` removed), so server error locations (line:column)
refer to `Statement.text`. Pure functions; thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Statement", "split_statements", "error_context_lines"]


@dataclass(frozen=True)
class Statement:
    """One statement: its text as sent and the 1-based line of the input where it starts."""

    text: str
    line: int


def split_statements(script: str) -> list[Statement]:
    """Statements of *script* in order; a final statement needs no terminating `;`."""
    out: list[Statement] = []
    n = len(script)
    i = 0
    start = 0
    has_code = False
    while i < n:
        ch = script[i]
        if ch in ("'", '"', "`"):
            i = _skip_quoted(script, i, ch)
            has_code = True
            continue
        if ch == "-" and script.startswith("--", i):
            nl = script.find("\n", i)
            i = n if nl < 0 else nl + 1
            continue
        if ch == "/" and script.startswith("/*", i):
            end = script.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch == ";":
            _emit(out, script, start, i, has_code)
            start, has_code = i + 1, False
        elif not ch.isspace():
            has_code = True
        i += 1
    _emit(out, script, start, n, has_code)
    return out


def _skip_quoted(script: str, i: int, quote: str) -> int:
    """Index just past the quoted token opening at *i* (a doubled quote escapes itself)."""
    n = len(script)
    j = i + 1
    while j < n:
        if script[j] == quote:
            if j + 1 < n and script[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return n  # unterminated: the rest belongs to it; the server reports the error


def _emit(out: list[Statement], script: str, start: int, end: int, has_code: bool) -> None:
    if not has_code:
        return
    raw = script[start:end]
    lead = len(raw) - len(raw.lstrip())
    line = script.count("\n", 0, start + lead) + 1
    out.append(Statement(raw.strip(), line))


def error_context_lines(sql: str, line: int | None, column: int | None) -> list[str]:
    """Trino-CLI style `LINE n: <sql line>` plus a caret under *column* (both 1-based).

    Returns [] when the location is missing or outside *sql*.
    """
    if not line or line < 1:
        return []
    lines = sql.split("\n")
    if line > len(lines):
        return []
    prefix = f"LINE {line}: "
    text = lines[line - 1].rstrip("\r")
    col = max(1, column or 1)
    pad = "".join("\t" if c == "\t" else " " for c in text[: col - 1])
    pad += " " * max(0, col - 1 - len(text))
    return [prefix + text, " " * len(prefix) + pad + "^"]
