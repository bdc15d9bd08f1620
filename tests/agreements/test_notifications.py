"""Each hand-off emails the other member, after commit, with a link and nothing confidential."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from agreements.services import agreement_end, agreement_sign
from tests.factories.worlds import answer_all, propose, sign

pytestmark = pytest.mark.django_db

COMMENT = "PRIVATE-ANSWER-COMMENT"
EXCEPTION = "PRIVATE-EXCEPTION-TEXT"
REASON = "PRIVATE-END-REASON"


def test_every_hand_off_emails_the_other_member_without_confidential_text(
    pair, django_capture_on_commit_callbacks
):
    mentor, mentee = pair.mentor, pair.mentee
    with django_capture_on_commit_callbacks(execute=True):
        answer_all(pair, mentor, comment=COMMENT)
        answer_all(pair, mentee, comment=COMMENT)
        agreement = propose(pair, by=mentor, exceptions=EXCEPTION)
        sign(agreement, mentor)
        sign(agreement, mentee)
        agreement_end(agreement_id=agreement.pk, by=mentee, reason=REASON)

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


def test_no_email_when_the_transaction_rolls_back(pair, django_capture_on_commit_callbacks):
    answer_all(pair, pair.mentor)
    answer_all(pair, pair.mentee)
    with django_capture_on_commit_callbacks() as callbacks:
        agreement = propose(pair)
        with pytest.raises(ValidationError, match="password"):
            agreement_sign(
                agreement_id=agreement.pk,
                signer=pair.mentee,
                typed_name=pair.mentee.full_name,
                password="wrong",
                text_sha256=agreement.text_sha256,
            )
    assert len(callbacks) == 1  # only "terms proposed"; the refused signature queued nothing
