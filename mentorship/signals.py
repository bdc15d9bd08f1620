"""Signals other apps listen to, so mentorship does not import them."""

from django.dispatch import Signal

# Sent inside the publishing transaction with guideline=<Guideline>.
guideline_published = Signal()
