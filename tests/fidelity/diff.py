"""Comparing a sandbox step shape with the recorded real-Trino step shape.

``diff_step`` returns one line per difference. Differences that are accepted by design (see
docs/real-trino.md "Accepted differences") are not reported: intermediate query states (they
depend on timing), the inline/spooled split of segments (it depends on page sizes), and the
values of volatile answers (``rows=False`` entries: plans, node lists, statistics).
"""

from __future__ import annotations

STATE_ORDER = ("QUEUED", "WAITING_FOR_RESOURCES", "DISPATCHING", "PLANNING", "STARTING", "RUNNING", "FINISHING",
               "FINISHED", "FAILED")
EXACT = ("http_status", "first_keys", "keys", "last_keys", "stats_keys", "root_stage_keys",
         "update_type", "update_count", "warnings", "acks", "session_after")
ERROR_FIELDS = ("errorName", "errorCode", "errorType", "errorLocation", "message", "keys", "failureInfo_keys")
RECORDED_LATER = ("failureInfo_causes",)  # compared where the recording has them (recorded in round 3)


# Trino sends partialCancelUri only on responses produced while a stage runs, so whether a short
# query's answers carry it depends on timing; it is compared only for results of 10000+ rows.
TIMING_KEYS = {"partialCancelUri"}


# A query that fails may or may not have published its output columns (and a root stage) first:
# Trino's column listener races the failure (e.g. SELECT 1 / 0 either way), so for failed
# statements these are not compared. The same holds for updateType: a statement that fails in
# execution (e.g. SET SESSION of an unknown property) carries it on some runs and not on others.
FAILURE_TIMING_KEYS = {"columns", "rootStage", "updateType"}
FAILURE_TIMING_FIELDS = ("root_stage_keys", "update_type")  # the recorded fields those keys feed


def _keys(values: list[str], strict: bool, failed: bool = False) -> list[str]:
    drop = (set() if strict else TIMING_KEYS) | (FAILURE_TIMING_KEYS if failed else set())
    return [v for v in values if v not in drop]


def _field(name: str, trino: object, sandbox: object) -> str:
    if isinstance(trino, list) and isinstance(sandbox, list) and all(isinstance(x, str) for x in trino + sandbox):
        return (f"{name}: missing in sandbox={sorted(set(trino) - set(sandbox))} "
                f"extra in sandbox={sorted(set(sandbox) - set(trino))}")
    return f"{name}: trino={trino!r} sandbox={sandbox!r}"


