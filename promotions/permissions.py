"""Who may do what with promotion reviews and statements. Views, forms, admin and emails ask here.

Reads are scoped in querysets.py (visible_to); these predicates decide actions on an object the
user can already see. They are plain functions, asked directly, never Django permissions:
has_perm() answers True for every permission of an active superuser, and a superuser must not
be able to consent on a mentee's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from mentorship.models import Pair

# --- The agreement gate ---------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """Whether a pair's terms let the mentor write (and the mentee share) one kind of statement."""

    allowed: bool
    reason: str = ""


def active_agreement(pair: Pair):
    """The pair's active agreement; uses StatementQuerySet.with_active_agreement()'s prefetch
    or the terms querysets.active_terms_of() read from a join, if either set it on the pair."""
    prefetched = getattr(pair, "promotions_active_agreements", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    from agreements.models import Agreement

    return Agreement.objects.active_for(pair)


def agreement_gate(pair: Pair | None, kind: str, agreement=None) -> Gate:
    """May this pair's mentor take part with a statement of `kind`? If not, why (neutral words)."""
    from promotions.models import Statement

    label = Statement.Kind(kind).label.lower()
    if pair is None or pair.status != Pair.Status.ACTIVE:
        return Gate(False, "The mentoring pair is not active, so the mentor cannot give input.")
    if agreement is None:
        agreement = active_agreement(pair)
    if agreement is None:
        return Gate(
            False,
            "The pair has no active signed agreement. A mentor takes part in a promotion review "
            "only by mutual agreement.",
        )
    if not agreement.allows_promotion_participation:
        return Gate(
            False,
            "The pair's agreement does not allow the mentor to take part in promotion reviews.",
        )
    if not agreement.allows_statement_kind(kind):
        return Gate(False, f"The pair's agreement does not allow {label} statements.")
    return Gate(True)


def candidate_mentor_pair(user, review) -> Pair | None:
    """The user's active pair mentoring the review's candidate in its program, if any."""
    if not user.is_authenticated:
        return None
    return (
        Pair.objects.active()
        .filter(program_id=review.program_id, mentee_id=review.candidate_id, mentor=user)
        .select_related("program", "mentor", "mentee")
        .first()
    )


# --- Consent requests: no pressure loop ------------------------------------------------------


@dataclass(frozen=True)
class RequestAllowance:
    """Whether the mentor may ask the mentee for consent (again) in a review, and if not why."""

    allowed: bool
    reason: str = ""
    remaining: int = 0
    limit: int = 0


def consent_request_allowance(review, pair: Pair) -> RequestAllowance:
    """The mentee's "don't ask me for consent in this review", then the program's limit of
    requests per pair and review, in one query. services.statement_submit asks again under the
    review's lock, which consent_opt_out and consent_decline also take to record an opt-out.

    The opt-out's refusal is the same words for every mentor of the candidate, whenever and
    however it was given: a mentor who never asked must not learn from it that someone else
    asked and was declined."""
    from promotions.models import ConsentOptOut, ConsentRequest, PromotionReview

    used = (
        ConsentRequest.objects.filter(review_id=OuterRef("pk"), pair_id=pair.pk)
        .order_by()
        .values("review_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        PromotionReview._base_manager.filter(pk=review.pk)
        .annotate(
            opted_out=Exists(ConsentOptOut.objects.filter(review_id=OuterRef("pk"))),
            used=Coalesce(Subquery(used), 0),
        )
        .values("opted_out", "used", "program__consent_requests_per_review")
        .get()
    )
    mentee = pair.mentee
    if row["opted_out"]:
        return RequestAllowance(
            False,
            f"{mentee} asked not to be asked for consent in this review, so no consent request "
            f"can be sent to them for it. Your drafts stay yours.",
        )
    limit, used = row["program__consent_requests_per_review"], row["used"]
    remaining = max(0, limit - used)
    if not remaining:
        return RequestAllowance(
            False,
            f"You have asked {mentee} for consent {used} times in this review, the program's "
            f"limit, so you cannot ask again in this review.",
            limit=limit,
        )
    return RequestAllowance(True, remaining=remaining, limit=limit)


# --- Predicates on a review -------------------------------------------------------------------


def is_panel_member(user, review) -> bool:
    """Uses PromotionReviewQuerySet.seated_with_visit(user)'s seat if the review was read with
    it for this very user."""
    if review is None or not user.is_authenticated:
        return False
    if getattr(review, "viewer_seat_for", None) == user.pk:
        return review.viewer_seat_id is not None
    return review.seats.filter(user=user).exists()


def is_supervisor(user, review) -> bool:
    return review is not None and user.is_authenticated and review.supervisor_id == user.pk


def is_candidate(user, review) -> bool:
    return review is not None and user.is_authenticated and review.candidate_id == user.pk


def is_candidate_mentor(user, review) -> bool:
    return review is not None and candidate_mentor_pair(user, review) is not None


def has_authored_statements(user, review) -> bool:
    if review is None or not user.is_authenticated:
        return False
    return review.statements.filter(pair__mentor=user).exists()


def review_not_closed(user, review) -> bool:
    return review is not None and not review.is_closed


can_view_panel_page = is_panel_member
can_open_consent_page = is_candidate


def can_write_assessment(user, review) -> bool:
    return is_supervisor(user, review) and review_not_closed(user, review)


def can_open_input_page(user, review) -> bool:
    return is_candidate_mentor(user, review) or has_authored_statements(user, review)


def can_give_input(user, review) -> bool:
    return is_candidate_mentor(user, review) and review_not_closed(user, review)


def can_opt_out(user, review) -> bool:
    return is_candidate(user, review) and review_not_closed(user, review)


def can_record_outcome(user, review) -> bool:
    """Only a seated panel member, only while the panel decides: a closed review's outcome is
    frozen with it, and an open one is still taking input."""
    return (
        review is not None
        and review.status == review.Status.DECIDING
        and is_panel_member(user, review)
    )


# --- Predicates on a statement ----------------------------------------------------------------


def is_author(user, statement) -> bool:
    return statement is not None and user.is_authenticated and statement.pair.mentor_id == user.pk


def is_subject(user, statement) -> bool:
    return statement is not None and is_pair_mentee(user, statement.pair)


def is_pair_mentee(user, pair) -> bool:
    """is_subject's pair part: every statement of the pair is about its mentee."""
    return user.is_authenticated and pair.mentee_id == user.pk


def statement_not_frozen(user, statement) -> bool:
    return statement is not None and not statement.review.is_closed


def terms_allow_statement(user, statement) -> bool:
    return statement is not None and terms_allow_kind(statement.pair, statement.kind)


def terms_allow_kind(pair, kind: str) -> bool:
    """terms_allow_statement's part: the same for every statement of a pair and kind."""
    return agreement_gate(pair, kind).allowed


def _state_is(statement, state: str) -> bool:
    return statement is not None and statement.state == state


def can_edit_statement(user, statement) -> bool:
    # Editing sends the statement back to draft and clears consent. A declined statement is
    # final: an edit and a new request would turn the mentee's "no" into "not yet".
    return (
        is_author(user, statement)
        and statement_not_frozen(user, statement)
        and not _state_is(statement, "declined")
        and terms_allow_statement(user, statement)
    )


def can_submit_for_consent(user, statement) -> bool:
    return (
        is_author(user, statement)
        and statement_not_frozen(user, statement)
        and _state_is(statement, "draft")
        and terms_allow_statement(user, statement)
    )


# The mentee's three answers to a statement: each only by the statement's subject while its
# review is open, each to one state, and consent only while the pair's terms allow the
# statement's kind (a mentee may still decline, or withdraw, what the terms no longer allow).
# Stated once, for the predicates below and for MenteeAnswers, which a page of statements asks.
MENTEE_ANSWERS: dict[str, tuple[str, bool]] = {
    # answer: (the state it answers, whether the pair's terms must allow the kind)
    "consent": ("awaiting_consent", True),
    "decline": ("awaiting_consent", False),
    "withdraw": ("shared", False),
}


def _may_answer(answer: str, user, statement) -> bool:
    state, needs_terms = MENTEE_ANSWERS[answer]
    return (
        is_subject(user, statement)
        and statement_not_frozen(user, statement)
        and _state_is(statement, state)
        and (not needs_terms or terms_allow_statement(user, statement))
    )


def can_grant_consent(user, statement) -> bool:
    return _may_answer("consent", user, statement)


def can_decline(user, statement) -> bool:
    return _may_answer("decline", user, statement)


def can_delete_draft(user, statement) -> bool:
    """Only the author, only a draft never sent for consent (no one else has seen it), and not
    once the review is closed."""
    return (
        is_author(user, statement)
        and statement_not_frozen(user, statement)
        and _state_is(statement, "draft")
        and not ever_asked(statement)
    )


def ever_asked(statement) -> bool:
    """Was the mentee ever asked about it? Uses StatementQuerySet.with_ever_asked() if there."""
    annotated = getattr(statement, "ever_asked", None)
    if annotated is not None:
        return annotated
    return statement.consent_requests.exists()


def can_withdraw(user, statement) -> bool:
    return _may_answer("withdraw", user, statement)


class MenteeAnswers:
    """can_grant_consent, can_decline and can_withdraw for the statements of one review, for a
    page that lists them (the consent page): _may_answer's parts, each decided where it can
    change. The review's (statement_not_frozen) once, the pair's (is_subject's
    is_pair_mentee, terms_allow_statement's terms_allow_kind) once per pair and kind, the
    state per row. The same answers as the three predicates for any statement of `review`:
    tests/promotions/test_mentee_answers.py compares them in every state.

    A pair must carry its active agreement (querysets.active_terms_of), as the
    predicates' callers' pairs do, or terms_allow_kind reads it once per pair and kind."""

    def __init__(self, user, review):
        self._user = user
        # statement_not_frozen, for every statement of this review:
        self._review_open = review is not None and not review.is_closed
        self._parts: dict[tuple[int, str], tuple[bool, bool]] = {}

    def _pair_parts(self, pair, kind: str) -> tuple[bool, bool]:
        key = (pair.pk, kind)
        parts = self._parts.get(key)
        if parts is None:
            subject = is_pair_mentee(self._user, pair)
            parts = self._parts[key] = (subject, subject and terms_allow_kind(pair, kind))
        return parts

    def may(self, answer: str, pair, kind: str, state: str) -> bool:
        """The answer's predicate ("consent", "decline", "withdraw": can_grant_consent,
        can_decline, can_withdraw) for a statement of the review with this pair, kind and
        state."""
        wanted, needs_terms = MENTEE_ANSWERS[answer]
        if not self._review_open or state != wanted:
            return False
        subject, terms_allow = self._pair_parts(pair, kind)
        return subject and (terms_allow or not needs_terms)
