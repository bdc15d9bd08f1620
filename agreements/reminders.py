"""The agreement flow's reminders: a questionnaire not submitted, terms not signed.

Run by `manage.py send_reminders` (mentorship/reminders.py explains the machinery). Each
reaches only a member of an active pair, the only people who may open these pages, and says
whose step it is, never an answer, comment, term or exception.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Question, QuestionnaireSubmission, Signature
from mentorship.models import Pair
from mentorship.reminders import Due, Reminder, start_of_day

QUESTIONNAIRE_AFTER = datetime.timedelta(days=3)
TERMS_AFTER = datetime.timedelta(days=2)


# Who is due is decided here once: the reminders, the program dashboard's figures and its lists
# (promotions/program_lists.py) all filter with these, so a list and the people its "remind"
# button reaches cannot drift apart.


def without_agreement() -> Q:
    """On a Pair queryset: no active (signed by both) agreement."""
    return ~Q(pk__in=Agreement.objects.active().values("pair_id"))


def submitted_by(member: str) -> Exists:
    """On a Pair queryset: `member` ("mentor" or "mentee") has submitted the questionnaire."""
    return Exists(
        QuestionnaireSubmission.objects.filter(pair=OuterRef("pk"), respondent=OuterRef(member))
    )


def asks_questions() -> Exists:
    """On a Pair queryset: the pair's program asks at least one question; otherwise there is
    no questionnaire to submit."""
    return Exists(Question.objects.filter(program=OuterRef("program"), is_active=True))


def questionnaire_incomplete() -> Q:
    """On a Pair queryset: a member has not submitted the questionnaire, in a program that asks
    questions. Only whether each member submitted (the step), never what."""
    return Q(asks_questions()) & ~(Q(submitted_by("mentor")) & Q(submitted_by("mentee")))


def _questionnaire_not_submitted(now: datetime.datetime) -> Iterator[Due]:
    """Members of an active pair who have not submitted their answers three days after the pair
    started (while the program asks any question at all)."""
    first_day = timezone.localtime(now).date() - QUESTIONNAIRE_AFTER
    return questionnaire_dues(Pair.objects.active().filter(started_on__lte=first_day))


def questionnaire_dues(pairs) -> Iterator[Due]:
    """The questionnaire reminders owed to the members of these pairs who have not submitted
    (in programs that ask any question), each due three days after its pair started."""
    pairs = (
        pairs.filter(questionnaire_incomplete())
        .annotate(mentor_submitted=submitted_by("mentor"), mentee_submitted=submitted_by("mentee"))
        .select_related("mentor", "mentee")
        .order_by("pk")
    )
    for pair in pairs:
        link = reverse("agreements:questionnaire", args=[pair.pk])
        due_at = start_of_day(pair.started_on + QUESTIONNAIRE_AFTER)
        for member, submitted in (
            (pair.mentor, pair.mentor_submitted),
            (pair.mentee, pair.mentee_submitted),
        ):
            if not submitted:
                yield Due(
                    recipient=member,
                    target=f"pair:{pair.pk}",
                    link=link,
                    context={"partner": str(pair.other_member(member))},
                    due_at=due_at,
                )


QUESTIONNAIRE_NOT_SUBMITTED = Reminder(
    kind="agreements.reminder_questionnaire",
    period=datetime.timedelta(weeks=1),
    subject="Reminder: your confidentiality questionnaire with {partner}",
    template="emails/agreements/reminder_questionnaire.txt",
    find=_questionnaire_not_submitted,
)


def _terms_not_signed(now: datetime.datetime) -> Iterator[Due]:
    """Members of an active pair who have not signed terms proposed two days ago or more."""

    def signed_by(member: str) -> Exists:
        return Exists(
            Signature.objects.filter(agreement=OuterRef("pk"), signer=OuterRef(f"pair__{member}"))
        )

    agreements = (
        Agreement.objects.filter(
            status=Agreement.Status.AWAITING_SIGNATURES,
            pair__status=Pair.Status.ACTIVE,
            proposed_at__lte=now - TERMS_AFTER,
        )
        .annotate(mentor_signed=signed_by("mentor"), mentee_signed=signed_by("mentee"))
        .exclude(mentor_signed=True, mentee_signed=True)
        .select_related("pair__mentor", "pair__mentee")
        .order_by("pk")
    )
    for agreement in agreements:
        pair = agreement.pair
        for member, signed in (
            (pair.mentor, agreement.mentor_signed),
            (pair.mentee, agreement.mentee_signed),
        ):
            if not signed:
                yield Due(
                    recipient=member,
                    target=f"agreement:{agreement.pk}",
                    link=reverse("agreements:detail", args=[agreement.pk]),
                    context={"partner": str(pair.other_member(member))},
                    due_at=agreement.proposed_at + TERMS_AFTER,
                )


TERMS_NOT_SIGNED = Reminder(
    kind="agreements.reminder_terms",
    period=datetime.timedelta(days=3),
    subject="Reminder: agreement terms with {partner} await your signature",
    template="emails/agreements/reminder_terms.txt",
    find=_terms_not_signed,
)

REMINDERS: tuple[Reminder, ...] = (QUESTIONNAIRE_NOT_SUBMITTED, TERMS_NOT_SIGNED)


def agreement_missing_dues(pairs) -> Iterator[Due]:
    """Both members of each of these active pairs that has no active (signed) agreement: their
    agreement page says what is next (answer, propose, sign). Due from the pair's start."""
    pairs = (
        pairs.filter(without_agreement(), status=Pair.Status.ACTIVE)
        .select_related("mentor", "mentee")
        .order_by("pk")
    )
    for pair in pairs:
        for member in (pair.mentor, pair.mentee):
            yield Due(
                recipient=member,
                target=f"pair:{pair.pk}",
                link=reverse("agreements:pair", args=[pair.pk]),
                context={"partner": str(pair.other_member(member))},
                # An active pair from before start dates were required may have none: due now.
                due_at=start_of_day(pair.started_on) if pair.started_on else timezone.now(),
            )


# Sent only when a program admin asks, from the program dashboard's list of active pairs with
# no signed agreement (promotions/program_lists.py), so not among REMINDERS: at most once a
# week per person and pair however often she asks.
AGREEMENT_MISSING = Reminder(
    kind="agreements.reminder_agreement_missing",
    period=datetime.timedelta(weeks=1),
    subject="Reminder: agree on confidentiality with {partner} and sign",
    template="emails/agreements/reminder_agreement_missing.txt",
    find=lambda now: agreement_missing_dues(Pair.objects.active()),
)
