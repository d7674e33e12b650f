"""A throw-away MIT Kerberos KDC for tests (Debian's krb5-kdc), started and stopped by the test.

`MiniKdc(directory)` writes krb5.conf/kdc.conf for realm TRINO.TEST on a free 127.0.0.1 TCP port,
creates the database, adds principals and keytabs with kadmin.local and runs ``krb5kdc -n`` as a
child process; `close()` terminates it (by its PID) and waits. `available()` says whether the
binaries are installed (tests skip otherwise).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

REALM = "TRINO.TEST"
BINARIES = ("krb5kdc", "kdb5_util", "kadmin.local")


def available() -> bool:
    return all(shutil.which(b) or os.path.exists(f"/usr/sbin/{b}") for b in BINARIES)


def _tool(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MiniKdc:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.port = _free_port()
        self.krb5_conf = directory / "krb5.conf"
        kdc_conf = directory / "kdc.conf"
        self.krb5_conf.write_text(
            f"[libdefaults]\n default_realm = {REALM}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n"
            f" dns_canonicalize_hostname = false\n rdns = false\n udp_preference_limit = 1\n"
            f"[realms]\n {REALM} = {{\n  kdc = 127.0.0.1:{self.port}\n }}\n")
        kdc_conf.write_text(
            f"[kdcdefaults]\n kdc_ports = {self.port}\n kdc_tcp_ports = {self.port}\n"
            f"[realms]\n {REALM} = {{\n  database_name = {directory}/principal\n"
            f"  key_stash_file = {directory}/stash\n  acl_file = {directory}/kadm5.acl\n }}\n"
            f"[logging]\n kdc = FILE:{directory}/kdc.log\n")
        (directory / "kadm5.acl").write_text("")
        self.env = {**os.environ, "KRB5_CONFIG": str(self.krb5_conf), "KRB5_KDC_PROFILE": str(kdc_conf)}
        self._run(_tool("kdb5_util"), "create", "-s", "-r", REALM, "-P", "master-password-for-tests")
        self._proc = subprocess.Popen([_tool("krb5kdc"), "-n", "-r", REALM], env=self.env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:  # readiness = the TCP port accepts (krb5kdc cannot report a chosen port)
            if self._proc.poll() is not None:
                raise RuntimeError(f"krb5kdc exited: {self._proc.stderr.read().decode(errors='replace')[:300]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError("krb5kdc did not start listening") from None
                time.sleep(0.05)

    def _run(self, *argv: str) -> None:
        subprocess.run(list(argv), env=self.env, check=True, capture_output=True, timeout=60)

    def add_principal(self, name: str, keytab: Path) -> Path:
        """Principal name@REALM with a random key, exported to *keytab*."""
        kadmin = _tool("kadmin.local")
        self._run(kadmin, "-r", REALM, "-q", f"addprinc -randkey {name}@{REALM}")
        self._run(kadmin, "-r", REALM, "-q", f"ktadd -k {keytab} {name}@{REALM}")
        return keytab

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(10)
        if self._proc.stderr:
            self._proc.stderr.close()
