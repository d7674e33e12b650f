"""`python -m trino_tui.sandbox --tls --oauth2 --password-file`: https with a generated CA, challenges,
the CA path printed for the client, generated files removed on SIGTERM."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import httpx

from trino_tui.sandbox.auth_password import hash_password_line

ROOT = Path(__file__).resolve().parents[2]


def test_sandbox_serves_tls_with_password_and_oauth2(tmp_path) -> None:
    pwfile = tmp_path / "password.db"
    pwfile.write_text(hash_password_line("alice", "pw-Secret-9", iterations=1000) + "\n")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "trino_tui.sandbox", "--port", "0", "--workers", "1", "--tls",
                             "--password-file", str(pwfile), "--oauth2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        while not any(line.startswith("CA certificate:") for line in lines):
            line = proc.stdout.readline()  # blocks until the next line (or EOF when it exited)
            assert line, "".join(lines) + proc.stderr.read()
            lines.append(line)
        url = lines[0].split(": ", 1)[1].strip()
        assert url.startswith("https://127.0.0.1:")
        ca = lines[-1].split()[2]
        with httpx.Client(verify=ssl.create_default_context(cafile=ca), timeout=10) as http:
            challenge = http.post(f"{url}/v1/statement", content=b"SELECT 1")
            assert challenge.status_code == 401
            schemes = [v.split()[0] for v in challenge.headers.get_list("www-authenticate")]
            assert schemes == ["Basic", "Bearer"]
            ok = http.post(f"{url}/v1/statement", content=b"SELECT 1", auth=("alice", "pw-Secret-9"))
            assert ok.status_code == 200, ok.text
        assert "pw-Secret-9" not in "".join(lines)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
        assert not os.path.exists(ca)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_sandbox_auth_without_tls_exits_2() -> None:
    done = subprocess.run([sys.executable, "-m", "trino_tui.sandbox", "--port", "0", "--oauth2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "need https" in done.stderr
