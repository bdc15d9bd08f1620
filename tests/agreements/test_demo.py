"""The demo seed gives each demo pair a different place in the agreement flow, idempotently."""

from __future__ import annotations

import pytest

import agreements.demo
import mentorship.demo
from agreements.models import Agreement, Answer, QuestionnaireSubmission, Signature
from agreements.selectors import answer_comparison
from agreements.verification import verify_agreements

pytestmark = pytest.mark.django_db


def test_seed_twice_gives_the_three_demo_states():
    for _ in range(2):
        base = mentorship.demo.seed()
        agreements.demo.seed(base)

    users, pairs = base.users, base.pairs
    maria_carol = Agreement.objects.get(pair=pairs["maria-carol"])
    assert maria_carol.status == Agreement.Status.ACTIVE
    assert maria_carol.allows_statement_kind("advocacy")
    assert maria_carol.allows_statement_kind("engagement")
    assert maria_carol.guideline == base.guideline
    assert maria_carol.signatures.count() == 2

    topics = [r for r in answer_comparison(pairs["dan-mary"], users["dan"]) if r.on_agenda]
    assert len(topics) == 1

    dan_mary = Agreement.objects.get(pair=pairs["dan-mary"])
    assert dan_mary.status == Agreement.Status.AWAITING_SIGNATURES
    assert list(dan_mary.signatures.values_list("signer", flat=True)) == [users["mary"].pk]

    omar_lena = pairs["omar-lena"]
    assert not Agreement.objects.filter(pair=omar_lena).exists()
    assert list(
        QuestionnaireSubmission.objects.filter(pair=omar_lena).values_list("respondent", flat=True)
    ) == [users["omar"].pk]
    assert not Answer.objects.filter(pair=omar_lena, respondent=users["lena"]).exists()

    assert Signature.objects.count() == 3
    checked, problems = verify_agreements()
    assert (checked, problems) == (2, [])
