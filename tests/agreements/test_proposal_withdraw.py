"""Open proposals can be taken off the table: the proposer withdraws them, the partner
declines them, and ending the active agreement voids them (found in review: unwanted terms
could only be signed, replaced or outlived by ending the agreement, and ending it left them
awaiting signatures while the flow and the dashboard kept asking both to sign).

The proposal becomes void like a proposal replaced by new terms: its signatures stay on record
and never take effect; the pair's active agreement, if any, stays as it is.
"""

from __future__ import annotations

from functools import partial
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement, Signature
from agreements.selectors import agreement_attention, pair_flow
from agreements.services import agreement_end, proposal_withdraw
from mentorship.audit import Action
from mentorship.models import AuditEvent
from tests.concurrency import run_together
from tests.factories.worlds import propose, sign
from tests.outbox import deliver_after

pytestmark = pytest.mark.django_db

REASON = "I no longer agree."


@pytest.fixture
def amendment(active_agreement):
    """Maria proposes narrower terms (no engagement statements) and signs them herself."""
    pair = active_agreement.pair
    amendment = propose(pair, by=pair.mentor, allows_engagement=False)
    sign(amendment, pair.mentor)
    return amendment


def withdraw(client, agreement):
    return client.post(reverse("agreements:withdraw", args=[agreement.pk]))


def withdrawn_by(person, amendment, client):
    """`person` withdraws (or declines) the amendment on its page; the emails are sent."""
    client.force_login(person)
    with deliver_after():
        return withdraw(client, amendment)


def flash(response) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def statuses(pair) -> list[tuple[int, str]]:
    return list(Agreement.objects.filter(pair=pair).order_by("pk").values_list("pk", "status"))


def voided_events(agreement) -> list[dict]:
    return list(
        AuditEvent.objects.filter(
            action=Action.AGREEMENT_VOIDED, target_id=str(agreement.pk)
        ).values_list("payload", flat=True)
    )


def assert_void_beside(amendment, active_agreement, why: str) -> None:
    """The amendment is void, audited as such, and the active agreement stays."""
    assert statuses(amendment.pair) == [
        (active_agreement.pk, Agreement.Status.ACTIVE),
        (amendment.pk, Agreement.Status.VOID),
    ]
    assert voided_events(amendment) == [{"from": "awaiting_signatures", "to": "void", "why": why}]


# --- Allowed ----------------------------------------------------------------------------------


def test_the_partner_declines_an_unwanted_amendment(amendment, active_agreement, client):
    pair = amendment.pair
    response = withdrawn_by(pair.mentee, amendment, client)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("agreements:detail", args=[amendment.pk])
    assert flash(response) == (
        "You declined the proposed terms; they are void. Maria Lopez has been told. "
        "Your active agreement stays as it is."
    )
    assert_void_beside(amendment, active_agreement, "declined")
    amendment.refresh_from_db()
    assert amendment.closed_at is not None
    assert amendment.ended_by == pair.mentee
    assert amendment.superseded_by is None
    # Maria's signature stays on record, on a proposal that never takes effect.
    assert list(Signature.objects.filter(agreement=amendment).values_list("signer_id", flat=True))
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([pair.mentor.email], "Carol Chen declined the proposed confidentiality agreement terms")
    ]


def test_the_proposer_withdraws_their_amendment(amendment, active_agreement, client):
    pair = amendment.pair
    response = withdrawn_by(pair.mentor, amendment, client)

    assert flash(response) == (
        "You withdrew the proposed terms; they are void. Carol Chen has been told. "
        "Your active agreement stays as it is."
    )
    assert_void_beside(amendment, active_agreement, "withdrawn")
    (message,) = mail.outbox
    assert message.to == [pair.mentee.email]
    assert message.subject == "Maria Lopez withdrew the proposed confidentiality agreement terms"
    assert f"http://testserver/agreements/{amendment.pk}/" in message.body
    assert amendment.canonical_text[:40] not in message.body
    assert amendment.text_sha256 not in message.body


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_the_flow_and_the_dashboard_go_back_to_the_active_agreement(amendment, who):
    pair = amendment.pair
    for person in (pair.mentor, pair.mentee):
        # An amendment leaves the agreement in force: the step bar stays on "active".
        flow = pair_flow(pair, person)
        assert (flow.step, flow.is_amendment) == ("active", True)
    assert [item.action for item in agreement_attention(pair.mentee)] == ["Review and sign"]

    proposal_withdraw(agreement_id=amendment.pk, by=getattr(pair, who))

    for person in (pair.mentor, pair.mentee):
        flow = pair_flow(pair, person)
        assert (flow.step, flow.next_action, flow.waiting_for_partner) == ("active", "", "")
        assert flow.proposal is None
        assert list(agreement_attention(person)) == []


