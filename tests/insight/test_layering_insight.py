"""trino_tui.insight is Textual-free and uses only trino_tui.client.__all__ names."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import trino_tui.client
import trino_tui.insight

PACKAGE = Path(trino_tui.insight.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def test_importing_every_insight_module_loads_no_textual():
    code = ("import sys\n" + "".join(f"import trino_tui.insight.{m}\n" for m in MODULES) +
            "bad = [m for m in sys.modules if m.split('.')[0] == 'textual' "
            "or m.startswith('trino_tui.tui')]\nprint(bad)\nsys.exit(1 if bad else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(MODULES) >= 10


def test_insight_imports_only_public_client_names():
    public = set(trino_tui.client.__all__)
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("trino_tui.client"):
                assert node.module == "trino_tui.client", f"{path.name}: {node.module}"
                names = {a.name for a in node.names}
                assert names <= public, f"{path.name}: {names - public}"
