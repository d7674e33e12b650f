"""Import hygiene: the non-UI layers never import Textual/Rich; the sandbox never imports the client.

Checked on the source (AST), so a lazy import inside a function is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "trino_tui"

UI_LIBS = ("textual", "rich")
NON_UI = ("client", "sandbox", "export", "headless", "rowstore.py", "config.py", "statements.py")
SANDBOX_FORBIDDEN = ("trino_tui.client", "trino_tui.export", "trino_tui.tui", "trino_tui.headless")


def _modules(*names: str) -> list[Path]:
    out: list[Path] = []
    for name in names:
        p = ROOT / name
        if p.is_dir():
            out.extend(sorted(p.rglob("*.py")))
        elif p.exists():
            out.append(p)
    return out


def _imports(path: Path) -> list[list[str]]:
    """Per import statement of *path*, the absolute module names it imports (relative resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    pkg = ".".join(("trino_tui",) + path.relative_to(ROOT).parent.parts)
    found: list[list[str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.append([alias.name for alias in node.names])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.append([mod] + [f"{mod}.{alias.name}" for alias in node.names])
    return found


def _offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in paths:
        for mods in _imports(path):
            hits = [m for m in mods if any(m == f or m.startswith(f + ".") for f in forbidden)]
            if hits:
                bad.append(f"{path.relative_to(ROOT.parent)} imports {hits[0]}")
    return bad


def test_non_ui_layers_exist() -> None:
    # guards the two tests below against passing vacuously
    assert _modules("client"), "trino_tui/client has no modules"
    assert _modules("sandbox"), "trino_tui/sandbox has no modules"


def test_non_ui_layers_do_not_import_textual_or_rich() -> None:
    assert _offenders(_modules(*NON_UI), UI_LIBS) == []


def test_sandbox_is_independent_of_the_client() -> None:
    assert _offenders(_modules("sandbox"), SANDBOX_FORBIDDEN) == []


@pytest.mark.parametrize(
    "source, forbidden, expected",
    [
        ("import textual.app\n", UI_LIBS, 1),
        ("from rich.text import Text\n", UI_LIBS, 1),
        ("def f():\n    from textual import work\n", UI_LIBS, 1),
        ("from ..client import query\n", SANDBOX_FORBIDDEN, 1),
        ("import httpx\nimport orjson\n", UI_LIBS, 0),
    ],
)
def test_checker_detects_forbidden_imports(tmp_path, source, forbidden, expected) -> None:
    fake_root = tmp_path / "trino_tui"
    (fake_root / "sandbox").mkdir(parents=True)
    mod = fake_root / "sandbox" / "m.py"
    mod.write_text(source)
    global ROOT
    saved, ROOT = ROOT, fake_root
    try:
        assert len(_offenders([mod], forbidden)) == expected
    finally:
        ROOT = saved
