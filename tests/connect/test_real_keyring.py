"""Token cache and password_keyring through the real `keyring` package (optional extra) with an
in-memory backend installed for the test; skipped when keyring is not installed."""

from __future__ import annotations

import pytest

keyring = pytest.importorskip("keyring")
from keyring.backend import KeyringBackend  # noqa: E402

from trino_tui.client.token_cache import KeyringTokenStore, default_token_store  # noqa: E402
from trino_tui.core.secrets import keyring_secret  # noqa: E402


def _memory_backend_class():
    """Defined only inside the fixture: keyring registers every KeyringBackend subclass as a
    candidate, so a module-level class would become the process's default backend."""

    class MemoryBackend(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.data: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.data.get((service, username))

        def set_password(self, service, username, password):
            self.data[(service, username)] = password

        def delete_password(self, service, username):
            from keyring.errors import PasswordDeleteError
            if (service, username) not in self.data:
                raise PasswordDeleteError(username)
            del self.data[(service, username)]

    return MemoryBackend


@pytest.fixture
def backend():
    previous = keyring.get_keyring()  # initialise keyring's choice before our class exists
    mem = _memory_backend_class()()
    keyring.set_keyring(mem)
    try:
        yield mem
    finally:
        keyring.set_keyring(previous)


def test_tokens_go_to_the_keyring_when_it_has_a_backend(backend) -> None:
    store = default_token_store()
    assert isinstance(store, KeyringTokenStore)
    store.put("https://trino.example.com", "tok")
    assert backend.data == {("trino-tui", "https://trino.example.com:443"): "tok"}
    assert store.get("https://trino.example.com:443/") == "tok"
    store.delete("https://trino.example.com")
    store.delete("https://trino.example.com")
    assert backend.data == {}


def test_password_keyring_reads_the_real_api(backend) -> None:
    keyring.set_password("trino-prod", "alice", "pw")
    assert keyring_secret("trino-prod", "alice") == "pw"
