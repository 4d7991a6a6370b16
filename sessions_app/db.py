"""Database pieces PostgreSQL has and SQLite lacks, used so the embedded mode still migrates."""

from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import migrations
from django.db.models import Func


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
