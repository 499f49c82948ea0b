from django import forms
from django.utils.translation import gettext_lazy as _

from .query import MAX_QUERY_LENGTH, SearchFilters, SearchMode


class SearchForm(forms.Form):
    """The search page's query string: the query, the mode, the filters and the page."""

    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "Your search is too long: at most %(limit_value)d characters, "
                "you wrote %(show_value)d. Shorten it to the most important words."
            )
        },
    )
    mode = forms.ChoiceField(
        label=_("Search by"),
        required=False,
        choices=[
            (SearchMode.HYBRID.value, _("Meaning and words")),
            (SearchMode.SEMANTIC.value, _("Meaning only")),
            (SearchMode.KEYWORD.value, _("Exact words only")),
        ],
    )
    type = forms.MultipleChoiceField(required=False, choices=[])
    country = forms.MultipleChoiceField(required=False, choices=[])
    language = forms.MultipleChoiceField(required=False, choices=[])
    topic = forms.MultipleChoiceField(required=False, choices=[])
    organisation = forms.MultipleChoiceField(required=False, choices=[])
    year = forms.MultipleChoiceField(required=False, choices=[])
    page = forms.IntegerField(required=False, min_value=1)

    def clean_mode(self) -> SearchMode:
        return SearchMode(self.cleaned_data.get("mode") or SearchMode.HYBRID)

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            kinds=tuple(data.get("type", ())),
            countries=tuple(data.get("country", ())),
            languages=tuple(data.get("language", ())),
            topics=tuple(data.get("topic", ())),
            organisations=tuple(data.get("organisation", ())),
            years=tuple(int(year) for year in data.get("year", ()) if year.isdigit()),
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filter values are whatever the index holds: accept any, unknown ones match nothing.
        for name in ("type", "country", "language", "topic", "organisation", "year"):
            self.fields[name].valid_value = lambda value: True
