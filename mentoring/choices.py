"""Model choice lists that several fields of one form show, read from the database once.

Django's ModelChoiceField reads its queryset again each time its widget renders: a form with
three "choose a mentor" lists and a list of people to avoid made four identical queries.
"""

from collections.abc import Iterable, Iterator, Sequence

from django import forms
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator


class SharedModelChoiceIterator(ModelChoiceIterator):
    """A field's choices taken from `rows`: a queryset shared with other fields (its results
    are kept after the first field's widget reads them), or rows read already."""

    def __init__(self, field: forms.ModelChoiceField, rows: QuerySet | Sequence[Model]) -> None:
        super().__init__(field)
        self.queryset = rows

    def __iter__(self) -> Iterator[tuple[object, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.queryset) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.queryset)


def choices_share(
    *,
    fields: Iterable[forms.ModelChoiceField],
    queryset: QuerySet,
    rows: Sequence[Model] | None = None,
) -> None:
    """Give each field `queryset` (what it accepts) and a widget listing the rows of one read
    of it, made when the first of them renders (never, on a form that is not shown); or
    `rows`, when the caller read them already, in the queryset's order."""
    listed = queryset.all() if rows is None else rows
    for field in fields:
        field.queryset = queryset
        field.widget.choices = SharedModelChoiceIterator(field, listed)
