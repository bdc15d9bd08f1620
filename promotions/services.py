"""State changes for promotion reviews and statements.

Every change locks what it changes, checks the predicate from permissions.py, writes its audit
event in the same transaction and queues its notification for after commit (notifications.py).

Locks, and why:
- a statement change locks the statement row and its review row (`of=("self", "review")`), so
  consent, withdrawal and editing are serialised per statement and none of them can slip past
  the admin closing the review (review_change_status locks the same review row);
- submitting and consenting lock the pair's active agreement row: the agreements app updates
  that row when it ends or supersedes the agreement and fires agreement_closed in the same
  transaction, so either our consent commits first (and the cascade then withdraws it) or the
  agreement is already gone when we look (and consent is refused). A shared statement without
  terms allowing it cannot result.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from agreements.models import Agreement
from mentorship.audit import Action, audit_record
from mentorship.models import Pair, User
from promotions import notifications
from promotions.breach import Assessment, Finding, assess
from promotions.models import (
    DECLINED_IS_FINAL,
    BreachPhrase,
    ConsentOptOut,
    ConsentRequest,
    PanelSeat,
    PanelSeatVisit,
    PromotionReview,
    Statement,
    StatementView,
    text_sha256,
)
from promotions.permissions import (
    agreement_gate,
    can_decline,
    can_delete_draft,
    can_edit_statement,
    can_grant_consent,
    can_opt_out,
    can_record_outcome,
    can_submit_for_consent,
    can_withdraw,
    can_write_assessment,
    candidate_mentor_pair,
    consent_request_allowance,
    is_author,
    is_candidate,
    is_panel_member,
    is_subject,
    is_supervisor,
)


class BreachError(ValidationError):
    """The guard blocks the statement: it evaluates the mentee as an employee, negatively. It
    carries the blocking findings."""

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        words = ", ".join(f"“{f.found}”" for f in self.findings)
        super().__init__(
            f"It was not sent: it contains words that evaluate the mentee as an employee "
            f"({words}). Mentor input speaks to the person as mentee; see why below."
        )


class CautionError(ValidationError):
    """The guard cautions the statement and the mentor has not confirmed sending this text."""

    code = "caution_unconfirmed"

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        words = ", ".join(f"“{f.found}”" for f in self.findings)
        super().__init__(
            f"It was not sent: the breach guard cautions that it reads as a verdict on the "
            f"mentee's job performance ({words}). Read why below, then rewrite it, or confirm "
            "that you want to send it with the caution.",
            code=self.code,
        )


def caution_categories(assessment: Assessment) -> str:
    """What Statement.guard_cautions records: the categories, never the words."""
    return " ".join(sorted({f.category for f in assessment.cautions}))


# --- Reads used by services and views -----------------------------------------------------


def program_phrases(program_id: int) -> list[tuple[str, str]]:
    return list(
        BreachPhrase.objects.filter(program_id=program_id).values_list("phrase", "explanation")
    )


def statement_assessment(statement: Statement) -> Assessment:
    return assess(statement.text, program_phrases(statement.review.program_id))


def _locked_statement(statement_id: int) -> Statement:
    return (
        Statement.objects.select_for_update(of=("self", "review"))
        .select_related("review", "pair", "pair__mentor", "pair__mentee")
        .get(pk=statement_id)
    )


# --- Why an act is refused: the words services raise and pages show ------------------------
# A page that greys out a button asks here for the reason, so it says what the service would.

REVIEW_CLOSED = "The review is closed: its statements can no longer change."
REVIEW_CLOSED_TO_INPUT = "The review is closed: it takes no more input."
REVIEW_CLOSED_TO_INPUT_OR_CHANGE = (
    "The review is closed: it takes no more input, and its statements can no longer change."
)
REVIEW_CLOSED_TO_ASSESSMENT = "The review is closed: the assessment can no longer change."
REVIEW_CLOSED_TO_REQUESTS = "The review is closed: no consent request can reach you for it."
NOT_AWAITING_CONSENT = "This statement is not awaiting consent."
REVIEW_CLOSED_TO_OUTCOME = "The review is closed: its outcome can no longer change."
OUTCOME_NOT_YET = (
    "The outcome is recorded once the review is in the deciding state; a program admin moves "
    "it there."
)
OUTCOME_CHOICE_REQUIRED = "Choose the outcome."


@dataclass(frozen=True)
class Act:
    """What an act on a statement needs besides the right person and a review not closed."""

    states: tuple[str, ...] | None  # the states it starts from (None: any but declined)
    needs_terms: bool  # whether the pair's terms must allow the statement's kind
    otherwise: str  # what the person is told when nothing more specific applies


EDIT = Act(None, True, "This statement cannot be edited now.")
SEND = Act((Statement.State.DRAFT,), True, "Only a draft can be sent for consent.")
CONSENT = Act((Statement.State.AWAITING_CONSENT,), True, NOT_AWAITING_CONSENT)
DECLINE = Act((Statement.State.AWAITING_CONSENT,), False, NOT_AWAITING_CONSENT)
WITHDRAW = Act((Statement.State.SHARED,), False, "Only a shared statement can be withdrawn.")
DELETE = Act(
    (Statement.State.DRAFT,),
    False,
    "Only a draft never sent for consent can be deleted: once your mentee has been asked, the "
    "statement stays part of the record. You can still edit it.",
)


def why_no_input(review: PromotionReview, pair: Pair | None, kind: str) -> str:
    """Why the mentor of `pair` (candidate_mentor_pair) may not write a statement of `kind` in
    the review; "" if they may."""
    if pair is not None and review.is_closed:
        return REVIEW_CLOSED_TO_INPUT
    return agreement_gate(pair, kind).reason


def why_refused(statement: Statement, act: Act) -> str:
    """Why `act` on the statement is refused to the person it is for (the predicate said no):
    the review is closed, a declined statement is final, the statement is in another state, or
    the terms do not allow its kind."""
    if statement.review.is_closed:
        return REVIEW_CLOSED
    if act.states is None and statement.state == Statement.State.DECLINED:
        return DECLINED_IS_FINAL
    if act.states is not None and statement.state not in act.states:
        return act.otherwise
    if act.needs_terms:
        gate = agreement_gate(statement.pair, statement.kind)
        if not gate.allowed:
            return gate.reason
    return act.otherwise


def _refusal(user: User, statement: Statement, act: Act, *, role) -> Exception:
    """PermissionDenied for the wrong person, otherwise a ValidationError saying why not."""
    if not role(user, statement):
        return PermissionDenied()
    return ValidationError(why_refused(statement, act))


def _lock_terms(pair: Pair, kind: str) -> None:
    """Lock the pair's active agreement and check its terms (see the module docstring)."""
    agreement = Agreement.objects.select_for_update().active_for(pair)
    gate = agreement_gate(pair, kind, agreement=agreement)
    if not gate.allowed:
        raise ValidationError(gate.reason)


