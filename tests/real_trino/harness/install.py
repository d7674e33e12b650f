"""Finding a JDK >= 24 and Maven, fetching Trino 476 server/CLI from Maven Central (cached in ~/.m2),
and unpacking a pruned server install (cached under the harness cache directory).

Every failure is a ``Missing`` exception whose message is one line naming what is missing.
Not thread-safe (run from one thread; the unpack is made atomic by a rename).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

TRINO_VERSION = "476"
MIN_JAVA = 24
# Plugins the harness needs: the tpch and memory connectors and the S3 spooling manager.
KEEP_PLUGINS = ("tpch", "memory", "spooling-filesystem")
M2 = Path(os.environ.get("MAVEN_REPO", Path.home() / ".m2" / "repository"))
DEP_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get"


class Missing(Exception):
    """Something the harness needs is not available (one-line reason)."""


@dataclass(frozen=True)
class Install:
    """A pruned, unpacked Trino server plus the CLI jar and the JDK to run both."""

    server_dir: Path
    cli_jar: Path
    java: Path
    java_version: str


def cache_dir() -> Path:
    return Path(os.environ.get("TRINO_TUI_REAL_TRINO_CACHE", Path.home() / ".cache" / "trino-tui" / "real-trino"))


def _java_version(java: Path) -> tuple[int, str] | None:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)([^"]*)"', out)
    return (int(m.group(1)), m.group(1) + m.group(2)) if m else None


def java_candidates() -> list[Path]:
    """$TRINO_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/* (newest name first), then `java` on PATH."""
    homes = [os.environ.get("TRINO_JAVA_HOME"), os.environ.get("JAVA_HOME")]
    jvm = Path("/usr/lib/jvm")
    homes += sorted((str(p) for p in jvm.glob("*")), reverse=True) if jvm.is_dir() else []
    found = [Path(h) / "bin" / "java" for h in homes if h]
    on_path = shutil.which("java")
    return found + ([Path(on_path)] if on_path else [])


def find_java(candidates: list[Path] | None = None) -> tuple[Path, str]:
    """The first JDK >= MIN_JAVA among *candidates* (default ``java_candidates()``)."""
    seen: list[str] = []
    for java in java_candidates() if candidates is None else candidates:
        if not java.exists():
            continue
        found = _java_version(java)
        if found is None:
            continue
        seen.append(f"{found[1]} ({java})")
        if found[0] >= MIN_JAVA:
            return java, found[1]
    raise Missing(f"no JDK >= {MIN_JAVA} found (Trino {TRINO_VERSION} needs one); saw: {', '.join(seen) or 'none'}")


def _artifact(relpath: str, coords: str, m2: Path | None = None, mvn: str | None = "") -> Path:
    """The cached artifact, fetched with mvn from Maven Central when absent (mvn="" = look it up)."""
    m2 = M2 if m2 is None else m2
    path = m2 / relpath
    if path.exists():
        return path
    mvn = shutil.which("mvn") if mvn == "" else mvn
    if mvn is None:
        raise Missing(f"{path.name} is not in {m2} and mvn is not installed (apt-get install maven)")
    proc = subprocess.run([mvn, "-B", "-q", f"-Dmaven.repo.local={m2}", DEP_PLUGIN, f"-Dartifact={coords}",
                           "-Dtransitive=false"], capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0 or not path.exists():
        tail = (proc.stdout + proc.stderr).strip().splitlines()
        why = next((ln for ln in tail if "ERROR" in ln), tail[-1] if tail else "no output")
        raise Missing(f"mvn could not fetch {coords} from Maven Central: {why.strip()[:200]}")
    return path


def server_tarball() -> Path:
    v = TRINO_VERSION
    return _artifact(f"io/trino/trino-server/{v}/trino-server-{v}.tar.gz", f"io.trino:trino-server:{v}:tar.gz")


def cli_jar() -> Path:
    v = TRINO_VERSION
    return _artifact(f"io/trino/trino-cli/{v}/trino-cli-{v}-executable.jar", f"io.trino:trino-cli:{v}:jar:executable")


def unpack(tarball: Path, dest_root: Path) -> Path:
    """Unpack the server once into *dest_root* and prune plugin/ to KEEP_PLUGINS (hard links in the
    archive point across plugins, so everything is unpacked first and the rest removed)."""
    target = dest_root / f"trino-server-{TRINO_VERSION}"
    if (target / ".pruned").exists():
        return target
    dest_root.mkdir(parents=True, exist_ok=True)
    tmp = dest_root / f".unpack-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp, filter="tar")
    inner = tmp / f"trino-server-{TRINO_VERSION}"
    for plugin in (inner / "plugin").iterdir():
        if plugin.name not in KEEP_PLUGINS:
            shutil.rmtree(plugin)
    (inner / ".pruned").write_text(",".join(KEEP_PLUGINS) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    inner.rename(target)
    shutil.rmtree(tmp, ignore_errors=True)
    return target


def prepare() -> Install:
    """Everything needed to run Trino 476 here, fetched and unpacked if not cached."""
    java, version = find_java()
    tarball = server_tarball()
    jar = cli_jar()
    return Install(server_dir=unpack(tarball, cache_dir()), cli_jar=jar, java=java, java_version=version)
