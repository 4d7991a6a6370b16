from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class AgendaPickForm(forms.Form):
    """The upcoming session a goal goes on the agenda of."""

    appointment = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("That session is no longer upcoming. Here are the next ones.")
        },
    )

    def __init__(self, *args: object, sessions: QuerySet, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appointment"].queryset = sessions
