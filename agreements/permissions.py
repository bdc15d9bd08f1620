"""Who may do what in the agreement flow. Views, services and templates ask here.

Reads are scoped in the querysets (Agreement/Answer ``visible_to``); these predicates decide
actions on a pair or agreement the user can already see. Plain functions, asked directly (see
mentorship/permissions.py).
"""

from __future__ import annotations

from agreements.models import Agreement, QuestionnaireSubmission
from mentorship.permissions import is_pair_active, is_pair_member


def has_submitted(user, pair) -> bool:
    return QuestionnaireSubmission.objects.filter(pair=pair, respondent_id=user.pk).exists()


def both_submitted(pair) -> bool:
    respondents = set(
        QuestionnaireSubmission.objects.filter(pair=pair).values_list("respondent_id", flat=True)
    )
    return {pair.mentor_id, pair.mentee_id} <= respondents


def has_not_submitted(user, pair) -> bool:
    return not has_submitted(user, pair)


def questionnaire_complete(user, pair) -> bool:
    return both_submitted(pair)


def program_has_guideline(user, pair) -> bool:
    return pair.program.current_guideline() is not None


def is_agreement_member(user, agreement) -> bool:
    return is_pair_member(user, agreement.pair)


def agreement_awaiting_signatures(user, agreement) -> bool:
    return agreement.status == Agreement.Status.AWAITING_SIGNATURES


def agreement_is_active(user, agreement) -> bool:
    return agreement.status == Agreement.Status.ACTIVE


def agreement_pair_active(user, agreement) -> bool:
    return is_pair_active(user, agreement.pair)


def has_not_signed(user, agreement) -> bool:
    return not agreement.signatures.filter(signer_id=user.pk).exists()


def agreement_is_signed(user, agreement) -> bool:
    return agreement.signatures.exists()


def can_answer_questionnaire(user, pair) -> bool:
    return (
        is_pair_member(user, pair) and is_pair_active(user, pair) and has_not_submitted(user, pair)
    )


def can_propose_terms(user, pair) -> bool:
    return (
        is_pair_member(user, pair)
        and is_pair_active(user, pair)
        and questionnaire_complete(user, pair)
        and program_has_guideline(user, pair)
    )


def can_sign_agreement(user, agreement) -> bool:
    return (
        is_agreement_member(user, agreement)
        and agreement_awaiting_signatures(user, agreement)
        and agreement_pair_active(user, agreement)
        and has_not_signed(user, agreement)
    )


def can_end_agreement(user, agreement) -> bool:
    return is_agreement_member(user, agreement) and agreement_is_active(user, agreement)


def can_withdraw_proposal(user, agreement) -> bool:
    # Either member may take open terms off the table (the proposer withdraws them, the partner
    # declines them), also once the pair has ended: nothing can come into force by it.
    return is_agreement_member(user, agreement) and agreement_awaiting_signatures(user, agreement)


def can_print_agreement(user, agreement) -> bool:
    return is_agreement_member(user, agreement) and agreement_is_signed(user, agreement)
