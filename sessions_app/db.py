"""Database pieces PostgreSQL has and SQLite lacks, used so the embedded mode still migrates, and
reads whose SQL is written once."""

from collections.abc import Callable, Hashable

from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import connections, migrations, models, router
from django.db.models import Func, QuerySet


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

    `build(**values)` returns the queryset (values_list); `params(connection, **values)` lists
    its values in the order the ORM's SQL takes them, adapted for the database as the ORM adapts
    them. The first call of each shape compiles the queryset and keeps its SQL and the ORM's
    converters of its columns only when the ORM's values are the ones `params` gives, in that
    order (otherwise it sends the ORM's SQL and values each time: right, only slower). Rows
    come back as tuples, converted as the ORM converts them.
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
        self.written: dict[tuple, tuple[str, list]] = {}  # (alias, shape) -> SQL, converters

    def rows(self, *, shape: Hashable = (), **values: object) -> list[tuple]:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        params = self.params(connection, **values)
        key = (alias, shape)
        written = self.written.get(key)
        if written is None:
            compiler = self.build(**values).query.get_compiler(using=alias)
            sql, compiled = compiler.as_sql()
            columns = [found[0] for found in compiler.select[: compiler.col_count]]
            converters = [
                (position, functions, expression)
                for position, (functions, expression) in compiler.get_converters(columns).items()
            ]
            if list(compiled) == params:
                self.written[key] = (sql, converters)
            else:
                params = compiled
        else:
            sql, converters = written
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, functions, expression in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted
