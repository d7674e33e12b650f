"""``atomic_output``: write a file so that the target either appears complete or not at all.

The temp file lives beside the target (same directory, so same filesystem and ``os.replace`` is
atomic). On success: flush, fsync, rename over the target (and fsync the directory, best effort).
On any exception, including KeyboardInterrupt: close and delete the temp file, re-raise; the target
is untouched. No threads; the context manager is not reentrant.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from typing import BinaryIO, Iterator

__all__ = ["atomic_output"]


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[BinaryIO]:
    target = os.path.abspath(os.fspath(path))
    directory, name = os.path.split(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        os.chmod(tmp, _final_mode(target))
        with os.fdopen(fd, "wb", buffering=1024 * 1024) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(directory)


def _final_mode(target: str) -> int:
    """Keep an existing target's permissions; new files get 0o666 minus the umask (mkstemp's
    0o600 would surprise users)."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        pass
    umask = 0o022
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    umask = int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o666 & ~umask


def _fsync_dir(directory: str) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
