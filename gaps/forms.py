from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import MeetingPage, NetworkPage


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("What should members share?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AgendaForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=MeetingPage.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the network's upcoming meetings.")},
    )
    title = forms.CharField(label=_("Agenda item"), max_length=200)

    def __init__(self, *args, network: NetworkPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = upcoming_meetings(network)


def upcoming_meetings(network: NetworkPage):
    """The network's meetings that have not started, drafts included (coordinators plan
    them before they are published)."""
    return MeetingPage.objects.child_of(network).filter(start__gte=timezone.now()).order_by("start")
