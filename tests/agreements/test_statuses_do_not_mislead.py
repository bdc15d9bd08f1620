"""The agreement pages say where the pair really is: an amendment shows what it changes, the
list shows an active agreement as active, an ended agreement is not "no agreement yet", the
Compare page's step bar highlights Compare, and a pair not started says one thing."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from agreements.services import agreement_end
from tests.agreements.test_pages import current_step
from tests.factories import PairFactory, PublishedGuidelineFactory, UserFactory
from tests.factories.worlds import propose

pytestmark = pytest.mark.django_db


def page(client, person, name, *args) -> str:
    client.force_login(person)
    response = client.get(reverse(name, args=args))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_an_amendment_shows_each_term_against_the_one_in_force(client, active_agreement):
    pair = active_agreement.pair
    amendment = propose(pair, by=pair.mentee, allows_engagement=False, exceptions="Only dates.")
    body = page(client, pair.mentor, "agreements:detail", amendment.pk)
    assert "An amendment: what changes" in body
    changes = {
        c.label: c
        for c in client.get(reverse("agreements:detail", args=[amendment.pk])).context["changes"]
    }
    assert changes["Engagement statements allowed"].in_force == "Yes"
    assert changes["Engagement statements allowed"].proposed == "No"
    assert changes["Engagement statements allowed"].changed
    assert changes["Exceptions to the guideline"].proposed == "Only dates."
    assert not changes["Advocacy statements allowed"].changed
    assert not changes["Guideline"].changed
    # The agreement in force itself shows no such table.
    assert "An amendment: what changes" not in page(
        client, pair.mentor, "agreements:detail", active_agreement.pk
    )


def test_an_outsider_sees_no_amendment(client, active_agreement, outsider):
    pair = active_agreement.pair
    amendment = propose(pair, by=pair.mentee, allows_engagement=False)
    client.force_login(outsider)
    response = client.get(reverse("agreements:detail", args=[amendment.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_list_shows_an_active_agreement_as_active_during_an_amendment(client, active_agreement):
    pair = active_agreement.pair
    propose(pair, by=pair.mentee, allows_engagement=False)
    client.force_login(pair.mentor)
    response = client.get(reverse("agreements:index"))
    body = response.content.decode()
    (flow,) = response.context["flows"]
    assert current_step(flow) == "active"
    assert 'aria-current="step"' not in body.split("4. Sign")[0].rsplit("<li", 1)[-1]
    assert "Active since" in body
    assert "An amendment awaits signatures" in body
    assert "Review and sign the proposed amendment" in body


def test_after_an_agreement_ended_the_pages_say_so_and_what_next(client, active_agreement):
    pair = active_agreement.pair
    agreement_end(agreement_id=active_agreement.pk, by=pair.mentee, reason="We stop.")
    for name in ("agreements:pair", "mentorship:pair"):
        body = page(client, pair.mentor, name, pair.pk)
        assert "No agreement yet" not in body
        assert "Your agreement ended on" in body
    body = page(client, pair.mentor, "agreements:pair", pair.pk)
    assert "propose new terms" in body
    assert reverse("agreements:terms", args=[pair.pk]) in body
    assert "Your agreement ended on" in page(client, pair.mentee, "agreements:index")


def test_the_compare_page_highlights_compare_and_the_terms_page_terms(client, answered):
    compare = client
    compare.force_login(answered.mentor)
    flow = compare.get(reverse("agreements:compare", args=[answered.pk])).context["flow"]
    assert current_step(flow) == "compare"
    flow = compare.get(reverse("agreements:terms", args=[answered.pk])).context["flow"]
    assert current_step(flow) == "terms"


@pytest.fixture
def not_started():
    pair = PairFactory(
        mentor=UserFactory(full_name="Nina Mentor"),
        mentee=UserFactory(full_name="Ned Mentee"),
        status="proposed",
        started_on=None,
    )
    PublishedGuidelineFactory(program=pair.program, version=1)
    return pair


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_a_pair_not_started_says_one_thing(client, not_started, who):
    person = getattr(not_started, who)
    for name in ("agreements:pair", "agreements:questionnaire", "agreements:terms"):
        body = page(client, person, name, not_started.pk)
        assert "has not started yet: the program admin sets the start date" in body, name
        assert "no new agreement can be made" not in body, name
        assert "Start with" not in body, name
        assert "not active" not in body, name
    index = page(client, person, "agreements:index")
    assert "has not started yet" in index
    assert "Nothing to do right now" not in index


def test_an_outsider_gets_404_for_the_pages_of_a_pair_not_started(client, not_started, outsider):
    client.force_login(outsider)
    for name in ("agreements:pair", "agreements:questionnaire", "agreements:terms"):
        assert client.get(reverse(name, args=[not_started.pk])).status_code == 404
