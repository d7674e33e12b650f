"""Test helpers for headless end-to-end tests: subprocess runs, a 401-answering server, closed ports."""

from __future__ import annotations

import io
import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from trino_tui.core.args import parse_args
from trino_tui.headless.main import run_headless

REPO = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without TRINO_* variables, with the repo importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRINO_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_cli(args: Sequence[str], *, input: str | None = None, timeout: float = 120, env: dict | None = None,
            cwd=None) -> subprocess.CompletedProcess:
    """`python -m trino_tui ARGS` in a subprocess (stdin empty unless *input*; *env* adds variables)."""
    return subprocess.run(
        [sys.executable, "-m", "trino_tui", *args],
        input=(input or "").encode(), capture_output=True, timeout=timeout, env=clean_env(**(env or {})),
        cwd=cwd or REPO,
    )


def start_cli(args: Sequence[str], *, cwd=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "trino_tui", *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=clean_env(), cwd=cwd or REPO,
    )


class LineReader:
    """Owns a thread reading *stream* line by line into a queue (`wait_for` with a timeout)."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._q: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(stream,), name="test-line-reader")
        self._thread.start()

    def _run(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            self._q.put(raw.decode(errors="replace"))
        self._q.put(None)

    def wait_for(self, fragment: str, timeout: float = 60) -> str:
        while True:
            line = self._q.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"stream ended before {fragment!r}; got {self.lines!r}")
            self.lines.append(line)
            if fragment in line:
                return line

    def close(self) -> str:
        self._thread.join(timeout=60)
        while not self._q.empty():
            item = self._q.get()
            if item is not None:
                self.lines.append(item)
        return "".join(self.lines)


def interrupt_after(args: Sequence[str], fragment: str, sig: int | None = None) -> tuple[int, str, str]:
    """Start the CLI, send *sig* (SIGINT) once *fragment* appears on stderr; (exit code, that line, stderr)."""
    import signal

    proc = start_cli(args)
    reader = LineReader(proc.stderr)
    try:
        line = reader.wait_for(fragment)
        proc.send_signal(signal.SIGINT if sig is None else sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err = reader.close()
        proc.stdout.close()
    return code, line, err


def run_inprocess(args: Sequence[str], *, stdin: str = "") -> tuple[int, bytes, str]:
    """Parse *args* and run headless in this process with captured streams."""
    out, err = io.BytesIO(), io.StringIO()
    code = run_headless(parse_args(list(args)), stdin=io.StringIO(stdin), stdout=out, stderr=err, env=clean_env())
    return code, out.getvalue(), err.getvalue()


def closed_port() -> int:
    """A local TCP port nothing listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class UnauthorizedServer:
    """A tiny coordinator stand-in answering every request with 401 (context manager, owns its thread)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _deny(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                body = b"Unauthorized"
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="Trino"')
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = do_HEAD = _deny

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="test-401-server")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "UnauthorizedServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
