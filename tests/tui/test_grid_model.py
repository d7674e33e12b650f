"""Pure grid logic: scrolling the cursor into view, selection box, bounded selections, subtitles."""

from __future__ import annotations

from trino_tui.client.types import Column, parse_type_text
from trino_tui.tui.widgets.grid_cells import fit, header_layout, row_texts, widen
from trino_tui.tui.widgets.grid_model import bound_extension, scroll_target, selection_box, subtitle_for

COLS = [Column(n, parse_type_text(t)) for n, t in
        [("a", "bigint"), ("bb", "varchar"), ("c", "double"), ("d", "varchar")]]


def test_scroll_target_moves_the_least_needed() -> None:
    layout = widen(header_layout(COLS), [row_texts([1, "x" * 20, 1.5, "y" * 60], COLS)], 40)
    assert layout.widths == (6, 20, 6, 40)
    assert layout.xs == (0, 8, 30, 38)
    view = (30, 10)
    assert scroll_target((5, 0), (0, 0), view, layout) == (0, 0)      # already visible
    assert scroll_target((12, 0), (0, 0), view, layout) == (0, 3)     # just below: bottom line
    assert scroll_target((2, 0), (0, 5), view, layout) == (0, 2)      # above: top line
    assert scroll_target((0, 2), (0, 0), view, layout) == (8, 0)      # right edge aligned
    assert scroll_target((0, 3), (0, 0), view, layout) == (38, 0)     # wider than view: its start
    assert scroll_target((0, 0), (38, 0), view, layout) == (0, 0)


def test_selection_box_and_bounds() -> None:
    assert selection_box((5, 1), None) == (5, 1, 5, 1)
    assert selection_box((2, 3), (7, 0)) == (2, 0, 7, 3)
    assert bound_extension(50, 10, 100) == (50, False)
    assert bound_extension(500, 10, 100) == (109, True)
    assert bound_extension(0, 500, 100) == (401, True)


def test_subtitle() -> None:
    assert subtitle_for((0, 0), None, 0, 3) == ""
    assert subtitle_for((1233, 1), None, 5000, 3) == "row 1,234/5,000 · col 2/3"
    assert subtitle_for((3, 2), (1, 1), 10, 3) == "3×2 selected · row 4/10 · col 3/3"


def test_fit_truncates_by_cells_and_aligns() -> None:
    assert fit("abc", 5, False) == " abc   "
    assert fit("42", 5, True) == "    42 "
    assert fit("abcdefgh", 5, False) == " abcd… "
    assert fit("東京東京", 5, False) == " 東京… "    # wide characters counted as two cells
    assert fit("", 3, False) == "     "
