"""Lists that grow without bound are paged, and the consent page lists each viewer once however
often the panel opened its page."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from promotions.querysets import showings_by_viewer
from tests.factories import (
    ActiveAgreementFactory,
    AgreementFactory,
    MeetingFactory,
    PairFactory,
    PanelSeatFactory,
    PromotionReviewFactory,
    SharedStatementFactory,
    StatementViewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_consent_page_groups_showings_by_viewer(client):
    statement = SharedStatementFactory()
    ActiveAgreementFactory(pair=statement.pair)
    lee = UserFactory(full_name="Lee Park")
    sam = UserFactory(full_name="Sam Reyes")
    now = timezone.now()
    for minutes in (300, 200, 100):
        StatementViewFactory(
            statement=statement, viewer=lee, viewed_at=now - datetime.timedelta(minutes=minutes)
        )
    StatementViewFactory(statement=statement, viewer=sam, viewed_at=now)

    shown = showings_by_viewer([statement.pk])[statement.pk]
    assert [(s.viewer, s.times) for s in shown] == [("Sam Reyes", 1), ("Lee Park", 3)]
    assert shown[1].first == now - datetime.timedelta(minutes=300)
    assert shown[1].last == now - datetime.timedelta(minutes=100)
    assert showings_by_viewer([]) == {}

    client.force_login(statement.pair.mentee)
    page = client.get(statement.review.consent_url()).content.decode()
    assert page.count("<li>Lee Park, ") == 1
    assert "(shown 3 times since" in page


def test_the_agreements_index_pages_its_pairs(client):
    mentor = UserFactory()
    PairFactory.create_batch(21, mentor=mentor)
    client.force_login(mentor)
    first = client.get(reverse("agreements:index"))
    assert first.content.decode().count('class="card h-100"') == 20
    assert 'href="/agreements/?page=2"' in first.content.decode()
    second = client.get(reverse("agreements:index"), {"page": 2})
    assert second.status_code == HTTPStatus.OK
    assert second.content.decode().count('class="card h-100"') == 1


def test_the_dashboard_pages_pairs_and_attention(client):
    mentor = UserFactory()
    PairFactory.create_batch(21, mentor=mentor)
    client.force_login(mentor)
    page = client.get(reverse("mentorship:dashboard")).content.decode()
    assert "?as_mentor=2" in page
    assert "?attention=2" in page  # 21 questionnaires to answer, at least
    assert client.get(reverse("mentorship:dashboard"), {"as_mentor": "2"}).status_code == 200


def test_the_reviews_index_pages_the_reviews(client):
    lee = UserFactory()
    for _ in range(21):
        PanelSeatFactory(review=PromotionReviewFactory(), user=lee)
    client.force_login(lee)
    page = client.get(reverse("promotions:index")).content.decode()
    assert page.count("Read the review") == 20
    assert "?page=2" in page
    later = client.get(reverse("promotions:index"), {"page": "2"}).content.decode()
    assert later.count("Read the review") == 1


def test_the_pair_page_pages_the_meeting_log(client):
    pair = PairFactory()
    MeetingFactory.create_batch(21, pair=pair)
    client.force_login(pair.mentor)
    first = client.get(pair.get_absolute_url()).content.decode()
    assert first.count('class="list-group-item"') >= 20
    assert "?meetings=2#meetings" in first
    later = client.get(pair.get_absolute_url(), {"meetings": "2"}).content.decode()
    assert "No meetings logged yet" not in later
    assert "?meetings=2" not in later  # no further page


def test_the_agreement_history_is_paged_and_numbered_from_the_first(client):
    pair = PairFactory()
    AgreementFactory.create_batch(21, pair=pair, status=Agreement.Status.VOID)
    client.force_login(pair.mentee)
    url = reverse("agreements:history", args=[pair.pk])
    first = client.get(url).content.decode()
    assert ">#21</a>" in first
    assert ">#2</a>" in first
    assert ">#1</a>" not in first
    assert "?history=2" in first
    later = client.get(url, {"history": "2"}).content.decode()
    assert ">#1</a>" in later
    assert ">#2</a>" not in later
