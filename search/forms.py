from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import NoMaxLengthMixin

from .facets import FACETS, SearchFilters
from .query import MAX_QUERY_LENGTH, SearchMode


class FilterValuesField(forms.MultipleChoiceField):
    """Filter values are whatever the index holds: any is accepted, unknown ones match nothing."""

    def valid_value(self, value) -> bool:
        return True


class SearchForm(NoMaxLengthMixin, forms.Form):
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
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for facet in FACETS:
            self.fields[facet.name] = FilterValuesField(label=facet.label, required=False)

    def clean_mode(self) -> SearchMode:
        return SearchMode(self.cleaned_data.get("mode") or SearchMode.HYBRID)

    def filters(self) -> SearchFilters:
        """The chosen filter values; values that are not valid for their facet are dropped."""
        data = self.cleaned_data
        return SearchFilters.from_values(lambda name: data.get(name, ()))
