"""Promotion reviews, their panels, mentor statements and the record of who was shown what.

The rules that must always hold are constraints in the database: a statement's consent fields
always match its state. Workflows (consent, withdrawal, the agreement cascade) live in
services.py; who may see what lives in querysets.py and permissions.py.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse

# The hash consent is recorded against is the one agreements sign with; querysets.TextSHA256
# computes the same value in SQL. Under this name for the code that speaks of statements.
from agreements.canonical import sha256_hex as text_sha256
from mentorship.immutability import (
    ALL_FIELDS,
    Frozen,
    Guard,
    GuardedModel,
    GuardTrigger,
    append_only_triggers,
    guarded_manager,
    transitions,
)
from mentorship.models import AppendOnlyModel, Pair, Program, User, register_pair_creation_check
from promotions.querysets import PromotionReviewQuerySet, StatementQuerySet

# --- Separation of duties ---------------------------------------------------------------------
# Whoever sits on a review's panel or supervises it reads what the panel reads and judges the
# candidate; a mentor of the candidate knows what was said in confidence, and a program admin
# who staffs a review could otherwise give themselves access to it. The rules live here, in
# clean() (the admin shows them beside the field) and save() (the shell and every service), so
# no path round them. The assigner is recorded because the model cannot know who acts otherwise.

SOD = "Separation of duties: "
CANDIDATE_ON_PANEL = SOD + "The candidate cannot sit on their own panel."
MENTOR_ON_PANEL = (
    SOD + "a mentor of the candidate (in any program, past or present) cannot sit on their "
    "review's panel: what they know from mentoring is confidential."
)
MENTOR_SUPERVISES = (
    SOD + "a mentor of the candidate (in any program, past or present) cannot be the review's "
    "supervisor: what they know from mentoring is confidential."
)
SELF_SEATED = SOD + "nobody seats themselves on a panel; another program admin must add you."
SELF_SUPERVISOR = (
    SOD + "nobody makes themselves a review's supervisor; another program admin must assign you."
)
CANDIDATE_STAFFS = SOD + "the candidate cannot staff their own review (panel or supervisor)."
SELF_CANDIDATE = SOD + "nobody opens a review of themselves; another program admin must."
ASSIGNER_REQUIRED = SOD + "record who assigns this role ({what})."
BECOMES_MENTOR_OF_REVIEWED = (
    SOD + "{mentor} sits on the panel of, or supervises, a promotion review of {mentee} that is "
    "not closed, so they cannot become {mentee}'s mentor until it is closed."
)


def is_mentor_of(user_id: int | None, candidate_id: int | None) -> bool:
    """Any pair, any program, any status: past mentoring is as confidential as present."""
    if not user_id or not candidate_id:
        return False
    return Pair._base_manager.filter(mentor_id=user_id, mentee_id=candidate_id).exists()


def lock_candidate(candidate_id: int | None) -> None:
    """Seating a panel member, naming a supervisor and forming a pair each check who mentors the
    candidate and who staffs the candidate's reviews, then write. Each takes this lock on the
    candidate's user row first, inside its transaction, so two of them racing (an admin seating
    M on C's panel while another pairs M with C) queue up and the second sees the first's row.
    """
    if candidate_id:
        list(User._base_manager.select_for_update().filter(pk=candidate_id).values_list("pk"))


def assigner_field() -> models.ForeignKey:
    """Who gave a role: set by the admin (never a form field), required by save() on every new
    assignment. Nullable only for rows from before it was recorded."""
    return models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )


def assigner_error(
    by_id: int | None, holder_id: int | None, candidate_id: int | None, *, self_assigned: str
) -> str | None:
    """Whoever gives a role in a review gives it to someone else, and is not its candidate."""
    if by_id and by_id == holder_id:
        return self_assigned
    if by_id and by_id == candidate_id:
        return CANDIDATE_STAFFS
    return None


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def pair_may_be_formed(pair: Pair) -> None:
    """The other direction: a panel member or supervisor of an open review does not become the
    candidate's mentor while it runs (registered with mentorship.models)."""
    lock_candidate(pair.mentee_id)
    reviews = PromotionReview._base_manager.filter(candidate_id=pair.mentee_id).exclude(
        status=PromotionReview.Status.CLOSED
    )
    seated = reviews.filter(seats__user_id=pair.mentor_id)
    if reviews.filter(supervisor_id=pair.mentor_id).exists() or seated.exists():
        message = BECOMES_MENTOR_OF_REVIEWED.format(mentor=pair.mentor, mentee=pair.mentee)
        raise ValidationError({"mentor": message})


