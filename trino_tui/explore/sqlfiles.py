"""SQL files for editor buffers: read (bounded, strict UTF-8), write atomically, complete a path.

Pure file-system helpers, Textual-free. Errors are ``SqlFileError`` with one line for the user.
``complete_path`` lists at most ``MAX_LISTED`` directory entries (a huge directory stays cheap).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_SQL_FILE", "Completion", "SqlFileError", "complete_path", "read_sql_file", "write_sql_file"]

MAX_SQL_FILE = 16 * 1024 * 1024
MAX_LISTED = 2000


class SqlFileError(Exception):
    """A file could not be read or written (``str()`` is one line naming the file)."""


def _expand(path: str) -> Path:
    return Path(os.path.expanduser(path.strip()))


def read_sql_file(path: str) -> str:
    """The text of ``path`` (at most MAX_SQL_FILE bytes of UTF-8)."""
    p = _expand(path)
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_SQL_FILE + 1)
    except OSError as exc:
        raise SqlFileError(f"Cannot open {p}: {exc.strerror or exc}") from None
    if len(data) > MAX_SQL_FILE:
        raise SqlFileError(f"Cannot open {p}: larger than {MAX_SQL_FILE // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SqlFileError(f"Cannot open {p}: not UTF-8 text (byte {exc.start})") from None


def write_sql_file(path: str, text: str) -> str:
    """Write ``text`` to ``path`` atomically (temp file + rename); returns the absolute path."""
    from trino_tui.export import atomic_output

    p = _expand(path)
    if p.is_dir():
        raise SqlFileError(f"Cannot save to {p}: it is a directory")
    try:
        with atomic_output(p) as out:
            out.write(text.encode("utf-8"))
    except OSError as exc:
        raise SqlFileError(f"Cannot save {p}: {exc.strerror or exc}") from None
    return str(p.absolute())


@dataclass(frozen=True)
class Completion:
    """What Tab makes of a typed path: the new text and the candidates shown under it."""

    text: str
    candidates: tuple[str, ...]


def complete_path(typed: str, *, suffix: str = ".sql") -> Completion:
    """Complete ``typed`` to the longest common prefix of the matching entries of its directory
    (directories get a trailing "/"; files other than ``suffix`` ones are not offered)."""
    head, _, stem = typed.rpartition("/")
    folder = _expand(head + "/" if head or typed.startswith("/") else ".")
    try:
        names = []
        with os.scandir(folder) as it:
            for i, entry in enumerate(it):
                if i >= MAX_LISTED:
                    break
                if not entry.name.startswith(stem) or (entry.name.startswith(".") and not stem.startswith(".")):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    continue
                if is_dir:
                    names.append(entry.name + "/")
                elif entry.name.endswith(suffix):
                    names.append(entry.name)
    except OSError:
        return Completion(typed, ())
    names.sort()
    if not names:
        return Completion(typed, ())
    common = os.path.commonprefix(names)
    prefix = head + "/" if head or typed.startswith("/") else ""
    return Completion(prefix + common if len(common) >= len(stem) else typed, tuple(names))
