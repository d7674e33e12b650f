"""Statement splitting on `;` and the Trino-CLI error caret."""

from __future__ import annotations

import pytest

from trino_tui.core.statements import Statement, error_context_lines, split_statements


def texts(script: str) -> list[str]:
    return [s.text for s in split_statements(script)]


@pytest.mark.parametrize(
    "script, expected",
    [
        ("SELECT 1", ["SELECT 1"]),
        ("SELECT 1;", ["SELECT 1"]),
        ("SELECT 1; SELECT 2;;", ["SELECT 1", "SELECT 2"]),
        ("SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", "SELECT 2"]),
        ("SELECT 'it''s;'; SELECT 2", ["SELECT 'it''s;'", "SELECT 2"]),
        ('SELECT 1 AS "x;y"; SELECT 2', ['SELECT 1 AS "x;y"', "SELECT 2"]),
        ('SELECT 1 AS "a""b;"', ['SELECT 1 AS "a""b;"']),
        ("SELECT 1 -- no; split\n; SELECT 2", ["SELECT 1 -- no; split", "SELECT 2"]),
        ("SELECT /* ; */ 1; SELECT 2", ["SELECT /* ; */ 1", "SELECT 2"]),
        ("-- only a comment;\n", []),
        ("/* c */ ; ; \n\t", []),
        ("", []),
        ("SELECT 'unterminated; still one", ["SELECT 'unterminated; still one"]),
        ("USE tpch.tiny;\nSET SESSION a = '1';\nSELECT 3", ["USE tpch.tiny", "SET SESSION a = '1'", "SELECT 3"]),
    ],
)
def test_split(script: str, expected: list[str]) -> None:
    assert texts(script) == expected


def test_start_lines_point_into_the_input() -> None:
    script = "SELECT 1;\n\n  SELECT\n 2;\n-- c\nSELECT 3"
    assert [(s.text, s.line) for s in split_statements(script)] == [
        ("SELECT 1", 1),
        ("SELECT\n 2", 3),
        ("-- c\nSELECT 3", 5),
    ]


def test_caret_under_the_error_column() -> None:
    sql = "SELECT *\nFORM nation"
    assert error_context_lines(sql, 2, 1) == ["LINE 2: FORM nation", "        ^"]
    assert error_context_lines(sql, 1, 8) == ["LINE 1: SELECT *", "               ^"]


def test_caret_keeps_tabs_aligned_and_tolerates_bad_locations() -> None:
    assert error_context_lines("\tSELECT x", 1, 3) == ["LINE 1: \tSELECT x", "        \t ^"]
    assert error_context_lines("SELECT 1", None, None) == []
    assert error_context_lines("SELECT 1", 5, 1) == []
    assert error_context_lines("SELECT", 1, 20)[1].endswith(" " * 19 + "^")
