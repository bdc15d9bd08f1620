"""Confidentiality agreements between the two members of a pair.

The names here (Agreement.Status, the allows_* terms, Agreement.objects.active_for) are what
the promotions app relies on.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from mentorship.models import Guideline, Pair


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agreements are for the pair's two members only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(pair__mentor=user) | Q(pair__mentee=user))

    def active(self):
        return self.filter(status=Agreement.Status.ACTIVE)

    def active_for(self, pair: Pair) -> Agreement | None:
        return self.active().filter(pair=pair).first()


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting signatures"
        ACTIVE = "active", "Active"
        SUPERSEDED = "superseded", "Superseded"
        ENDED = "ended", "Ended"

    class Scope(models.TextChoices):
        STRICT = "strict", "Everything we discuss stays between us"
        AGREED_EXCEPTIONS = "agreed_exceptions", "Confidential, except what these terms allow"

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
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair"],
                condition=Q(status="active"),
                name="agreement_one_active_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement #{self.pk} ({self.get_status_display()})"

    def allows_statement_kind(self, kind: str) -> bool:
        """Whether a mentor may write a statement of this kind ("advocacy" or "engagement")."""
        if self.status != self.Status.ACTIVE or not self.allows_promotion_participation:
            return False
        return {"advocacy": self.allows_advocacy, "engagement": self.allows_engagement}.get(
            kind, False
        )
