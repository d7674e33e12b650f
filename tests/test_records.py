"""``trino_tui.records.record`` behaves as ``dataclasses.dataclass`` for what the code base uses."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import field
from typing import ClassVar

import pytest

from trino_tui.records import record


def _pair(frozen: bool = True, eq: bool = True):
    """The same class body made by dataclass and by record."""

    def body():
        class C:
            kind: ClassVar[str] = "c"
            a: int
            b: str = "x"
            c: list = field(default_factory=list)
            secret: str | None = field(default=None, repr=False)
            note: str = field(default="", compare=False)
            made: int = field(default=7, init=False)

        return C

    return (dataclasses.dataclass(frozen=frozen, eq=eq)(body()), record(frozen=frozen, eq=eq)(body()))


@pytest.mark.parametrize("frozen", [True, False])
def test_init_repr_eq_match_dataclass(frozen: bool) -> None:
    D, R = _pair(frozen)
    for args, kwargs in [((1,), {}), ((1, "y"), {"secret": "s", "note": "n"}), ((), {"a": 2, "c": [1]})]:
        d, r = D(*args, **kwargs), R(*args, **kwargs)
        assert repr(r) == repr(d)
        assert dataclasses.asdict(r) == dataclasses.asdict(d)
        assert r == R(*args, **kwargs) and d == D(*args, **kwargs)
    assert R(1, note="p") == R(1, note="q")          # compare=False is not compared
    assert R(1) != R(2) and R(1) != D(1)              # another class is never equal
    assert R(1).c is not R(1).c                       # a fresh default_factory value each time
    assert R(1).made == 7 and R.kind == "c"
    assert dataclasses.is_dataclass(R) and [f.name for f in dataclasses.fields(R)] == [f.name for f in dataclasses.fields(D)]
    assert dataclasses.replace(R(1, "y"), a=5) == R(5, "y")
    assert R.__match_args__ == D.__match_args__
    assert R.__doc__ == "C(a, b, c, secret, note)"  # an undocumented class is named by its fields


@pytest.mark.parametrize("frozen", [True, False])
def test_hashing_and_assignment(frozen: bool) -> None:
    D, R = _pair(frozen)
    r = R(1, c=())
    if frozen:
        assert hash(r) == hash(D(1, c=())) == hash(R(1, c=(), note="other")) and hash(r) != hash(R(2, c=()))
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.a = 2
        with pytest.raises(dataclasses.FrozenInstanceError):
            del r.a
    else:
        with pytest.raises(TypeError):
            hash(r)
        r.a = 3
        assert r == R(3, c=())


def test_eq_false_keeps_identity() -> None:
    _, R = _pair(frozen=False, eq=False)
    a, b = R(1), R(1)
    assert a != b and a == a and hash(a) != hash(b)


@pytest.mark.parametrize("frozen", [True, False])
def test_argument_errors_match_dataclass(frozen: bool) -> None:
    D, R = _pair(frozen)
    for args, kwargs in [((), {}), ((1, "b", [], None, "", 9), {}), ((1,), {"a": 1}), ((1,), {"zz": 1}),
                         ((1,), {"made": 1})]:
        with pytest.raises(TypeError) as dc:
            D(*args, **kwargs)
        with pytest.raises(TypeError) as rc:
            R(*args, **kwargs)
        for phrase in ("missing", "multiple values", "unexpected keyword", "positional arguments"):
            assert (phrase in str(rc.value)) == (phrase in str(dc.value)), (str(rc.value), str(dc.value))


def test_post_init_inheritance_copy_pickle() -> None:
    @record
    class Base:
        x: int
        y: int = 0

        def __post_init__(self) -> None:
            object.__setattr__(self, "y", self.y or self.x * 2)

    @record
    class Child(Base):
        z: str = "z"

    c = Child(3)
    assert (c.x, c.y, c.z) == (3, 6, "z") and repr(c) == "test_post_init_inheritance_copy_pickle.<locals>.Child(x=3, y=6, z='z')"
    assert copy.copy(c) == c and copy.deepcopy(c) == c
    assert pickle.loads(pickle.dumps(_Picklable(1, "p"))) == _Picklable(1, "p")


@record
class _Picklable:
    a: int
    b: str


def test_unsupported_forms_are_refused() -> None:
    with pytest.raises(TypeError):
        @record
        class Own:
            a: int

            def __init__(self) -> None:
                pass

    with pytest.raises(TypeError):
        @record
        class KwOnly:
            a: int = field(kw_only=True)
