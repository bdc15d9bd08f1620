"""Emails that could not be delivered, for the program admin to see and try again.

Only who and how often: the subject, body, kind and link of a notification say what happened
between a mentor and a mentee ("… declined to share your statement"), so none of them is on
any admin page, and the date is shown to the day.
"""

from __future__ import annotations

import django_tasks_db.admin  # noqa: F401  (registers DBTaskResult now, to be taken back below)
from django.contrib import admin, messages
from django.db.models.functions import TruncDate
from django_tasks_db.models import DBTaskResult

from mentorship.admin_base import AllowListAdmin
from mentorship.models import Notification
from mentorship.notify import try_again

# The task rows carry only notification ids, but their admin is not built for our allow-list;
# nobody needs it: failures are read through the notification.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(Notification)
class UndeliveredEmailAdmin(AllowListAdmin):
    list_display = ["recipient", "failed_on", "attempts"]
    list_select_related = ["recipient"]
    fields = ["recipient", "failed_on", "attempts"]
    readonly_fields = fields
    actions = ["try_again"]

    def get_ordering(self, request):
        # By day, then by person: the order within a day would tell which failed first.
        return [TruncDate("created_at").desc(), "recipient__username", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).undelivered()

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="First queued on")
    def failed_on(self, notification: Notification):
        return notification.created_at.date()

    @admin.action(description="Try sending the selected emails again", permissions=["change"])
    def try_again(self, request, queryset) -> None:
        count = try_again(queryset)
        self.message_user(
            request, f"{count} email{'s' if count != 1 else ''} queued again.", messages.SUCCESS
        )
