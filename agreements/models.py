"""Confidentiality agreements between the two members of a pair.

The names here (Agreement.Status, the allows_* terms, Agreement.objects.active_for) are what
the promotions app relies on.

Life of an agreement (workflows live in services.py):

* Each member answers the program's assumption questionnaire privately (Answer). Submitting
  (QuestionnaireSubmission) locks that person's answers; the other's answers become visible
  only when both have submitted.
* Terms are immutable once proposed: a proposal is an Agreement in "awaiting signatures" with
  its canonical text and the SHA-256 of that text. Proposing different terms creates a fresh
  Agreement and voids the open one, so signatures are never edited or deleted.
* Each member signs (Signature) the exact text; the second signature activates the agreement
  and supersedes the pair's previously active one (an amendment).
* Proposed terms, their text and hash never change, a proposal is never deleted, and its status
  moves only along Agreement.TRANSITIONS; signatures never change or go away. One guard per
  model says so (mentorship.immutability): refused by save()/delete() and querysets here and,
  on PostgreSQL, by triggers generated from the same declaration (TRUNCATE refused too).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from mentorship.immutability import (
    ALL_FIELDS,
    Frozen,
    Guard,
    GuardedModel,
    GuardedQuerySet,
    GuardTrigger,
    RefuseTruncate,
    transitions,
)
from mentorship.models import AppendOnlyModel, Guideline, Pair, Program
from mentorship.reauth import METHOD_CHOICES as REAUTH_METHOD_CHOICES
from mentorship.reauth import PASSWORD as REAUTH_PASSWORD

# Terms exist once proposed: the canonical text and its hash are set together, and whoever
# signs, signs them. Unproposed rows (bare agreements other apps create) stay ordinary rows.
TERMS_PROPOSED = ~Q(text_sha256="")


class AgreementQuerySet(GuardedQuerySet):
    def visible_to(self, user):
        """Agreements are for the pair's two members only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(pair__mentor=user) | Q(pair__mentee=user))

    def active(self):
        return self.filter(status=Agreement.Status.ACTIVE)

    def active_for(self, pair: Pair) -> Agreement | None:
        return self.active().filter(pair=pair).first()

    def open(self):
        """Proposals still open for signing."""
        return self.filter(status__in=Agreement.OPEN_STATUSES)