def test_without_an_active_agreement_the_flow_goes_back_to_proposing(proposal):
    pair = proposal.pair
    sign(proposal, pair.mentor)

    proposal_withdraw(agreement_id=proposal.pk, by=pair.mentee)

    proposal.refresh_from_db()
    assert proposal.status == Agreement.Status.VOID
    flow = pair_flow(pair, pair.mentor)
    assert flow.step == "compare"
    assert flow.next_url == reverse("agreements:compare", args=[pair.pk])
    assert [item.action for item in agreement_attention(pair.mentee)] == ["Compare and agree terms"]


def test_withdrawn_terms_can_no_longer_be_signed(amendment):
    pair = amendment.pair
    proposal_withdraw(agreement_id=amendment.pk, by=pair.mentor)

    with pytest.raises(ValidationError, match="no longer open for signing"):
        sign(amendment, pair.mentee)


def test_the_same_terms_can_be_proposed_again_after_a_withdrawal(amendment):
    pair = amendment.pair
    proposal_withdraw(agreement_id=amendment.pk, by=pair.mentee)

    again = propose(pair, by=pair.mentor, allows_engagement=False)

    assert again.pk != amendment.pk
    assert again.status == Agreement.Status.AWAITING_SIGNATURES
    assert not again.signatures.exists()


# --- The agreement page -----------------------------------------------------------------------


def test_the_button_is_labelled_for_each_person(amendment, client):
    pair = amendment.pair
    url = reverse("agreements:detail", args=[amendment.pk])
    action = reverse("agreements:withdraw", args=[amendment.pk])

    client.force_login(pair.mentor)
    page = client.get(url).content.decode()
    assert "Withdraw these proposed terms" in page
    assert "Decline these proposed terms" not in page
    assert f'action="{action}"' in page
    assert "Your active agreement stays as it is" in page

    client.force_login(pair.mentee)
    page = client.get(url).content.decode()
    assert "Decline these proposed terms" in page
    assert "Withdraw these proposed terms" not in page


def test_no_button_on_terms_that_are_not_open(amendment, active_agreement, client):
    pair = amendment.pair
    proposal_withdraw(agreement_id=amendment.pk, by=pair.mentee)
    client.force_login(pair.mentor)

    for agreement in (active_agreement, amendment):
        page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
        assert reverse("agreements:withdraw", args=[agreement.pk]) not in page
    page = client.get(reverse("agreements:detail", args=[amendment.pk])).content.decode()
    assert "Declined by Carol Chen" in page


def test_without_an_active_agreement_the_page_says_none_is_in_force(proposal, client):
    client.force_login(proposal.pair.mentee)
    page = client.get(reverse("agreements:detail", args=[proposal.pk])).content.decode()
    assert "Decline these proposed terms" in page
    assert "You have no agreement in force until you both sign new terms." in page
    assert "Your active agreement stays as it is" not in page


# --- Refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "program_admin"])
def test_someone_outside_the_pair_gets_404_and_nothing_changes(amendment, client, who, request):
    client.force_login(request.getfixturevalue(who))

    with deliver_after():
        response = withdraw(client, amendment)

    assert response.status_code == HTTPStatus.NOT_FOUND
    amendment.refresh_from_db()
    assert amendment.status == Agreement.Status.AWAITING_SIGNATURES
    assert voided_events(amendment) == []
    assert mail.outbox == []


def test_the_service_does_not_find_terms_of_another_pair(amendment, outsider):
    with pytest.raises(Agreement.DoesNotExist):
        proposal_withdraw(agreement_id=amendment.pk, by=outsider)


def test_terms_signed_by_both_are_not_a_proposal_any_more(active_agreement, client):
    pair = active_agreement.pair
    client.force_login(pair.mentee)

    response = withdraw(client, active_agreement)

    assert response.url == reverse("agreements:detail", args=[active_agreement.pk])
    assert flash(response) == (
        "Nothing changed: both of you signed these terms, so they are no longer a proposal. "
        "To change them, propose new terms; to stop, end the agreement."
    )
    assert statuses(pair) == [(active_agreement.pk, Agreement.Status.ACTIVE)]
    assert voided_events(active_agreement) == []