def _move(
    statement: Statement,
    state: str,
    *,
    by: User | None,
    action: str,
    payload: dict,
    request: HttpRequest | None = None,
    **fields,
) -> None:
    """Move the locked statement along Statement.TRANSITIONS (move_to sets `fields` and clears
    the rest) and audit the move in the same transaction, naming the statement and its review
    besides `payload`, never its text."""
    statement.move_to(state, **fields)
    statement.full_clean()
    statement.save()
    audit_record(
        actor=by,
        action=action,
        target=statement,
        request=request,
        payload={"statement": statement.pk, "review": statement.review_id, **payload},
    )


# --- Reviews ----------------------------------------------------------------------------------


@transaction.atomic
def review_opened(*, review: PromotionReview, by: User, request: HttpRequest | None = None) -> None:
    """A program admin created a review: record it, invite the candidate's mentor, tell the
    candidate (who may decline or opt out of consent requests) and ask the supervisor for the
    assessment."""
    audit_record(
        actor=by,
        action=Action.REVIEW_STATUS_CHANGED,
        target=review,
        request=request,
        payload={"review": review.pk, "from": None, "to": review.status},
    )
    mentors = Pair.objects.active().filter(
        program_id=review.program_id, mentee_id=review.candidate_id
    )
    for pair in mentors.select_related("mentor"):
        notifications.input_invited(review=review, mentor=pair.mentor)
    notifications.review_opened_for_candidate(review=review)
    notifications.assessment_due(review=review)


