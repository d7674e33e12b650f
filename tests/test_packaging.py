"""The wheel ships every package of trino_tui and the theme files (pyproject lists packages explicitly)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "trino_tui").rglob("__init__.py")
    }
    assert on_disk, "no packages found under trino_tui/"
    assert on_disk - listed == set(), "packages missing from pyproject's [tool.setuptools] packages"


def test_theme_files_are_packaged() -> None:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert cfg["package-dir"]["trino_tui.themes"] == "themes"
    assert "*.toml" in cfg["package-data"]["trino_tui.themes"]
    assert len(list((ROOT / "themes").glob("*.toml"))) >= 2
