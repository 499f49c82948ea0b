"""Accessible forms: one error summary and one field layout for every public form.

``{% error_summary form other_form formset %}`` lists every error of the forms (and
formsets) given, field and non-field alike, each a link to the field it is about, in a box
titled "There is a problem" that takes the focus when the page loads (portal/js/forms.js:
the site's Content-Security-Policy allows no inline script).
"""

from django import forms, template

register = template.Library()


def field_anchor(field: forms.BoundField) -> str:
    """The id of the element an error link should lead to: the input, or a group's first."""
    if not field.auto_id:
        return ""
    if field.use_fieldset:  # radio buttons, checkboxes, multi-widgets: the first of them
        return field.field.widget.id_for_label(field.auto_id, "0") or field.auto_id
    return field.id_for_label or field.auto_id


def _first_anchor(form: forms.BaseForm) -> str:
    for field in form.visible_fields():
        if anchor := field_anchor(field):
            return anchor
    return ""


def form_errors(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(anchor, message) for each error of a bound form, in the order of its fields."""
    if not form.is_bound or not form.errors:
        return []
    first = _first_anchor(form)
    errors = [(first, str(message)) for message in form.non_field_errors()]
    for field in form.hidden_fields():
        errors.extend((first, str(message)) for message in field.errors)
    for field in form.visible_fields():
        anchor = field_anchor(field) or first
        errors.extend((anchor, str(message)) for message in field.errors)
    return errors


def formset_errors(formset: forms.BaseFormSet) -> list[tuple[str, str]]:
    if not formset.is_bound:
        return []
    first = _first_anchor(formset.forms[0]) if formset.forms else ""
    errors = [(first, str(message)) for message in formset.non_form_errors()]
    for form in formset.forms:
        errors.extend(form_errors(form))
    return errors


def all_errors(*forms_and_formsets) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseFormSet):
            errors.extend(formset_errors(item))
        elif isinstance(item, forms.BaseForm):
            errors.extend(form_errors(item))
    return errors


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_and_formsets):
    return {"errors": all_errors(*forms_and_formsets)}


@register.inclusion_tag("includes/form_field.html")
def form_field(field: forms.BoundField, optional_label: bool = True):
    """One field: its label (with "(optional)"), help text, errors and input."""
    return {"field": field, "optional_label": optional_label}
