"""Who may do what in the agreement flow. Views, services and templates ask here.

Reads are scoped in the querysets (Agreement/Answer ``visible_to``); these predicates decide
actions on a pair or agreement the user can already see.
"""

from __future__ import annotations

import rules

from agreements.models import Agreement, QuestionnaireSubmission
from mentorship.permissions import is_pair_active, is_pair_member


def has_submitted(user, pair) -> bool:
    return QuestionnaireSubmission.objects.filter(pair=pair, respondent_id=user.pk).exists()


def both_submitted(pair) -> bool:
    respondents = set(
        QuestionnaireSubmission.objects.filter(pair=pair).values_list("respondent_id", flat=True)
    )
    return {pair.mentor_id, pair.mentee_id} <= respondents


@rules.predicate
def has_not_submitted(user, pair) -> bool:
    return not has_submitted(user, pair)


@rules.predicate
def questionnaire_complete(user, pair) -> bool:
    return both_submitted(pair)


@rules.predicate
def program_has_guideline(user, pair) -> bool:
    return pair.program.current_guideline() is not None


@rules.predicate
def is_agreement_member(user, agreement) -> bool:
    return is_pair_member(user, agreement.pair)


@rules.predicate
def agreement_awaiting_signatures(user, agreement) -> bool:
    return agreement.status == Agreement.Status.AWAITING_SIGNATURES


@rules.predicate
def agreement_is_active(user, agreement) -> bool:
    return agreement.status == Agreement.Status.ACTIVE


@rules.predicate
def agreement_pair_active(user, agreement) -> bool:
    return is_pair_active(user, agreement.pair)


@rules.predicate
def has_not_signed(user, agreement) -> bool:
    return not agreement.signatures.filter(signer_id=user.pk).exists()


@rules.predicate
def agreement_is_signed(user, agreement) -> bool:
    return agreement.signatures.exists()


can_answer_questionnaire = is_pair_member & is_pair_active & has_not_submitted
can_compare_answers = is_pair_member & questionnaire_complete
can_propose_terms = is_pair_member & is_pair_active & questionnaire_complete & program_has_guideline
can_sign_agreement = (
    is_agreement_member & agreement_awaiting_signatures & agreement_pair_active & has_not_signed
)
can_end_agreement = is_agreement_member & agreement_is_active
# Either member may take open terms off the table (the proposer withdraws them, the partner
# declines them), also once the pair has ended: nothing can come into force by it.
can_withdraw_proposal = is_agreement_member & agreement_awaiting_signatures
can_print_agreement = is_agreement_member & agreement_is_signed

rules.add_perm("agreements.answer_questionnaire", can_answer_questionnaire)
rules.add_perm("agreements.compare_answers", can_compare_answers)
rules.add_perm("agreements.propose_terms", can_propose_terms)
rules.add_perm("agreements.sign_agreement", can_sign_agreement)
rules.add_perm("agreements.end_agreement", can_end_agreement)
rules.add_perm("agreements.withdraw_proposal", can_withdraw_proposal)
rules.add_perm("agreements.print_agreement", can_print_agreement)
