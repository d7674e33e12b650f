"""The real-Trino harness: fetch (cached) and prune Trino 476, write etc/, start moto S3 behind a
logging proxy and Trino, wait until ready, stop everything by PID. See docs/real-trino.md."""

from .cluster import Cluster, stop_pid
from .etc import RETRIEVAL_MODES, ClusterSpec
from .install import TRINO_VERSION, Install, Missing, prepare

__all__ = ["Cluster", "ClusterSpec", "Install", "Missing", "RETRIEVAL_MODES", "TRINO_VERSION", "prepare", "stop_pid"]
