"""Signals the promotions app listens to, so agreements never imports promotions."""

from django.dispatch import Signal

# Sent inside the transaction that ends or supersedes an agreement, with
# agreement=<the old Agreement> and successor=<the new active Agreement or None>.
agreement_closed = Signal()
