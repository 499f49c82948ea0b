"""StreamField blocks of meetings: the agenda and the lessons learned afterwards."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class AgendaItemBlock(blocks.StructBlock):
    time = blocks.TimeBlock(label=_("time"), required=False)
    title = blocks.CharBlock(label=_("title"), max_length=200)
    speaker = blocks.CharBlock(label=_("speaker"), max_length=200, required=False)
    description = blocks.TextBlock(label=_("description"), required=False)

    class Meta:
        icon = "time"
        label = _("Agenda item")
        template = "network/blocks/agenda_item_block.html"


class LessonItemBlock(blocks.StructBlock):
    """One thing the meeting learned; coordinators turn it into a lesson learned page."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    text = blocks.TextBlock(label=_("what we learned"))
    # The same values as cases.models.LessonKind, which the lesson pages use.
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("success", _("Success")), ("pitfall", _("Pitfall"))],
        default="success",
    )

    class Meta:
        icon = "pick"
        label = _("Lesson")
        template = "network/blocks/lesson_item_block.html"


class AgendaBlock(blocks.StreamBlock):
    item = AgendaItemBlock()


class LessonsBlock(blocks.StreamBlock):
    lesson = LessonItemBlock()
