"""A member's case, from the front-end form into the moderation workflow."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import WorkflowState
from wagtail.rich_text import RichText

from portal.mail import send_once
from portal.models import MODERATORS_GROUP
from portal.site_url import absolute_url
from portal.user_language import language_for

from .models import CaseContact, CaseIndexPage, CaseLesson, CaseStudyPage
from .models.records import AccessRights, non_public_refusal
from .plain_text import paragraphs_html

logger = logging.getLogger(__name__)


@transaction.atomic
def submit_case(
    index: CaseIndexPage, user, data: dict, lessons: list[tuple[str, str]]
) -> CaseStudyPage:
    """Create a draft case below ``index`` from the form's cleaned ``data`` and start its workflow."""
    page = CaseStudyPage(
        title=data["title"],
        summary=data["summary"],
        language=data["language"],
        country=data["country"],
        status=data["status"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        problem=paragraphs_html(data["problem"]),
        approach=paragraphs_html(data["approach"]),
        results=[("paragraph", RichText(paragraphs_html(data["results"])))]
        if data["results"]
        else [],
        expected_results=data.get("expected_results", ""),
        owner=user,
        live=False,
    )
    page.organisations = [data["organisation"]]
    page.topics = list(data["topics"])
    page.lessons = [CaseLesson(text=text, kind=kind) for text, kind in lessons]
    page.contacts = [
        CaseContact(
            name=data["contact_name"],
            role=data["contact_role"],
            organisation_name=data["organisation"].name,
            email=data["contact_email"],
        )
    ]
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    start_moderation(page, user)
    return page


def start_moderation(page, user) -> None:
    """Send a draft page's latest revision to the moderation workflow that applies to it, as
    every contribution goes: moderators find it in their queue, and it is published when they
    approve it. ``user`` is who asked (may be None). A non-public case is refused: approval
    would publish it."""
    if getattr(page.specific, "access_rights", None) == AccessRights.NON_PUBLIC:
        raise ValidationError({"access_rights": non_public_refusal()})
    workflow = page.get_workflow()
    if workflow is None:
        # Without a workflow nobody would be asked to look at it; say so loudly.
        logger.error("No moderation workflow applies to %s; it stays a draft.", page.url_path)
    else:
        workflow.start(page, user)


def moderators_to_email():
    """The moderators who are told about new contributions: active, with an e-mail address."""
    return (
        get_user_model()
        .objects.filter(groups__name=MODERATORS_GROUP, is_active=True)
        .exclude(email="")
        .distinct()
    )


def notify_moderators(page: CaseStudyPage) -> int:
    """E-mail every moderator a link to the case in the admin, each in their own language
    (``portal.user_language``), once each; returns how many were sent now. Run from
    ``tasks.notify_moderators_task``."""
    moderators = moderators_to_email()
    edit_url = absolute_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    owner = page.owner.get_full_name() or page.owner.get_username()
    # A moderator who has no language yet reads the submitting member's (the task's).
    task_language = (translation.get_language() or "")[:2]
    sent = 0
    with get_connection() as connection:
        for moderator in moderators:
            with translation.override(language_for(moderator, fallback=task_language)):
                subject = _("New experience to review: %(title)s") % {"title": page.title}
                body = "\n\n".join(
                    [
                        _("%(owner)s has shared an experience on Erfa and it awaits moderation:")
                        % {"owner": owner},
                        f"{page.title}\n{page.summary}",
                        _("Review it in the admin: %(url)s") % {"url": edit_url},
                    ]
                )
            message = EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [moderator.email], connection=connection
            )
            sent += send_once(message, kind="case_submitted", object_id=page.pk)
    return sent


class SubmissionState(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    IN_MODERATION = "in_moderation", gettext_lazy("Awaiting moderation")
    CHANGES_REQUESTED = "changes_requested", gettext_lazy("Changes requested")
    PUBLISHED = "published", gettext_lazy("Published")


def submission_state(page: CaseStudyPage) -> SubmissionState:
    """Where a member's case stands, in the words of "My submissions"."""
    latest = page.workflow_states.order_by("-created_at").first()
    if latest is not None and latest.status == WorkflowState.STATUS_IN_PROGRESS:
        return SubmissionState.IN_MODERATION
    if latest is not None and latest.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return SubmissionState.CHANGES_REQUESTED
    if page.live:
        return SubmissionState.PUBLISHED
    return SubmissionState.DRAFT
