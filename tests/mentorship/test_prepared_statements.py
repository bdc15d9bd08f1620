"""mentorship.statements.Prepared: a queryset compiled once per process, run with each call's
values, on PostgreSQL as a prepared statement of the database session.

What it gives back must be what the queryset's own iteration gives (Prepared copies the loop of
Django's ModelIterable: a Django upgrade that changes it must fail here); the PostgreSQL path is
taken while DATABASE_PREPARED_STATEMENTS says so and only then, prepares each statement once per
database session under a name that is a hash of its SQL, and forgets on a reconnect. The
statements of the pages are compared with visible_to in their own tests
(test_prepared_pair_read, tests/agreements/test_prepared_flow_agreements, test_dashboard_roles).
"""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.db import connection
from django.db.models import Count, Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import Agreement
from agreements.selectors import _flow_agreements
from agreements.views import _page_agreement
from mentorship.access import _MEMBER_PAIR, _member_pair
from mentorship.models import Meeting, Pair, User
from mentorship.statements import Prepared, _prepared_statements
from promotions.models import Statement
from tests.factories import (
    MeetingFactory,
    PairFactory,
    ProgramAdminFactory,
    PublishedGuidelineFactory,
    UserFactory,
)
from tests.factories.promotions import DeclinedStatementFactory
from tests.factories.worlds import answer_all, propose, sign

pytestmark = pytest.mark.django_db


def snapshot(obj, depth: int = 3):
    """Everything an instance carries: its class, field values and annotations, deferred
    fields, state, and the related objects select_related cached on it (recursively)."""
    if obj is None:
        return None
    values = {k: v for k, v in vars(obj).items() if k != "_state"}
    cached = {
        name: snapshot(related, depth - 1) if depth else "..."
        for name, related in obj._state.fields_cache.items()
    }
    return (
        type(obj),
        values,
        sorted(obj.get_deferred_fields()),
        obj._state.db,
        obj._state.adding,
        cached,
    )


@pytest.fixture
def pairs(db):
    first, second = PairFactory(), PairFactory()
    for pair in (first, second):
        PublishedGuidelineFactory(program=pair.program, version=1)
        answer_all(pair, pair.mentor)
        answer_all(pair, pair.mentee)
        sign(propose(pair), pair.mentor, pair.mentee)
        propose(pair, exceptions="More")  # an open proposal beside the active agreement
        for days in (3, 10):
            MeetingFactory(pair=pair, held_on=datetime.date(2026, 11, days))
    return first, second


def people(pairs):
    first, second = pairs
    return (
        first.mentor,
        first.mentee,
        second.mentor,
        second.mentee,
        ProgramAdminFactory(),
        UserFactory(),
    )


# Querysets of instances the ModelIterable copy must build as Django does: select_related (a
# nullable foreign key among them), annotations, deferred fields.
INSTANCE_QUERIES = {
    "the pair page's read": lambda viewer, pair: _member_pair(User(pk=viewer), pair),
    "the agreement page's read": lambda viewer, pair: _page_agreement(
        User(pk=viewer), Agreement.objects.filter(pair_id=pair).values("pk")[:1]
    ),
    "the flow's agreements (annotated)": lambda viewer, pair: _flow_agreements(
        User(pk=viewer), [pair]
    ).order_by("pk"),
    "a nullable select_related and an annotation": lambda viewer, pair: (
        Agreement.objects.visible_to(User(pk=viewer))
        .filter(pair_id=pair)
        .select_related("superseded_by", "pair__program")
        .annotate(signatures_count=Count("signatures"))
        .order_by("pk")
    ),
    "deferred fields": lambda viewer, pair: (
        Meeting.objects.filter(pair__in=Pair.objects.visible_to(User(pk=viewer)), pair_id=pair)
        .defer("notes")
        .order_by("held_on", "pk")
    ),
}


@pytest.mark.parametrize("query", INSTANCE_QUERIES)
def test_instances_are_the_querysets_own(pairs, query):
    build = INSTANCE_QUERIES[query]
    statement = Prepared(build(1, 1).model, build, "viewer", "pair")
    shown = 0
    for viewer in people(pairs):
        for pair in pairs:
            expected = [snapshot(obj) for obj in build(viewer.pk, pair.pk)]
            found = statement.instances(viewer=viewer.pk, pair=pair.pk)
            assert [snapshot(obj) for obj in found] == expected, (viewer, pair)
            shown += len(expected)
    assert shown, "nothing compared"


