from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import NoMaxLengthMixin

from .models import Registration


class RegistrationForm(NoMaxLengthMixin, forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["dietary_needs", "accessibility_needs"]
        help_texts = {
            "dietary_needs": _("Allergies or special diets, if food is served."),
            "accessibility_needs": _("Anything the organisers should arrange for you."),
        }


class MessageForm(NoMaxLengthMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea)


class CopyMeetingForm(NoMaxLengthMixin, forms.Form):
    title = forms.CharField(label=_("Title of the new meeting"), max_length=255)
    start = forms.DateTimeField(
        label=_("New start"),
        help_text=_("In the meeting's time zone. The end and registration dates move with it."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
