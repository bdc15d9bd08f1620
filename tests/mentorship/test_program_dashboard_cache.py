"""The program dashboard's figures are counted once and then served from a cache every app
instance shares (a DatabaseCache), one entry for every viewer (a panel member's page leaves
out the statement figures of their reviews' programs); the page says when they were counted.

Elsewhere the tests run with the cache switched off (settings_test), so that each test sees the
figures of its own data; here it is the deployed one: a DatabaseCache on the migrated table.
"""

from __future__ import annotations

import datetime
import zoneinfo
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import mentorship.settings
from promotions import program_dashboard
from promotions.models import Statement
from promotions.program_dashboard import (
    FIGURES_CACHE,
    WITHHELD_FOR_VIEWER,
    figures_key,
    hidden_reviews,
    min_cell,
    program_health,
)
from tests.factories import (
    PairFactory,
    PanelSeatFactory,
    ProgramAdminFactory,
    ProgramFactory,
    PromotionReviewFactory,
    StatementFactory,
)
from tests.factories.dashboard import URL, at, close, in_quarter, open_review

pytestmark = pytest.mark.django_db

TABLE = "mentorship_program_dashboard_cache"  # created by migration mentorship 0004
DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    FIGURES_CACHE: {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": TABLE,
        "TIMEOUT": 300,
    },
}


@pytest.fixture(autouse=True)
def database_cache():
    # Entries live in the test's transaction and are rolled back with it.
    with override_settings(CACHES=DATABASE_CACHE):
        yield caches[FIGURES_CACHE]


def statements_of(dashboard, program) -> dict[str, int | None]:
    """The program's statement figures of the last completed quarter."""
    health = next(p for p in dashboard.programs if p.program_id == program.pk)
    return health.periods[0].statements_by_state


def todays_key(today: datetime.date | None = None) -> str:
    return figures_key(today=today or timezone.localdate(), threshold=min_cell())