ROW_QUERIES = {
    # Annotations named before fields: the rows keep the values_list() order.
    "annotations among fields": lambda viewer, pair: (
        Pair.objects.visible_to(User(pk=viewer))
        .filter(pk=pair)
        .annotate(meetings_count=Count("meetings"), last=Max("meetings__held_on"))
        .values_list("meetings_count", "pk", "last", "mentor__username")
    ),
    # DISTINCT ordered by a column it does not select: Django selects it too, then drops it.
    "distinct ordered by another column": lambda viewer, pair: (
        Meeting.objects.filter(pair__in=Pair.objects.visible_to(User(pk=viewer)), pair_id=pair)
        .values_list("held_on", "status")
        .distinct()
        .order_by("-created_at", "held_on", "status")
    ),
}


@pytest.mark.parametrize("query", ROW_QUERIES)
def test_rows_are_the_querysets_own(pairs, query):
    build = ROW_QUERIES[query]
    statement = Prepared(build(1, 1).model, build, "viewer", "pair")
    shown = 0
    for viewer in people(pairs):
        for pair in pairs:
            expected = list(build(viewer.pk, pair.pk))
            assert statement.rows(viewer=viewer.pk, pair=pair.pk) == expected, (viewer, pair)
            shown += len(expected)
    assert shown, "nothing compared"


def test_a_key_compiles_one_variant_each_and_pages_slice_as_the_queryset(pairs):
    def build(start, stop, viewer):
        return (
            Meeting.objects.filter(pair__in=Pair.objects.visible_to(User(pk=viewer)))
            .order_by("held_on", "pk")
            .values_list("pk", "held_on")[start:stop]
        )

    statement = Prepared(Meeting, build, "viewer")
    for viewer in people(pairs):
        everything = list(build(None, None, viewer.pk))
        for start, stop in [(0, 1), (1, 3), (0, 2)]:
            page = statement.pages(viewer=viewer.pk)[start:stop]
            assert page == everything[start:stop]
    # One variant per first page asked (0:1 and 0:2); 1:3 is read as a queryset.
    assert len(statement._compiled) == 2
    with pytest.raises(TypeError):
        statement.pages(viewer=1)[0:4:2]


def test_only_the_first_page_is_compiled(pairs):
    """The page number comes from the address: compiling one statement per number asked for
    would let anyone fill the process's statements (and PostgreSQL's, per session)."""

    def build(start, stop, viewer):
        return (
            Meeting.objects.filter(pair__in=Pair.objects.visible_to(User(pk=viewer)))
            .order_by("held_on", "pk")
            .values_list("pk", "held_on")[start:stop]
        )

    statement = Prepared(Meeting, build, "viewer")
    viewer = people(pairs)[0]
    everything = list(build(None, None, viewer.pk))
    assert everything
    for start in range(0, 200, 2):
        assert statement.pages(viewer=viewer.pk)[start : start + 2] == everything[start : start + 2]
    assert len(statement._compiled) == 1


def test_a_moment_is_a_parameter_too():
    declined = DeclinedStatementFactory()
    mentor = declined.pair.mentor

    def build(viewer, since):
        return Statement.objects.authored_by(User(pk=viewer)).filter(updated_at__gte=since)

    statement = Prepared(
        Statement,
        lambda viewer, since: build(viewer, since).values_list("pk"),
        "viewer",
        moments=("since",),
    )
    now = timezone.now()
    for since in (now - datetime.timedelta(days=1), now + datetime.timedelta(minutes=1)):
        for viewer in (mentor, declined.pair.mentee, UserFactory()):
            expected = list(build(viewer.pk, since).values_list("pk"))
            assert statement.rows(viewer=viewer.pk, since=since) == expected
    assert statement.rows(viewer=mentor.pk, since=now - datetime.timedelta(days=1)) == [
        (declined.pk,)
    ]


def test_refuses_what_it_cannot_give_back_whole():
    def pairs_of(viewer):
        return Pair.objects.visible_to(User(pk=viewer))

    ignores_moment = Prepared(
        Pair, lambda viewer, since: pairs_of(viewer), "viewer", moments=("since",)
    )
    with pytest.raises(ValueError, match="since"):
        ignores_moment.instances(viewer=1, since=timezone.now())
    with pytest.raises(ValueError, match="instances"):
        Prepared(Pair, lambda viewer: pairs_of(viewer).values_list("pk"), "viewer").instances(
            viewer=1
        )
    with pytest.raises(ValueError, match="one query"):
        Prepared(
            Pair, lambda viewer: pairs_of(viewer).prefetch_related("meetings"), "viewer"
        ).instances(viewer=1)
    with pytest.raises(ValueError, match="key"):
        Prepared(Pair, lambda key: pairs_of(key), "key")
    with pytest.raises(TypeError):
        Prepared(Pair, pairs_of, "viewer").instances(viewer=1, since=timezone.now())


