"""Who may do what in the agreement flow. Views, services and templates ask here.

Reads are scoped in the querysets (Agreement/Answer ``visible_to``); these predicates decide
actions on a pair or agreement the user can already see. Plain functions, asked directly (see
mentorship/permissions.py).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from agreements.models import Agreement, QuestionnaireSubmission
from mentorship.models import Pair, Program
from mentorship.permissions import is_pair_active, is_pair_member, is_program_admin


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


def agreement_under_current_guideline(user, agreement) -> bool:
    return not agreement.is_under_outdated_guideline(agreement.pair.program.current_guideline())


# An agreement has at most two signatures (one per member): read all of them, or use those a
# page has already read (prefetched), rather than a query per question.


def has_not_signed(user, agreement) -> bool:
    return all(signature.signer_id != user.pk for signature in agreement.signatures.all())


def agreement_is_signed(user, agreement) -> bool:
    return agreement.signatures.exists()  # no query once the signatures are prefetched


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
        and agreement_under_current_guideline(user, agreement)
    )


def can_acknowledge_guideline(user, agreement) -> bool:
    """Confirm, for an active agreement made under an older guideline version, that the
    current version changes nothing about the terms; once per member and version."""
    current = agreement.pair.program.current_guideline()
    return (
        is_agreement_member(user, agreement)
        and agreement_is_active(user, agreement)
        and agreement_pair_active(user, agreement)
        and agreement.needs_guideline_review(current)
        and not agreement.acknowledgements.filter(guideline=current, member_id=user.pk).exists()
    )


def can_end_agreement(user, agreement) -> bool:
    return is_agreement_member(user, agreement) and agreement_is_active(user, agreement)


def can_withdraw_proposal(user, agreement) -> bool:
    # Either member may take open terms off the table (the proposer withdraws them, the partner
    # declines them), also once the pair has ended: nothing can come into force by it.
    return is_agreement_member(user, agreement) and agreement_awaiting_signatures(user, agreement)


def programs_with_guideline_visible_to(user):
    """The programs whose published guideline versions `user` may read: every program for a
    program admin, the programs of their own pairs for anyone else. A queryset, so the page
    fetches through it and an outsider gets the same 404 as for a missing program."""
    if not user.is_authenticated:
        return Program.objects.none()
    if is_program_admin(user):
        return Program.objects.all()
    return Program.objects.filter(
        Exists(
            Pair.objects.filter(Q(mentor_id=user.pk) | Q(mentee_id=user.pk), program=OuterRef("pk"))
        )
    )


def can_print_agreement(user, agreement) -> bool:
    return is_agreement_member(user, agreement) and agreement_is_signed(user, agreement)
