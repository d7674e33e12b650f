"""atomic_output: complete file or nothing, never a stray temp file."""

from __future__ import annotations

import os
import stat

import pytest

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
