"""A refusal says nothing to program admins (attack review, round 2).

Whether a page refuses someone can turn on hidden input: a former mentor reaches a review's
input page while they have a statement in it, and is refused once they have none. With that
refusal in the chain every program admin reads, the admin learned which reviews a former mentor
had written in, drafts included. Every access.denied is now in the confidential chain.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest

from mentorship.audit import Action, audit_events_visible_to
from mentorship.models import ConfidentialAuditEvent, Pair
from tests.factories import ProgramAdminFactory, PromotionReviewFactory

pytestmark = pytest.mark.django_db


def test_a_former_mentors_refusal_does_not_reach_the_admins_trail(world, client):
    written_in = world.review
    world.statement()  # a draft only the mentor can see
    not_written_in = PromotionReviewFactory(program=world.program, candidate=world.mentee)
    Pair.objects.filter(pk=world.pair.pk).update(status=Pair.Status.COMPLETED)
    hana = ProgramAdminFactory()
    trail_before = list(audit_events_visible_to(hana).values_list("pk", flat=True))

    client.force_login(world.mentor)
    assert client.get(written_in.input_url()).status_code == HTTPStatus.OK
    assert client.get(not_written_in.input_url()).status_code == HTTPStatus.NOT_FOUND

    assert list(audit_events_visible_to(hana).values_list("pk", flat=True)) == trail_before
    refusal = ConfidentialAuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert refusal.target_id == str(not_written_in.pk)
