"""Hand-off notifications. Each says who did what kind of step and links to the page; never any
answer, comment, term, exception or reason (those stay on the pair's pages)."""

from __future__ import annotations

from django.urls import reverse

from agreements.models import Agreement
from agreements.selectors import guideline_changes_url
from mentorship.models import Guideline, Pair, User
from mentorship.notify import absolute_url, notify


def _pair_link(pair: Pair) -> str:
    return reverse("agreements:pair", args=[pair.pk])


def _agreement_link(agreement: Agreement) -> str:
    return reverse("agreements:detail", args=[agreement.pk])


def answers_submitted(*, pair: Pair, by: User, to: User, both_done: bool) -> None:
    notify(
        to=to,
        kind="agreements.answers_submitted",
        subject=(
            "Your confidentiality answers are ready to compare"
            if both_done
            else f"{by} answered the confidentiality questionnaire"
        ),
        template="emails/agreements/answers_submitted.txt",
        context={"actor": str(by), "both_done": both_done},
        link=_pair_link(pair),
    )


def _tell_partner(
    agreement: Agreement, *, by: User, kind: str, subject: str, template: str, **context
) -> None:
    """The message about `by`'s step on the agreement, to the other member of the pair."""
    notify(
        to=agreement.pair.other_member(by),
        kind=kind,
        subject=subject,
        template=template,
        context={"actor": str(by), **context},
        link=_agreement_link(agreement),
    )


def terms_proposed(*, agreement: Agreement, by: User) -> None:
    _tell_partner(
        agreement,
        by=by,
        subject=f"{by} proposed confidentiality agreement terms",
        kind="agreements.terms_proposed",
        template="emails/agreements/terms_proposed.txt",
    )


def agreement_signed(*, agreement: Agreement, by: User) -> None:
    active = agreement.status == Agreement.Status.ACTIVE
    _tell_partner(
        agreement,
        by=by,
        subject=(
            "Your confidentiality agreement is now active"
            if active
            else f"{by} signed your confidentiality agreement"
        ),
        kind="agreements.signed",
        template="emails/agreements/signed.txt",
        active=active,
    )


def agreement_ended(*, agreement: Agreement, by: User) -> None:
    _tell_partner(
        agreement,
        by=by,
        subject=f"{by} ended your confidentiality agreement",
        kind="agreements.ended",
        template="emails/agreements/ended.txt",
    )


def proposal_withdrawn(*, agreement: Agreement, by: User) -> None:
    """The proposer withdrew the terms, or the partner declined them."""
    declined = agreement.proposed_by_id != by.pk
    _tell_partner(
        agreement,
        by=by,
        subject=(
            f"{by} declined the proposed confidentiality agreement terms"
            if declined
            else f"{by} withdrew the proposed confidentiality agreement terms"
        ),
        kind="agreements.proposal_withdrawn",
        template="emails/agreements/proposal_withdrawn.txt",
        declined=declined,
    )


def guideline_review(*, agreement: Agreement, guideline: Guideline) -> None:
    # The link opens what changed in the guideline, not the terms form: reading comes first,
    # and the same terms usually stay (one confirmation each on the agreement page).
    changes = guideline_changes_url(agreement.pair.program_id, agreement.guideline, guideline)
    for member in (agreement.pair.mentor, agreement.pair.mentee):
        notify(
            to=member,
            kind="agreements.guideline_review",
            subject=f"Guideline version {guideline.version} published: please review it",
            template="emails/agreements/guideline_review.txt",
            context={
                "partner": str(agreement.pair.other_member(member)),
                "version": guideline.version,
                "agreement_url": absolute_url(_agreement_link(agreement)),
            },
            link=changes,
        )


def guideline_acknowledged(
    *, agreement: Agreement, by: User, guideline: Guideline, both: bool
) -> None:
    """`by` confirmed that the new guideline version leaves the terms as they are."""
    notify(
        to=agreement.pair.other_member(by),
        kind="agreements.guideline_acknowledged",
        subject=(
            f"Your confidentiality agreement now counts under guideline version {guideline.version}"
            if both
            else f"{by} acknowledged guideline version {guideline.version}"
        ),
        template="emails/agreements/guideline_acknowledged.txt",
        context={"actor": str(by), "version": guideline.version, "both": both},
        link=reverse("agreements:detail", args=[agreement.pk]),
    )


def proposal_outdated(*, agreement: Agreement, guideline: Guideline) -> None:
    """Terms awaiting signatures name a guideline version that was just replaced."""
    for member in (agreement.pair.mentor, agreement.pair.mentee):
        notify(
            to=member,
            kind="agreements.proposal_outdated",
            subject=(
                f"Guideline version {guideline.version} published: your proposed terms need "
                "proposing again"
            ),
            template="emails/agreements/proposal_outdated.txt",
            context={
                "partner": str(agreement.pair.other_member(member)),
                "version": guideline.version,
                "old_version": agreement.guideline.version if agreement.guideline else None,
            },
            link=reverse("agreements:detail", args=[agreement.pk]),
        )
