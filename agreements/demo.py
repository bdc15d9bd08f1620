"""Demo data for agreements, on top of mentorship.demo's base. Idempotent.

* maria-carol: an active agreement, signed by both, allowing promotion participation,
  advocacy and engagement statements;
* dan-mary: proposed terms signed by Mary, awaiting Dan's signature (their answers differ on
  one statement, so the comparison has a topic);
* omar-lena: mid-questionnaire (Omar submitted, Lena has not answered).

Everything goes through the real services, so the texts and hashes are what signing makes.
"""

from __future__ import annotations

from agreements.models import Agreement, Answer, QuestionnaireSubmission
from agreements.selectors import asked_questions
from agreements.services import agreement_propose, agreement_sign, questionnaire_answer
from mentorship.demo import DEMO_PASSWORD, DemoBase
from mentorship.models import Pair, User

OPEN_TO_ADVOCACY = {
    "allows_promotion_participation": Answer.Value.AGREE,
    "allows_advocacy": Answer.Value.AGREE,
    "allows_engagement": Answer.Value.AGREE,
}
DEMO_USER_AGENT = "seed_demo"


def _answer(pair: Pair, person: User, overrides: dict[int, tuple[str, str]] | None = None) -> None:
    """Answer every statement as the guideline expects (mapped terms: agree), then submit."""
    if QuestionnaireSubmission.objects.filter(pair=pair, respondent=person).exists():
        return
    answers = {}
    for question in asked_questions(pair):
        value = question.guideline_answer or OPEN_TO_ADVOCACY.get(
            question.maps_to_term, Answer.Value.UNSURE
        )
        answers[question.pk] = (value, "")
    answers.update(overrides or {})
    questionnaire_answer(pair_id=pair.pk, respondent=person, answers=answers, submit=True)


def _propose(pair: Pair, by: User, **terms) -> Agreement:
    existing = Agreement.objects.filter(pair=pair).exclude(canonical_text="")
    current = existing.open().first() or existing.active().first()
    if current is not None:
        return current
    return agreement_propose(pair_id=pair.pk, by=by, **terms)


def _sign(agreement: Agreement, person: User) -> None:
    if agreement.signatures.filter(signer=person).exists() or not agreement.is_open:
        return
    agreement_sign(
        agreement_id=agreement.pk,
        signer=person,
        typed_name=person.get_full_name(),
        password=DEMO_PASSWORD,
        text_sha256=agreement.text_sha256,
        user_agent=DEMO_USER_AGENT,
    )


def seed(base: DemoBase) -> None:
    users = base.users
    open_terms = {
        "confidentiality_scope": Agreement.Scope.AGREED_EXCEPTIONS,
        "allows_promotion_participation": True,
        "allows_advocacy": True,
        "allows_engagement": True,
        "exceptions": "",
    }

    maria_carol = base.pairs["maria-carol"]
    _answer(maria_carol, users["maria"])
    _answer(maria_carol, users["carol"])
    agreement = _propose(maria_carol, users["maria"], **open_terms)
    _sign(agreement, users["maria"])
    _sign(agreement, users["carol"])

    dan_mary = base.pairs["dan-mary"]
    engagement = asked_questions(dan_mary).filter(maps_to_term="allows_engagement").first()
    dan_unsure = (
        {engagement.pk: (Answer.Value.UNSURE, "Is saying how often we met really fine?")}
        if engagement
        else {}
    )
    _answer(dan_mary, users["dan"], dan_unsure)
    _answer(dan_mary, users["mary"])
    agreement = _propose(dan_mary, users["mary"], **open_terms)
    _sign(agreement, users["mary"])

    omar_lena = base.pairs["omar-lena"]
    _answer(omar_lena, users["omar"])
