from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import NoMaxLengthMixin
from portal.models import ContentLanguage, Country, Organisation, Topic

from .models import SUMMARY_MAX_LENGTH, CaseStudyPage, LessonKind
from .models.outcomes import milestone_label


class ShareCaseForm(NoMaxLengthMixin, forms.Form):
    """What a member tells about an experience; the rest a moderator can add in the admin."""

    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 500 characters: what you did and what came of it."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Detect from the text")), *ContentLanguage.choices],
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all()
    )
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=CaseStudyPage.Status.choices, initial="completed"
    )
    start_date = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while the work goes on."),
    )
    problem = forms.CharField(
        label=_("The problem"),
        widget=forms.Textarea,
        help_text=_("What was the problem or the need?"),
    )
    approach = forms.CharField(
        label=_("What you did"),
        widget=forms.Textarea,
        help_text=_("Separate paragraphs with a blank line."),
    )
    expected_results = forms.CharField(
        label=_("Expected results"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "What was the work expected to achieve? Some months after it ends, we will ask "
            "you what came of it."
        ),
    )
    results = forms.CharField(
        label=_("Results"),
        widget=forms.Textarea,
        required=False,
        help_text=_("What came of it? Figures are welcome."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_role = forms.CharField(label=_("Role"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=_("Email"), help_text=_("Shown to signed-in members only.")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        profile = getattr(user, "member_profile", None)
        if profile and profile.organisation:
            self.fields["organisation"].initial = profile.organisation
            self.fields["country"].initial = profile.organisation.country
        if user is not None:
            self.fields["contact_name"].initial = user.get_full_name()
            self.fields["contact_email"].initial = user.email
            if profile:
                self.fields["contact_role"].initial = profile.job_title

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot come before the start."))
        return cleaned_data


class LessonForm(NoMaxLengthMixin, forms.Form):
    text = forms.CharField(
        label=_("Lesson"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=LessonKind.choices, widget=forms.RadioSelect, initial="success"
    )


class BaseLessonFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.cleaned_data.get("text", "").strip() for form in self.forms):
            raise ValidationError(_("Write at least one lesson learned."))

    def lessons(self) -> list[tuple[str, str]]:
        """(text, kind) of every lesson written; empty rows are left out."""
        return [
            (form.cleaned_data["text"].strip(), form.cleaned_data["kind"])
            for form in self.forms
            if form.cleaned_data.get("text", "").strip()
        ]


LessonFormSet = forms.formset_factory(LessonForm, formset=BaseLessonFormSet, extra=3, max_num=10)


class OutcomeForm(NoMaxLengthMixin, forms.Form):
    """A dated result entry: what came of a case some months on."""

    milestone = forms.TypedChoiceField(
        label=_("Follow-up"), coerce=int, empty_value=None, required=False
    )
    reported_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the results below were true."),
    )
    what_happened = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What came of the work since then?"),
    )
    key_figures = forms.CharField(
        label=_("Key figures"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For example: handling time down from 30 to 12 days."),
    )
    do_differently = forms.CharField(
        label=_("What you would do differently"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, milestones: tuple[int, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [
            *((str(months), milestone_label(months)) for months in milestones),
            ("", milestone_label(None)),
        ]
        self.fields["reported_on"].initial = timezone.localdate

    def clean_reported_on(self):
        reported_on = self.cleaned_data["reported_on"]
        if reported_on > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return reported_on
