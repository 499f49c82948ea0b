"""A member's experiences: what their data download holds, and what closing their account
does to them (registered with ``portal.personal_data`` in ``apps.py``).

Published experiences are the agencies' record and stay; their owner becomes the anonymised
account, which carries no name ("former-member-<id>"). Submissions that were never published
are the member's own drafts: closing the account withdraws and deletes them (the deletion is
in the admin's history). Follow-up results likewise: approved ones stay with the case,
those still awaiting a moderator are withdrawn.
"""

from wagtail.actions.delete_page import DeletePageAction

from portal.site_url import page_url

from .models import CaseOutcome, CaseStudyPage
from .submissions import submission_state


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_member_data(user) -> dict:
    pages = (
        CaseStudyPage.objects.filter(owner=user)
        .prefetch_related("contacts")
        .order_by("first_published_at", "pk")
    )
    return {
        "case_submissions": [
            {
                "title": page.draft_title,
                "url": (page_url(page) or "") if page.live else "",
                "state": submission_state(page).value,
                "summary": page.summary,
                "language": page.language,
                "first_published_at": _iso(page.first_published_at),
                "last_changed_at": _iso(page.latest_revision_created_at),
                "contact_persons": [
                    {
                        "name": contact.name,
                        "role": contact.role,
                        "organisation": contact.organisation_name,
                        "email": contact.email,
                    }
                    for contact in page.contacts.all()
                ],
            }
            for page in pages
        ],
        "case_results": [
            {
                "case": outcome.case.title,
                "milestone": outcome.milestone_label,
                "date": outcome.reported_on.isoformat(),
                "what_happened": outcome.what_happened,
                "key_figures": outcome.key_figures,
                "do_differently": outcome.do_differently,
                "status": outcome.status,
                "submitted_at": _iso(outcome.created_at),
            }
            for outcome in CaseOutcome.objects.filter(submitted_by=user)
            .select_related("case")
            .order_by("created_at")
        ],
    }


def unpublished_submissions(user):
    """The member's experiences that were never published: withdrawn when they leave."""
    return CaseStudyPage.objects.filter(
        owner=user, live=False, first_published_at__isnull=True, last_published_at__isnull=True
    )


def close_member_account(user) -> None:
    CaseOutcome.objects.filter(submitted_by=user).pending().delete()
    for page in unpublished_submissions(user):
        DeletePageAction(page, user=None).execute(skip_permission_checks=True)
