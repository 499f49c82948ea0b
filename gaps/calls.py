"""Calls for experiences reach the network's members by e-mail, in each member's language.

Chosen over the saved-search digest (alerts/digests.py): that digest goes per saved
search, only to people with a saved search that found something new, so most members
would never see a call and a member with three saved searches would see it three times.
This is one message per call and member, sent once (``portal.mail.send_once``), by a task
enqueued when the call is made; texts in templates/gaps/email/.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.mail import send_once
from portal.site_url import absolute_url, page_url
from portal.user_language import language_for

from .models import CallForExperiences

MAIL_KIND = "call_for_experiences"


def send_call(call_id: int) -> int:
    """E-mail an open call to every active member of its network; returns how many went."""
    call = CallForExperiences.objects.select_related("network").filter(pk=call_id).first()
    if call is None or not call.is_open or not call.network.live:
        return 0
    network = call.network
    members = (
        network.membership_set.active()
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    with get_connection() as connection:
        for membership in members:
            user = membership.user
            with translation.override(language_for(user, fallback=network.language)):
                context = {
                    "user": user,
                    "call": call,
                    "network": network,
                    "url": page_url(network),
                    "share_url": absolute_url(reverse("cases:share")),
                }
                subject = render_to_string("gaps/email/call_subject.txt", context)
                body = render_to_string("gaps/email/call_body.txt", context)
            message = EmailMessage(
                subject=" ".join(subject.split()),
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[user.email],
                connection=connection,
            )
            sent += send_once(message, kind=MAIL_KIND, object_id=call.pk)
    return sent
