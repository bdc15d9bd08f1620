"""The pair page's meeting log reads its first page through a statement compiled once per
process from Meeting.objects.visible_to: the same rows, in the same order, as the scoped
queryset for every role, nothing for anyone who is not a member of the pair, and never the
previous caller's answer. Later pages are the scoped queryset itself."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from mentorship.views import _FIRST_MEETINGS, MEETINGS_PER_PAGE, _meeting_log, _MeetingLog
from tests.factories import (
    MeetingFactory,
    PairFactory,
    ProgramAdminFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FIRST = slice(0, MEETINGS_PER_PAGE + 1)


@pytest.fixture
def pairs():
    first, second = PairFactory(), PairFactory()
    today = datetime.date.today()
    # More than a page, with days held twice (the order's ties) and notes.
    for day in range(MEETINGS_PER_PAGE + 3):
        MeetingFactory(
            pair=first, held_on=today - datetime.timedelta(days=day // 2), notes=f"n{day}"
        )
    MeetingFactory(pair=second, notes="the other pair's")
    return first, second


def test_first_page_is_visible_to_for_every_role(pairs):
    first, second = pairs
    superuser = UserFactory(is_superuser=True, is_staff=True)
    viewers = (
        first.mentor,
        first.mentee,
        second.mentor,
        second.mentee,
        ProgramAdminFactory(),
        UserFactory(),
        superuser,
    )
    for pair in (first, second):
        for viewer in viewers:
            expected = list(_meeting_log(viewer, pair.pk)[FIRST])
            assert _FIRST_MEETINGS.rows(viewer=viewer.pk, pair=pair.pk) == expected
            assert list(_MeetingLog(viewer, pair.pk)[FIRST]) == expected
            members = (pair.mentor, pair.mentee)
            assert bool(expected) == (viewer in members)
    assert len(_FIRST_MEETINGS.rows(viewer=first.mentee.pk, pair=first.pk)) == MEETINGS_PER_PAGE + 1


def test_never_answers_for_the_previous_caller(pairs):
    first, second = pairs
    assert _FIRST_MEETINGS.rows(viewer=first.mentor.pk, pair=first.pk)
    assert _FIRST_MEETINGS.rows(viewer=second.mentor.pk, pair=first.pk) == []
    assert _FIRST_MEETINGS.rows(viewer=first.mentor.pk, pair=second.pk) == []
    assert [
        notes for *_, notes in _FIRST_MEETINGS.rows(viewer=second.mentee.pk, pair=second.pk)
    ] == ["the other pair's"]


def test_other_pages_and_the_anonymous_come_from_the_scoped_queryset(pairs):
    first, _ = pairs
    later = slice(MEETINGS_PER_PAGE, 2 * MEETINGS_PER_PAGE + 1)
    assert list(_MeetingLog(first.mentor, first.pk)[later]) == list(
        _meeting_log(first.mentor, first.pk)[later]
    )
    assert len(list(_MeetingLog(first.mentor, first.pk)[later])) == 3
    assert list(_MeetingLog(AnonymousUser(), first.pk)[FIRST]) == []


def test_the_rows_are_written_as_the_template_wrote_them():
    from django.utils.formats import date_format

    from mentorship.models import Meeting
    from mentorship.views import meeting_log_html

    day = datetime.date(987, 3, 9)
    html = meeting_log_html(
        [
            (day, Meeting.Status.HELD, 45, "a <b>\nline"),
            (day, Meeting.Status.MISSED, 30, ""),
        ]
    )
    assert html == (
        f'<li class="list-group-item">\n<strong>{date_format(day, "j F Y")}</strong> · Held · '
        '45 min\n<p class="mb-0 mt-1 small">a &lt;b&gt;<br>line</p>\n</li>\n'
        f'<li class="list-group-item">\n<strong>{date_format(day, "j F Y")}</strong> · Missed\n'
        "</li>"
    )
