"""Plain pages that live outside Wagtail's page tree."""

import datetime

from django.conf import settings
from django.shortcuts import render

# When the accessibility statement was last reviewed against the site: update it with the text.
ACCESSIBILITY_REVIEWED = datetime.date(2026, 12, 1)


def accessibility(request):
    """The accessibility statement that lag (2018:1937) and the Danish webtilgængelighedslov
    ask of public bodies: the standard, how far the site meets it, what it does not, how to
    report a problem and where to complain."""
    return render(
        request,
        "portal/accessibility.html",
        {
            "contact": settings.ERFA_ACCESSIBILITY_CONTACT,
            "reviewed": ACCESSIBILITY_REVIEWED,
        },
    )
