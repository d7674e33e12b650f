"""Fuzzing SQL statement splitting and the error context (untrusted text from files, stdin, -e).

Properties: splitting never raises; every statement is the exact, stripped slice its offsets name,
never blank, in order, spans not overlapping; a script built from statements holding quoted ';',
comments and identifiers splits back into exactly those statements; the caret context is at most
two bounded lines for any line/column. Examples: tests/fuzz/conftest.py (FUZZ_EXAMPLES=5000 for more).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trino_tui.core.statements import (
    CONTEXT_WIDTH,
    error_context_lines,
    split_statements,
    statement_at,
)

pytestmark = pytest.mark.fuzz

SQL_ALPHABET = st.sampled_from(list("SELECT from x1;'\"`-/*\n\r\t ,()=") + ["--", "/*", "*/", "''", "\u00e9", "\u2603"])
sql_text = st.lists(SQL_ALPHABET, max_size=80).map("".join) | st.text(max_size=200)

# Pieces that never end a statement early: plain words, quoted strings/identifiers (with ; and
# doubled quotes inside) and closed comments. A statement is at least one word.
words = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
inner = st.text(alphabet=st.sampled_from(list("ab;- */\n")), max_size=8)
quoted = st.one_of(
    inner.map(lambda s: "'" + s.replace("'", "''") + "'"),
    inner.map(lambda s: '"' + s.replace('"', '""') + '"'),
    inner.map(lambda s: "`" + s.replace("`", "``") + "`"),
)
comments = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab; '\"*/")), max_size=8).map(lambda s: "--" + s + "\n"),
    st.text(alphabet=st.sampled_from(list("ab; '\"-\n")), max_size=8).map(lambda s: "/*" + s + "*/"),
)
statement = st.tuples(words, st.lists(st.one_of(words, quoted, comments), max_size=6)).map(
    lambda t: " ".join([t[0], *t[1]]))
blank = st.sampled_from(["", " ", "\n", "\t", "\r\n", " \n\t "])  # comments stay in the text they touch


@given(sql_text)
def test_split_never_raises_and_slices_are_exact(text: str) -> None:
    stmts = split_statements(text)
    previous_end = 0
    for s in stmts:
        assert s.text == text[s.start:s.end] == s.text.strip() and s.text
        assert previous_end <= s.span_start <= s.start <= s.end <= s.span_end <= len(text)
        assert s.line == text.count("\n", 0, s.start) + 1
        assert [x.text for x in split_statements(s.text)] == [s.text]  # a statement is one statement
        previous_end = s.span_end
    for offset in (0, len(text) // 2, len(text)):
        found = statement_at(text, offset)
        assert (found is None) == (not stmts) and (found is None or found in stmts)


@given(st.lists(st.tuples(blank, statement, blank), min_size=1, max_size=6), st.booleans())
def test_script_of_statements_splits_back_into_them(parts, trailing_semicolon: bool) -> None:
    script = ";".join(f"{before}{stmt}{after}" for before, stmt, after in parts) + (";" if trailing_semicolon else "")
    assert [s.text for s in split_statements(script)] == [stmt.strip() for _, stmt, _ in parts]


@given(sql_text, st.integers(-3, 10**9), st.one_of(st.none(), st.integers(-3, 10**12)))
def test_error_context_is_bounded(sql: str, line: int, column) -> None:
    lines = error_context_lines(sql, line, column)
    assert len(lines) in (0, 2)
    if lines:
        assert lines[1].endswith("^") and lines[0].startswith(f"LINE {line}: ")
        limit = len(f"LINE {line}: ") + 2 * CONTEXT_WIDTH + 8
        assert all(len(x) <= limit for x in lines), [len(x) for x in lines]


@given(st.integers(1, 3 * CONTEXT_WIDTH), st.integers(CONTEXT_WIDTH + 1, 4 * CONTEXT_WIDTH))
def test_cut_context_keeps_the_caret_on_the_character(column: int, length: int) -> None:
    sql = "".join(chr(ord("a") + i % 26) for i in range(length))
    context, caret = error_context_lines(sql, 1, column)
    if column <= length:
        assert context[caret.index("^")] == sql[column - 1]


@given(st.lists(statement, min_size=1, max_size=5))
def test_blank_statements_between_are_dropped(stmts) -> None:
    script = " ;; -- only a comment\n; /* and this */ ;".join(stmts)
    assert [s.text for s in split_statements(script)] == [s.strip() for s in stmts]
