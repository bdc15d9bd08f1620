"""The inbox: every notification a person was sent, each a subject and a link (mentorship.notify).

Only the recipient ever reaches a notification: every read goes through
`Notification.objects.inbox_of` (mentorship/querysets.py), and anything else is a 404 like a
notification that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from mentorship.models import Notification
from mentorship.notify import mark_read
from mentorship.selectors import page_of

NOTIFICATIONS_PER_PAGE = 25


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.inbox_of(request.user).only(
        "id", "subject", "created_at", "read_at"
    )
    page = page_of(request, notifications, per_page=NOTIFICATIONS_PER_PAGE)
    return render(request, "mentorship/inbox.html", {"page": page, "nav": "inbox"})


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to the page it is about."""
    notification = Notification.objects.inbox_of(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    mark_read(user=request.user, notification_ids=[notification.pk])
    # Links are written by the app's own notification modules; still, never redirect off-site.
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect("mentorship:inbox")
    return redirect(notification.link)


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    mark_read(user=request.user)
    return redirect("mentorship:inbox")
