"""Promotion reviews, their panels, mentor statements and the record of who was shown what.

The rules that must always hold are constraints in the database: a statement's consent fields
always match its state. Workflows (consent, withdrawal, the agreement cascade) live in
services.py; who may see what lives in querysets.py and permissions.py.
"""

from __future__ import annotations

import hashlib

import pgtrigger
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse

from mentorship.models import AppendOnlyModel, Pair, Program, RefuseTruncate, User
from promotions.querysets import PromotionReviewQuerySet, StatementQuerySet


def text_sha256(text: str) -> str:
    """The hash consent is recorded against. Same value as querysets.TextSHA256 in SQL."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PromotionReview(models.Model):
    """A candidate considered for a target role, read by a panel of leadership users."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DECIDING = "deciding", "Deciding"
        CLOSED = "closed", "Closed"

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
    panel = models.ManyToManyField(
        User, through="PanelSeat", related_name="panel_reviews", blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    supervisor_assessment = models.TextField(blank=True)
    assessment_written_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PromotionReviewQuerySet.as_manager()

    class Meta:
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
        ]
        indexes = [
            models.Index(fields=["program", "candidate", "status"], name="review_candidate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} for {self.target_role}"

    def get_absolute_url(self) -> str:
        """The panel's page; only panel members can open it."""
        return reverse("promotions:review", args=[self.pk])

    def input_url(self) -> str:
        return reverse("promotions:input", args=[self.pk])

    def consent_url(self) -> str:
        return reverse("promotions:consent", args=[self.pk])

    def assessment_url(self) -> str:
        return reverse("promotions:assessment", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class PanelSeat(models.Model):
    """One leadership user on a review's panel."""

    review = models.ForeignKey(PromotionReview, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="panel_seats")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name", "user__username"]
        verbose_name = "panel seat"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "user"],
                name="panel_seat_unique",
                violation_error_message="This person already sits on the panel.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        try:
            review = self.review  # set by the admin inline before validation, even on add
        except PanelSeat.review.RelatedObjectDoesNotExist:
            return
        if self.user_id and self.user_id == review.candidate_id:
            raise ValidationError({"user": "The candidate cannot sit on their own panel."})


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


class Statement(models.Model):
    """A mentor's input for a review. Its text is confidential: see querysets.visible_to.

    __str__ never carries the text; it reaches the admin log and error pages.
    """

    class Kind(models.TextChoices):
        ADVOCACY = "advocacy", "Advocacy"
        ENGAGEMENT = "engagement", "Engagement"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_CONSENT = "awaiting_consent", "Awaiting consent"
        SHARED = "shared", "Shared"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class WithdrawalCause(models.TextChoices):
        MENTEE = "mentee", "Withdrawn by the mentee"
        AGREEMENT = "agreement", "The agreement no longer allows it"

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

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["advocacy", "engagement"]), name="statement_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="statement_text_not_empty"),
            # Each state carries exactly the consent fields that belong to it.
            models.CheckConstraint(
                condition=(
                    Q(
                        state="draft",
                        submitted_at__isnull=True,
                        consented_at__isnull=True,
                        consent_text_sha256="",
                        declined_at__isnull=True,
                        decline_reason="",
                        withdrawn_at__isnull=True,
                        withdrawal_cause="",
                    )
                    | Q(
                        state="awaiting_consent",
                        submitted_at__isnull=False,
                        consented_at__isnull=True,
                        consent_text_sha256="",
                        declined_at__isnull=True,
                        decline_reason="",
                        withdrawn_at__isnull=True,
                        withdrawal_cause="",
                    )
                    | (
                        Q(
                            state="shared",
                            submitted_at__isnull=False,
                            consented_at__isnull=False,
                            declined_at__isnull=True,
                            decline_reason="",
                            withdrawn_at__isnull=True,
                            withdrawal_cause="",
                        )
                        & ~Q(consent_text_sha256="")
                    )
                    | Q(
                        state="declined",
                        submitted_at__isnull=False,
                        consented_at__isnull=True,
                        consent_text_sha256="",
                        declined_at__isnull=False,
                        withdrawn_at__isnull=True,
                        withdrawal_cause="",
                    )
                    | (
                        Q(
                            state="withdrawn",
                            submitted_at__isnull=False,
                            consented_at__isnull=False,
                            declined_at__isnull=True,
                            decline_reason="",
                            withdrawn_at__isnull=False,
                            withdrawal_cause__in=["mentee", "agreement"],
                        )
                        & ~Q(consent_text_sha256="")
                    )
                ),
                name="statement_state_fields_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["review", "state"], name="statement_review_state_idx"),
            models.Index(fields=["pair", "state"], name="statement_pair_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} statement #{self.pk}"

    @property
    def consent_is_current(self) -> bool:
        """Consent covers exactly the present text (never true without consent)."""
        return bool(self.consent_text_sha256) and self.consent_text_sha256 == text_sha256(self.text)

    @property
    def is_frozen(self) -> bool:
        return self.review.is_closed


class StatementView(AppendOnlyModel):
    """One showing of a shared statement to a panel member. Append-only."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="views")
    viewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField()
    text_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        # Covers the consent page's count of showings per statement and viewer (first, last):
        # the table grows with every opening of a panel page.
        indexes = [
            models.Index(
                fields=["statement", "viewer", "viewed_at"], name="statement_view_viewer_idx"
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="statement_view_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
            RefuseTruncate(name="statement_view_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"Statement #{self.statement_id} shown to {self.viewer_id}"
