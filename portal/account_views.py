"""The member's account area: what Erfa keeps about them, a download of it, and closing the
account. The data itself is gathered and erased by ``personal_data``."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from . import personal_data
from .api_tokens import ApiToken
from .models import UserLanguage
from .user_language import set_language


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that closing my account cannot be undone."), required=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password


class LanguageForm(forms.ModelForm):
    class Meta:
        model = UserLanguage
        fields = ["chosen"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [
            ("", _("The language I last used on the site")),
            *settings.LANGUAGES,
        ]


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    setting = UserLanguage.objects.filter(user=request.user).first() or UserLanguage(
        user=request.user
    )
    form = LanguageForm(request.POST or None, instance=setting)
    if request.method == "POST" and form.is_valid():
        set_language(request.user, chosen=form.cleaned_data["chosen"])
        messages.success(request, _("Erfa will write to you in the language you chose."))
        return redirect("account:account")
    return render(
        request,
        "portal/account/account.html",
        {
            "may_close": personal_data.may_close_account(request.user),
            "notes_days": settings.ERFA_ATTENDEE_NOTES_RETENTION_DAYS,
            "language_form": form,
        },
    )


@login_required
def download_data(request):
    data = personal_data.export_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"erfa-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    user = request.user
    if not personal_data.may_close_account(user):
        return render(request, "portal/account/close_refused.html", status=403)
    form = CloseAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        personal_data.close_account(user)
        logout(request)
        return redirect("account:closed")
    return render(request, "portal/account/close.html", {"form": form})


def account_closed(request):
    return render(request, "portal/account/closed.html")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “Our intranet”."),
    )


# Enough for every integration a member runs; a bound on what one account can pile up.
MAX_ACTIVE_API_TOKENS = 20


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The member's API tokens: make one (its key shown this once), see them, revoke them."""
    tokens = ApiToken.objects.filter(user=request.user)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        if tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_API_TOKENS:
            form.add_error(None, _("Revoke a key you no longer use before making another."))
        else:
            _token, new_key = ApiToken.objects.create_for(request.user, form.cleaned_data["name"])
            form = ApiTokenForm()
    response = render(
        request,
        "portal/account/api_tokens.html",
        {"tokens": tokens, "form": form, "new_key": new_key},
    )
    response["Cache-Control"] = "no-store"  # the key is shown once, and kept nowhere
    return response


@login_required
@require_POST
def revoke_api_token(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.revoke()
    messages.success(request, _("The key “%(name)s” no longer works.") % {"name": token.name})
    return redirect("account:api_tokens")
