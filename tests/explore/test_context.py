"""ConnectionContext / context_from and ExploreConnection wiring."""

from __future__ import annotations

from types import SimpleNamespace

from trino_tui.explore.connection import ExploreConnection, connection_key
from trino_tui.explore.context import context_from

from .fakes import tpch_runner


def test_context_follows_the_live_session_and_names_the_protocol():
    config = SimpleNamespace(server="https://bob:pw@trino.example:8443", user="bob", catalog="tpch", schema="tiny",
                             session_properties={"query_max_run_time": "1h"})
    ctx = context_from(config)
    assert ctx.host == "trino.example:8443" and ctx.location == "tpch.tiny" and ctx.protocol == ""
    assert "pw" not in ctx.text()
    session = SimpleNamespace(user="bob", catalog="tpch", schema="sf1", properties={"b": "2", "a": "1"})
    ctx = context_from(config, session, encoding="json+zstd", ran=True)
    assert ctx.text() == ("server trino.example:8443  user bob  in tpch.sf1  session a=1, b=2  "
                          "protocol spooled json+zstd")
    assert context_from(config, session, encoding=None, ran=True).protocol == "direct"
    assert context_from(SimpleNamespace(server="", user="u")).location == "(no catalog)"


def test_explore_connection_completes_through_its_own_pool():
    conn = ExploreConnection(tpch_runner(), key=connection_key("http://u:p@h:1", "u"))
    try:
        assert conn.key == "u@http://h:1"
        eng = conn.engine(lambda: ("tpch", "tiny"))
        eng.complete("SELECT * FROM tpch.tiny.li", 26)
        conn.loader.wait_idle()
        eng.complete("SELECT * FROM tpch.tiny.li", 26)
        conn.loader.wait_idle()
        assert [c.label for c in eng.complete("SELECT * FROM tpch.tiny.li", 26).items] == ["lineitem"]
    finally:
        conn.close()