class PromotionReview(GuardedModel):
    """A candidate considered for a target role, read by a panel of leadership users."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DECIDING = "deciding", "Deciding"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        PROMOTED = "promoted", "Promoted"
        NOT_THIS_TIME = "not_this_time", "Not this time"
        DEFERRED = "deferred", "Deferred"

    # Closing is final: it freezes the review and its statements.
    TRANSITIONS = transitions(
        "status",
        {
            Status.OPEN: {Status.DECIDING, Status.CLOSED},
            Status.DECIDING: {Status.OPEN, Status.CLOSED},
        },
        noun="A review",
        choices=Status,
    )
    guard = Guard(
        frozen=(
            Frozen(
                "A closed review never changes: its candidate, supervisor, assessment and dates "
                "are the record of the decision.",
                fields=ALL_FIELDS,
                when=Q(status="closed"),
            ),
        ),
        transitions=(TRANSITIONS,),
    )

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="promotion_reviews")
    candidate = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="promotion_reviews_as_candidate"
    )
    target_role = models.CharField(max_length=200)
    supervisor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="promotion_reviews_as_supervisor",
        help_text="Writes the performance assessment the panel reads.",
    )
    supervisor_assigned_by = assigner_field()  # empty on reviews staffed before it was recorded
    opened_by = assigner_field()  # empty on reviews opened before it was recorded
    panel = models.ManyToManyField(
        User,
        through="PanelSeat",
        through_fields=("review", "user"),
        related_name="panel_reviews",
        blank=True,
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    supervisor_assessment = models.TextField(blank=True)
    assessment_written_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Empty only on reviews opened before it was asked for; the admin form requires it.
    decision_date = models.DateField(
        null=True, blank=True, help_text="When the panel is to decide. The panel sees it."
    )
    # The panel's decision, recorded by one of its seated members (services.review_record_outcome)
    # and frozen with the rest of the review when it closes. Program admins see the outcome; the
    # note is the panel's own and is shown to no one else.
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, editable=False)
    outcome_note = models.TextField(blank=True, editable=False)
    outcome_recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = guarded_manager(PromotionReviewQuerySet)

    class Meta:
        base_manager_name = "objects"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(candidate=F("supervisor")),
                name="review_candidate_is_not_supervisor",
                violation_error_message="The candidate cannot be their own supervisor.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "deciding", "closed"]),
                name="review_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="review_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(supervisor_assessment="", assessment_written_at__isnull=True)
                | (~Q(supervisor_assessment="") & Q(assessment_written_at__isnull=False)),
                name="review_assessment_has_time",
            ),
            # One constraint, not three: full_clean() checks each with a query of its own.
            models.CheckConstraint(
                condition=~Q(supervisor_assigned_by=F("supervisor"))
                & ~Q(supervisor_assigned_by=F("candidate"))
                & ~Q(opened_by=F("candidate")),
                name="review_roles_assigned_by_someone_else",
                violation_error_message=(
                    SOD + "nobody gives themselves a role in a review, and the candidate staffs "
                    "nothing in theirs."
                ),
            ),
            # An outcome always says who recorded it and when; a note never stands without one.
            models.CheckConstraint(
                condition=Q(
                    outcome="",
                    outcome_note="",
                    outcome_recorded_by__isnull=True,
                    outcome_recorded_at__isnull=True,
                )
                | Q(
                    outcome__in=["promoted", "not_this_time", "deferred"],
                    outcome_recorded_by__isnull=False,
                    outcome_recorded_at__isnull=False,
                ),
                name="review_outcome_recorded_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "candidate", "status"], name="review_candidate_idx"),
        ]
        triggers = [GuardTrigger(name="review_status_moves", guard=lambda: PromotionReview.guard)]

    def __str__(self) -> str:
        return f"{self.candidate} for {self.target_role}"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        people = {"candidate", "supervisor", "supervisor_assigned_by", "opened_by"}
        if update_fields is not None and not people & set(update_fields):
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            if self._state.adding and not self.opened_by_id:
                raise ValidationError(ASSIGNER_REQUIRED.format(what="opened_by"))
            if self._supervisor_changes():
                if not self.supervisor_assigned_by_id:
                    raise ValidationError(ASSIGNER_REQUIRED.format(what="supervisor_assigned_by"))
                lock_candidate(self.candidate_id)
            _refuse(self.separation_errors())
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The panel's page; only panel members can open it."""
        return reverse("promotions:review", args=[self.pk])

    def input_url(self) -> str:
        return reverse("promotions:input", args=[self.pk])

    def consent_url(self) -> str:
        return reverse("promotions:consent", args=[self.pk])

    def assessment_url(self) -> str:
        return reverse("promotions:assessment", args=[self.pk])

    def outcome_url(self) -> str:
        return reverse("promotions:review_outcome", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def _supervisor_changes(self) -> bool:
        loaded = getattr(self, "_loaded", {})
        return self._state.adding or self.supervisor_id != loaded.get("supervisor_id")

    def separation_errors(self) -> dict[str, list[str]]:
        """Who may hold which role in this review (see SOD above), by form field."""
        errors: dict[str, list[str]] = {}
        candidate_field = "candidate" if self._state.adding else "__all__"
        if self.opened_by_id and self.opened_by_id == self.candidate_id:
            errors.setdefault(candidate_field, []).append(SELF_CANDIDATE)
        supervisor_is_other = self.supervisor_id and self.supervisor_id != self.candidate_id
        if supervisor_is_other and is_mentor_of(self.supervisor_id, self.candidate_id):
            errors.setdefault("supervisor", []).append(MENTOR_SUPERVISES)
        if error := assigner_error(
            self.supervisor_assigned_by_id,
            self.supervisor_id,
            self.candidate_id,
            self_assigned=SELF_SUPERVISOR,
        ):
            errors.setdefault("supervisor", []).append(error)
        return errors

    def clean(self) -> None:
        _refuse(self.separation_errors())


PEOPLE_FIXED_IN_BULK = SOD + "change who holds a role one at a time, through save(), never in bulk."


class PanelSeatQuerySet(models.QuerySet):
    """Bulk writes skip save(): `review.panel.add(user)` is a bulk_create of seats. Each seat is
    checked here as save() checks it, so the shell obeys the rule too."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic():
            for seat in objs:
                seat.check_assignment()
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        if kwargs.keys() & {"user", "user_id", "review", "review_id", "added_by", "added_by_id"}:
            raise ValidationError(PEOPLE_FIXED_IN_BULK)
        return super().update(**kwargs)


class PanelSeat(models.Model):
    """One leadership user on a review's panel."""

    review = models.ForeignKey(PromotionReview, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="panel_seats")
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = assigner_field()  # empty on seats given before it was recorded

    objects = PanelSeatQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name", "user__username"]
        verbose_name = "panel seat"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "user"],
                name="panel_seat_unique",
                violation_error_message="This person already sits on the panel.",
            ),
            models.CheckConstraint(
                condition=~Q(added_by=F("user")),
                name="panel_seat_not_self_assigned",
                violation_error_message=SELF_SEATED,
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args, **kwargs) -> None:
        changes_user = self._state.adding or self.user_id != getattr(self, "_loaded_user_id", None)
        with transaction.atomic():
            if changes_user:
                self.check_assignment()
            super().save(*args, **kwargs)
        self._loaded_user_id = self.user_id

    def check_assignment(self) -> None:
        """Who gave the seat is recorded, and the seat keeps the separation of duties."""
        if not self.added_by_id:
            raise ValidationError(ASSIGNER_REQUIRED.format(what="added_by"))
        lock_candidate(self.review.candidate_id if self.review_id else None)
        _refuse(self.separation_errors())

    @classmethod
    def from_db(cls, db, field_names, values):
        seat = super().from_db(db, field_names, values)
        seat._loaded_user_id = getattr(seat, "user_id", None)
        return seat

    def separation_errors(self) -> dict[str, list[str]]:
        try:
            review = self.review  # set by the admin inline before validation, even on add
        except PanelSeat.review.RelatedObjectDoesNotExist:
            return {}
        errors = []
        if self.user_id and self.user_id == review.candidate_id:
            errors.append(CANDIDATE_ON_PANEL)
        elif is_mentor_of(self.user_id, review.candidate_id):
            errors.append(MENTOR_ON_PANEL)
        if error := assigner_error(
            self.added_by_id, self.user_id, review.candidate_id, self_assigned=SELF_SEATED
        ):
            errors.append(error)
        return {"user": errors} if errors else {}

    def clean(self) -> None:
        _refuse(self.separation_errors())