@pytest.mark.parametrize("how", ["withdrawn", "replaced"])
def test_void_terms_cannot_be_withdrawn_again(amendment, client, how):
    pair = amendment.pair
    if how == "withdrawn":
        proposal_withdraw(agreement_id=amendment.pk, by=pair.mentor)
    else:
        propose(pair, by=pair.mentee, exceptions="Only what we agree in writing.")
    before = statuses(pair)
    events = AuditEvent.objects.count()
    client.force_login(pair.mentee)

    response = withdraw(client, amendment)

    assert response.url == reverse("agreements:detail", args=[amendment.pk])
    assert flash(response) == (
        "Nothing changed: these terms are already void (withdrawn, declined or replaced)."
    )
    assert statuses(pair) == before
    assert AuditEvent.objects.count() == events


def test_get_is_not_allowed(amendment, client):
    client.force_login(amendment.pair.mentee)
    response = client.get(reverse("agreements:withdraw", args=[amendment.pk]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    amendment.refresh_from_db()
    assert amendment.status == Agreement.Status.AWAITING_SIGNATURES


# --- Ending the active agreement --------------------------------------------------------------


def test_ending_the_active_agreement_voids_the_open_amendment(amendment, active_agreement):
    pair = amendment.pair

    agreement_end(agreement_id=active_agreement.pk, by=pair.mentee, reason=REASON)

    assert statuses(pair) == [
        (active_agreement.pk, Agreement.Status.ENDED),
        (amendment.pk, Agreement.Status.VOID),
    ]
    amendment.refresh_from_db()
    assert amendment.closed_at is not None
    assert amendment.ended_by is None  # nobody withdrew or declined it
    assert amendment.signatures.count() == 1
    assert voided_events(amendment) == [
        {
            "from": "awaiting_signatures",
            "to": "void",
            "why": "agreement_ended",
            "ended": active_agreement.pk,
        }
    ]
    with pytest.raises(ValidationError, match="no longer open for signing"):
        sign(amendment, pair.mentee)
    for person in (pair.mentor, pair.mentee):
        assert pair_flow(pair, person).step == "compare"
        assert "Review and sign" not in [item.action for item in agreement_attention(person)]


def test_the_void_page_says_the_agreement_was_ended(amendment, active_agreement, client):
    agreement_end(agreement_id=active_agreement.pk, by=amendment.pair.mentee, reason=REASON)
    client.force_login(amendment.pair.mentor)
    page = client.get(reverse("agreements:detail", args=[amendment.pk])).content.decode()
    assert "before both of you signed them: the agreement was ended." in page
    assert reverse("agreements:withdraw", args=[amendment.pk]) not in page


def test_a_refused_end_leaves_the_open_amendment(amendment, active_agreement):
    with pytest.raises(ValidationError, match="Give a reason"):
        agreement_end(agreement_id=active_agreement.pk, by=amendment.pair.mentee, reason="  ")

    amendment.refresh_from_db()
    assert amendment.status == Agreement.Status.AWAITING_SIGNATURES


def test_the_end_form_says_open_terms_become_void(amendment, active_agreement, client):
    client.force_login(amendment.pair.mentee)
    page = client.get(reverse("agreements:detail", args=[active_agreement.pk])).content.decode()
    assert "The terms proposed since, not yet signed by both of you, become void too." in page


# --- Races (PostgreSQL) -----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ending_while_the_partner_signs_the_amendment_settles_one_way(amendment, active_agreement):
    """Signing locks the proposal, then the active agreement; ending takes them in the same
    order, so the two queue up instead of deadlocking, and whichever comes second is refused."""
    pair = amendment.pair

    outcomes = run_together(
        partial(agreement_end, agreement_id=active_agreement.pk, by=pair.mentor, reason=REASON),
        partial(sign, amendment, pair.mentee),
    )

    ended, signed = outcomes
    final = dict(statuses(pair))
    if isinstance(signed, Exception):
        assert isinstance(ended, Agreement), outcomes
        assert "no longer open for signing" in str(signed)
        assert final == {active_agreement.pk: "ended", amendment.pk: "void"}
    else:
        assert isinstance(ended, ValidationError), outcomes
        assert "Only an active agreement can be ended." in str(ended)
        assert final == {active_agreement.pk: "superseded", amendment.pk: "active"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_declining_while_the_partner_signs_settles_one_way(amendment, active_agreement):
    pair = amendment.pair

    declined, signed = run_together(
        partial(proposal_withdraw, agreement_id=amendment.pk, by=pair.mentee),
        partial(sign, amendment, pair.mentee),
    )

    final = dict(statuses(pair))
    if isinstance(signed, Exception):
        assert isinstance(declined, Agreement), (declined, signed)
        assert final == {active_agreement.pk: "active", amendment.pk: "void"}
    else:
        assert isinstance(declined, ValidationError), (declined, signed)
        assert final == {active_agreement.pk: "superseded", amendment.pk: "active"}
