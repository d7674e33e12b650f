"""Fixtures for the real-Trino tests: one cluster at a time, per ClusterSpec.

Tests name the cluster they need with ``@pytest.mark.cluster(mode, workers=N)`` (default: STORAGE
mode, coordinator only); collection sorts the tests by that key so each configuration starts
once. When the harness cannot get Trino (no JDK >= 24, no mvn, Maven Central unreachable) every
test is skipped and the run prints one line "SKIPPED: real Trino unavailable: <why>". A Trino
that was fetched but does not start is a failure, not a skip.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from tests.real_trino.harness import Cluster, ClusterSpec, Install, Missing, prepare

_STATE: dict = {"install": None, "missing": None, "cluster": None}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cluster(mode, workers=0, encryption=False): the real-Trino cluster a test needs")


def _spec_of(item: pytest.Item) -> ClusterSpec:
    mark = item.get_closest_marker("cluster")
    if mark is None:
        return ClusterSpec()
    mode = mark.args[0] if mark.args else "storage"
    workers = mark.kwargs.get("workers", 1 if mode == "worker_proxy" else 0)
    return ClusterSpec(retrieval_mode=mode, workers=workers, encryption=mark.kwargs.get("encryption", False))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    order = {"storage": 0, "coordinator_storage_redirect": 1, "coordinator_proxy": 2, "worker_proxy": 3}
    def key(it: pytest.Item) -> tuple:
        if "real_trino" not in str(it.fspath):
            return (-1, 0, False)
        spec = _spec_of(it)
        return (order.get(spec.retrieval_mode, 9), spec.workers, spec.encryption)

    items.sort(key=key)


def pytest_terminal_summary(terminalreporter) -> None:
    if _STATE["missing"]:
        terminalreporter.write_line(f"SKIPPED: real Trino unavailable: {_STATE['missing']}", red=True, bold=True)


@pytest.fixture(scope="session")
def install() -> Install:
    if _STATE["missing"]:
        pytest.skip(f"real Trino unavailable: {_STATE['missing']}")
    if _STATE["install"] is None:
        try:
            _STATE["install"] = prepare()
        except Missing as exc:
            _STATE["missing"] = str(exc)
            pytest.skip(f"real Trino unavailable: {exc}")
    return _STATE["install"]


@pytest.fixture(scope="session")
def _workroot() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="trino-tui-real-trino-"))
    yield root
    if _STATE["cluster"] is not None:
        _STATE["cluster"].stop()
        _STATE["cluster"] = None
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def trino(request: pytest.FixtureRequest, install: Install, _workroot: Path) -> Cluster:
    """The running cluster for this test's ClusterSpec (restarted only when the spec changes)."""
    spec = _spec_of(request.node)
    current: Cluster | None = _STATE["cluster"]
    if current is not None and current.spec != spec:
        current.stop()
        _STATE["cluster"] = current = None
    if current is None:
        workdir = _workroot / f"{spec.retrieval_mode}-{spec.workers}{'-sse' if spec.encryption else ''}"
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            current = Cluster(install, spec, workdir).start()
        except Missing as exc:  # fetched but not starting: a real failure
            pytest.fail(f"Trino did not start ({spec.retrieval_mode}): {exc}")
        _STATE["cluster"] = current
    return current
