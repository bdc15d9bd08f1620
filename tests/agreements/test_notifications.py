"""Each hand-off tells the other member (inbox entry, and the email the worker delivers) with a
link and nothing confidential; an act that rolls back leaves no message behind."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from agreements.services import agreement_end, agreement_sign
from mentorship.models import Notification
from tests.factories.worlds import answer_all, propose, sign
from tests.outbox import delivered_to, run_worker

pytestmark = pytest.mark.django_db

COMMENT = "PRIVATE-ANSWER-COMMENT"
EXCEPTION = "PRIVATE-EXCEPTION-TEXT"
REASON = "PRIVATE-END-REASON"


def test_every_hand_off_emails_the_other_member_without_confidential_text(pair):
    mentor, mentee = pair.mentor, pair.mentee
    answer_all(pair, mentor, comment=COMMENT)
    answer_all(pair, mentee, comment=COMMENT)
    agreement = propose(pair, by=mentor, exceptions=EXCEPTION)
    sign(agreement, mentor)
    sign(agreement, mentee)
    agreement_end(agreement_id=agreement.pk, by=mentee, reason=REASON)
    run_worker()

    sent = [(m.to, m.subject) for m in mail.outbox]
    assert sent == [
        ([mentee.email], "Maria Lopez answered the confidentiality questionnaire"),
        ([mentor.email], "Your confidentiality answers are ready to compare"),
        ([mentee.email], "Maria Lopez proposed confidentiality agreement terms"),
        ([mentee.email], "Maria Lopez signed your confidentiality agreement"),
        ([mentor.email], "Your confidentiality agreement is now active"),
        ([mentor.email], "Carol Chen ended your confidentiality agreement"),
    ]
    for message in mail.outbox:
        assert "http://testserver/agreements/" in message.body
        for secret in (COMMENT, EXCEPTION, REASON, agreement.text_sha256, "ALLOWED"):
            assert secret not in message.body
            assert secret not in message.subject
    # The inbox entries are the same messages, each pointing to a page of the pair.
    entries = Notification.objects.order_by("created_at", "pk")
    assert [(n.recipient.email, n.subject) for n in entries] == [
        (to, subject) for (to,), subject in sent
    ]
    for entry in entries:
        assert entry.link.startswith("/agreements/")
        for secret in (COMMENT, EXCEPTION, REASON, agreement.text_sha256, "ALLOWED"):
            assert secret not in entry.subject + entry.body + entry.link


def test_no_notification_and_no_task_when_the_transaction_rolls_back(pair):
    answer_all(pair, pair.mentor)
    answer_all(pair, pair.mentee)
    agreement = propose(pair)
    before = (Notification.objects.count(), DBTaskResult.objects.count())
    with pytest.raises(ValidationError, match="password"):
        agreement_sign(
            agreement_id=agreement.pk,
            signer=pair.mentee,
            typed_name=pair.mentee.full_name,
            password="wrong",
            text_sha256=agreement.text_sha256,
        )
    # The refused signature wrote no message and queued no email.
    assert (Notification.objects.count(), DBTaskResult.objects.count()) == before
    assert list(
        Notification.objects.filter(recipient=pair.mentee).values_list("kind", flat=True)[:1]
    ) == ["agreements.terms_proposed"]

    # A signature that did tell the partner, in a transaction that then rolled back.
    class Abandoned(Exception):
        pass

    def signed_then_abandoned():
        with transaction.atomic():
            sign(agreement, pair.mentee)
            assert Notification.objects.filter(kind="agreements.signed").exists()
            raise Abandoned

    with pytest.raises(Abandoned):
        signed_then_abandoned()
    assert (Notification.objects.count(), DBTaskResult.objects.count()) == before
    run_worker()
    assert [m.subject for m in delivered_to(pair.mentor)] == [
        "Your confidentiality answers are ready to compare"
    ]
