from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sessions_app.models import ActionItem, AgendaItem, SessionNote

ADDABLE_KINDS = [
    (kind.value, kind.label) for kind in AgendaItem.Kind if kind != AgendaItem.Kind.ACTION
]


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=ADDABLE_KINDS)
    text = forms.CharField(
        label=_("Agenda item"),
        max_length=AgendaItem._meta.get_field("text").max_length,
        help_text=_("A goal for the session, a question, or a material you want to discuss."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "agenda")
        super().__init__(*args, **kwargs)


class PickForm(forms.Form):
    """One item of a list shown on the page (ticked, unticked or removed)."""

    item = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That item is no longer there. Here is the list.")},
    )
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, items: QuerySet, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class SessionNoteForm(forms.Form):
    text = forms.CharField(
        label=_("My notes"),
        required=False,
        max_length=SessionNote._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Leave it empty to delete your note."),
    )
    shared = forms.BooleanField(
        label=_("Share with my partner"),
        required=False,
        help_text=_("Unticked, only you can ever read this note."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class ActionItemForm(forms.Form):
    text = forms.CharField(
        label=_("Action item"),
        max_length=ActionItem._meta.get_field("text").max_length,
        help_text=_("Something to do before next time; open ones join the next session's agenda."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)
