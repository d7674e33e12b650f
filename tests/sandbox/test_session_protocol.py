"""Issue 16: the statement protocol's session features, through the official `trino` client's own
APIs (qmark parameters in both prepared-statement modes, isolation-level transactions) and through
plain HTTP against what real Trino 476 answered (tests/fixtures/real_trino/fidelity.json)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote_plus

import httpx
import pytest
import trino
from trino.transaction import IsolationLevel

from tests.sandbox.helpers_server import real_sandbox, trino_connect
from trino_tui.sandbox.sql_errors import TrinoError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real_trino" / "fidelity.json"


@pytest.fixture(scope="module")
def sb():
    with real_sandbox() as sandbox:
        yield sandbox


def texts(sb) -> list[str]:
    return [q["query"] for q in sb.system_info.queries()]


@pytest.mark.parametrize("legacy, marker", [(True, "PREPARE st_"), (False, "EXECUTE IMMEDIATE"),
                                            (None, "EXECUTE IMMEDIATE")])
def test_qmark_parameters(sb, legacy, marker) -> None:
    conn = trino_connect(sb, None, legacy_prepared_statements=legacy, catalog="tpch", schema="tiny")
    cur = conn.cursor()
    before = len(texts(sb))
    cur.execute("SELECT ?, ? || 'x', ?, ?", [1, "a'b", None, 2.5])
    assert cur.fetchall() == [[1, "a'bx", None, 2.5]]
    cur.execute("SELECT name FROM nation WHERE nationkey = ? AND regionkey = ?", [3, 1])
    assert cur.fetchall() == [["CANADA"]]
    sent = texts(sb)[before:]
    assert any(t.startswith(marker) for t in sent), sent
    if legacy:
        assert any(t.startswith("DEALLOCATE PREPARE st_") for t in sent)
    with pytest.raises(trino.exceptions.TrinoUserError) as info:
        cur.execute("SELECT ?", [1, 2])
    assert info.value.error_name == "INVALID_PARAMETER_USAGE"
    assert info.value.message == "Incorrect number of parameters: expected 1 but found 2"


def test_isolation_level_transaction_commit_and_rollback(sb) -> None:
    conn = trino_connect(sb, None, isolation_level=IsolationLevel.REPEATABLE_READ, catalog="tpch", schema="tiny")
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM nation")
    assert cur.fetchall() == [[25]]
    tx = conn.transaction.id
    assert tx != "NONE" and sb.engine.sessions.transactions.get(tx).transaction_id == tx
    cur.execute("SELECT 1")  # statements inside the transaction carry its id
    cur.fetchall()
    conn.commit()
    assert "COMMIT" in texts(sb)
    with pytest.raises(TrinoError) as info:
        sb.engine.sessions.transactions.get(tx)
    assert info.value.error_name == "UNKNOWN_TRANSACTION"
    cur = conn.cursor()
    cur.execute("SELECT 2")
    assert cur.fetchall() == [[2]]
    conn.rollback()
    assert "ROLLBACK" in texts(sb)


def test_writes_inside_a_transaction_are_refused(sb) -> None:
    conn = trino_connect(sb, None, isolation_level=IsolationLevel.SERIALIZABLE, catalog="memory", schema="default")
    cur = conn.cursor()
    with pytest.raises(trino.exceptions.TrinoUserError) as info:
        cur.execute("CREATE TABLE tx_t AS SELECT 1 AS x")
    assert info.value.error_name == "AUTOCOMMIT_WRITE_CONFLICT"
    conn.rollback()


def test_session_statements_through_the_client(sb) -> None:
    conn = trino_connect(sb, None, catalog="tpch", schema="tiny")
    cur = conn.cursor()

    def one(sql: str):
        cur.execute(sql)
        return cur.fetchall()

    one("SET TIME ZONE 'America/Los_Angeles'")
    assert cur.update_type == "SET TIME ZONE"
    assert one("SELECT current_timezone()") == [["America/Los_Angeles"]]
    one("SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE")
    assert one("SELECT current_timezone()") == [["+05:30"]]
    one("SET TIME ZONE LOCAL")
    assert one("SELECT current_timezone()") != [["+05:30"]]
    one("SET ROLE ALL")
    assert conn._client_session.roles == {"system": "ALL"}
    one("SET SESSION AUTHORIZATION 'bob'")
    assert one("SELECT current_user") == [["bob"]]
    one("RESET SESSION AUTHORIZATION")
    assert one("SELECT current_user") == [["tester"]]
    one("PREPARE p1 FROM SELECT ? + 1")
    assert one("EXECUTE p1 USING 41") == [[42]]
    assert one("DESCRIBE OUTPUT p1") == [["_col0", "", "", "", "integer", 4, False]]
    assert one("DESCRIBE INPUT p1") == [[0, "integer"]]  # as real Trino 476 answers (fixture s_prepare)
    one("DEALLOCATE PREPARE p1")
    assert cur.update_type == "DEALLOCATE"
    for sql, name, message in [
        ("EXECUTE p1 USING 1", "NOT_FOUND", "Prepared statement not found: p1"),
        ("COMMIT", "NOT_IN_TRANSACTION", "No transaction in progress"),
        ("SET ROLE admin", "ROLE_NOT_FOUND", "line 1:10: Role 'admin' does not exist"),
    ]:
        with pytest.raises(trino.exceptions.TrinoUserError) as info:
            one(sql)
        assert (info.value.error_name, info.value.message) == (name, message)


# ---------------------------------------------------------------- real Trino 476 as the specification

ENTRIES = ["s_prepare", "s_execute_missing", "s_transaction_commit", "s_transaction_rollback",
           "s_commit_without_tx", "s_set_role", "s_time_zone"]
KNOWN = {("s_prepare", "DESCRIBE INPUT p1"): "parameter types are not inferred",
         ("s_prepare", "PREPARE p1 FROM SELECT ? + 1"): "Added-Prepare carries the text as sent, not Trino's formatting"}


class Session:
    """A minimal client session fed by the answer headers (enough for the entries above)."""

    def __init__(self) -> None:
        self.props: dict[str, str] = {}
        self.prepared: dict[str, str] = {}
        self.transaction = "NONE"
        self.roles: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        h = {"X-Trino-User": "fidelity", "X-Trino-Catalog": "tpch", "X-Trino-Schema": "tiny",
             "X-Trino-Transaction-Id": self.transaction}
        if self.props:
            h["X-Trino-Session"] = ",".join(f"{k}={v}" for k, v in self.props.items())
        if self.prepared:
            h["X-Trino-Prepared-Statement"] = ",".join(f"{k}={v}" for k, v in self.prepared.items())
        return h

    def absorb(self, r: httpx.Response) -> dict[str, list[str]]:
        seen: dict[str, list[str]] = {}
        for name, value in r.headers.multi_items():
            low = name.lower()
            if not low.startswith("x-trino-") or low == "x-trino-query-data-encoding":
                continue
            seen.setdefault(low, []).append(value)
            key, _, val = value.partition("=")
            if low == "x-trino-set-session":
                self.props[key] = val
            elif low == "x-trino-clear-session":
                self.props.pop(value, None)
            elif low == "x-trino-added-prepare":
                self.prepared[key] = val
            elif low == "x-trino-deallocated-prepare":
                self.prepared.pop(unquote_plus(value), None)
            elif low == "x-trino-started-transaction-id":
                self.transaction = value
            elif low == "x-trino-clear-transaction-id":
                self.transaction = "NONE"
            elif low == "x-trino-set-role":
                self.roles[key] = unquote_plus(val)
        return seen


def run_statement(http: httpx.Client, sb, session: Session, sql: str) -> dict:
    r = http.post(f"{sb.url}/v1/statement", content=sql.encode(), headers=session.headers())
    seen = session.absorb(r)
    doc = r.json()
    rows: list = []
    while True:
        rows += doc.get("data") or []
        if "nextUri" not in doc:
            break
        r = http.get(doc["nextUri"])
        for k, v in session.absorb(r).items():
            seen.setdefault(k, []).extend(v)
        doc = r.json()
    return {"doc": doc, "rows": rows, "headers": seen}


@pytest.mark.parametrize("entry", ENTRIES)
def test_matches_real_trino(sb, entry: str) -> None:
    steps = json.loads(FIXTURES.read_text())["entries"][entry]
    session = Session()
    with httpx.Client(timeout=30) as http:
        for step in steps:
            got = run_statement(http, sb, session, step["sql"])
            doc, why = got["doc"], KNOWN.get((entry, step["sql"]))
            want_err = step["error"]
            if want_err:
                assert doc["error"]["errorName"] == want_err["errorName"], step["sql"]
                assert doc["error"]["errorCode"] == want_err["errorCode"]
                assert doc["error"]["message"] == want_err["message"]
                continue
            assert "error" not in doc, (step["sql"], doc.get("error"))
            assert doc.get("updateType") == step["update_type"], step["sql"]
            want_headers = {k: ["<uuid>"] if k.endswith("transaction-id") and k.startswith("x-trino-started")
                            else v for k, v in step["headers"]["trino"].items()}
            got_headers = {k: ["<uuid>"] if k == "x-trino-started-transaction-id" else v
                           for k, v in got["headers"].items()}
            if why is None:
                assert got_headers == want_headers, step["sql"]
                assert got["rows"] == step["rows"]["values"], step["sql"]
            else:
                assert set(got_headers) == set(want_headers), (step["sql"], why)
            expected_after = step["session_after"]
            assert (session.transaction != "NONE") == expected_after["in_transaction"], step["sql"]
            assert sorted(session.prepared) == sorted(expected_after["prepared"])
            assert {k: unquote_plus(v) for k, v in session.props.items()} == expected_after["properties"]
            assert session.roles == expected_after["roles"]


def test_describe_output_never_runs_a_write(sbx_engine) -> None:
    from trino_tui.sandbox.engine import SessionContext

    session = SessionContext(user="u", catalog="memory", schema="default",
                             prepared={"w": "CREATE TABLE describe_me AS SELECT 1 AS x"})
    result = sbx_engine.execute("DESCRIBE OUTPUT w", session)
    assert list(result.iter_chunks()) == []
    assert "describe_me" not in sbx_engine.tables("memory", "default")


def test_idle_transactions_are_forgotten() -> None:
    from trino_tui.sandbox.session_statements import TRANSACTION_IDLE_TIMEOUT, Transactions

    now = [0.0]
    txs = Transactions(clock=lambda: now[0])
    old = txs.start("serializable", False)
    now[0] = TRANSACTION_IDLE_TIMEOUT + 1
    txs.start("read committed", True)  # starting one prunes idle ones
    with pytest.raises(TrinoError) as info:
        txs.get(old.transaction_id)
    assert info.value.error_name == "UNKNOWN_TRANSACTION"
