"""Case studies and lessons learned: what agencies tried, and what they would do again or not."""

from .case_pages import (
    SUMMARY_MAX_LENGTH,
    CaseAttachment,
    CaseContact,
    CaseLesson,
    CaseRelatedCase,
    CaseStudyPage,
    LessonKind,
)
from .imports import DocumentImport
from .index_pages import CaseIndexPage, LessonIndexPage
from .lesson_pages import LessonLearnedPage
from .outcomes import CaseOutcome, FollowUp

__all__ = [
    "SUMMARY_MAX_LENGTH",
    "CaseAttachment",
    "CaseContact",
    "CaseIndexPage",
    "CaseLesson",
    "CaseOutcome",
    "CaseRelatedCase",
    "CaseStudyPage",
    "DocumentImport",
    "FollowUp",
    "LessonIndexPage",
    "LessonKind",
    "LessonLearnedPage",
]