class PanelSeatVisit(models.Model):
    """When a panel member last opened their review's page, so the page can mark what was shared
    since. A record of access, kept apart from the seat (which is the panel's state and frozen
    with a closed review): opening a page changes no state."""

    seat = models.OneToOneField(
        PanelSeat, on_delete=models.CASCADE, primary_key=True, related_name="visit"
    )
    last_viewed_at = models.DateTimeField()

    class Meta:
        verbose_name = "panel seat visit"

    def __str__(self) -> str:
        return f"Visit of panel seat #{self.seat_id}"


class BreachPhrase(models.Model):
    """A program's own words that evaluate the mentee as an employee (see breach.py)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="breach_phrases")
    phrase = models.CharField(
        max_length=200,
        help_text=(
            "Matched case-insensitively as whole words; punctuation and spacing between words "
            'do not matter. Write "(s)" after a word for an optional plural, e.g. "skill set(s)".'
        ),
    )
    explanation = models.CharField(
        max_length=300, help_text="Shown to the mentor: why this is not mentor input."
    )

    class Meta:
        ordering = ["program", "phrase"]
        constraints = [
            models.UniqueConstraint(
                Lower("phrase"),
                "program",
                name="breach_phrase_unique_per_program",
                violation_error_message="This program already has this phrase.",
            ),
        ]

    def __str__(self) -> str:
        return self.phrase

    def clean(self) -> None:
        from promotions.breach import phrase_words

        if not phrase_words(self.phrase):
            raise ValidationError({"phrase": "The phrase needs at least one word."})


DECLINED_IS_FINAL = (
    "A declined statement is final: it cannot be edited or sent again. You may write a new "
    "statement."
)


# What the mentee reads beside a statement the breach guard cautioned, per category. Written
# for the person the statement is about (the guard's own explanations address the mentor).
GUARD_CAUTION_NOTES = {
    "positive_verdict": (
        "It reads as a verdict on your job performance, even though a favourable one. Such "
        "verdicts are your supervisor's and leadership's to give, not your mentor's."
    ),
    "work_quality": "It may judge the quality, speed or reliability of your work.",
    "competence": "It may assess your competence or skills against the role.",
    "conduct": "It may judge your conduct, character or attitude at work.",
    "readiness_verdict": "It may give a verdict on your readiness for the role.",
    "peer_comparison": "It may compare you with your peers or with a bar for the role.",
}
GUARD_CAUTION_NOTE_OTHER = "It may evaluate you as an employee rather than as a mentee."


def new_statement_id() -> int:
    """A random id above any the sequence handed out before, below 2**53 (exact in JavaScript).

    Statement ids are in the mentor's URLs. Taken from a sequence, the gap between two of a
    mentor's own drafts counted the statements everyone else wrote in between: that input exists
    is confidential (docs/domain.md, rule 5). Two statements drawing one id: about 1 in 2 million
    at 100,000 statements, and the primary key refuses the second rather than overwrite.
    """
    return 2**31 + secrets.randbelow(2**53 - 2**31)


class StatementState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_CONSENT = "awaiting_consent", "Awaiting consent"
    SHARED = "shared", "Shared"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The statement's life, stated once. Each state carries exactly its own consent fields: those
# in `set` are filled, those in `empty` blank, the others are free (a decline may come without
# a reason, a caution stays with the text sent). The CheckConstraint is built from this, and
# Statement.move_to() blanks what the new state must not carry. Declared at module level so
# that Statement.Meta can build the constraint from it.
LIFECYCLE_FIELDS = (
    "submitted_at",
    "consented_at",
    "consent_text_sha256",
    "declined_at",
    "decline_reason",
    "withdrawn_at",
    "withdrawal_cause",
    "guard_cautions",
)


def _carries(*filled: str, free: tuple[str, ...] = ("guard_cautions",)) -> dict:
    """A state that fills `filled`, leaves `free` as they are and blanks every other field."""
    empty = tuple(f for f in LIFECYCLE_FIELDS if f not in filled and f not in free)
    return {"set": filled, "empty": empty}


STATEMENT_STATES: dict[str, dict[str, tuple[str, ...]]] = {
    # A caution is recorded only for the text sent: a draft carries none.
    StatementState.DRAFT: _carries(free=()),
    StatementState.AWAITING_CONSENT: _carries("submitted_at"),
    StatementState.SHARED: _carries("submitted_at", "consented_at", "consent_text_sha256"),
    StatementState.DECLINED: _carries(
        "submitted_at", "declined_at", free=("decline_reason", "guard_cautions")
    ),
    StatementState.WITHDRAWN: _carries(
        "submitted_at", "consented_at", "consent_text_sha256", "withdrawn_at", "withdrawal_cause"
    ),
}
# Where the mentor (sending, editing) and the mentee (consent, decline, withdrawal) may move
# a statement. Editing sends any statement but a declined one back to draft.
STATEMENT_MOVES = {
    StatementState.DRAFT: {StatementState.AWAITING_CONSENT},
    StatementState.AWAITING_CONSENT: {
        StatementState.SHARED,
        StatementState.DECLINED,
        StatementState.DRAFT,
    },
    StatementState.SHARED: {StatementState.WITHDRAWN, StatementState.DRAFT},
    StatementState.WITHDRAWN: {StatementState.DRAFT},
}


class WithdrawalCause(models.TextChoices):
    MENTEE = "mentee", "Withdrawn by the mentee"
    AGREEMENT = "agreement", "The agreement no longer allows it"


# Each consent field's blank value (None: a time; "": a text), and what filled means.
STATEMENT_BLANKS = {
    "submitted_at": None,
    "consented_at": None,
    "consent_text_sha256": "",
    "declined_at": None,
    "decline_reason": "",
    "withdrawn_at": None,
    "withdrawal_cause": "",
    "guard_cautions": "",
}


def _blank(name: str) -> Q:
    if STATEMENT_BLANKS[name] is None:
        return Q(**{f"{name}__isnull": True})
    return Q(**{name: ""})


def _filled(name: str) -> Q:
    if name == "withdrawal_cause":
        return Q(withdrawal_cause__in=WithdrawalCause.values)
    if STATEMENT_BLANKS[name] is None:
        return Q(**{f"{name}__isnull": False})
    return ~Q(**{name: ""})


def statement_states_condition() -> Q:
    """STATEMENT_STATES as the CheckConstraint's condition: one branch per state."""
    branches = []
    for state, fields in STATEMENT_STATES.items():
        branch = Q(state=state)
        for name in fields["empty"]:
            branch &= _blank(name)
        for name in fields["set"]:
            branch &= _filled(name)
        branches.append(branch)
    condition = branches[0]
    for branch in branches[1:]:
        condition |= branch
    return condition


