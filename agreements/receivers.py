"""Reactions to other apps' events: a new program gets the default questionnaire; a published
guideline version asks active pairs under an older version to review it."""

from __future__ import annotations

from agreements.defaults import create_default_questions
from agreements.models import Question
from agreements.services import guideline_review_request


def program_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        create_default_questions(Question, instance)


def guideline_published(sender, guideline, **kwargs) -> None:
    guideline_review_request(guideline=guideline)
