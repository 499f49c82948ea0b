"""The lock-out guard in front of password logins (django-axes).

``LoginLockoutBackend`` comes first in ``AUTHENTICATION_BACKENDS``: for a user name that has
failed too often from the same address it refuses the login before the password is even
checked; django-axes' signal handlers count the failures and ``AxesMiddleware`` answers with
``templates/registration/lockout.html``.

django-axes' own backend refuses every authentication that comes without a request. Only
requests come from the outside, so this guard leaves the others alone: a management
command or a test's ``client.login()`` is not a guessing attack, and refusing them would
make every such caller fail for reasons that have nothing to do with its password.
"""

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


class LoginLockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (status 429), in the visitor's language."""
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
    return render(
        request,
        "registration/lockout.html",
        {"failure_limit": get_failure_limit(request, credentials), "cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def client_ip(request) -> str | None:
    """The address a lock-out is keyed on.

    Without proxies it is REMOTE_ADDR. Behind ``ERFA_TRUSTED_PROXY_COUNT`` reverse proxies of
    our own, each appending the address it saw to X-Forwarded-For, it is the entry that many
    places from the right: what the outermost proxy saw. Entries further left come from the
    client and could be anything, so they are never used (else every guess could claim a new
    address and never be locked out).
    """
    proxies = settings.ERFA_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        addresses = [address.strip() for address in forwarded if address.strip()]
        if len(addresses) >= proxies:
            return addresses[-proxies]
    return request.META.get("REMOTE_ADDR")
