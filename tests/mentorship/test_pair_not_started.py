"""A pair without a start date says what is missing, to the admin who can set it and, in the
same words, to both members; no page counts meetings planned before a pair has started."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from mentorship.admin import PAIR_START_HELP
from mentorship.models import Pair
from mentorship.selectors import pair_engagement
from tests.factories import MeetingFactory, PairFactory, UserFactory
from tests.mentorship.test_pair_members_fixed import change_url

pytestmark = pytest.mark.django_db

NOT_STARTED = "Your pair has not started yet: the program admin sets the start date."
ADMIN_NOTICE = "This pair has no start date, so it stays Proposed"


@pytest.fixture
def waiting() -> Pair:
    """Maria and Carol, staffed as a pair but without a start date."""
    return PairFactory(
        mentor=UserFactory(full_name="Maria Lopez"),
        mentee=UserFactory(full_name="Carol Chen"),
        status=Pair.Status.PROPOSED,
        started_on=None,
    )


def page_text(client, user, pair) -> str:
    client.force_login(user)
    response = client.get(pair.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return " ".join(strip_tags(response.content.decode()).split())


def engagement_text(text: str) -> str:
    return re.search(r"Engagement (.*?) Meeting log", text).group(1)


def test_both_members_are_told_the_pair_has_not_started_in_the_same_words(client, waiting):
    mentor_page = page_text(client, waiting.mentor, waiting)
    mentee_page = page_text(client, waiting.mentee, waiting)

    for text in (mentor_page, mentee_page):
        assert NOT_STARTED in text
        assert "planned" not in engagement_text(text).replace("No meetings are planned", "")
        assert "Add your first one below" not in text
        assert "Meetings can be logged once your pair has started." in text
    assert engagement_text(mentor_page) == engagement_text(mentee_page)


def test_no_page_says_held_of_zero_planned(client, waiting):
    """A pair ended before it started may still hold meetings logged under an old rule."""
    MeetingFactory(pair=waiting)
    assert pair_engagement(waiting).planned is None
    text = page_text(client, waiting.mentee, waiting)
    assert "of 0 planned" not in text
    assert "1 meeting held" in engagement_text(text)


def test_a_pair_starting_later_says_when_and_plans_nothing_yet(client, waiting):
    starts = timezone.localdate() + datetime.timedelta(days=10)
    Pair.objects.filter(pk=waiting.pk).update(status=Pair.Status.ACTIVE, started_on=starts)
    waiting.refresh_from_db()
    when = f"{starts.day} {starts:%B %Y}"

    for member in (waiting.mentor, waiting.mentee):
        text = page_text(client, member, waiting)
        assert f"Your pair starts on {when}: meetings are planned from that date." in text
        assert NOT_STARTED not in text
        assert "of 0 planned" not in text
        assert f"Meetings can be logged from {when}." in text


def test_a_started_pair_shows_no_notice_and_counts_what_is_planned(client):
    pair = PairFactory()
    MeetingFactory(pair=pair)
    text = page_text(client, pair.mentor, pair)
    assert NOT_STARTED not in text
    assert "Your pair starts on" not in text
    assert "1 meeting held of 5 planned" in text


def test_the_admin_change_page_says_what_is_missing(client, program_admin, waiting):
    client.force_login(program_admin)
    response = client.get(change_url(waiting))
    assert response.status_code == HTTPStatus.OK
    assert ADMIN_NOTICE in response.content.decode()
    assert response.context["adminform"].form.fields["started_on"].help_text == PAIR_START_HELP
    assert "Without a start date the pair stays Proposed" in PAIR_START_HELP


def test_the_admin_change_page_of_a_started_pair_has_no_notice(client, program_admin):
    client.force_login(program_admin)
    response = client.get(change_url(PairFactory()))
    assert ADMIN_NOTICE not in response.content.decode()


def test_the_admin_add_page_explains_the_start_date(client, program_admin):
    client.force_login(program_admin)
    response = client.get(reverse("admin:mentorship_pair_add"))
    assert "Without a start date the pair stays Proposed" in response.content.decode()
    assert ADMIN_NOTICE not in response.content.decode()
