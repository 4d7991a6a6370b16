"""Reads the ORM compiles once per process, then sends again with each call's own values.

Building and compiling a query through the ORM costs Python in proportion to its expressions,
not its rows: the cohort report's few queries (a dozen correlated subqueries) cost more than
the rest of the page together, for some ten rows, and a booking page's two reads of sessions
and busy times a tenth of the page. A PreparedQuery keeps the SQL the ORM wrote for a queryset
and where each changing value went among its parameters, then sends that SQL with each call's
values in their places and applies the ORM's own converters to what comes back (for model
instances, made as the ORM's ModelIterable makes them, with their select_related ones). The
query is still the ORM's, built by the same selectors and rules (held_q and the like); only its
compilation is kept.

    _ROWS = PreparedQuery(lambda *, cohort_id, now: Pairing.objects.filter(…).values(…),
                          "cohort_id", "now")
    _ROWS(cohort_id=cohort.pk, now=now)  # a list of dicts, as list(queryset) would give

The values named after the build (ids, times, dates, or lists of ids) change freely: the query
is compiled twice with two sets of stand-ins for them (values no row has: ids past any row's,
times before the platform), and kept only when the two SQL texts are the same and every
parameter is either a stand-in (of the same name and place in both) or the same constant in
both. A parameter worked out from a value (`now - timedelta(days=14)`), a value the backend
converts (SQLite writes times as text), a value in the SQL text itself (a slice's LIMIT), a
stand-in the query does not use and a query the ORM does not send (an empty list) all fail that
check, and such a query is built and sent through the ORM on every call: right, only slower. A
list's length, a None in place of a value, and the other values passed (a zone, a choice between
queries) give a query compiled on its own for each of them.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)

_IDS = 987_654_321  # ids past any row's
_TIMES = datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC)  # before the platform
_SETS = 2  # stand-in sets compiled and compared


@dataclass(frozen=True)
class _Slot:
    """Where a changing value goes among the parameters: `values[name]`, or its `index`-th
    item for a list."""

    name: str
    index: int | None = None


@dataclass(frozen=True)
class _Compiled:
    alias: str
    sql: str
    params: tuple  # constants, and a _Slot where a call's value goes
    columns: int
    converters: tuple  # (position, the ORM's converter functions, expression)
    names: tuple[str, ...] | None  # a dict's keys; None for tuples
    flat: bool
    # For model instances: the model, where its columns are, their names, the select_related
    # ones' populators and the annotations' columns (as ModelIterable reads them).
    objects: tuple | None


def _stand_in(value: object, number: int) -> object:
    """The `number`-th stand-in for a value of `value`'s kind (None: not a kind stood in for)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _IDS + number
    if isinstance(value, datetime):
        return _TIMES + timedelta(days=number, microseconds=number)
    if isinstance(value, date):
        return _TIMES.date() + timedelta(days=number)
    return None