class Agreement(GuardedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting signatures"
        ACTIVE = "active", "Active"
        SUPERSEDED = "superseded", "Superseded"
        ENDED = "ended", "Ended"
        VOID = "void", "Void (never in force)"

    class Scope(models.TextChoices):
        STRICT = "strict", "Everything we discuss stays between us"
        AGREED_EXCEPTIONS = "agreed_exceptions", "Confidential, except what these terms allow"

    OPEN_STATUSES = (Status.DRAFT, Status.AWAITING_SIGNATURES)
    CLOSED_STATUSES = (Status.SUPERSEDED, Status.ENDED, Status.VOID)
    # Where proposed terms may go; a closed agreement stays as it is.
    TRANSITIONS = transitions(
        "status",
        {
            Status.AWAITING_SIGNATURES: {Status.ACTIVE, Status.VOID},
            Status.ACTIVE: {Status.SUPERSEDED, Status.ENDED},
        },
        noun="An agreement",
        choices=Status,
        when=TERMS_PROPOSED,
    )
    # What is signed: never changes once proposed.
    TERMS = (
        "pair",
        "guideline",
        "confidentiality_scope",
        "allows_promotion_participation",
        "allows_advocacy",
        "allows_engagement",
        "exceptions",
        "mentor_name",
        "mentee_name",
        "canonical_text",
        "text_sha256",
        "proposed_by",
        "proposed_at",
        "created_at",
    )
    guard = Guard(
        frozen=(
            Frozen(
                "The terms of an agreement never change once proposed; propose new terms.",
                fields=TERMS,
                when=TERMS_PROPOSED,
            ),
            Frozen(
                "Proposed terms are never deleted: withdrawn or replaced, they become void.",
                when=TERMS_PROPOSED,
                update=False,
                delete=True,
            ),
            Frozen(
                "A closed agreement never changes.",
                fields=ALL_FIELDS,
                when=TERMS_PROPOSED & Q(status__in=CLOSED_STATUSES),
            ),
            Frozen(
                "The activation time of an agreement never changes.",
                fields=("activated_at",),
                when=TERMS_PROPOSED & Q(activated_at__isnull=False),
            ),
        ),
        transitions=(TRANSITIONS,),
    )

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="agreements")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    guideline = models.ForeignKey(
        Guideline, on_delete=models.PROTECT, related_name="agreements", null=True, blank=True
    )
    confidentiality_scope = models.CharField(
        max_length=24, choices=Scope.choices, default=Scope.STRICT
    )
    allows_promotion_participation = models.BooleanField(
        "the mentor may take part in promotion discussions", default=False
    )
    allows_advocacy = models.BooleanField("advocacy statements are allowed", default=False)
    allows_engagement = models.BooleanField("engagement statements are allowed", default=False)
    exceptions = models.TextField(
        "exceptions to the guideline we agreed",
        blank=True,
        default="",
        help_text="Confidential: only the pair sees it.",
    )
    # Names as they were when the terms were proposed, so the canonical text can be rebuilt
    # (and verified) even if someone changes their name later.
    mentor_name = models.CharField(max_length=200, blank=True, default="")
    mentee_name = models.CharField(max_length=200, blank=True, default="")
    canonical_text = models.TextField(blank=True, default="")
    text_sha256 = models.CharField("SHA-256 of the canonical text", max_length=64, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was ended, superseded or voided."
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(blank=True, default="")
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair"],
                condition=Q(status="active"),
                name="agreement_one_active_per_pair",
            ),
        ]
        triggers = [
            GuardTrigger(name="signed_agreement_is_immutable", guard=lambda: Agreement.guard),
            # TRUNCATE cannot tell signed agreements from drafts: it is refused outright.
            RefuseTruncate(name="agreement_no_truncate"),
        ]

    def __str__(self) -> str:
        # No terms, exceptions or reason here: __str__ reaches the admin and error pages.
        return f"Agreement #{self.pk} ({self.get_status_display()})"

    def allows_statement_kind(self, kind: str) -> bool:
        """Whether a mentor may write a statement of this kind ("advocacy" or "engagement")."""
        if self.status != self.Status.ACTIVE or not self.allows_promotion_participation:
            return False
        return {"advocacy": self.allows_advocacy, "engagement": self.allows_engagement}.get(
            kind, False
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def acknowledged_by_both(self, guideline: Guideline) -> bool:
        """Both members confirmed that the terms stay as they are under `guideline`."""
        members = {self.pair.mentor_id, self.pair.mentee_id}
        return members <= set(
            self.acknowledgements.filter(guideline=guideline).values_list("member_id", flat=True)
        )

    def guideline_in_force(self) -> Guideline | None:
        """The guideline version the agreement counts as made under: the one its terms name,
        or a later one both members acknowledged (GuidelineAcknowledgement); the signed text
        itself never changes."""
        counted = self.guideline
        by_guideline: dict[int, set[int]] = {}
        for ack in self.acknowledgements.select_related("guideline"):
            by_guideline.setdefault(ack.guideline_id, set()).add(ack.member_id)
            both = {self.pair.mentor_id, self.pair.mentee_id} <= by_guideline[ack.guideline_id]
            if both and (counted is None or ack.guideline.version > counted.version):
                counted = ack.guideline
        return counted

    def needs_guideline_review(self, current: Guideline | None) -> bool:
        """An active agreement made under an older guideline than the program's current one,
        and not acknowledged under it by both members since."""
        if not self.is_active or current is None or self.guideline_id == current.pk:
            return False
        return not self.acknowledged_by_both(current)

    def is_under_outdated_guideline(self, current: Guideline | None) -> bool:
        """Terms proposed under a guideline version the program has since replaced: they can
        no longer be signed (both would sign a text naming a version no longer in force)."""
        return (
            self.is_open
            and current is not None
            and self.guideline_id is not None
            and self.guideline_id != current.pk
        )


class Signature(AppendOnlyModel):
    """One member's signature on the exact canonical text of one agreement."""

    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreement_signatures"
    )
    role = models.CharField(max_length=6, choices=Role.choices)
    typed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    text_sha256 = models.CharField("SHA-256 of the signed text", max_length=64)
    # How the signer proved presence just before signing (mentorship.reauth).
    reauth_method = models.CharField(
        "confirmed by", max_length=8, choices=REAUTH_METHOD_CHOICES, default=REAUTH_PASSWORD
    )

    class Meta:
        base_manager_name = "objects"
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "signer"],
                name="signature_one_per_signer_per_agreement",
                violation_error_message="You have already signed this agreement.",
            ),
            models.UniqueConstraint(
                fields=["agreement", "role"],
                name="signature_one_per_role_per_agreement",
                violation_error_message="This agreement already has a signature for that role.",
            ),
        ]
        triggers = [
            GuardTrigger(name="signature_is_immutable", guard=lambda: Signature.guard),
            RefuseTruncate(name="signature_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"Signature #{self.pk} ({self.get_role_display()})"


class GuidelineAcknowledgement(AppendOnlyModel):
    """One member's confirmation that a newer guideline version changes nothing about the
    pair's terms: "I have read version N; our terms stay as they are".

    The signed agreement never changes; this record sits beside it. Once both members have
    acknowledged a version, the agreement counts as made under it (Agreement.guideline_in_force)
    and no longer asks for a review. Written once, never changed or deleted, audited.
    """

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=6, choices=Signature.Role.choices)
    acknowledged_at = models.DateTimeField()
    # The exact terms that stay, and where the confirmation came from, as for a signature.
    text_sha256 = models.CharField("SHA-256 of the agreement's text", max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    reauth_method = models.CharField(
        "confirmed by", max_length=8, choices=REAUTH_METHOD_CHOICES, default=REAUTH_PASSWORD
    )

    class Meta:
        base_manager_name = "objects"
        ordering = ["acknowledged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "guideline", "member"],
                name="acknowledgement_one_per_member_per_version",
                violation_error_message="You have already acknowledged this guideline version.",
            ),
        ]
        triggers = [
            GuardTrigger(
                name="acknowledgement_is_immutable", guard=lambda: GuidelineAcknowledgement.guard
            ),
            RefuseTruncate(name="acknowledgement_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"Guideline acknowledgement #{self.pk} ({self.get_role_display()})"


class Question(models.Model):
    """One statement of a program's assumption questionnaire, configured by program admins."""

    class Expected(models.TextChoices):
        AGREE = "agree", "Agree"
        DISAGREE = "disagree", "Disagree"

    class Term(models.TextChoices):
        PROMOTION = "allows_promotion_participation", "Mentor may take part in promotion talks"
        ADVOCACY = "allows_advocacy", "Advocacy statements allowed"
        ENGAGEMENT = "allows_engagement", "Engagement statements allowed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("statement", max_length=300)
    guideline_answer = models.CharField(
        "the guideline's answer",
        max_length=8,
        choices=Expected.choices,
        blank=True,
        help_text="Leave empty when the guideline leaves it to the pair.",
    )
    guideline_note = models.CharField(
        "why (from the guideline)",
        max_length=300,
        blank=True,
        help_text="Shown next to an answer that contradicts the guideline.",
    )
    maps_to_term = models.CharField(
        "prefills the term",
        max_length=40,
        choices=Term.choices,
        blank=True,
        help_text="When both answer the same, this term of the agreement starts with that answer.",
    )
    is_active = models.BooleanField(
        "asked", default=True, help_text="Untick to stop asking it (answers already given stay)."
    )

    class Meta:
        ordering = ["program", "order", "id"]

    def __str__(self) -> str:
        return self.text

    def contradicts(self, value: str | None) -> bool:
        """An agree/disagree answer opposite to the guideline's answer."""
        if not self.guideline_answer or value not in (Answer.Value.AGREE, Answer.Value.DISAGREE):
            return False
        return value != self.guideline_answer


class AnswerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Your own answers always; your partner's only once both of you have submitted.

        Two id lists, each found through an index from the user: the answers they gave
        (by respondent), and the answers in the pairs they belong to and have submitted for
        whose author has submitted too (by pair, from the user's submissions). An OR of the
        two cannot use an index: PostgreSQL then reads every answer.
        """
        if not user.is_authenticated:
            return self.none()
        answers = self.model._base_manager.order_by()
        own = answers.filter(respondent=user)
        submitted_as_member = QuestionnaireSubmission.objects.filter(respondent=user).filter(
            Q(pair__mentor=user) | Q(pair__mentee=user)
        )
        author_submitted = QuestionnaireSubmission.objects.filter(
            pair=OuterRef("pair"), respondent=OuterRef("respondent")
        )
        exchanged = answers.filter(
            Exists(author_submitted), pair__in=submitted_as_member.values("pair_id")
        )
        # UNION ALL: an answer in both lists (your own, once you submitted) is still one row
        # of the outer query, which only asks whether its id is in the list.
        ids = own.values("pk").union(exchanged.values("pk"), all=True)
        return self.filter(pk__in=ids)


class Answer(models.Model):
    """One person's private answer to one question, for one pair. Confidential."""

    class Value(models.TextChoices):
        AGREE = "agree", "Agree"
        DISAGREE = "disagree", "Disagree"
        UNSURE = "unsure", "Unsure"

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="assumption_answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    value = models.CharField(max_length=8, choices=Value.choices)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "respondent", "question"],
                name="answer_one_per_person_per_question_per_pair",
            ),
        ]

    def __str__(self) -> str:
        # Never the value or comment: __str__ reaches admin pages and logs.
        return f"Answer #{self.pk}"


class QuestionnaireSubmission(models.Model):
    """A member has finished the questionnaire for a pair; their answers are now locked."""

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="+")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "respondent"], name="questionnaire_submitted_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Questionnaire submission #{self.pk}"
