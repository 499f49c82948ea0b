"""GET forms of the data lab: every filter lives in the URL, so views can be shared and
bookmarked, and every chart's download repeats exactly the filters of the page."""

from dataclasses import dataclass

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal.models import Country, Organisation, Topic

MIN_YEAR = 1990
MAX_YEAR = 2100
MIN_COMPARED = 2
MAX_COMPARED = 5


@dataclass(frozen=True)
class DashboardFilters:
    country: str = ""
    year_from: int | None = None
    year_to: int | None = None
    topic: str = ""

    def __bool__(self) -> bool:
        return bool(self.country or self.year_from or self.year_to or self.topic)

    def query_string(self) -> str:
        values = {
            "country": self.country,
            "from": self.year_from or "",
            "to": self.year_to or "",
            "topic": self.topic,
        }
        return urlencode({name: value for name, value in values.items() if value})

    def as_dict(self) -> dict:
        return {
            "country": self.country or None,
            "from": self.year_from,
            "to": self.year_to,
            "topic": self.topic or None,
        }


class DashboardFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    year_to = forms.IntegerField(
        label=_("To year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, data=None, *args, **kwargs):
        # The URL says from/to; the field names say what they hold.
        if data is not None:
            data = {
                "country": data.get("country", ""),
                "year_from": data.get("from", ""),
                "year_to": data.get("to", ""),
                "topic": data.get("topic", ""),
            }
        super().__init__(data, *args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *Country.choices]
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (topic.slug, topic.name) for topic in Topic.objects.all()
        ]

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from and year_to and year_to < year_from:
            self.add_error("year_to", _("The end year cannot come before the start year."))
        return cleaned

    def filters(self) -> DashboardFilters:
        """The valid filters; a field with an error filters nothing."""
        if not self.is_bound:
            return DashboardFilters()
        self.is_valid()
        data = self.cleaned_data
        return DashboardFilters(
            country=data.get("country") or "",
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            topic=data.get("topic") or "",
        )


class ExpertForm(forms.Form):
    q = forms.CharField(label=_("What do you need experience of?"), required=False, max_length=500)
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (topic.slug, topic.name) for topic in Topic.objects.all()
        ]


class CompareForm(forms.Form):
    org = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose between two and five organisations."),
    )

    def clean_org(self):
        chosen = {organisation.slug: organisation for organisation in self.cleaned_data["org"]}
        if not MIN_COMPARED <= len(chosen) <= MAX_COMPARED:
            raise forms.ValidationError(_("Choose between two and five organisations."))
        # Side by side in the order asked for, not alphabetically.
        return [chosen[slug] for slug in dict.fromkeys(self.data.getlist("org")) if slug in chosen]