class Statement(GuardedModel):
    """A mentor's input for a review. Its text is confidential: see querysets.visible_to.

    __str__ never carries the text; it reaches the admin log and error pages.
    """

    id = models.BigIntegerField(primary_key=True, default=new_statement_id, editable=False)

    class Kind(models.TextChoices):
        ADVOCACY = "advocacy", "Advocacy"
        ENGAGEMENT = "engagement", "Engagement"

    State = StatementState
    STATES = STATEMENT_STATES
    TRANSITIONS = transitions("state", STATEMENT_MOVES, noun="A statement", choices=State)
    guard = Guard(
        frozen=(Frozen(DECLINED_IS_FINAL, when=Q(state=StatementState.DECLINED)),),
        transitions=(TRANSITIONS,),
    )

    WithdrawalCause = WithdrawalCause

    review = models.ForeignKey(PromotionReview, on_delete=models.PROTECT, related_name="statements")
    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="statements")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    consent_text_sha256 = models.CharField(max_length=64, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_cause = models.CharField(max_length=10, choices=WithdrawalCause.choices, blank=True)
    # The breach guard's cautions on the text as sent, which the mentor confirmed: categories
    # only (space-separated), so the mentee's consent page can say why. Recorded when sending
    # and cleared with any edit, because it speaks about exactly the text that was sent.
    guard_cautions = models.CharField(max_length=200, blank=True, default="", editable=False)
    # How often the guard refused to send this statement. A count, never the refused text:
    # the program dashboard releases it per program, in blocks of closed reviews. Not reset by
    # edits, since it counts attempts, not the present text.
    blocked_sends = models.PositiveIntegerField(default=0, editable=False)

    objects = guarded_manager(StatementQuerySet)

    class Meta:
        base_manager_name = "objects"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["advocacy", "engagement"]), name="statement_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="statement_text_not_empty"),
            # Each state carries exactly the consent fields that belong to it.
            models.CheckConstraint(
                condition=statement_states_condition(), name="statement_state_fields_consistent"
            ),
        ]
        indexes = [
            models.Index(fields=["review", "state"], name="statement_review_state_idx"),
            models.Index(fields=["pair", "state"], name="statement_pair_state_idx"),
        ]
        # A decline is the mentee's answer to this text: editing it and asking again would turn
        # "no" into "not yet". The mentor may write a new statement instead. The same trigger
        # holds the state to TRANSITIONS.
        triggers = [GuardTrigger(name="declined_statement_is_final", guard=lambda: Statement.guard)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} statement #{self.pk}"

    def move_to(self, state: str, **values) -> None:
        """Move along TRANSITIONS, blanking what the new state must not carry (STATES), and set
        `values`. The caller saves."""
        self.TRANSITIONS.check(self.state, state)
        for name in self.STATES[state]["empty"]:
            setattr(self, name, STATEMENT_BLANKS[name])
        self.state = state
        for name, value in values.items():
            setattr(self, name, value)

    @property
    def consent_is_current(self) -> bool:
        """Consent covers exactly the present text (never true without consent)."""
        return bool(self.consent_text_sha256) and self.consent_text_sha256 == text_sha256(self.text)

    @property
    def is_frozen(self) -> bool:
        return self.review.is_closed

    @property
    def caution_notes(self) -> list[str]:
        """For the mentee: why the guard cautioned the text they are asked about."""
        return [
            GUARD_CAUTION_NOTES.get(category, GUARD_CAUTION_NOTE_OTHER)
            for category in self.guard_cautions.split()
        ]


