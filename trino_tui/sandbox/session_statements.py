"""Trino's session statements in the sandbox: prepared statements, transactions, roles, time zone
and session authorization.

Owns: `SessionStatements.run` (significant tokens -> StatementResult, or None when the statement is
not one of these) and `Transactions` (the ids of open transactions, with isolation level and read
only flag). The session state itself lives in the client, as in Trino: results carry
`SessionChanges` that the coordinator turns into X-Trino-* response headers. Transactions are
emulated: reads see the committed state (which is all there is), writes inside an explicit
transaction fail like a Trino connector that only writes in autocommit mode. Thread-safe.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable

from .describe_prepared import describe_input, describe_output
from .engine_api import EngineOps, SessionContext
from .resultset import SessionChanges, StatementResult
from .sql_errors import TrinoError, at
from .sqltext import Token, significant, string_value, tokenize

_PARSING = "io.trino.sql.parser.ParsingException"
_ISOLATION = ("read uncommitted", "read committed", "repeatable read", "serializable")


_DESCRIBE_OUTPUT = [("Column Name", "varchar"), ("Catalog", "varchar"), ("Schema", "varchar"), ("Table", "varchar"),
                    ("Type", "varchar"), ("Type Size", "integer"), ("Aliased", "boolean")]
TRANSACTION_IDLE_TIMEOUT = 300.0  # seconds; Trino's transaction.idle-timeout default is 5m


@dataclass(frozen=True)
class Transaction:
    transaction_id: str
    isolation: str
    read_only: bool


class Transactions:
    """Open transactions by id; one idle for TRANSACTION_IDLE_TIMEOUT is forgotten. Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._open: dict[str, Transaction] = {}
        self._used: dict[str, float] = {}
        self._clock = clock
        self._lock = threading.Lock()

    def start(self, isolation: str, read_only: bool) -> Transaction:
        tx = Transaction(str(uuid.uuid4()), isolation, read_only)
        now = self._clock()
        with self._lock:
            for old in [t for t, used in self._used.items() if now - used > TRANSACTION_IDLE_TIMEOUT]:
                self._open.pop(old, None)
                self._used.pop(old, None)
            self._open[tx.transaction_id] = tx
            self._used[tx.transaction_id] = now
        return tx

    def get(self, transaction_id: str) -> Transaction:
        with self._lock:
            tx = self._open.get(transaction_id)
            if tx is not None:
                self._used[transaction_id] = self._clock()
        if tx is None:
            raise TrinoError("UNKNOWN_TRANSACTION",
                             f"Unknown transaction ID: {transaction_id}. Possibly expired on server restart.")
        return tx

    def end(self, transaction_id: str) -> None:
        self.get(transaction_id)
        with self._lock:
            self._open.pop(transaction_id, None)
            self._used.pop(transaction_id, None)


def _syntax(sql: str, tok: Token | None, expecting: str) -> TrinoError:
    got = tok.text if tok is not None else "<EOF>"
    return at("SYNTAX_ERROR", f"mismatched input '{got}'. Expecting: {expecting}", sql,
              tok.start if tok is not None else len(sql), failure_type=_PARSING)


def _done(update_type: str, changes: SessionChanges | None = None, **kw: object) -> StatementResult:
    return StatementResult([], is_query=False, update_type=update_type, total_rows=0,
                           changes=changes or SessionChanges(), **kw)  # type: ignore[arg-type]


def split_arguments(sig: list[Token], sql: str) -> list[str]:
    """The source texts of a comma-separated expression list (commas inside brackets do not split)."""
    items: list[str] = []
    depth = 0
    start: int | None = None
    for tok in sig:
        if tok.text in ("(", "["):
            depth += 1
        elif tok.text in (")", "]"):
            depth -= 1
        if tok.text == "," and depth == 0:
            if start is None:
                raise _syntax(sql, tok, "<expression>")
            items.append(sql[start:prev_end])
            start = None
            continue
        if start is None:
            start = tok.start
        prev_end = tok.end
    if start is not None:
        items.append(sql[start:prev_end])
    elif items:
        raise _syntax(sql, None, "<expression>")
    return items


def bind_parameters(statement: str, values: list[str]) -> str:
    """*statement* with its `?` parameters replaced by the (parenthesised) USING expressions."""
    sig = [t for t in significant(tokenize(statement)) if t.text == "?"]
    if len(sig) != len(values):
        raise TrinoError("INVALID_PARAMETER_USAGE",
                         f"Incorrect number of parameters: expected {len(sig)} but found {len(values)}")
    out, pos = [], 0
    for tok, value in zip(sig, values):
        out += [statement[pos:tok.start], f"({value})"]
        pos = tok.end
    return "".join(out) + statement[pos:]