@transaction.atomic
def review_change_status(
    *, review_id: int, status: str, by: User, request: HttpRequest | None = None
) -> PromotionReview:
    review = PromotionReview.objects.select_for_update().get(pk=review_id)
    old = review.status
    if status == old:
        return review
    PromotionReview.TRANSITIONS.check(old, status)
    review.status = status
    review.closed_at = timezone.now() if status == PromotionReview.Status.CLOSED else None
    review.full_clean()
    review.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=by,
        action=Action.REVIEW_STATUS_CHANGED,
        target=review,
        request=request,
        payload={"review": review.pk, "from": old, "to": status},
    )
    # What the panel hears is decided by program admins alone, never by input.
    notifications.review_status_changed(review=review)
    if status == PromotionReview.Status.CLOSED:
        notifications.review_closed_for_candidate(review=review)
    return review


@sensitive_variables()  # the panel's note: kept out of error reports
@transaction.atomic
def review_record_outcome(
    *,
    review_id: int,
    member: User,
    outcome: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> PromotionReview:
    """The panel's decision, recorded by one of its seated members while the review is deciding;
    recording again replaces it until the review closes (closing freezes it, see the Guard).
    The confidential chain keeps who recorded what and when, the note only as its hash."""
    review = PromotionReview.objects.select_for_update().get(pk=review_id)
    if not can_record_outcome(member, review):
        if not is_panel_member(member, review):
            raise PermissionDenied()
        raise ValidationError(REVIEW_CLOSED_TO_OUTCOME if review.is_closed else OUTCOME_NOT_YET)
    if outcome not in PromotionReview.Outcome.values:
        raise ValidationError({"outcome": OUTCOME_CHOICE_REQUIRED})
    note = note.strip()
    if (outcome, note) == (review.outcome, review.outcome_note):
        return review
    previous = review.outcome
    review.outcome = outcome
    review.outcome_note = note
    review.outcome_recorded_by = member
    review.outcome_recorded_at = timezone.now()
    # The people of the review are not changed here; checking each one again would cost a
    # query per person for nothing.
    review.full_clean(
        exclude=["program", "candidate", "supervisor", "supervisor_assigned_by", "opened_by"]
    )
    review.save(
        update_fields=["outcome", "outcome_note", "outcome_recorded_by", "outcome_recorded_at"]
    )
    audit_record(
        actor=member,
        action=Action.OUTCOME_RECORDED,
        target=review,
        request=request,
        payload={
            "review": review.pk,
            "from": previous,
            "to": outcome,
            "note_sha256": text_sha256(note) if note else "",
        },
    )
    return review


@transaction.atomic
def review_panel_changed(
    *,
    review: PromotionReview,
    by: User,
    added: Iterable[int],
    removed: Iterable[int],
    request: HttpRequest | None = None,
) -> None:
    """Record a change of panel (made through the admin inline) and tell new members."""
    added, removed = sorted(set(added)), sorted(set(removed))
    if not added and not removed:
        return
    audit_record(
        actor=by,
        action=Action.PANEL_CHANGED,
        target=review,
        request=request,
        payload={"review": review.pk, "added": added, "removed": removed},
    )
    for member in User.objects.filter(pk__in=added):
        notifications.panel_seat_added(review=review, member=member)


@sensitive_variables()  # confidential text: kept out of error reports
@transaction.atomic
def assessment_write(*, review_id: int, supervisor: User, text: str) -> PromotionReview:
    review = PromotionReview.objects.select_for_update().get(pk=review_id)
    if not is_supervisor(supervisor, review):
        raise PermissionDenied
    if not can_write_assessment(supervisor, review):
        raise ValidationError(REVIEW_CLOSED_TO_ASSESSMENT)
    text = text.strip()
    if text == review.supervisor_assessment:
        return review
    review.supervisor_assessment = text
    review.assessment_written_at = timezone.now() if text else None
    review.full_clean()
    review.save(update_fields=["supervisor_assessment", "assessment_written_at"])
    audit_record(
        actor=supervisor,
        action=Action.ASSESSMENT_WRITTEN,
        target=review,
        payload={"review": review.pk, "sha256": text_sha256(text) if text else ""},
    )
    return review


# --- Statements: the mentor ----------------------------------------------------------------


@sensitive_variables()  # confidential text: kept out of error reports
@transaction.atomic
def statement_create(*, review_id: int, mentor: User, kind: str, text: str) -> Statement:
    """Save a new draft; the same text still a draft or awaiting consent is returned instead.

    The same form posted twice (a double click, the back button) must not leave two identical
    statements, nor ask the mentee twice: the view sends for consent only a draft.
    """
    # The review lock (the one statement changes take) queues two posts of the same form, so
    # the second finds the first one's statement below.
    review = PromotionReview.objects.select_for_update().get(pk=review_id)
    pair = candidate_mentor_pair(mentor, review)
    if pair is None:
        raise PermissionDenied
    if refused := why_no_input(review, pair, kind):
        raise ValidationError(refused)
    text = text.strip()
    already_saved = (
        Statement.objects.filter(
            review=review,
            pair=pair,
            kind=kind,
            text=text,
            state__in=[Statement.State.DRAFT, Statement.State.AWAITING_CONSENT],
        )
        .select_related("review", "pair", "pair__mentor", "pair__mentee")
        .order_by("pk")
        .first()
    )
    if already_saved is not None:
        return already_saved
    statement = Statement(review=review, pair=pair, kind=kind, text=text)
    statement.full_clean()
    statement.save()
    return statement


@sensitive_variables()  # confidential text: kept out of error reports
@transaction.atomic
def statement_edit(*, statement_id: int, mentor: User, text: str) -> Statement:
    """Change the text. Any change sends the statement back to draft and clears consent."""
    statement = _locked_statement(statement_id)
    if not can_edit_statement(mentor, statement):
        raise _refusal(mentor, statement, EDIT, role=is_author)
    text = text.strip()
    if text == statement.text:
        return statement
    _move(
        statement,
        Statement.State.DRAFT,
        text=text,
        by=mentor,
        action=Action.STATEMENT_REVISED,
        payload={
            "from": statement.state,
            "to": Statement.State.DRAFT,
            "old_sha256": text_sha256(statement.text),
            "sha256": text_sha256(text),
        },
    )
    return statement


def statement_submit(
    *,
    statement_id: int,
    mentor: User,
    caution_confirmed_for: str = "",
    request: HttpRequest | None = None,
) -> Statement:
    """Send a draft to the mentee for consent, unless the breach guard blocks it, or cautions it
    and the mentor has not confirmed this very text (`caution_confirmed_for`: its SHA-256, as
    the form showed it with the caution)."""
    statement, refusal = _submit(
        statement_id=statement_id,
        mentor=mentor,
        caution_confirmed_for=caution_confirmed_for,
        request=request,
    )
    # Raised only after the commit: the count of blocked attempts must survive the refusal.
    if refusal is not None:
        raise refusal
    return statement


@transaction.atomic
def _submit(
    *, statement_id: int, mentor: User, caution_confirmed_for: str, request: HttpRequest | None
) -> tuple[Statement, ValidationError | None]:
    statement = _locked_statement(statement_id)
    if not can_submit_for_consent(mentor, statement):
        raise _refusal(mentor, statement, SEND, role=is_author)
    _lock_terms(statement.pair, statement.kind)
    # Under the review's lock, which consent_decline also takes to record an opt-out.
    allowance = consent_request_allowance(statement.review, statement.pair)
    if not allowance.allowed:
        raise ValidationError(allowance.reason)
    assessment = statement_assessment(statement)
    if assessment.blocks:
        # Nothing was sent or changed, so no audit event; the count (no text) is kept on the
        # statement for the dashboard's guard figures, which publish it under disclosure control.
        Statement.objects.filter(pk=statement.pk).update(blocked_sends=F("blocked_sends") + 1)
        return statement, BreachError(assessment.blocks)
    if assessment.cautions and caution_confirmed_for != text_sha256(statement.text):
        return statement, CautionError(assessment.cautions)
    _move(
        statement,
        Statement.State.AWAITING_CONSENT,
        submitted_at=timezone.now(),
        guard_cautions=caution_categories(assessment),
        by=mentor,
        action=Action.CONSENT_REQUESTED,
        request=request,
        payload={"kind": statement.kind},
    )
    ConsentRequest.objects.create(
        review=statement.review,
        pair=statement.pair,
        statement=statement,
        number=allowance.limit - allowance.remaining + 1,
    )
    notifications.consent_requested(statement=statement)
    return statement, None


@transaction.atomic
def statement_delete_draft(
    *, statement_id: int, mentor: User, request: HttpRequest | None = None
) -> None:
    """Delete a draft its author never sent for consent: no one else has seen it, so nothing
    is kept but the audit event (ids and kind, never the text)."""
    statement = _locked_statement(statement_id)
    if not can_delete_draft(mentor, statement):
        raise _refusal(mentor, statement, DELETE, role=is_author)
    audit_record(
        actor=mentor,
        action=Action.STATEMENT_DRAFT_DELETED,
        target=statement,
        request=request,
        payload={"statement": statement.pk, "review": statement.review_id, "kind": statement.kind},
    )
    statement.delete()


# --- Statements: the mentee ---------------------------------------------------------------


@transaction.atomic
def consent_grant(
    *,
    statement_id: int,
    mentee: User,
    text_sha256_seen: str,
    request: HttpRequest | None = None,
) -> Statement:
    """Share the statement with the panel. Consent covers the text the mentee was shown."""
    statement = _locked_statement(statement_id)
    if not can_grant_consent(mentee, statement):
        raise _refusal(mentee, statement, CONSENT, role=is_subject)
    current = text_sha256(statement.text)
    if text_sha256_seen != current:
        raise ValidationError(
            "The statement changed after you opened the page. Read it again before you decide."
        )
    _lock_terms(statement.pair, statement.kind)
    _move(
        statement,
        Statement.State.SHARED,
        consented_at=timezone.now(),
        consent_text_sha256=current,
        by=mentee,
        action=Action.CONSENT_GRANTED,
        request=request,
        payload={"sha256": current},
    )
    notifications.consent_granted(statement=statement)
    return statement


@sensitive_variables()  # confidential text: kept out of error reports
@transaction.atomic
def consent_decline(
    *,
    statement_id: int,
    mentee: User,
    reason: str = "",
    dont_ask_again: bool = False,
    request: HttpRequest | None = None,
) -> Statement:
    """Decline for good; with dont_ask_again, also opt out of consent requests in this review
    (see consent_opt_out), recording which decline it came with."""
    statement = _locked_statement(statement_id)
    if not can_decline(mentee, statement):
        raise _refusal(mentee, statement, DECLINE, role=is_subject)
    reason = reason.strip()
    _move(
        statement,
        Statement.State.DECLINED,
        declined_at=timezone.now(),
        decline_reason=reason,
        by=mentee,
        action=Action.CONSENT_DECLINED,
        request=request,
        payload={"with_reason": bool(reason)},
    )
    opted_out = dont_ask_again and _record_opt_out(
        review=statement.review, mentee=mentee, statement=statement, request=request
    )
    notifications.consent_declined(statement=statement, opted_out=opted_out)
    return statement


@transaction.atomic
def consent_opt_out(
    *, review_id: int, mentee: User, request: HttpRequest | None = None
) -> ConsentOptOut:
    """The candidate's "don't ask me for consent in this review", given at any time, with or
    without a decline: from now on statement_submit refuses every mentor, under the same review
    lock. Final; asking twice returns the first opt-out and records nothing more."""
    review = (
        PromotionReview.objects.select_for_update().select_related("candidate").get(pk=review_id)
    )
    if not can_opt_out(mentee, review):
        if not is_candidate(mentee, review):
            raise PermissionDenied()
        raise ValidationError(REVIEW_CLOSED_TO_REQUESTS)
    _record_opt_out(review=review, mentee=mentee, statement=None, request=request)
    return ConsentOptOut.objects.get(review=review)


def _record_opt_out(
    *,
    review: PromotionReview,
    mentee: User,
    statement: Statement | None,
    request: HttpRequest | None,
) -> bool:
    """Record the opt-out once per review, with its audit event; the caller holds the review's
    lock. True if this call recorded it. No mentor is told: each finds out only when they try
    to ask, in the same words (permissions.consent_request_allowance)."""
    if ConsentOptOut.objects.filter(review=review).exists():
        return False
    ConsentOptOut.objects.create(review=review, mentee=mentee, statement=statement)
    # Its action's "statement." prefix puts it in the confidential chain either way: whether a
    # candidate refuses requests is no business of the admins who read the operational one.
    payload = {"review": review.pk}
    if statement is not None:
        payload = {"statement": statement.pk, "review": review.pk}
    audit_record(
        actor=mentee,
        action=Action.CONSENT_OPTED_OUT,
        target=statement if statement is not None else review,
        request=request,
        payload=payload,
    )
    return True


@transaction.atomic
def consent_withdraw(
    *, statement_id: int, mentee: User, request: HttpRequest | None = None
) -> Statement:
    statement = _locked_statement(statement_id)
    if not can_withdraw(mentee, statement):
        raise _refusal(mentee, statement, WITHDRAW, role=is_subject)
    _withdraw(statement, cause=Statement.WithdrawalCause.MENTEE, by=mentee, request=request)
    notifications.consent_withdrawn(statement=statement)
    return statement


def _withdraw(
    statement: Statement,
    *,
    cause: str,
    by: User | None,
    request: HttpRequest | None = None,
    **payload,
) -> None:
    _move(
        statement,
        Statement.State.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_cause=cause,
        by=by,
        action=Action.CONSENT_WITHDRAWN,
        request=request,
        payload={"cause": cause, **payload},
    )


# --- The agreement cascade ------------------------------------------------------------------


def successor_allows(successor: Agreement | None, kind: str) -> bool:
    """Do the new terms still allow this kind? (The successor is active when the signal fires.)"""
    return successor is not None and successor.allows_statement_kind(kind)


@transaction.atomic
def statements_withdraw_for_agreement(
    *, agreement: Agreement, successor: Agreement | None = None
) -> list[Statement]:
    """Withdraw the pair's shared statements in reviews not yet closed, unless still allowed."""
    shared = (
        Statement.objects.select_for_update(of=("self",))
        .filter(pair_id=agreement.pair_id, state=Statement.State.SHARED)
        .exclude(review__status=PromotionReview.Status.CLOSED)
        .select_related("review", "pair", "pair__mentor", "pair__mentee")
        .order_by("pk")
    )
    withdrawn = []
    for statement in shared:
        if successor_allows(successor, statement.kind):
            continue
        _withdraw(
            statement,
            cause=Statement.WithdrawalCause.AGREEMENT,
            by=None,
            agreement=agreement.pk,
            successor=successor.pk if successor is not None else None,
        )
        withdrawn.append(statement)
    if withdrawn:
        notifications.withdrawn_by_agreement(pair=withdrawn[0].pair, count=len(withdrawn))
    return withdrawn


# --- The panel page's access record ---------------------------------------------------------


def panel_visit_record(*, seat: PanelSeat | int) -> None:
    """Record that the seat's member opened the review's page now. One upsert whatever the
    review holds, so the page's queries do not depend on its input. The previous visit is read
    with the review (PromotionReviewQuerySet.seated_with_visit)."""
    seat_id = seat if isinstance(seat, int) else seat.pk
    connection = connections[router.db_for_write(PanelSeatVisit)]
    visit_at = PanelSeatVisit._meta.get_field("last_viewed_at")
    with connection.cursor() as cursor:
        cursor.execute(
            _visit_upsert_sql(connection.alias),
            [seat_id, visit_at.get_db_prep_save(timezone.now(), connection)],
        )


@functools.cache
def _visit_upsert_sql(alias: str) -> str:
    """The visit's upsert, written out once per process (INSERT ... ON CONFLICT, PostgreSQL and
    SQLite alike) rather than through bulk_create(update_conflicts=True), whose compilation
    cost more than the write, on every panel-page request."""
    quote = connections[alias].ops.quote_name
    table = quote(PanelSeatVisit._meta.db_table)
    seat, at = (quote(PanelSeatVisit._meta.pk.column), quote("last_viewed_at"))
    # Names from the model, values as parameters.
    return (
        f"INSERT INTO {table} ({seat}, {at}) VALUES (%s, %s) "  # noqa: S608
        f"ON CONFLICT ({seat}) DO UPDATE SET {at} = EXCLUDED.{at}"
    )


def statements_record_shown(
    *,
    review: PromotionReview,
    viewer: User,
    statements: Sequence[Statement],
    request: HttpRequest | None = None,
) -> None:
    """One StatementView per statement shown and one STATEMENTS_SHOWN audit event.

    Showing nothing records nothing and touches the database not at all, so the panel page
    runs the same queries whatever unshared input exists.
    """
    if statements:
        _record_shown(review=review, viewer=viewer, statements=statements, request=request)


def _insert_showings(viewer: User, statements: Sequence[Statement], now, hashes) -> None:
    """One multi-row INSERT of the showings, written out rather than through bulk_create,
    whose per-object work and compilation cost about half a millisecond on every panel-page
    request. StatementView is append-only: an insert is all it ever takes."""
    connection = connections[router.db_for_write(StatementView)]
    fields = [StatementView._meta.get_field(name) for name in _SHOWING_FIELDS]
    viewed_at = fields[2].get_db_prep_save(now, connection)
    rows = [
        (statement.pk, viewer.pk, viewed_at, sha256)
        for statement, sha256 in zip(statements, hashes, strict=True)
    ]
    insert = _showings_insert_sql(connection.alias)
    # As many rows per statement as the database takes parameters (SQLite's limit).
    per_batch = connection.ops.bulk_batch_size(fields, rows) or len(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
            cursor.execute(f"{insert} VALUES {values}", [value for row in batch for value in row])


_SHOWING_FIELDS = ("statement", "viewer", "viewed_at", "text_sha256")


@functools.cache
def _showings_insert_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    meta = StatementView._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in _SHOWING_FIELDS)
    return f"INSERT INTO {quote(meta.db_table)} ({columns})"


# No savepoint inside a caller's transaction (the panel page's, with the visit): showings that
# cannot be recorded must undo whatever the caller wrote with them, never just themselves.
@transaction.atomic(savepoint=False)
def _record_shown(*, review, viewer, statements, request) -> None:
    now = timezone.now()
    hashes = [text_sha256(s.text) for s in statements]
    _insert_showings(viewer, statements, now, hashes)
    audit_record(
        actor=viewer,
        action=Action.STATEMENTS_SHOWN,
        target=review,
        request=request,
        payload={
            "review": review.pk,
            "statements": [s.pk for s in statements],
            "sha256": hashes,
        },
    )
