"""Import hygiene, checked three ways:

* on the source (AST, so a lazy import inside a function is caught too): the non-UI layers never
  import Textual/Rich, the sandbox never imports the client, and front ends use only names in
  ``trino_tui.client.__all__`` (``from trino_tui.client import X``; never a client submodule);
* by import-linter (``lint-imports``, contracts in pyproject.toml [tool.importlinter]): no Textual
  below the front ends even indirectly, sandbox independence, tui/headless independence,
  core > export > client layers, no import cycles between the modules of a package;
* at run time (tests/test_imports.py): what importing each layer really loads.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "trino_tui"
PROJECT = ROOT.parent

UI_LIBS = ("textual", "rich")
NON_UI = ("client", "sandbox", "export", "headless", "core")
SANDBOX_FORBIDDEN = ("trino_tui.client", "trino_tui.export", "trino_tui.tui", "trino_tui.headless", "trino_tui.core")
FRONT_ENDS = ("tui", "headless", "core", "explore", "insight", "cli.py", "__main__.py")


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


def _client_all() -> set[str]:
    import trino_tui.client

    return set(trino_tui.client.__all__)


def _sealed_offenders(paths: list[Path], public: set[str]) -> list[str]:
    """Imports of the client other than ``from trino_tui.client import <name in __all__>``."""
    bad = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}" if hasattr(node, "lineno") else ""
            if isinstance(node, ast.Import):
                bad += [f"{where} import {a.name}" for a in node.names if a.name.startswith("trino_tui.client")]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if node.module.startswith("trino_tui.client."):
                    bad.append(f"{where} from {node.module} import ...")
                elif node.module == "trino_tui.client":
                    bad += [f"{where} from trino_tui.client import {a.name} (not in __all__)"
                            for a in node.names if a.name not in public]
                elif node.module == "trino_tui" and any(a.name == "client" for a in node.names):
                    bad.append(f"{where} from trino_tui import client")
    return bad


def test_front_ends_use_only_the_client_public_names() -> None:
    paths = _modules(*FRONT_ENDS)
    assert len(paths) > 20
    assert _sealed_offenders(paths, _client_all()) == []


def test_sealed_client_checker_detects_private_imports(tmp_path) -> None:
    mod = tmp_path / "m.py"
    mod.write_text("from trino_tui.client.query import Query\nfrom trino_tui.client import TrinoClient, _x\n"
                   "import trino_tui.client.transport\nfrom trino_tui.client import Column\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        bad = _sealed_offenders([mod], {"TrinoClient", "Column"})
    finally:
        ROOT = saved
    assert len(bad) == 3 and "_x" in bad[1]


def _lint_imports(cwd: Path, config: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run([exe, "--config", str(config), "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_import_linter_contracts_are_kept() -> None:
    result = _lint_imports(PROJECT, PROJECT / "pyproject.toml")
    out = result.stdout + result.stderr
    assert "6 kept, 0 broken" in out, out[-3000:]
    assert result.returncode == 0


def test_import_linter_contracts_catch_violations(tmp_path) -> None:
    """The same contracts on a copy of the tree with a Textual import in core and a cycle in export."""
    import tomllib

    shutil.copytree(ROOT, tmp_path / "trino_tui", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "trino_tui" / "core" / "zz_bad.py").write_text("import textual\nimport trino_tui.tui.app\n")
    (tmp_path / "trino_tui" / "export" / "zz_a.py").write_text("from trino_tui.export import zz_b\n")
    (tmp_path / "trino_tui" / "export" / "zz_b.py").write_text("from trino_tui.export import zz_a\n")
    contracts = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert len(contracts["contracts"]) == 6
    config = tmp_path / "pyproject.toml"
    config.write_text((PROJECT / "pyproject.toml").read_text().split("[tool.importlinter]", 1)[1].join(
        ["[tool.importlinter]", ""]))
    env_cwd = tmp_path
    result = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, '.'); from importlinter.cli import lint_imports_command;"
         f" sys.argv=['lint-imports', '--config', {str(config)!r}, '--no-cache']; lint_imports_command()"],
        cwd=env_cwd, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-2000:]
    assert "client, sandbox, export and core import no Textual BROKEN" in out
    assert "core imports no front end BROKEN" in out
    assert "no import cycles between the modules of a package BROKEN" in out


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
