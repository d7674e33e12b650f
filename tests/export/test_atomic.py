"""atomic_output: complete file or nothing, never a stray temp file."""

from __future__ import annotations

import os
import stat

import pytest

from tests.export.fifo import FifoReader
from trino_tui.export import atomic_output


def test_success_writes_target_and_leaves_no_temp(tmp_path) -> None:
    target = tmp_path / "out.csv"
    with atomic_output(target) as f:
        f.write(b"a,b\n")
        assert not target.exists()  # nothing visible before success
    assert target.read_bytes() == b"a,b\n"
    assert os.listdir(tmp_path) == ["out.csv"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


@pytest.mark.parametrize("exc", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failure_keeps_old_target_and_removes_temp(tmp_path, exc) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    with pytest.raises(type(exc)):
        with atomic_output(target) as f:
            f.write(b"partial")
            raise exc
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_failure_without_previous_target_leaves_nothing(tmp_path) -> None:
    with pytest.raises(ValueError):
        with atomic_output(str(tmp_path / "new.json")) as f:
            f.write(b"x" * 100_000)
            raise ValueError("boom")
    assert os.listdir(tmp_path) == []


def test_existing_permissions_are_kept(tmp_path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with atomic_output(target) as f:
        f.write(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_missing_directory_fails_cleanly(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        with atomic_output(tmp_path / "nope" / "out.csv"):
            pass


# --- special files: written through, never replaced (issue 9 item 2) ----------------------------

PAYLOAD = b"0123456789abcdef" * 65536  # 1 MiB: more than a pipe buffer, so it needs a live reader


def test_fifo_is_written_through_to_its_reader(tmp_path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    try:
        with atomic_output(fifo) as f:
            f.write(PAYLOAD)
    finally:
        got = reader.join()
    assert got == PAYLOAD
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe.csv"]


def test_dev_null_stays_a_character_device() -> None:
    with atomic_output("/dev/null") as f:
        f.write(b"discarded\n")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_character_device_node_is_written_through(tmp_path) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here (not root)")
    with atomic_output(node) as f:
        f.write(b"discarded\n")
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert os.listdir(tmp_path) == ["null"]


def test_descriptor_path_writes_to_the_open_pipe() -> None:
    r, w = os.pipe()
    try:
        with atomic_output(f"/dev/fd/{w}") as f:
            f.write(b"through the descriptor\n")
    finally:
        os.close(w)
    with os.fdopen(r, "rb") as rf:
        assert rf.read() == b"through the descriptor\n"


def test_descriptor_path_to_a_regular_file_appends_in_place(tmp_path) -> None:
    target = tmp_path / "redirected.txt"
    target.write_bytes(b"kept\n")
    fd = os.open(target, os.O_WRONLY | os.O_APPEND)  # as the shell's `>>`
    inode = target.stat().st_ino
    try:
        with atomic_output(f"/proc/self/fd/{fd}") as f:
            f.write(b"added\n")
    finally:
        os.close(fd)
    assert target.read_bytes() == b"kept\nadded\n"
    assert target.stat().st_ino == inode  # the descriptor's file, not a replacement


def test_symlink_target_is_written_atomically_and_the_link_kept(tmp_path) -> None:
    real_dir = tmp_path / "data"
    real_dir.mkdir()
    real = real_dir / "real.csv"
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(os.path.join("data", "real.csv"))  # relative link
    with atomic_output(link) as f:
        f.write(b"new")
        assert real.read_bytes() == b"old"  # still atomic: nothing visible before success
    assert link.is_symlink() and os.readlink(link) == os.path.join("data", "real.csv")
    assert real.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["data", "link.csv"] and os.listdir(real_dir) == ["real.csv"]


def test_symlink_failure_keeps_target_and_leaves_no_temp(tmp_path) -> None:
    real = tmp_path / "real.csv"
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with pytest.raises(RuntimeError):
        with atomic_output(link) as f:
            f.write(b"partial")
            raise RuntimeError("boom")
    assert link.is_symlink() and real.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["link.csv", "real.csv"]


def test_dangling_symlink_creates_its_target(tmp_path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "new.csv")
    with atomic_output(link) as f:
        f.write(b"x")
    assert link.is_symlink() and (tmp_path / "new.csv").read_bytes() == b"x"


def test_symlink_loop_and_directory_are_refused(tmp_path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OSError):
        with atomic_output(a):
            pass
    with pytest.raises(IsADirectoryError):
        with atomic_output(tmp_path):
            pass
    assert sorted(os.listdir(tmp_path)) == ["a", "b"]
