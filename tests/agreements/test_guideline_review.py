"""Publishing a new guideline version asks active pairs to review and re-acknowledge it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from agreements.models import Agreement
from agreements.selectors import agreement_attention, pair_flow
from mentorship.services import guideline_publish
from tests.factories import GuidelineFactory, ProgramAdminFactory
from tests.factories.worlds import propose, sign
from tests.outbox import deliver_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_version(active_agreement):
    program = active_agreement.pair.program
    draft = GuidelineFactory(program=program, title="Confidentiality guideline, revised")
    with deliver_after():
        guideline_publish(guideline_id=draft.pk, by=ProgramAdminFactory(username="publisher"))
    draft.refresh_from_db()
    return draft


def test_publication_flags_active_agreements_for_review(client, active_agreement, new_version):
    pair = active_agreement.pair
    assert new_version.version == 2
    assert active_agreement.needs_guideline_review(pair.program.current_guideline())
    flow = pair_flow(pair, pair.mentee)
    assert flow.needs_guideline_review
    # "Review the guideline" opens what changed in the guideline, not the terms form.
    guideline_url = reverse("agreements:guideline", args=[pair.program_id])
    assert flow.next_url == f"{guideline_url}?from=1&to=2"

    (item,) = agreement_attention(pair.mentor)
    assert "Guideline version 2 was published" in item.message
    assert item.url == flow.next_url

    client.force_login(pair.mentor)
    page = client.get(reverse("agreements:detail", args=[active_agreement.pk])).content.decode()
    assert "Guideline version 2 has been published since this agreement was signed" in page
    pair_page = client.get(reverse("agreements:pair", args=[pair.pk])).content.decode()
    assert "published guideline version 2" in pair_page


def test_publication_emails_both_members(active_agreement, new_version):
    pair = active_agreement.pair
    review = [m for m in mail.outbox if "Guideline version 2 published" in m.subject]
    assert sorted(m.to[0] for m in review) == sorted([pair.mentor.email, pair.mentee.email])
    guideline_url = reverse("agreements:guideline", args=[pair.program_id])
    for message in review:
        assert f"http://testserver{guideline_url}?from=1&amp;to=2" not in message.body
        assert f"http://testserver{guideline_url}?from=1&to=2" in message.body
        assert f"http://testserver/agreements/{active_agreement.pk}/" in message.body
        assert "/terms/" not in message.body


def test_other_programs_and_current_agreements_are_not_flagged(active_agreement, new_version):
    from tests.factories import ActiveAgreementFactory

    elsewhere = ActiveAgreementFactory()
    assert not elsewhere.needs_guideline_review(elsewhere.pair.program.current_guideline())


def test_re_acknowledging_is_an_amendment_under_the_new_version(active_agreement, new_version):
    pair = active_agreement.pair
    renewal = propose(pair)  # same terms, new guideline version: a new text to sign
    assert renewal.guideline == new_version
    assert "version 2" in renewal.canonical_text
    sign(renewal, pair.mentor)
    sign(renewal, pair.mentee)
    active_agreement.refresh_from_db()
    renewal.refresh_from_db()
    assert active_agreement.status == Agreement.Status.SUPERSEDED
    assert renewal.status == Agreement.Status.ACTIVE
    assert not pair_flow(pair, pair.mentor).needs_guideline_review
    assert list(agreement_attention(pair.mentor)) == []
