"""Queries the ORM compiles once per process, then runs with each request's own values.

Building and compiling a query through the ORM costs in proportion to its expressions, not its
rows: the cohort report's few queries (a dozen correlated subqueries) cost more Python than
the rest of the page together, for some ten rows. A PreparedQuery builds its queryset once,
with stand-ins for the values that change from one request to the next (a cohort's id, the
time now), keeps the SQL the ORM wrote and where each stand-in went in its parameters, and then
runs that SQL with the request's values in their places, the ORM's own converters applied to
what comes back. The query is still the ORM's, from the same selectors and rules (held_q and
the like); only its compilation is kept.

Values without a stand-in (a zone, a choice among queries) go to the build as they are, and
each set of them is compiled on its own. When a stand-in cannot be found as itself among
the parameters (a backend that converts values, such as SQLite writing times as text), or
shows in the SQL text, the query is built and run through the ORM for each request, as before.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from threading import Lock
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# Values no request has: an id past any row's, times before the platform.
STAND_IN_IDS = (987_654_321, 987_654_322, 987_654_323)
STAND_IN_TIMES = (
    datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC),
    datetime(1902, 3, 4, 5, 6, 7, 890_123, tzinfo=UTC),
    datetime(1903, 4, 5, 6, 7, 8, 901_234, tzinfo=UTC),
)
STAND_IN_DAYS = (date(1901, 2, 3), date(1902, 3, 4), date(1903, 4, 5))


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # the compiled parameters, with a stand-in's name where its value goes
    names: tuple[str, ...]  # the values() names of each column
    converters: tuple  # (column, the ORM's converter functions, expression)
    columns: int


class PreparedQuery:
    """`build(**values)` returns a .values() queryset; `rows(**values)` its rows as dicts.
    `stand_ins` gives a stand-in for each value that changes freely (see STAND_IN_IDS and the
    like); the other values (hashable, a few of them) are compiled each on its own."""

    def __init__(self, build: Callable[..., QuerySet], **stand_ins: object) -> None:
        self.build = build
        self.stand_ins = stand_ins
        self._compiled: dict[Hashable, _Compiled | None] = {}
        self._lock = Lock()

    def rows(self, **values: object) -> list[dict[str, Any]]:
        alias = "default"
        fixed = {name: value for name, value in values.items() if name not in self.stand_ins}
        key = tuple(sorted(fixed.items()))
        found = self._compiled.get((alias, key), _MISSING)
        if found is _MISSING:
            with self._lock:
                found = self._compiled.get((alias, key), _MISSING)
                if found is _MISSING:
                    found = self._compiled[(alias, key)] = self._compile(alias, fixed)
        if found is None:
            return list(self.build(**values))
        return _run(found, alias, values)

    def _compile(self, alias: str, fixed: dict[str, object]) -> _Compiled | None:
        queryset = self.build(**self.stand_ins, **fixed).using(alias)
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # nothing to ask the database: the ORM knows it without a query
            return None
        where: list[object] = []
        seen: set[str] = set()
        for param in params:
            name = next(
                (
                    n
                    for n, stand_in in self.stand_ins.items()
                    if type(param) is type(stand_in) and param == stand_in
                ),
                None,
            )
            where.append(_StandIn(name) if name else param)
            if name:
                seen.add(name)
        if seen != set(self.stand_ins) or any(
            str(stand_in) in sql for stand_in in self.stand_ins.values()
        ):
            return None
        names = (
            tuple(query.selected)
            if query.selected
            else (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        columns = compiler.col_count
        fields = [s[0] for s in compiler.select[0:columns]]
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(fields).items()
        )
        return _Compiled(
            sql=sql, params=tuple(where), names=names, converters=converters, columns=columns
        )


_MISSING = object()


@dataclass(frozen=True)
class _StandIn:
    name: str


def _run(compiled: _Compiled, alias: str, values: dict[str, object]) -> list[dict[str, Any]]:
    params = [values[p.name] if type(p) is _StandIn else p for p in compiled.params]
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        fetched = cursor.fetchall()
    names, converters = compiled.names, compiled.converters
    rows = []
    for row in fetched:
        row = list(row[: compiled.columns])
        for position, functions, expression in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        rows.append(dict(zip(names, row, strict=True)))
    return rows


def loaded(model: type[Model], **values: object) -> Model:
    """A row of `model` as the database gave these of its fields (the others deferred): for
    a prepared query's values that go on as a model instance."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])
