"""What ties networks to the case library: cases shared in a network, and the lesson pages
written from a meeting's lessons."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from cases.models import CaseStudyPage, LessonLearnedPage


class NetworkSharedCase(Orderable):
    network = ParentalKey(
        "network.NetworkPage", on_delete=models.CASCADE, related_name="shared_cases"
    )
    case = models.ForeignKey(
        CaseStudyPage,
        on_delete=models.CASCADE,
        related_name="network_links",
        verbose_name=_("case study"),
    )

    panels = [FieldPanel("case")]

    class Meta(Orderable.Meta):
        verbose_name = _("case shared in the network")
        constraints = [
            models.UniqueConstraint(fields=["network", "case"], name="network_case_shared_once")
        ]


class MeetingLesson(models.Model):
    """A lesson page written from one of a meeting's lesson items (``block_id``)."""

    meeting = models.ForeignKey(
        "network.MeetingPage",
        on_delete=models.CASCADE,
        related_name="lesson_pages",
        verbose_name=_("meeting"),
    )
    lesson = models.OneToOneField(
        LessonLearnedPage,
        on_delete=models.CASCADE,
        related_name="meeting_link",
        verbose_name=_("lesson learned"),
    )
    block_id = models.CharField(_("lesson item"), max_length=64)

    class Meta:
        verbose_name = _("lesson from a meeting")
        verbose_name_plural = _("lessons from meetings")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "block_id"], name="network_lesson_once")
        ]

    def __str__(self):
        return f"{self.meeting} → {self.lesson}"
