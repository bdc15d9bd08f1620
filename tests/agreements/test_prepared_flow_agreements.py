"""The pair and agreement pages read a pair's agreements through a statement compiled once per
process (mentorship.statements.Prepared) from the flow's `visible_to` queryset. It must answer
exactly what that queryset answers, for whoever asks, and never carry one viewer's or pair's
answer over to the next call."""

from __future__ import annotations

import pytest

from agreements.models import Agreement
from agreements.selectors import _PAIR_AGREEMENTS, _flow_agreements
from mentorship.models import Pair, User
from mentorship.statements import Prepared
from tests.factories import (
    AgreementFactory,
    PairFactory,
    ProgramAdminFactory,
    PublishedGuidelineFactory,
    QuestionnaireSubmissionFactory,
    UserFactory,
)
from tests.factories.worlds import answer_all, propose, sign

pytestmark = pytest.mark.django_db


def prepared(viewer, pair):
    return sorted(
        (a.pk, a.status, a.acknowledged_guideline_id)
        for a in _PAIR_AGREEMENTS.instances(viewer=viewer.pk, pair=pair.pk)
    )


def orm(viewer, pair):
    return sorted(
        (a.pk, a.status, a.acknowledged_guideline_id) for a in _flow_agreements(viewer, [pair.pk])
    )


@pytest.fixture
def two_pairs(db):
    first, second = PairFactory(), PairFactory()
    for pair in (first, second):
        PublishedGuidelineFactory(program=pair.program, version=1)
        answer_all(pair, pair.mentor)
        answer_all(pair, pair.mentee)
        agreement = propose(pair)
        sign(agreement, pair.mentor, pair.mentee)
        propose(pair, exceptions="More")  # an open proposal beside the active agreement
    return first, second


def test_same_rows_as_visible_to_for_every_role(two_pairs):
    first, second = two_pairs
    admin, stranger = ProgramAdminFactory(), UserFactory()
    for pair in two_pairs:
        for viewer in (first.mentor, first.mentee, second.mentor, second.mentee, admin, stranger):
            assert prepared(viewer, pair) == orm(viewer, pair)
    assert len(prepared(first.mentor, first)) == 2
    assert prepared(first.mentee, first) == orm(first.mentee, first)


def test_never_answers_for_the_previous_caller(two_pairs):
    first, second = two_pairs
    assert prepared(first.mentor, first)
    # The same statement, next call: another member's pair, then a stranger's view of it.
    assert {
        a.pair_id for a in _PAIR_AGREEMENTS.instances(viewer=second.mentee.pk, pair=second.pk)
    } == {second.pk}
    assert prepared(first.mentor, second) == []
    assert prepared(second.mentor, first) == []


def test_refuses_a_builder_that_ignores_a_parameter():
    ignores_viewer = Prepared(
        Agreement, lambda viewer, pair: Agreement.objects.filter(pair_id=pair), "viewer", "pair"
    )
    with pytest.raises(ValueError, match="viewer"):
        ignores_viewer.instances(viewer=1, pair=1)


def test_refuses_missing_or_unknown_values():
    statement = Prepared(Pair, lambda viewer: Pair.objects.visible_to(User(pk=viewer)), "viewer")
    with pytest.raises(TypeError):
        statement.instances()
    with pytest.raises(TypeError):
        statement.instances(viewer=1, pair=2)


def test_the_agreement_page_read_answers_as_visible_to(two_pairs):
    from agreements.views import _PAGE_AGREEMENT, _page_agreement

    admin, stranger = ProgramAdminFactory(), UserFactory()
    for pair in two_pairs:
        for agreement in Agreement.objects.filter(pair=pair):
            for viewer in (*(p.mentor for p in two_pairs), *(p.mentee for p in two_pairs)):
                expected = [(a.pk, a.pair.mentor.pk) for a in _page_agreement(viewer, agreement.pk)]
                found = _PAGE_AGREEMENT.instances(viewer=viewer.pk, agreement=agreement.pk)
                assert [(a.pk, a.pair.mentor.pk) for a in found] == expected
                assert bool(expected) == (viewer in (pair.mentor, pair.mentee))
            for viewer in (admin, stranger):
                assert _PAGE_AGREEMENT.instances(viewer=viewer.pk, agreement=agreement.pk) == []


