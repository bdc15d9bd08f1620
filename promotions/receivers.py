"""Reactions to other apps' signals."""

from __future__ import annotations

from django.dispatch import receiver

from agreements.signals import agreement_closed
from promotions.services import statements_withdraw_for_agreement


@receiver(agreement_closed, dispatch_uid="promotions.withdraw_on_agreement_closed")
def withdraw_on_agreement_closed(sender, agreement, successor=None, **kwargs) -> None:
    """Runs inside the transaction that ends or supersedes the agreement (same commit)."""
    statements_withdraw_for_agreement(agreement=agreement, successor=successor)
