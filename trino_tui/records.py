"""``record``: a dataclass whose methods are shared functions, not source compiled per class.

``dataclasses.dataclass`` writes and compiles ``__init__``, ``__repr__``, ``__eq__`` (and, when
frozen, ``__setattr__``, ``__delattr__``, ``__hash__``) for every class: ~0.8 ms a class here, and
the ~30 value classes a 3-row ``trino-tui --execute`` imports made up ~25 ms of its start-up
(benchmarks/startup.py). A record is still a dataclass (``fields``, ``replace``, ``asdict``,
``is_dataclass`` work; static checkers see it through ``dataclass_transform``) with the same
behaviour: positional/keyword ``__init__`` with defaults and ``default_factory``,
``__post_init__``, ``repr``/``compare`` flags, equality by class and compared fields, frozen
instances that refuse assignment and hash by their compared fields, non-frozen ones unhashable.
Building an instance costs a loop over its fields (~1-2 µs): use it for values made per query,
segment or column, never per row. Not supported (TypeError when the class is made): ``InitVar``,
``kw_only``, ``order``, ``slots``. Pure; thread-safe.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, TypeVar, dataclass_transform, overload

__all__ = ["record"]

T = TypeVar("T")

_REQUIRED, _DEFAULT, _FACTORY = 0, 1, 2


def _plan(f: dataclasses.Field) -> tuple[str, int, Any]:
    if f.default is not dataclasses.MISSING:
        return f.name, _DEFAULT, f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.name, _FACTORY, f.default_factory
    return f.name, _REQUIRED, None


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    plan = cls.__record_init__
    if len(args) > len(plan):
        raise TypeError(f"{cls.__qualname__}.__init__() takes {len(plan) + 1} positional arguments "
                        f"but {len(args) + 1} were given")
    setter = object.__setattr__
    for i, (name, kind, value) in enumerate(plan):
        if i < len(args):
            if name in kwargs:
                raise TypeError(f"{cls.__qualname__}.__init__() got multiple values for argument {name!r}")
            value = args[i]
        elif name in kwargs:
            value = kwargs.pop(name)
        elif kind == _FACTORY:
            value = value()
        elif kind == _REQUIRED:
            raise TypeError(f"{cls.__qualname__}.__init__() missing 1 required positional argument: {name!r}")
        setter(self, name, value)
    if kwargs:
        raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument {next(iter(kwargs))!r}")
    for name, kind, value in cls.__record_fixed__:
        setter(self, name, value() if kind == _FACTORY else value)
    post = getattr(self, "__post_init__", None)
    if post is not None:
        post()


def _repr(self: Any) -> str:
    cls = type(self)
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in cls.__record_repr__)
    return f"{cls.__qualname__}({inner})"


def _key(self: Any) -> tuple:
    return tuple(getattr(self, name) for name in type(self).__record_compare__)


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented  # type: ignore[return-value]
    return _key(self) == _key(other)


def _hash(self: Any) -> int:
    return hash(_key(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _make(cls: type[T], frozen: bool, eq: bool) -> type[T]:
    for name in ("__init__", "__repr__", "__eq__", "__setattr__", "__delattr__", "__hash__"):
        if name in cls.__dict__ and not (name == "__hash__" and cls.__dict__[name] is None):
            raise TypeError(f"record {cls.__qualname__} defines {name}; use @dataclass")
    documented = bool(cls.__dict__.get("__doc__"))
    cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(cls)  # inherited ones first, as dataclass orders them
    if not documented:  # dataclass wrote "Name()" from object.__init__: name the fields instead
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in fields if f.init)})"
    for f in fields:
        if f.kw_only is True:
            raise TypeError(f"record {cls.__qualname__}: kw_only fields are not supported")
    for name, f in cls.__dataclass_fields__.items():  # type: ignore[attr-defined]
        if "InitVar" in str(f.type):
            raise TypeError(f"record {cls.__qualname__}: InitVar {name} is not supported")
    cls.__record_init__ = tuple(_plan(f) for f in fields if f.init)  # type: ignore[attr-defined]
    cls.__record_fixed__ = tuple(_plan(f) for f in fields if not f.init)  # type: ignore[attr-defined]
    cls.__record_repr__ = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
    cls.__record_compare__ = tuple(f.name for f in fields if f.compare)  # type: ignore[attr-defined]
    cls.__init__ = _init  # type: ignore[assignment]
    cls.__repr__ = _repr  # type: ignore[assignment]
    if eq:
        cls.__eq__ = _eq  # type: ignore[assignment]
        cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
    if frozen:
        cls.__setattr__ = _frozen_setattr  # type: ignore[assignment]
        cls.__delattr__ = _frozen_delattr  # type: ignore[assignment]
    return cls


@overload
def record(cls: type[T], /) -> type[T]: ...
@overload
def record(*, frozen: bool = True, eq: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = True, eq: bool = True) -> Any:
    """``@record`` (frozen) or ``@record(frozen=False, eq=...)``: see the module docstring."""
    if cls is None:
        return lambda c: _make(c, frozen, eq)
    return _make(cls, frozen, eq)
