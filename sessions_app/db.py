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