class PreparedQuery:
    """`build(**values)` returns a queryset (of model instances, with select_related and only()
    as needed, or `.values()` or `.values_list()`; no prefetch_related); calling the
    PreparedQuery with the same values returns what `list(build(**values))` would."""

    def __init__(self, build: Callable[..., QuerySet], *varying: str) -> None:
        self.build = build
        self.varying = frozenset(varying)
        self._compiled: dict[Hashable, _Compiled | None] = {}

    def __call__(self, **values: object) -> list[Any]:
        key = self._key(values)
        compiled = self._compiled.get(key, _MISSING)
        if compiled is _MISSING:
            compiled = self._compiled[key] = self._compile(values)
        if compiled is None:
            return list(self.build(**values))
        return _run(compiled, values)

    def _key(self, values: dict[str, object]) -> Hashable:
        key = []
        for name, value in sorted(values.items()):
            if name not in self.varying:
                key.append((name, value))
            elif value is None:
                key.append((name, None))
            elif isinstance(value, list | tuple):
                key.append((name, len(value)))
        return tuple(key)

    def _stand_ins(self, values: dict[str, object], number: int) -> tuple[dict, dict]:
        """The values with this set's stand-ins, and which slot each stand-in marks."""
        stood, slots = dict(values), {}
        for name in self.varying & values.keys():
            value = values[name]
            if value is None:
                continue
            items = list(value) if isinstance(value, list | tuple) else [value]
            stand_ins = []
            for index, item in enumerate(items):
                stand_in = _stand_in(item, number * 1000 + len(slots))
                if stand_in is None:
                    raise TypeError(f"{name}: no stand-in for {type(item).__name__} values")
                slots[(type(stand_in), stand_in)] = _Slot(
                    name, index if isinstance(value, list | tuple) else None
                )
                stand_ins.append(stand_in)
            stood[name] = (
                type(value)(stand_ins) if isinstance(value, list | tuple) else stand_ins[0]
            )
        return stood, slots

    def _compile(self, values: dict[str, object]) -> _Compiled | None:
        compiled = []
        for number in range(_SETS):
            stood, slots = self._stand_ins(values, number)
            queryset = self.build(**stood)
            compiler = queryset.query.get_compiler(using=queryset.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:  # the ORM sends nothing (an empty IN): neither do we
                return None
            compiled.append((queryset, compiler, sql, params, slots))
        (queryset, compiler, sql, params, slots), *others = compiled
        if any(other[2] != sql or len(other[3]) != len(params) for other in others):
            return None
        where: list[object] = []
        used: set[_Slot] = set()
        for position, param in enumerate(params):
            slot = slots.get((type(param), param))
            for _, _, _, other_params, other_slots in others:
                other = other_params[position]
                if slot is None and (type(other) is not type(param) or other != param):
                    return None  # worked out from a changing value: not kept
                if slot is not None and other_slots.get((type(other), other)) != slot:
                    return None
            where.append(param if slot is None else slot)
            if slot is not None:
                used.add(slot)
        if used != set(slots.values()):
            return None  # a stand-in went somewhere else than the parameters
        iterable = queryset._iterable_class
        if iterable not in (
            ModelIterable,
            ValuesIterable,
            ValuesListIterable,
            FlatValuesListIterable,
        ):
            raise TypeError("a PreparedQuery builds a queryset of instances, values or value lists")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("a PreparedQuery reads from a model's manager, without prefetching")
        query = queryset.query
        objects = None
        if iterable is ModelIterable:
            klass_info = compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            objects = (
                klass_info["model"],
                start,
                end,
                [found[0].target.attname for found in compiler.select[start:end]],
                get_related_populators(klass_info, compiler.select, queryset.db),
                tuple(compiler.annotation_col_map.items()),
            )
        names = None
        if iterable is ValuesIterable:
            names = tuple(
                query.selected
                or (*query.extra_select, *query.values_select, *query.annotation_select)
            )
        columns = compiler.col_count
        fields = [found[0] for found in compiler.select[:columns]]
        return _Compiled(
            alias=queryset.db,
            sql=sql,
            params=tuple(where),
            columns=columns,
            converters=tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in compiler.get_converters(fields).items()
            ),
            names=names,
            flat=iterable is FlatValuesListIterable,
            objects=objects,
        )


_MISSING = object()


def _run(compiled: _Compiled, values: dict[str, object]) -> list[Any]:
    params = [
        param
        if type(param) is not _Slot
        else values[param.name]
        if param.index is None
        else values[param.name][param.index]
        for param in compiled.params
    ]
    connection = connections[compiled.alias]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        fetched = cursor.fetchall()
    columns, converters = compiled.columns, compiled.converters
    rows = []
    for row in fetched:
        row = list(row[:columns])
        for position, functions, expression in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        rows.append(row)
    if compiled.objects is not None:
        model, start, end, init_list, populators, annotations = compiled.objects
        found = []
        for row in rows:
            instance = model.from_db(compiled.alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found
    if compiled.flat:
        return [row[0] for row in rows]
    if compiled.names is not None:
        return [dict(zip(compiled.names, row, strict=True)) for row in rows]
    return [tuple(row) for row in rows]
