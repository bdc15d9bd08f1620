"""Scoped reads: every view, admin page and export fetches pairs and meetings through these."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class GuidelineQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")


class PairQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pairs the user belongs to, as mentor or mentee. Nobody else sees a pair page."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentor=user) | Q(mentee=user))

    def active(self):
        return self.filter(status="active")


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings (with their notes) are for the pair's two members only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(pair__mentor=user) | Q(pair__mentee=user))

    def held(self):
        return self.filter(status="held")


class NotificationQuerySet(models.QuerySet):
    def inbox_of(self, user):
        """The user's own inbox entries: the only way a page reaches a notification."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user, in_inbox=True)

    def undelivered(self):
        """Emails that failed for good: what program admins see (recipient and day only)."""
        return self.filter(email="failed")