def test_refuses_a_condition_django_drops_for_a_stand_in_id():
    """Django leaves out a comparison whose value a 32-bit column cannot hold (the stand-in
    ids are below -2**62): inside exclude() the condition then vanishes and the query matches
    more rows. With the id used elsewhere too, it still reaches the SQL, so only comparing two
    compilations, one with ids a 32-bit column holds, shows the condition gone."""
    from mentorship.models import Guideline

    def guidelines(viewer):
        return Guideline.objects.filter(program__pairs__mentor_id=viewer).exclude(version=viewer)

    with pytest.raises(ValueError, match="depends on the ids"):
        Prepared(Guideline, guidelines, "viewer").instances(viewer=1)


def _executed(queries) -> bool:
    return any(query["sql"].startswith("EXECUTE ") for query in queries.captured_queries)


@pytest.mark.parametrize("prepared", [True, False])
def test_prepared_on_postgresql_only_while_the_setting_says(settings, prepared):
    # Behind a pooler in transaction mode a statement prepared on one server session is
    # missing on the next: DATABASE_PREPARED_STATEMENTS=0 sends the plain SQL instead, with the
    # same answer.
    settings.DATABASE_PREPARED_STATEMENTS = prepared
    pair = PairFactory()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            found = _MEMBER_PAIR.instances(viewer=pair.mentee.pk, pair=pair.pk)
        assert [p.pk for p in found] == [pair.pk]
        assert len(queries.captured_queries) == 1
        assert _executed(queries) == (prepared and connection.vendor == "postgresql")


def test_every_compiled_statement_is_named_by_its_text():
    # A PostgreSQL session shared through a pooler may hold another process's statements: the
    # name must mean the same SQL wherever it was prepared, never a per-process counter.
    pair = PairFactory()
    assert _MEMBER_PAIR.instances(viewer=pair.mentor.pk, pair=pair.pk)
    assert _MEMBER_PAIR._compiled
    for statement in _MEMBER_PAIR._compiled.values():
        digest = hashlib.sha256(statement.sql.encode()).hexdigest()[:24]
        assert statement.name == f"prepared_{connection.vendor}_{digest}"


def _in_session(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchone()[0] == 1


@pytest.mark.postgres
def test_prepared_once_per_session_past_the_query_log(settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    pair = PairFactory()
    statement = Prepared(
        Pair, lambda viewer, pair: _member_pair(User(pk=viewer), pair), "viewer", "pair"
    )
    for viewer in (pair.mentor, pair.mentee, UserFactory()):
        with CaptureQueriesContext(connection) as queries:
            found = statement.instances(viewer=viewer.pk, pair=pair.pk)
        assert [p.pk for p in found] == [p.pk for p in _member_pair(viewer, pair.pk)]
        # One query logged, the EXECUTE, with the statement's text in a comment.
        [query] = queries.captured_queries
        assert query["sql"].startswith("EXECUTE prepared_postgresql_")
        assert '/* SELECT "mentorship_pair"' in query["sql"]
    [compiled] = statement._compiled.values()
    assert compiled.name in _prepared_statements(connection)
    assert _in_session(compiled.name)


@pytest.mark.postgres
def test_a_statement_the_session_already_holds_is_used_as_is(settings):
    # A session a pooler hands over may hold the statement, prepared by another process under
    # the same name (the same SQL): preparing it again would fail.
    settings.DATABASE_PREPARED_STATEMENTS = True
    pair = PairFactory()
    statement = Prepared(
        Pair, lambda viewer, pair: _member_pair(User(pk=viewer), pair), "viewer", "pair"
    )
    assert statement.instances(viewer=pair.mentor.pk, pair=pair.pk)
    [compiled] = statement._compiled.values()
    _prepared_statements(connection).discard(compiled.name)  # as another process's would be
    assert [p.pk for p in statement.instances(viewer=pair.mentee.pk, pair=pair.pk)] == [pair.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reconnect_forgets_what_the_old_session_prepared(settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    pair = PairFactory()
    assert _MEMBER_PAIR.instances(viewer=pair.mentor.pk, pair=pair.pk)
    [compiled] = [s for s in _MEMBER_PAIR._compiled.values() if s.name.startswith("prepared_p")]
    connection.close()
    # A new session holds nothing: the statement is prepared again, not EXECUTEd blindly.
    with CaptureQueriesContext(connection) as queries:
        found = _MEMBER_PAIR.instances(viewer=pair.mentee.pk, pair=pair.pk)
    assert [p.pk for p in found] == [pair.pk]
    assert _executed(queries)
    assert _in_session(compiled.name)