def test_the_agreement_page_signatures_answer_as_visible_to(two_pairs):
    """complete_agreement reads the signatures through a statement compiled once per process:
    for every viewer and agreement, exactly the signatures of the agreement if visible_to shows
    it to them (in the model's order), and none otherwise; never the previous caller's."""
    from agreements.selectors import _AGREEMENT_SIGNATURES

    first, second = two_pairs
    # The open proposals (amendments) get one signature each, to tell them apart.
    for pair in two_pairs:
        sign(
            Agreement.objects.get(pair=pair, status=Agreement.Status.AWAITING_SIGNATURES),
            pair.mentee,
        )
    viewers = (
        first.mentor,
        first.mentee,
        second.mentor,
        second.mentee,
        ProgramAdminFactory(),
        UserFactory(),
    )
    for agreement in Agreement.objects.filter(pair__in=two_pairs):
        for viewer in viewers:
            visible = Agreement.objects.visible_to(viewer).filter(pk=agreement.pk).exists()
            expected = list(agreement.signatures.values_list("pk", "signer_id")) if visible else []
            found = _AGREEMENT_SIGNATURES.instances(viewer=viewer.pk, agreement=agreement.pk)
            assert [(s.pk, s.signer_id) for s in found] == expected
            assert bool(found) == (visible and agreement.signatures.exists())


def test_the_agreement_page_shows_its_signatures_with_no_more_queries(
    two_pairs, django_assert_num_queries
):
    """What complete_agreement leaves behind answers agreement.signatures.all() (the page and
    the permission checks) without a query, the same rows prefetch_related gave."""
    from agreements.selectors import complete_agreement, pair_flow

    first, _ = two_pairs
    active = Agreement.objects.get(pair=first, status=Agreement.Status.ACTIVE)
    agreement = Agreement.objects.select_related("pair__mentor", "pair__mentee").get(pk=active.pk)
    complete_agreement(agreement, pair_flow(agreement.pair, first.mentee))
    with django_assert_num_queries(0):
        signatures = list(agreement.signatures.all())
        assert agreement.signatures.exists()
        assert [s.signer for s in signatures] == [first.mentor, first.mentee]
        assert all(s.agreement is agreement for s in signatures)
    assert [s.pk for s in signatures] == list(active.signatures.values_list("pk", flat=True))


def flow_state(flow):
    return (
        flow.step,
        flow.i_submitted,
        flow.partner_submitted,
        flow.guideline and (flow.guideline.pk, flow.guideline.version),
        flow.active and flow.active.pk,
        flow.proposal and flow.proposal.pk,
        flow.next_action,
        flow.next_url,
        flow.waiting_for_partner,
        flow.status_text,
        flow.needs_guideline_review,
    )


def test_the_agreement_page_flow_from_its_read_is_the_flow(db):
    """The agreement page reads its pair's submissions and current guideline with the
    agreement (flow_facts): the flow built from them is the one pair_flow reads for itself, for
    both members, at every step (nothing submitted, one, both; proposed, signed; a newer
    guideline published since; none at all), and the annotations come only with a row
    visible_to shows (the read's other viewers get nothing)."""
    from agreements.selectors import flow_inputs, pair_flow
    from agreements.views import _PAGE_AGREEMENT, _page_agreement

    pair = PairFactory()
    stranger, admin = UserFactory(), ProgramAdminFactory()

    def check():
        for agreement in Agreement.objects.filter(pair=pair):
            for viewer in (pair.mentor, pair.mentee):
                (read,) = _PAGE_AGREEMENT.instances(viewer=viewer.pk, agreement=agreement.pk)
                (orm,) = _page_agreement(viewer, agreement.pk)
                facts = ("flow_mentor_submitted", "flow_mentee_submitted", "flow_guideline_id")
                assert [getattr(read, f) for f in facts] == [getattr(orm, f) for f in facts]
                known = flow_inputs(read.pair, read)
                assert flow_state(pair_flow(read.pair, viewer, **known)) == flow_state(
                    pair_flow(pair, viewer)
                )
            for viewer in (stranger, admin):
                assert _PAGE_AGREEMENT.instances(viewer=viewer.pk, agreement=agreement.pk) == []

    AgreementFactory(pair=pair)  # a draft: nothing submitted, no guideline published yet
    check()
    QuestionnaireSubmissionFactory(pair=pair, respondent=pair.mentee)
    PublishedGuidelineFactory(program=pair.program, version=1)
    check()
    answer_all(pair, pair.mentor)
    check()
    agreement = propose(pair)
    check()
    sign(agreement, pair.mentor)
    check()
    sign(agreement, pair.mentee)
    check()
    PublishedGuidelineFactory(program=pair.program, version=2)
    check()
