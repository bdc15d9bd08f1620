"""My mentoring asks each part only of people who hold its role, and its lean reads are the
permission layer's own: the roles come from one query that cannot mix up two viewers, and the
statement lists read the mentor's and the mentee's parts of Statement.visible_to, which must be
exactly what visible_to gives those roles."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import User
from mentorship.selectors import ACTIVE_PAIR, MENTEE, MENTOR, Viewer
from promotions.attention import PANEL_MEMBER, SUPERVISOR
from promotions.models import Statement
from tests.factories import PanelSeatFactory, ProgramAdminFactory, UserFactory
from tests.factories.worlds import STATE_FACTORIES
from tests.factories.worlds import superuser as make_superuser

pytestmark = pytest.mark.django_db


def test_each_person_holds_the_roles_of_their_objects(world):
    expected = {
        "mentor": {MENTOR, ACTIVE_PAIR},
        "mentee": {MENTEE, ACTIVE_PAIR},
        "panel_member": {PANEL_MEMBER},
        "other_panel_member": {PANEL_MEMBER},
        "supervisor": {SUPERVISOR},
        "program_admin": set(),
        "outsider": set(),
    }
    # Asked one after another in one process: the query compiled for the first must answer for
    # each person, never the first one again.
    for person, roles in [*expected.items(), *reversed(expected.items())]:
        assert Viewer(getattr(world, person)).roles == roles, person


def test_a_closed_review_leaves_no_supervisor_role(world):
    world.close_review()
    assert SUPERVISOR not in Viewer(world.supervisor).roles


def test_nobody_signed_in_holds_no_role(world):
    from django.contrib.auth.models import AnonymousUser

    with CaptureQueriesContext(connection) as queries:
        assert Viewer(AnonymousUser()).roles == frozenset()
        assert Viewer(AnonymousUser()).active_pairs == []
    assert len(queries) == 0


def _dashboard_sql(client, user) -> str:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("mentorship:dashboard")).status_code == 200
    return "\n".join(q["sql"] for q in queries)


PANEL_LIST = 'FROM "promotions_promotionreview" INNER JOIN "mentorship_program"'


def test_only_panel_members_are_asked_for_panel_reviews(world, client):
    assert PANEL_LIST in _dashboard_sql(client, world.panel_member)
    for person in (world.mentor, world.mentee, world.supervisor, world.outsider):
        assert PANEL_LIST not in _dashboard_sql(client, person), person.username


def test_statements_are_read_only_for_mentors_and_mentees(world, client):
    for person in (world.panel_member, world.supervisor, world.outsider):
        assert "promotions_statement" not in _dashboard_sql(client, person), person.username
    for person in (world.mentor, world.mentee):
        assert "promotions_statement" in _dashboard_sql(client, person), person.username


@pytest.mark.parametrize("state", list(STATE_FACTORIES))
def test_authored_by_and_about_are_what_visible_to_gives_the_mentor_and_the_mentee(state):
    statement = STATE_FACTORIES[state]()
    STATE_FACTORIES[state]()  # someone else's, which neither may read
    seat = PanelSeatFactory(review=statement.review)
    people = [
        statement.pair.mentor,
        statement.pair.mentee,
        seat.user,
        statement.review.supervisor,
        ProgramAdminFactory(),
        make_superuser(),
        UserFactory(),
    ]
    for person in people:
        visible = Statement.objects.visible_to(person)
        assert set(Statement.objects.authored_by(person)) == set(
            visible.filter(pair__mentor=person)
        ), (state, person.username)
        assert set(Statement.objects.about(person)) == set(visible.filter(pair__mentee=person)), (
            state,
            person.username,
        )
        # What the dashboard asks the mentee to decide on, read both ways.
        assert set(Statement.objects.about(person).awaiting_consent_of(person)) == set(
            visible.awaiting_consent_of(person)
        ), (state, person.username)


def test_the_precompiled_active_pairs_are_each_persons_own(world):
    # A second active pair the world's people are not in: compiled once for the first person
    # asked, the read must answer for each person in turn, never the first one again, and
    # give exactly the active pairs Pair.visible_to gives them, with the members' names.
    from mentorship.models import Pair
    from tests.factories import PairFactory

    PairFactory(status=Pair.Status.ACTIVE)
    people = [
        world.mentor,
        world.mentee,
        world.panel_member,
        world.supervisor,
        world.program_admin,
        world.outsider,
        make_superuser(),
    ]
    for person in [*people, *reversed(people)]:
        pairs = Viewer(person).active_pairs
        expected = (
            Pair.objects.visible_to(person).active().filter(Q(mentor=person) | Q(mentee=person))
        )
        assert [pair.pk for pair in pairs] == sorted(pair.pk for pair in expected), person
        for pair in pairs:
            assert (str(pair.mentor), str(pair.mentee)) == (
                str(User.objects.get(pk=pair.mentor_id)),
                str(User.objects.get(pk=pair.mentee_id)),
            )


def test_the_precompiled_input_invitations_are_each_mentors_own(world):
    # Another mentor with an open review of their own mentee: each mentor, asked in turn in
    # one process, is invited to their own mentee's review only.
    from mentorship.models import Pair
    from promotions.attention import input_invitations
    from tests.factories import PairFactory, PromotionReviewFactory

    other = PairFactory(status=Pair.Status.ACTIVE)
    PromotionReviewFactory(candidate=other.mentee, program=other.program)
    for mentor, candidate in [
        (world.mentor, world.mentee),
        (other.mentor, other.mentee),
        (world.mentor, world.mentee),
    ]:
        messages = [item.message for item in input_invitations(mentor, 21)]
        assert len(messages) == 1, mentor
        assert messages[0].startswith(f"{candidate} is being reviewed"), mentor
    for person in (world.mentee, world.panel_member, world.outsider):
        assert list(input_invitations(person, 21)) == [], person


def test_the_precompiled_pair_lists_are_each_persons_own(world, rf):
    # Each person's pairs as mentor and as mentee, asked in turn in one process, are exactly
    # their pairs in that role among those Pair.visible_to gives them.
    from mentorship.models import Pair
    from mentorship.selectors import listed_pairs, pair_list_page
    from tests.factories import PairFactory

    PairFactory(status=Pair.Status.ACTIVE)
    PairFactory(mentor=world.mentor)
    people = [world.mentor, world.mentee, world.outsider, make_superuser()]
    for person in [*people, *reversed(people)]:
        for role, partner in ((MENTOR, "mentee"), (MENTEE, "mentor")):
            request = rf.get("/")
            request.user = person
            shown = [row.partner for row in pair_list_page(request, Viewer(person), role)]
            expected = [
                str(getattr(pair, partner))
                for pair in listed_pairs(person).filter(**{role: person})
            ]
            assert shown == expected, (person, role)
    assert len(pair_list_page(request, Viewer(world.mentor), MENTOR)) == 2


def test_the_precompiled_statements_sent_back_are_each_mentors_own_and_recent(world):
    # Asked in turn in one process: each mentor hears of their own declined statement only,
    # and of none changed more than SENT_BACK_DAYS ago (the moment is the call's, not the
    # first call's).
    import datetime
    from unittest import mock

    from django.utils import timezone

    from promotions.attention import SENT_BACK_DAYS, statements_sent_back

    mine = world.statement(Statement.State.DECLINED)
    theirs = STATE_FACTORIES[Statement.State.DECLINED]()
    other_mentor = theirs.pair.mentor
    for mentor, statement in [(world.mentor, mine), (other_mentor, theirs), (world.mentor, mine)]:
        urls = [item.url for item in statements_sent_back(mentor, 21)]
        assert urls == [
            reverse("promotions:input", args=[statement.review_id]) + f"#statement-{statement.pk}"
        ]
    for person in (world.mentee, world.panel_member, world.outsider):
        assert list(statements_sent_back(person, 21)) == [], person
    # Seen from SENT_BACK_DAYS and a minute later, the statement is no longer recent.
    later = timezone.now() + datetime.timedelta(days=SENT_BACK_DAYS, minutes=1)
    with mock.patch("promotions.attention.timezone.now", return_value=later):
        assert list(statements_sent_back(world.mentor, 21)) == []
    assert len(list(statements_sent_back(world.mentor, 21))) == 1


@pytest.mark.parametrize("prepared", [True, False])
def test_the_precompiled_reads_are_prepared_on_postgresql_only_while_the_setting_says(
    world, settings, prepared
):
    # Behind a pooler in transaction mode a statement prepared on one server connection is
    # missing on the next: DATABASE_PREPARED_STATEMENTS=0 sends the plain SQL instead, with
    # the same answer.
    settings.DATABASE_PREPARED_STATEMENTS = prepared
    with CaptureQueriesContext(connection) as queries:
        pairs = Viewer(world.mentor).active_pairs
    assert [pair.pk for pair in pairs] == [world.pair.pk]
    executed = any(query["sql"].startswith("EXECUTE ") for query in queries.captured_queries)
    assert executed == (prepared and connection.vendor == "postgresql")


def test_a_precompiled_read_is_named_by_its_text_in_every_process(world):
    # A PostgreSQL session shared through a pooler may hold another process's statements: the
    # name must mean the same SQL wherever it was prepared, never a per-process counter.
    import hashlib

    from mentorship.selectors import _ACTIVE_PAIRS

    assert Viewer(world.mentor).active_pairs  # compiles the read
    assert _ACTIVE_PAIRS._compiled
    for statement in _ACTIVE_PAIRS._compiled.values():
        digest = hashlib.sha256(statement.sql.encode()).hexdigest()[:24]
        assert statement.name == f"prepared_{connection.vendor}_{digest}"