class SessionStatements:
    """Executes the statements listed in the module docstring."""

    def __init__(self, engine: EngineOps) -> None:
        self._engine = engine
        self.transactions = Transactions()

    def check_transaction(self, session: SessionContext, writes: bool) -> None:
        """Fail a statement that names an unknown transaction, or writes inside a transaction."""
        if session.transaction_id is None:
            return
        tx = self.transactions.get(session.transaction_id)
        if writes and tx.read_only:
            raise TrinoError("READ_ONLY_VIOLATION", "Cannot execute write in a read-only transaction")
        if writes:
            raise TrinoError("AUTOCOMMIT_WRITE_CONFLICT", "Catalog only supports writes using autocommit: memory")

    def run(self, sig: list[Token], sql: str, session: SessionContext) -> StatementResult | None:
        w = [t.lower for t in sig[:4]] + [""] * 4
        if w[0] == "prepare":
            return self._prepare(sig, sql)
        if w[0] == "execute" and w[1] == "immediate":
            return self._execute_immediate(sig, sql, session)
        if w[0] == "execute":
            return self._execute(sig, sql, session)
        if w[0] == "deallocate":
            return self._deallocate(sig, sql, session)
        if w[0] in ("describe", "desc") and w[1] in ("input", "output") and len(sig) >= 3:
            return self._describe(sig, sql, session, w[1])
        if w[0] == "start" and w[1] == "transaction":
            return self._start(sig, sql, session)
        if w[0] in ("commit", "rollback"):
            return self._end(sig, sql, session, w[0])
        if w[0] == "set" and w[1] == "role":
            return self._set_role(sig, sql)
        if w[0] == "set" and w[1:3] == ["time", "zone"]:
            return self._set_time_zone(sig, sql)
        if w[0] in ("set", "reset") and w[1:3] == ["session", "authorization"]:
            return self._authorization(sig, sql, w[0])
        return None

    # ------------------------------------------------------------------ prepared statements

    @staticmethod
    def _statement_name(sig: list[Token], i: int, sql: str) -> str:
        if i >= len(sig) or not sig[i].is_ident:
            raise _syntax(sql, sig[i] if i < len(sig) else None, "<identifier>")
        return sig[i].ident

    def _prepare(self, sig: list[Token], sql: str) -> StatementResult:
        name = self._statement_name(sig, 1, sql)
        if len(sig) < 4 or sig[2].lower != "from":
            raise _syntax(sql, sig[2] if len(sig) > 2 else None, "'FROM'")
        body = sql[sig[3].start:sig[-1].end]
        return _done("PREPARE", SessionChanges(added_prepare={name: body}))

    def _lookup(self, session: SessionContext, name: str) -> str:
        text = session.prepared.get(name)
        if text is None:
            raise TrinoError("NOT_FOUND", f"Prepared statement not found: {name}")
        return text

    def _using(self, sig: list[Token], i: int, sql: str) -> list[str]:
        if i >= len(sig):
            return []
        if sig[i].lower != "using":
            raise _syntax(sql, sig[i], "'USING', <EOF>")
        values = split_arguments(sig[i + 1:], sql)
        if not values:
            raise _syntax(sql, None, "<expression>")
        return values

    def _execute(self, sig: list[Token], sql: str, session: SessionContext) -> StatementResult:
        name = self._statement_name(sig, 1, sql)
        statement = self._lookup(session, name)
        return self._engine.execute(bind_parameters(statement, self._using(sig, 2, sql)), session)

    def _execute_immediate(self, sig: list[Token], sql: str, session: SessionContext) -> StatementResult:
        if len(sig) < 3 or sig[2].kind != "string":
            raise _syntax(sql, sig[2] if len(sig) > 2 else None, "<string>")
        statement = string_value(sig[2])
        return self._engine.execute(bind_parameters(statement, self._using(sig, 3, sql)), session)

    def _deallocate(self, sig: list[Token], sql: str, session: SessionContext) -> StatementResult:
        if len(sig) != 3 or sig[1].lower != "prepare":
            raise _syntax(sql, sig[1] if len(sig) > 1 else None, "'PREPARE'")
        name = self._statement_name(sig, 2, sql)
        self._lookup(session, name)
        return _done("DEALLOCATE", SessionChanges(deallocated_prepare=(name,)))

    def _describe(self, sig: list[Token], sql: str, session: SessionContext, what: str) -> StatementResult:
        name = self._statement_name(sig, 2, sql)
        if len(sig) > 3:
            raise _syntax(sql, sig[3], "<EOF>")
        statement = self._lookup(session, name)
        count = sum(1 for t in significant(tokenize(statement)) if t.text == "?")
        if what == "input":
            return self._engine.list_result([("Position", "integer"), ("Type", "varchar")],
                                            describe_input(self._engine, statement, session), bounded=True)
        first = next((t.lower for t in significant(tokenize(statement))), "")
        if first not in ("select", "with", "values", "table", "("):  # never run a write to describe it
            return self._engine.list_result(_DESCRIBE_OUTPUT, [], bounded=True)
        result = self._engine.execute(bind_parameters(statement, ["NULL"] * count), session)
        result.close()
        rows = describe_output(self._engine, statement, session, result.columns if result.is_query else [])
        return self._engine.list_result(_DESCRIBE_OUTPUT, rows, bounded=True)

    # ------------------------------------------------------------------ transactions

    def _start(self, sig: list[Token], sql: str, session: SessionContext) -> StatementResult:
        if session.transaction_id is not None:
            raise TrinoError("NOT_SUPPORTED", "Nested transactions not supported")
        isolation, read_only = "read uncommitted", False
        i = 2
        while i < len(sig):
            if sig[i].text == "," and i > 2:
                i += 1
            words = [t.lower for t in sig[i:i + 4]]
            if words[:2] == ["isolation", "level"]:
                level = " ".join(words[2:4]) if " ".join(words[2:4]) in _ISOLATION else words[2] if len(words) > 2 else ""
                if level not in _ISOLATION:
                    raise _syntax(sql, sig[i + 2] if i + 2 < len(sig) else None, "'READ', 'REPEATABLE', 'SERIALIZABLE'")
                isolation, i = level, i + 2 + len(level.split())
            elif words[:2] in (["read", "only"], ["read", "write"]):
                read_only, i = words[1] == "only", i + 2
            else:
                raise _syntax(sql, sig[i], "'ISOLATION', 'READ', <EOF>")
        tx = self.transactions.start(isolation, read_only)
        return _done("START TRANSACTION", SessionChanges(started_transaction_id=tx.transaction_id))

    def _end(self, sig: list[Token], sql: str, session: SessionContext, verb: str) -> StatementResult:
        if len(sig) > 2 or (len(sig) == 2 and sig[1].lower != "work"):
            raise _syntax(sql, sig[1], "'WORK', <EOF>")
        if session.transaction_id is None:
            raise TrinoError("NOT_IN_TRANSACTION", "No transaction in progress")
        self.transactions.end(session.transaction_id)
        return _done(verb.upper(), SessionChanges(clear_transaction_id=True))

    # ------------------------------------------------------------------ roles, zone, authorization

    def _set_role(self, sig: list[Token], sql: str) -> StatementResult:
        if len(sig) < 3 or not sig[2].is_ident:
            raise _syntax(sql, sig[2] if len(sig) > 2 else None, "'ALL', 'NONE', <identifier>")
        role = sig[2].ident
        catalog = "system"
        if len(sig) == 5 and sig[3].lower == "in" and sig[4].is_ident:
            catalog = sig[4].ident
            self._engine.check_schema(catalog, None, sql, sig[4].start)
        elif len(sig) != 3:
            raise _syntax(sql, sig[3], "'IN', <EOF>")
        if role.lower() in ("all", "none"):
            return _done("SET ROLE", SessionChanges(set_role={catalog: role.upper()}))
        raise at("ROLE_NOT_FOUND", f"Role '{role}' does not exist", sql, sig[2].start)

    def _set_time_zone(self, sig: list[Token], sql: str) -> StatementResult:
        rest = sig[3:]
        if len(rest) == 1 and rest[0].lower == "local":
            return _done("SET TIME ZONE", clear_session=["time_zone_id"])
        if len(rest) == 1 and rest[0].kind == "string":
            zone = string_value(rest[0])
        elif len(rest) == 5 and rest[0].lower == "interval" and rest[1].kind == "string" and \
                [t.lower for t in rest[2:]] == ["hour", "to", "minute"]:
            zone = string_value(rest[1]).strip()
            if zone[:1] not in "+-":
                zone = "+" + zone
        elif not rest:
            raise _syntax(sql, None, "'LOCAL', <expression>")
        else:
            raise at("NOT_SUPPORTED", "SET TIME ZONE with an expression is not supported by the sandbox "
                     "(use a zone name string, an INTERVAL HOUR TO MINUTE literal or LOCAL)", sql, rest[0].start)
        zone_of = getattr(self._engine, "zone", None)
        if callable(zone_of):
            try:
                zone_of(zone)
            except TrinoError:
                raise at("INVALID_LITERAL", f"Time zone not supported: {zone}", sql, rest[0].start) from None
        return _done("SET TIME ZONE", set_session={"time_zone_id": zone})

    def _authorization(self, sig: list[Token], sql: str, verb: str) -> StatementResult:
        if verb == "reset":
            if len(sig) != 3:
                raise _syntax(sql, sig[3], "<EOF>")
            return _done("RESET SESSION AUTHORIZATION", SessionChanges(reset_authorization_user=True))
        if len(sig) != 4 or not (sig[3].is_ident or sig[3].kind == "string"):
            raise _syntax(sql, sig[3] if len(sig) > 3 else None, "<identifier>, <string>")
        user = string_value(sig[3]) if sig[3].kind == "string" else sig[3].ident
        return _done("SET SESSION AUTHORIZATION", SessionChanges(set_authorization_user=user))
