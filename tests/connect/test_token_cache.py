"""Token stores: keying, 0600 file, keyring backend selection, failure tolerance."""

from __future__ import annotations

import os
import stat
import threading

from trino_tui.client import token_cache
from trino_tui.client.token_cache import (
    FileTokenStore, KeyringTokenStore, MemoryTokenStore, default_token_store, token_key,
)


def test_token_key_normalises_origin() -> None:
    assert token_key("https://Example.COM/") == "https://example.com:443"
    assert token_key("https://h:8443/x/y") == "https://h:8443"
    assert token_key("http://h") == "http://h:80"
    assert token_key("https://[::1]:9/") == "https://[::1]:9"


def test_file_store_roundtrip_mode_and_isolation(tmp_path) -> None:
    path = tmp_path / "state" / "tokens.json"
    store = FileTokenStore(path)
    assert store.get("https://a:1") is None
    store.put("https://a:1", "tok-a")
    store.put("https://b:2", "tok-b")
    assert FileTokenStore(path).get("https://a:1/") == "tok-a"  # another instance sees it
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    store.delete("https://a:1")
    assert store.get("https://a:1") is None
    assert store.get("https://b:2") == "tok-b"
    assert [p.name for p in path.parent.iterdir()] == ["tokens.json"]  # no temp files left


def test_file_store_default_location_follows_xdg(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert FileTokenStore().path == tmp_path / "trino-tui" / "tokens.json"


def test_file_store_tolerates_garbage_and_unwritable(tmp_path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("not json")
    store = FileTokenStore(path)
    assert store.get("https://a:1") is None
    blocked = FileTokenStore(tmp_path / "file-not-dir" / "tokens.json")
    (tmp_path / "file-not-dir").write_text("x")
    blocked.put("https://a:1", "t")  # must not raise
    assert blocked.get("https://a:1") is None


def test_file_store_concurrent_puts_keep_every_server(tmp_path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    threads = [threading.Thread(target=store.put, args=(f"https://h{i}:1", f"t{i}")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(store.get(f"https://h{i}:1") == f"t{i}" for i in range(8))


class FakeKeyring:
    def __init__(self, priority: float = 5, broken: bool = False) -> None:
        self.data: dict[tuple[str, str], str] = {}
        self.broken = broken
        self._priority = priority

    def get_keyring(self):
        return type("Backend", (), {"priority": self._priority})()

    def get_password(self, service, user):
        if self.broken:
            raise RuntimeError("locked")
        return self.data.get((service, user))

    def set_password(self, service, user, value):
        if self.broken:
            raise RuntimeError("locked")
        self.data[(service, user)] = value

    def delete_password(self, service, user):
        if (service, user) not in self.data:
            raise KeyError(user)
        del self.data[(service, user)]


def test_keyring_store_uses_service_and_origin() -> None:
    kr = FakeKeyring()
    store = KeyringTokenStore(kr)
    store.put("https://h:443/", "tok")
    assert kr.data == {("trino-tui", "https://h:443"): "tok"}
    assert store.get("https://h") == "tok"
    store.delete("https://h")
    store.delete("https://h")  # absent: no error
    assert store.get("https://h") is None


def test_keyring_failures_read_as_missing() -> None:
    store = KeyringTokenStore(FakeKeyring(broken=True))
    store.put("https://h", "tok")
    assert store.get("https://h") is None


def test_default_store_prefers_a_usable_keyring(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(token_cache, "usable_keyring", lambda: FakeKeyring())
    assert isinstance(default_token_store(), KeyringTokenStore)
    monkeypatch.setattr(token_cache, "usable_keyring", lambda: None)
    store = default_token_store()
    assert isinstance(store, FileTokenStore) and store.path == tmp_path / "trino-tui" / "tokens.json"


def test_usable_keyring_rejects_fail_backend(monkeypatch) -> None:
    import sys
    monkeypatch.setitem(sys.modules, "keyring", FakeKeyring(priority=0))
    assert token_cache.usable_keyring() is None
    monkeypatch.setitem(sys.modules, "keyring", FakeKeyring(priority=1))
    assert token_cache.usable_keyring() is not None


def test_memory_store() -> None:
    store = MemoryTokenStore()
    store.put("https://h", "t")
    assert store.get("https://h:443") == "t"
    store.delete("https://h")
    assert store.get("https://h") is None
