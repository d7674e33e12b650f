"""Every module of the package stays under the project's size limit (one responsibility each)."""

from __future__ import annotations

from pathlib import Path

import trino_tui

LIMIT = 500


def test_no_module_is_over_500_lines():
    root = Path(trino_tui.__file__).resolve().parent
    sizes = {p.relative_to(root).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in root.rglob("*.py")}
    assert len(sizes) > 100  # the walk found the package
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
