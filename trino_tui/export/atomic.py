"""``atomic_output``: write a file so that the target either appears complete or not at all.

Where the rename trick applies (a regular file, or a name that does not exist yet) the temp file
lives beside the target (same directory, so same filesystem and ``os.replace`` is atomic). On
success: flush, fsync, rename over the target (and fsync the directory, best effort). On any
exception, including KeyboardInterrupt: close and delete the temp file, re-raise; the target is
untouched.

A symlink is never replaced: the file it points to is written atomically (the link stays a link).
Special files are written through, never renamed over: a FIFO (its reader gets the bytes), a
character or block device (``/dev/null``, a terminal) and the process's own descriptors
(``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N``, opened for append so ``>>`` and ``>``
redirections both keep working). Bytes already written there cannot be taken back after a failure.
A directory is refused (IsADirectoryError). No threads; the context manager is not reentrant.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import contextmanager
from typing import BinaryIO, Iterator

__all__ = ["atomic_output", "resolve_output"]

_BUFFER = 1024 * 1024
_MAX_LINKS = 40  # as the kernel's ELOOP limit
_FD_DIRS = ("/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/")


def resolve_output(path: str | os.PathLike) -> tuple[str, bool]:
    """(where to write, atomically?): the final target of a symlink chain and whether to rename.

    False means "open and write through": a special file or a descriptor of this process.
    """
    current = os.path.abspath(os.fspath(path))
    for _ in range(_MAX_LINKS):
        if _is_fd_path(current):
            return current, False
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return current, True  # a new file (maybe a dangling link's target)
        if stat.S_ISLNK(st.st_mode):
            link = os.readlink(current)
            current = os.path.normpath(os.path.join(os.path.dirname(current), link))
            continue
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
        if stat.S_ISREG(st.st_mode):
            return os.path.realpath(current), True  # resolve symlinked directories too
        return current, False  # FIFO, character/block device, socket
    raise OSError(errno.ELOOP, "Too many levels of symbolic links", os.fspath(path))


def _is_fd_path(path: str) -> bool:
    if path in ("/dev/stdout", "/dev/stderr"):
        return True
    if path.startswith(_FD_DIRS):
        return True
    parts = path.split("/")  # /proc/<pid>/fd/N
    return len(parts) == 5 and parts[1] == "proc" and parts[3] == "fd"


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[BinaryIO]:
    target, atomic = resolve_output(path)
    if not atomic:
        with _open_through(target) as f:
            yield f
        return
    directory, name = os.path.split(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        os.chmod(tmp, _final_mode(target))
        with os.fdopen(fd, "wb", buffering=_BUFFER) as f:
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


def _open_through(target: str) -> BinaryIO:
    """Open a special file or descriptor path for writing (no create, no truncate of a regular
    file behind a descriptor: append, as the shell redirection chose the position)."""
    flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
    if _is_fd_path(target):
        flags |= os.O_APPEND
    fd = os.open(target, flags)
    return os.fdopen(fd, "wb", buffering=_BUFFER)


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
