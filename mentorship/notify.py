"""Notification emails: sent after commit, with a link and never confidential content.

Each app's notifications module builds the message from a template that receives only what it
may show: the recipient, who did what kind of hand-off, and where to go.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from mentorship.models import User


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_notification(*, to: User, subject: str, template: str, context: dict) -> None:
    """Send one plain-text email now. Prefer notify_on_commit inside a transaction."""
    if not to.email:
        return
    body = render_to_string(template, {"recipient": to, **context})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to.email], fail_silently=False)


def notify_on_commit(*, to: User, subject: str, template: str, context: dict) -> None:
    """Queue the email to go out only if the surrounding transaction commits.

    Robust: by then the act it reports is saved, so a mail server that fails must not turn it
    into an error page (the user would retry an act already done). Django logs the failure
    (logger django.db.backends.base) and the request goes on.
    """
    transaction.on_commit(
        lambda: send_notification(to=to, subject=subject, template=template, context=context),
        robust=True,
    )
