"""Database pieces PostgreSQL has and SQLite lacks, used so the embedded mode still migrates, and
reads whose SQL is written once."""

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import connections, migrations, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler


class TsTzRange(Func):
    """tstzrange(lower, upper, '[)'): the span two datetime columns cover."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, lower: str, upper: str) -> None:
        super().__init__(lower, upper, RangeBoundary())


class AddConstraintOnPostgres(migrations.AddConstraint):
    """AddConstraint for exclusion constraints: skipped on SQLite (the embedded mode), where the
    booking service's own overlap check is all there is. The model state is the same on both."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddFieldInPlace(migrations.AddField):
    """AddField for sessions: on SQLite the column is added in place (ALTER TABLE ... ADD COLUMN,
    with its default), because Django's way there, rebuilding the table from the model state,
    would also create the PostgreSQL-only exclusion constraints and fail."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} ADD COLUMN {quote(field.column)} "
            f"{definition}",
            params,
        )


class PreparedRead:
    """A read the ORM writes once per database and shape, then sent again with each call's
    values: through the ORM, building and compiling a query costs a thousand or more Python
    calls, several times what the booking pages do with its rows.

    `build(**values)` returns the queryset; `params(connection, **values)` lists its values in
    the order the ORM's SQL takes them, adapted for the database as the ORM adapts them. The
    first call of each shape compiles the queryset and keeps its SQL, the ORM's converters of
    its columns and how its rows become objects, only when the ORM's values are the ones
    `params` gives, in that order (otherwise it sends the ORM's SQL and values each time: right,
    only slower). `rows` gives a values_list's rows as tuples, `objects` a queryset's model
    instances (with their select_related ones and only() fields), as the ORM gives them.
    """

    def __init__(
        self,
        model: type[models.Model],
        build: Callable[..., QuerySet],
        params: Callable[..., list],
    ) -> None:
        self.model = model
        self.build = build
        self.params = params
        self.written: dict[tuple, _Written] = {}  # by (alias, shape)

    def rows(self, *, shape: Hashable = (), **values: object) -> list[tuple]:
        return self._run(shape, values)[0]

    def objects(self, *, shape: Hashable = (), **values: object) -> list[models.Model]:
        """As iterating the queryset gives them (django.db.models.query.ModelIterable)."""
        rows, written, alias = self._run(shape, values)
        model, (start, end), init_list, populators, annotations = written.objects
        found = []
        for row in rows:
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def _run(self, shape: Hashable, values: dict) -> tuple[list[tuple], "_Written", str]:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        params = self.params(connection, **values)
        key = (alias, shape)
        written = self.written.get(key)
        if written is None:
            queryset = self.build(**values)
            if queryset._known_related_objects:  # a related manager's: objects() leaves it out
                raise ValueError("PreparedRead reads from a model's manager, not a related one")
            compiler = queryset.query.get_compiler(using=alias)
            sql, compiled = compiler.as_sql()
            written = _Written.of(compiler, sql, alias)
            if list(compiled) == params:
                self.written[key] = written
            else:
                params = compiled
        with connection.cursor() as cursor:
            cursor.execute(written.sql, params)
            rows = cursor.fetchall()
        if written.converters:
            rows = [written.converted(row, connection) for row in rows]
        return rows, written, alias


@dataclass(frozen=True)
class _Written:
    """What PreparedRead keeps of a compiled query: its SQL, the converters of its columns and
    how a row becomes objects (as the ORM's ModelIterable reads them from its compiler)."""

    sql: str
    converters: list[tuple[int, list, object]]
    objects: tuple

    @classmethod
    def of(cls, compiler: SQLCompiler, sql: str, alias: str) -> "_Written":
        columns = [found[0] for found in compiler.select[: compiler.col_count]]
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        ]
        objects = ()
        klass_info = compiler.klass_info
        if klass_info is not None:  # a queryset of model instances, not values
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            init_list = [found[0].target.attname for found in compiler.select[start:end]]
            objects = (
                klass_info["model"],
                (start, end),
                init_list,
                get_related_populators(klass_info, compiler.select, alias),
                tuple(compiler.annotation_col_map.items()),
            )
        return cls(sql=sql, converters=converters, objects=objects)

    def converted(self, row: tuple, connection: BaseDatabaseWrapper) -> tuple:
        row = list(row)
        for position, functions, expression in self.converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return tuple(row)
