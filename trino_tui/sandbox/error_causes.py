"""The `cause` chain Trino 476 puts under an error's failureInfo, per kind of error.

Owns `causes_for(error_name, message, failure_type)` -> ((type, message | None), ...), outermost
cause first (recorded from real Trino 476: tests/fixtures/real_trino/fidelity.json, `e_*`
entries). Errors Trino raises without a cause (TABLE_NOT_FOUND, INVALID_CAST_ARGUMENT, ...) get
none. Pure; thread-safe.
"""

from __future__ import annotations

Cause = tuple[str, "str | None"]

PARSING = "io.trino.sql.parser.ParsingException"
_TRINO = "io.trino.spi.TrinoException"

# Trino's candidate list for $operator$ADD (its message names every signature it tried)
_ADD_EXPECTED = ", ".join(f"$operator$ADD({a})" for a in (
    "bigint, bigint", "date, interval day to second", "date, interval year to month",
    "decimal(a_precision,a_scale), decimal(b_precision,b_scale)", "double, double", "integer, integer",
    "interval day to second, date", "interval day to second, interval day to second",
    "interval day to second, time(p) with time zone", "interval day to second, time(p)",
    "interval day to second, timestamp(p) with time zone", "interval day to second, timestamp(p)",
    "interval year to month, date", "interval year to month, interval year to month",
    "interval year to month, timestamp(p) with time zone", "interval year to month, timestamp(p)",
    "real, real", "smallint, smallint", "time(p) with time zone, interval day to second",
    "time(p), interval day to second", "timestamp(p) with time zone, interval day to second",
    "timestamp(p) with time zone, interval year to month", "timestamp(p), interval day to second",
    "timestamp(p), interval year to month", "tinyint, tinyint"))
_OPERATORS = {"+": "ADD", "-": "SUBTRACT", "*": "MULTIPLY", "/": "DIVIDE", "%": "MODULUS"}
_APPLY = "Cannot apply operator: "


def _operator_causes(message: str) -> tuple[Cause, ...]:
    """TYPE_MISMATCH 'Cannot apply operator: integer + varchar(1)': an OperatorNotFoundException
    caused by the function resolver's 'Unexpected parameters' failure."""
    left, _, rest = message[len(_APPLY):].partition(" ")
    op, _, right = rest.partition(" ")
    name = _OPERATORS.get(op)
    if name is None:
        return (("io.trino.metadata.OperatorNotFoundException", message),)
    inner = f"Unexpected parameters ({left}, {right}) for function $operator${name}"
    if name == "ADD":
        inner += f". Expected: {_ADD_EXPECTED}"
    return (("io.trino.metadata.OperatorNotFoundException", message), (_TRINO, inner))


def causes_for(error_name: str, message: str, failure_type: str) -> tuple[Cause, ...]:
    """Cause chain for an error (*message* without the "line L:C: " prefix)."""
    if failure_type == PARSING:
        return (("org.antlr.v4.runtime.InputMismatchException", None),)
    if error_name == "DIVISION_BY_ZERO":
        return (("java.lang.ArithmeticException", "/ by zero"),)
    if error_name == "FUNCTION_NOT_FOUND":
        return ((_TRINO, message),)
    if error_name == "TYPE_MISMATCH" and message.startswith(_APPLY):
        return _operator_causes(message)
    return ()
