"""Statement splitting and error-location mapping used by the editor."""

from trino_tui.core.statements import (
    error_location,
    location_to_offset,
    offset_to_location,
    split_statements,
    statement_at,
)


def test_split_respects_quotes_and_comments():
    text = "select ';' as a; -- x;y\nselect \"a;b\" /* ; */ from t;\n\n  ;  select 3"
    stmts = [s.text for s in split_statements(text)]
    assert stmts == ["select ';' as a", '-- x;y\nselect "a;b" /* ; */ from t', "select 3"]


def test_escaped_quote_and_unterminated_string():
    assert [s.text for s in split_statements("select 'it''s;' ; select 'open;")] == [
        "select 'it''s;'",
        "select 'open;",
    ]


def test_blank_and_comment_only_statements_are_skipped():
    assert split_statements(" ; -- only a comment\n; /* c */ ") == []


def test_statement_at_cursor_positions():
    text = "select 1;\n\nselect 2;\n"
    first, second = split_statements(text)
    assert statement_at(text, 0) == first
    assert statement_at(text, len("select 1;")) == first  # just after the semicolon
    assert statement_at(text, len("select 1;\n")) == first  # blank line after it
    assert statement_at(text, text.index("2")) == second
    assert statement_at(text, len(text)) == second
    assert statement_at("  ", 1) is None


def test_offsets_and_locations_round_trip():
    text = "ab\ncde\n\nf"
    for off in range(len(text) + 1):
        assert location_to_offset(text, offset_to_location(text, off)) == off
    assert offset_to_location(text, text.index("e")) == (1, 2)


def test_error_location_is_relative_to_the_statement():
    text = "select 1;\n  select\n    nope from t"
    stmt = split_statements(text)[1]
    # Trino: line 2, column 5 of the statement text "select\n    nope from t" -> "nope"
    row, col = error_location(text, stmt, 2, 5)
    assert (row, col) == (2, 4)
    # line 1 of the statement is offset by the statement's start column
    assert error_location(text, stmt, 1, 1) == (1, 2)
    # out-of-range locations are clamped inside the statement
    assert error_location(text, stmt, 99, 99) == offset_to_location(text, stmt.end)