def _close(a: object, b: object) -> bool:
    """Equal, with doubles equal up to summation order (relative 1e-12)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


def _rows_diff(trino: dict, sandbox: dict) -> list[str]:
    if trino.get("sha256") == sandbox.get("sha256"):
        return []
    tv, sv = trino.get("values"), sandbox.get("values")
    if tv is not None and sv is not None and _close(tv, sv):
        return []
    if trino["count"] != sandbox["count"]:
        return [f"rows: trino={trino['count']} rows sandbox={sandbox['count']} rows "
                f"(first: trino={str((tv or trino.get('head') or [None])[:1])[:200]} "
                f"sandbox={str((sv or sandbox.get('head') or [None])[:1])[:200]})"]
    tv, sv = tv or trino.get("head", []), sv or sandbox.get("head", [])
    for i, (a, b) in enumerate(zip(tv, sv)):
        if not _close(a, b):
            return [f"rows[{i}]: trino={str(a)[:300]} sandbox={str(b)[:300]}"]
    return [f"rows: same first rows, different digest over {trino['count']} rows"]


def _columns_diff(trino: list | None, sandbox: list | None) -> list[str]:
    if trino is None or sandbox is None or len(trino) != len(sandbox):
        return [f"columns: trino={trino} sandbox={sandbox}"]
    return [f"columns[{i}]: trino={a} sandbox={b}" for i, (a, b) in enumerate(zip(trino, sandbox)) if a != b]


def _states_ok(trino: list[str], sandbox: list[str]) -> bool:
    if not sandbox or sandbox[0] != trino[0] or sandbox[-1] != trino[-1]:
        return False
    ranks = [STATE_ORDER.index(s) if s in STATE_ORDER else -1 for s in sandbox]
    return -1 not in ranks and ranks == sorted(ranks)


def _data_diff(trino: dict | None, sandbox: dict | None) -> list[str]:
    if (trino is None) != (sandbox is None):
        return [f"data: trino={'spooled' if trino else 'direct'} sandbox={'spooled' if sandbox else 'direct'}"]
    if trino is None or sandbox is None:
        return []
    out = [f"data.{k}: trino={trino[k]} sandbox={sandbox[k]}" for k in ("encoding", "keys") if trino[k] != sandbox[k]]
    for part in ("segment_keys", "metadata_keys"):
        for kind in sorted(set(trino[part]) & set(sandbox[part])):
            if trino[part][kind] != sandbox[part][kind]:
                out.append(f"data.{part}[{kind}]: trino={trino[part][kind]} sandbox={sandbox[part][kind]}")
    return out


def diff_step(trino: dict, sandbox: dict, compare_rows: bool) -> list[str]:
    strict = trino["rows"]["count"] >= 10000  # several pages: Trino is certainly mid-stage at some poll
    failed = trino["error"] is not None
    out = []
    for k in EXACT:
        t, s = trino[k], sandbox[k]
        if k in FAILURE_TIMING_FIELDS and failed:
            continue
        if k.endswith("keys") and isinstance(t, list):
            t, s = _keys(t, strict, failed), _keys(s, strict, failed)
        if t != s:
            out.append(_field(k, t, s))
    if trino["columns"] != sandbox["columns"] and not (failed and None in (trino["columns"], sandbox["columns"])):
        out += _columns_diff(trino["columns"], sandbox["columns"])
    if not _states_ok(trino["states"], sandbox["states"]):
        out.append(f"states: trino={trino['states']} sandbox={sandbox['states']}")
    te, se = trino["error"], sandbox["error"]
    if (te is None) != (se is None):
        out.append(f"error: trino={te and te['errorName']} sandbox={se and (se['errorName'], se['message'])}")
    elif te and se:
        out += [_field(f"error.{k}", te.get(k), se.get(k)) for k in ERROR_FIELDS if te.get(k) != se.get(k)]
        out += [_field(f"error.{k}", te[k], se.get(k)) for k in RECORDED_LATER if k in te and te[k] != se.get(k)]
    if compare_rows:
        out += _rows_diff(trino["rows"], sandbox["rows"])
    elif trino["rows"]["count"] != sandbox["rows"]["count"] and trino["rows"]["count"] and not sandbox["rows"]["count"]:
        out.append(f"rows.count: trino={trino['rows']['count']} sandbox={sandbox['rows']['count']}")
    th, sh = trino["headers"], sandbox["headers"]
    if sorted(th["trino"]) != sorted(sh["trino"]):
        out.append(f"headers.x-trino-*: trino={th['trino']} sandbox={sh['trino']}")
    else:
        out += [f"header {k}: trino={v} sandbox={sh['trino'][k]}" for k, v in th["trino"].items() if sh["trino"][k] != v]
    if set(th["names"]) != set(sh["names"]):
        out.append(f"headers.names: only trino={sorted(set(th['names']) - set(sh['names']))} "
                   f"only sandbox={sorted(set(sh['names']) - set(th['names']))}")
    return out + _data_diff(trino["data"], sandbox["data"])


def diff_entry(trino_steps: list[dict], sandbox_steps: list[dict], compare_rows: bool) -> list[str]:
    out = []
    for i, (t, s) in enumerate(zip(trino_steps, sandbox_steps)):
        out += [f"step {i + 1} ({t['sql'][:60]!r}): {d}" for d in diff_step(t, s, compare_rows)]
    return out


def field_of(line: str) -> str:
    """The field a diff line is about: 'step 2 (...): columns[3]: ...' -> 'columns'."""
    rest = line.split("): ", 1)[1] if line.startswith("step ") else line
    name = rest.split(":", 1)[0].split("[", 1)[0]
    return "header" if name.startswith("header ") else name
