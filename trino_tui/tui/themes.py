"""Theme files: TOML → textual Theme, loaded at start-up next to Textual's built-in themes.

Owns: reading ``themes/*.toml`` (packaged as ``trino_tui.themes``) and validating them. A broken
file is skipped with a one-line message rather than stopping the app. Pure; thread-safe.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from textual.theme import Theme

_KEYS = {"name", "primary", "secondary", "accent", "background", "surface", "panel", "foreground",
         "warning", "error", "success", "boost", "dark", "luminosity_spread", "text_alpha", "variables"}


@dataclass(frozen=True)
class LoadedThemes:
    themes: list[Theme]
    errors: list[str]


def theme_from_toml(text: str, origin: str = "<theme>") -> Theme:
    """Parse one theme file; raises ValueError with a one-line message."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: {exc}") from None
    unknown = set(data) - _KEYS
    if unknown:
        raise ValueError(f"{origin}: unknown keys {sorted(unknown)}")
    if not isinstance(data.get("name"), str) or not isinstance(data.get("primary"), str):
        raise ValueError(f"{origin}: 'name' and 'primary' are required strings")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError(f"{origin}: 'variables' must be a table")
    data["variables"] = {str(k): str(v) for k, v in variables.items()}
    return Theme(**data)


def theme_dir() -> Path:
    """Directory holding the packaged theme files (``themes/`` in a source checkout)."""
    try:
        return Path(str(resources.files("trino_tui.themes")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "themes"


def load_themes(directory: Path | None = None) -> LoadedThemes:
    """All valid themes in ``directory`` (default: the packaged ones), sorted by file name."""
    directory = directory or theme_dir()
    themes: list[Theme] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            themes.append(theme_from_toml(path.read_text(encoding="utf-8"), path.name))
        except (OSError, ValueError, TypeError) as exc:
            errors.append(str(exc))
    return LoadedThemes(themes, errors)
