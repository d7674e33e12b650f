"""--output-file onto special files (issue 9 item 2): a FIFO's reader gets the rows, /dev/null stays a
device, a symlink stays a link while its target is replaced atomically; exit 0 only when delivered."""

from __future__ import annotations

import os
import stat

from tests.export.fifo import FifoReader
from tests.headless.helpers import run_cli, run_inprocess

NATIONS = "SELECT nationkey, name FROM tpch.tiny.nation ORDER BY nationkey"


def _args(sandbox, target) -> list[str]:
    return ["--server", sandbox.url, "--user", "tester", "-e", NATIONS, "--output-format", "TSV",
            "--output-file", str(target)]


def test_output_file_fifo_feeds_its_reader(sandbox, tmp_path) -> None:
    fifo = tmp_path / "rows.tsv"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    try:
        code, out, err = run_inprocess(_args(sandbox, fifo))
    finally:
        got = reader.join()
    assert (code, out, err) == (0, b"", "")
    lines = got.decode().splitlines()
    assert len(lines) == 25 and lines[0] == "0\tALGERIA"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["rows.tsv"]


def test_output_file_dev_null(sandbox) -> None:
    code, out, err = run_inprocess(_args(sandbox, "/dev/null"))
    assert (code, out, err) == (0, b"", "")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_output_file_symlink_keeps_the_link(sandbox, tmp_path) -> None:
    real = tmp_path / "real.tsv"
    real.write_bytes(b"old\n")
    link = tmp_path / "latest.tsv"
    link.symlink_to("real.tsv")
    code, out, err = run_inprocess(_args(sandbox, link))
    assert (code, err) == (0, "")
    assert link.is_symlink() and os.readlink(link) == "real.tsv"
    assert real.read_text().splitlines()[24] == "24\tUNITED STATES"
    assert sorted(os.listdir(tmp_path)) == ["latest.tsv", "real.tsv"]


def test_output_file_dev_stdout_reaches_the_pipe(sandbox) -> None:
    proc = run_cli(_args(sandbox, "/dev/stdout"))
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert proc.stdout.decode().splitlines()[:2] == ["0\tALGERIA", "1\tARGENTINA"]
    assert os.path.islink("/dev/stdout")  # the link itself was never replaced