def test_the_deployment_settings_put_the_figures_in_the_migrated_table():
    # Several app instances must read the same figures: a cache in the database they share,
    # never one in each process's memory.
    configured = mentorship.settings.CACHES[FIGURES_CACHE]
    assert configured["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert configured["LOCATION"] == TABLE
    assert TABLE in connection.introspection.table_names()


def test_counted_once_then_served_from_the_cache(client, django_assert_num_queries):
    program = ProgramFactory(name="Leadership Mentoring")
    PairFactory(program=program)
    first, second = ProgramAdminFactory(), ProgramAdminFactory()
    client.force_login(first)
    client.get(URL)  # counts, and stamps the session
    PairFactory(program=program)  # not on the page until the figures are counted again

    client.force_login(second)
    client.get(reverse("mentorship:health"))  # the first request after logging in writes
    # 1 session, 2 user, 3 the program-admin check, 4 the viewer's panel seats and candidacies,
    # 5 the cached figures, 6 their cached charts (the navigation's link check is answered
    # from the user object). Nothing is counted, no chart is drawn.
    with django_assert_num_queries(6):
        response = client.get(URL)

    assert response.status_code == HTTPStatus.OK
    assert program_health(viewer=second).programs[0].pairs_total == 1


def test_the_page_says_when_the_figures_were_counted(client, database_cache):
    ProgramFactory()
    viewer = ProgramAdminFactory(time_zone="Asia/Tokyo")
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    with timezone.override(tokyo):  # as the page does for this viewer: today is Tokyo's
        today = timezone.localdate()
        dashboard = program_health(viewer=viewer)
    # Counted a minute ago (not yet old), shown in the viewer's time zone.
    dashboard.counted_at = timezone.now() - datetime.timedelta(minutes=1)  # in UTC
    database_cache.set(todays_key(today), dashboard)

    client.force_login(viewer)
    body = client.get(URL).content.decode()

    assert "Figures as of <time datetime=" in body
    assert f">{dashboard.counted_at.astimezone(tokyo):%H:%M}</time> (Asia/Tokyo)." in body


def test_a_panel_member_never_reads_the_statement_figures_of_their_program(client, settings):
    settings.DISCLOSURE_MIN_CELL = 1  # every closed review published, nothing withheld
    program = ProgramFactory()
    colleague, seated = ProgramAdminFactory(), ProgramAdminFactory()
    with at(in_quarter(0)):  # closed in the last completed quarter
        pair, review = open_review(program)
        StatementFactory(pair=pair, review=review, state=Statement.State.DRAFT)
        PanelSeatFactory(review=review, user=seated)
        close(review, colleague)

    # The figures, counted first for the colleague and cached, include the panel's draft...
    assert statements_of(program_health(viewer=colleague), program)["draft"] == 1
    # ...the panel member reads the same entry, without any statement figure of the program...
    dashboard = program_health(viewer=seated)
    assert statements_of(dashboard, program) == {}
    # ...and the colleague's stay whole while both are served from the cache.
    assert statements_of(program_health(viewer=colleague), program)["draft"] == 1
    client.force_login(seated)
    body = client.get(URL).content.decode()
    assert "You sit on the panel of, or are the candidate in, 1 review." in body
    assert WITHHELD_FOR_VIEWER in body


def test_every_viewer_reads_one_entry_and_each_variant_renders_its_own_charts():
    # One counting for everyone: no per-viewer recount a colleague's could be compared with.
    program = ProgramFactory()
    review = PromotionReviewFactory(program=program)
    first, second, other = ProgramAdminFactory(), ProgramAdminFactory(), ProgramAdminFactory()
    for person in (first, second):
        PanelSeatFactory(review=review, user=person)
    assert hidden_reviews(first) == hidden_reviews(second) == {review.pk: program.pk}
    assert hidden_reviews(other) == {}

    dashboards = {person: program_health(viewer=person) for person in (first, second, other)}

    assert {d.key for d in dashboards.values()} == {todays_key()}
    assert len({d.counted_at for d in dashboards.values()}) == 1  # counted once
    # The charts are cached per variant: the panel members' lack the program's statements.
    assert dashboards[first].rendering_key == dashboards[second].rendering_key
    assert dashboards[first].rendering_key != dashboards[other].rendering_key
    assert dashboards[first].withheld_programs == (program.pk,)


def test_figures_are_counted_again_on_a_new_day(database_cache):
    # Planned meetings are counted until today: yesterday's figures are not today's.
    viewer = ProgramAdminFactory()
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    program_health(viewer=viewer, today=yesterday)
    assert database_cache.get(todays_key(today)) is None
    program_health(viewer=viewer, today=today)
    assert database_cache.get(todays_key(today)) is not None


# --- Counting again when the figures grow old -----------------------------------------------


def _old_figures(viewer, cache) -> tuple[str, object]:
    """Figures counted just over the cache's max age ago, still kept, as they are found."""
    dashboard = program_health(viewer=viewer)
    dashboard.counted_at -= datetime.timedelta(seconds=cache.default_timeout + 1)
    cache.set(dashboard.key, dashboard)
    return dashboard.key, dashboard.counted_at


def _no_counting(**kwargs):
    raise AssertionError("counted the figures")


def test_old_figures_are_shown_while_another_request_counts_them_again(database_cache, monkeypatch):
    viewer = ProgramAdminFactory()
    key, counted_at = _old_figures(viewer, database_cache)
    database_cache.add(f"{key}:counting", timezone.now())  # another request is counting
    monkeypatch.setattr(program_dashboard, "count_figures", _no_counting)

    assert program_health(viewer=viewer).counted_at == counted_at


def test_old_figures_are_counted_again_by_one_request_which_then_frees_the_lock(database_cache):
    program = ProgramFactory()
    viewer = ProgramAdminFactory()
    key, counted_at = _old_figures(viewer, database_cache)
    PairFactory(program=program)

    dashboard = program_health(viewer=viewer)

    assert dashboard.counted_at > counted_at
    assert dashboard.programs[0].pairs_total == 1
    assert database_cache.get(key).counted_at == dashboard.counted_at
    assert database_cache.get(f"{key}:counting") is None


def test_a_failed_count_frees_the_lock(database_cache, monkeypatch):
    viewer = ProgramAdminFactory()
    key, _ = _old_figures(viewer, database_cache)

    def failing(**kwargs):
        raise DatabaseError("the count was cancelled")

    monkeypatch.setattr(program_dashboard, "count_figures", failing)
    with pytest.raises(DatabaseError):
        program_health(viewer=viewer)
    assert database_cache.get(f"{key}:counting") is None


def test_with_no_figures_yet_a_request_waits_for_the_one_counting(database_cache, monkeypatch):
    viewer = ProgramAdminFactory()
    counted = program_health(viewer=viewer)
    database_cache.delete(counted.key)
    database_cache.add(f"{counted.key}:counting", timezone.now())
    waited = []

    def other_request_finishes(seconds):
        waited.append(seconds)
        database_cache.set(counted.key, counted)

    monkeypatch.setattr(program_dashboard.time, "sleep", other_request_finishes)
    monkeypatch.setattr(program_dashboard, "count_figures", _no_counting)

    assert program_health(viewer=viewer).counted_at == counted.counted_at
    assert waited == [program_dashboard.FIRST_COUNT_POLL_SECONDS]


def test_a_request_that_waits_in_vain_counts_the_figures_itself(database_cache, monkeypatch):
    ProgramFactory()
    viewer = ProgramAdminFactory()
    key = todays_key()
    database_cache.add(f"{key}:counting", "request A")  # still counting, or died counting
    monkeypatch.setattr(program_dashboard, "FIRST_COUNT_WAIT_SECONDS", 0.05)
    monkeypatch.setattr(program_dashboard, "FIRST_COUNT_POLL_SECONDS", 0.01)

    dashboard = program_health(viewer=viewer)

    assert len(dashboard.programs) == 1
    assert database_cache.get(key) is not None
    # The lock is request A's to free (or to expire): freeing it would let a third request
    # count again while A still counts.
    assert database_cache.get(f"{key}:counting") == "request A"