class StatementView(AppendOnlyModel):
    """One showing of a shared statement to a panel member. Append-only."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="views")
    viewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField()
    text_sha256 = models.CharField(max_length=64)

    class Meta:
        base_manager_name = "objects"
        ordering = ["-viewed_at", "-pk"]
        # Covers the consent page's count of showings per statement and viewer (first, last):
        # the table grows with every opening of a panel page.
        indexes = [
            models.Index(
                fields=["statement", "viewer", "viewed_at"], name="statement_view_viewer_idx"
            )
        ]
        triggers = append_only_triggers("statement_view")

    def __str__(self) -> str:
        return f"Statement #{self.statement_id} shown to {self.viewer_id}"


class ConsentRequest(AppendOnlyModel):
    """One request for the mentee's consent. Counted per review and pair against the program's
    limit (Program.consent_requests_per_review); numbered so that two racing requests cannot
    both take the last one."""

    review = models.ForeignKey(
        PromotionReview, on_delete=models.PROTECT, related_name="consent_requests"
    )
    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="consent_requests"
    )
    number = models.PositiveSmallIntegerField()
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        base_manager_name = "objects"
        ordering = ["review", "pair", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "pair", "number"], name="consent_request_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="consent_request_number_valid"),
        ]
        triggers = append_only_triggers("consent_request")

    def __str__(self) -> str:
        return f"Consent request {self.number} for statement #{self.statement_id}"


class ConsentOptOut(AppendOnlyModel):
    """The candidate's "don't ask me for consent in this review": no further consent request
    reaches them for this review, from any mentor. It is final (append-only): one the mentee
    could lift is one a mentor could press them to lift.

    Given from the consent page at any time, or while declining (then `statement` records
    which decline it came with). Every mentor of the candidate is refused with the same words,
    so that an opt-out can never tell a new mentor that an earlier mentor was declined."""

    review = models.ForeignKey(PromotionReview, on_delete=models.PROTECT, related_name="+")
    mentee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    opted_out_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        base_manager_name = "objects"
        ordering = ["-opted_out_at"]
        verbose_name = "consent opt-out"
        constraints = [
            models.UniqueConstraint(fields=["review"], name="consent_opt_out_once_per_review"),
        ]
        triggers = append_only_triggers("consent_opt_out")

    def __str__(self) -> str:
        return f"No more consent requests in review #{self.review_id}"


register_pair_creation_check(pair_may_be_formed)
