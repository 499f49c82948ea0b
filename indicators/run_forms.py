"""The form that starts a run: a title, a method, its indicators, filters and options."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation

from .filters import IndicatorFilterForm
from .models import IndicatorRun
from .visibility import visible_indicators

MIN_GROUPS, MAX_GROUPS = 2, 8
FILTER_NAMES = ("country", "level", "sector", "size")


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.series.name}: {obj.name}" + (f" ({obj.unit})" if obj.unit else "")


class RunForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    method = forms.ChoiceField(label=_("Method"), choices=IndicatorRun.Method.choices)
    indicators = IndicatorChoiceField(
        label=_("Indicators"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A correlation takes exactly two; groups and peers take one or more."),
    )
    k = forms.IntegerField(
        label=_("Number of groups (k-means)"),
        min_value=MIN_GROUPS,
        max_value=MAX_GROUPS,
        initial=3,
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (peers)"),
        queryset=Organisation.objects.filter(observations__isnull=False)
        .distinct()
        .order_by("name"),
        required=False,
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=_("Empty: each agency's latest value."),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only indicators this visitor may see can be chosen, so a run never holds others.
        self.fields["indicators"].queryset = visible_indicators(request=request).select_related(
            "series"
        )
        filter_fields = IndicatorFilterForm().fields
        for name in FILTER_NAMES:
            self.fields[name] = filter_fields[name]

    def clean(self):
        cleaned = super().clean()
        method, indicators = cleaned.get("method"), cleaned.get("indicators")
        correlation = method == IndicatorRun.Method.CORRELATION
        if correlation and indicators is not None and len(indicators) != 2:
            self.add_error("indicators", _("A correlation needs exactly two indicators."))
        if method == IndicatorRun.Method.PEERS and not cleaned.get("organisation"):
            self.add_error("organisation", _("Choose the organisation whose peers you want."))
        if method == IndicatorRun.Method.KMEANS and not cleaned.get("k"):
            cleaned["k"] = 3
        return cleaned

    def parameters(self) -> dict:
        cleaned = self.cleaned_data
        parameters = {
            "indicators": [indicator.pk for indicator in cleaned["indicators"]],
            "filters": {name: cleaned.get(name) or "" for name in FILTER_NAMES},
            "year": cleaned.get("year"),
        }
        if cleaned["method"] == IndicatorRun.Method.KMEANS:
            parameters["k"] = cleaned["k"]
        if cleaned["method"] == IndicatorRun.Method.PEERS:
            parameters["organisation"] = cleaned["organisation"].pk
        return parameters
