"""Model choice lists that several fields of one form show, read from the database once.

Django's ModelChoiceField reads its queryset again each time its widget renders: a form with
three "choose a mentor" lists and a list of people to avoid made four identical queries.
"""

from collections.abc import Iterable, Iterator

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator


class SharedModelChoiceIterator(ModelChoiceIterator):
    """A field's choices taken from `rows`, a queryset shared with other fields: its results
    are kept after the first field's widget reads them."""

    def __init__(self, field: forms.ModelChoiceField, rows: QuerySet) -> None:
        super().__init__(field)
        self.queryset = rows

    def __iter__(self) -> Iterator[tuple[object, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def choices_share(*, fields: Iterable[forms.ModelChoiceField], queryset: QuerySet) -> None:
    """Give each field `queryset` (what it accepts) and a widget listing the rows of one read
    of it, made when the first of them renders (never, on a form that is not shown)."""
    rows = queryset.all()
    for field in fields:
        field.queryset = queryset
        field.widget.choices = SharedModelChoiceIterator(field, rows)
