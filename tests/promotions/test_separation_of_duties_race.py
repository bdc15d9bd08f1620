"""Separation of duties under concurrency: seating someone on a candidate's panel and pairing
them with that candidate, at the same moment, cannot both succeed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mentorship.models import Pair
from promotions.models import PanelSeat
from tests.concurrency import run_together
from tests.factories import ProgramFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 4


def test_a_seat_and_a_pair_racing_never_both_land(world):
    for n in range(ROUNDS):
        newcomer = UserFactory(username=f"newcomer{n}")
        program = ProgramFactory()

        def seat(newcomer=newcomer):
            return PanelSeat.objects.create(
                review=world.review, user=newcomer, added_by=world.program_admin
            )

        def pair(newcomer=newcomer, program=program):
            return Pair.objects.create(
                program=program, mentor=newcomer, mentee=world.mentee, status="active"
            )

        outcomes = run_together(seat, pair)

        landed = [o for o in outcomes if not isinstance(o, Exception)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert (len(landed), len(refused)) == (1, 1), outcomes
        seated = PanelSeat.objects.filter(review=world.review, user=newcomer).exists()
        paired = Pair.objects.filter(mentor=newcomer, mentee=world.mentee).exists()
        assert seated != paired
