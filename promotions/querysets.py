"""Scoped reads: the only way views, forms, admin and emails fetch reviews and statements.

StatementQuerySet.visible_to is the table "Who reads a statement's text" of docs/domain.md
(tests/test_permission_table.py checks each cell against it). The supervisor, program admins
(superusers included) and anyone else see nothing, unless they also hold one of its roles.

A page that fetches one review or statement by id reads through the scope of the role that page
is for (authored_by, about, seated, ...), not through visible_to. visible_to compares the id
with a list of everything the user may see, which a database builds only when a row with that
id exists, so a hidden id cost more than a missing one in proportion to the viewer's other
roles (a panel member of thirty reviews: 5-10% on SQLite, which hashes each shared text to
check its consent; of a hundred: 25%). A role's scope is one indexed condition on the row
itself, the same work whoever asks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import SHA256, Coalesce, NullIf

MENTEE_VISIBLE_STATES = ("awaiting_consent", "shared", "declined", "withdrawn")


class TextSHA256(SHA256):
    """Hex SHA-256 of a text column computed by the database, as agreements.canonical.sha256_hex.

    SQLite gets a SHA256() function from Django; PostgreSQL (11+) has sha256(bytea) built in,
    so pgcrypto's digest(), which Django's own SHA256 uses there, is not needed.
    """

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')",
            **extra_context,
        )


def _authored_by(user) -> Q:
    return Q(pair__mentor=user)


def _about(user) -> Q:
    return Q(pair__mentee=user, state__in=MENTEE_VISIBLE_STATES)


class StatementQuerySet(models.QuerySet):
    def authored_by(self, user):
        """The statements this user wrote, in every state: what the mentor edits and sends."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_authored_by(user))

    def about(self, user):
        """The statements about this user that they may read: what the mentee answers."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_about(user))

    def visible_to(self, user):
        """Statements whose text this user may read: the table in docs/domain.md.

        One id list per role, each found through an index from the user (their pairs as
        mentor, as mentee, their panel seats), so the read costs what the user may see, not
        what the table holds. (An OR of the three conditions cannot use an index: PostgreSQL
        then scans every statement.)
        """
        if not user.is_authenticated:
            return self.none()
        from promotions.models import PanelSeat

        statements = self.model._base_manager.order_by()
        as_mentor = statements.filter(_authored_by(user))
        as_mentee = statements.filter(_about(user))
        on_panel = statements.filter(
            review__in=PanelSeat.objects.filter(user=user).values("review_id"),
            state="shared",
            consent_text_sha256=TextSHA256("text"),
        )
        ids = as_mentor.values("pk").union(as_mentee.values("pk"), on_panel.values("pk"), all=True)
        return self.filter(pk__in=ids)

    def consent_current(self):
        """Only statements whose recorded consent hash matches their present text."""
        return self.filter(consent_text_sha256=TextSHA256("text"))

    def for_panel(self, review):
        """What the panel page shows: shared, consent covering the exact text, this review.

        Chain after visible_to(user): a panel member who also wrote statements must still see
        only the shared ones here.
        """
        return self.filter(review=review, state="shared").consent_current()

    def for_panel_member(self, user, review):
        """What the panel page shows this user on this review: for_panel(review), and only if
        the user sits on the review's panel.

        The same rows as visible_to(user).for_panel(review) for a seated member (a seat is the
        one role that shows a statement on the panel page; tests/test_permission_table.py
        compares the two for every role), and nothing for anyone else, without visible_to's
        union of the user's roles: PostgreSQL spent longer planning that than running it.
        """
        if not user.is_authenticated:
            return self.none()
        from promotions.models import PanelSeat

        seated = PanelSeat.objects.filter(review_id=OuterRef("review_id"), user=user)
        return self.for_panel(review).filter(Exists(seated))

    def awaiting_consent_of(self, user):
        """Statements waiting for this user's consent. A closed review's statements can no
        longer be consented to, so they wait for nothing. Chain after visible_to(user)."""
        return self.filter(pair__mentee=user, state="awaiting_consent").exclude(
            review__status="closed"
        )

    def with_ever_asked(self):
        """Annotate whether the mentee was ever asked about each statement (a consent request),
        so a list asks permissions.can_delete_draft without a query per row."""
        from promotions.models import ConsentRequest

        return self.annotate(
            ever_asked=Exists(ConsentRequest.objects.filter(statement=OuterRef("pk")))
        )

    def with_mentor_name(self):
        """mentor_name: the author's name as str(user) prints it, from the join, so a page that
        lists statements builds no User per row."""
        return self.annotate(
            mentor_name=Coalesce(
                NullIf("pair__mentor__full_name", Value("")), "pair__mentor__username"
            )
        )

    def with_mentor_name_apart(self):
        """with_mentor_name's mentor_name, read by a scalar subquery per row (the pair's mentor,
        then their name) instead of joining the pair and the user: PostgreSQL plans the panel
        page's statement read in 0.13 ms this way against 0.36 ms with the joins (scale data),
        and planning is most of what that read costs it."""
        from mentorship.models import Pair, User

        # order_by(): the models' default orderings would join and sort inside each subquery.
        mentor_id = Pair.objects.filter(pk=OuterRef(OuterRef("pair_id"))).order_by()
        name = (
            User.objects.filter(pk=Subquery(mentor_id.values("mentor_id")[:1]))
            .order_by()
            .annotate(name=Coalesce(NullIf("full_name", Value("")), "username"))
            .values("name")[:1]
        )
        return self.annotate(mentor_name=Subquery(name))

    def with_active_terms(self):
        """The terms of each statement's pair's active agreement, from a join (a pair has at
        most one active agreement: agreement_one_active_per_pair), for active_terms_of: what
        with_active_agreement(terms_only=True) prefetches, without a second query."""
        return self.alias(
            active_terms=FilteredRelation(
                "pair__agreements", condition=Q(pair__agreements__status="active")
            )
        ).annotate(
            active_agreement_id=F("active_terms__id"),
            active_allows_participation=F("active_terms__allows_promotion_participation"),
            active_allows_advocacy=F("active_terms__allows_advocacy"),
            active_allows_engagement=F("active_terms__allows_engagement"),
        )

    def with_active_agreement(self, *, terms_only: bool = False):
        """Prefetch each pair's active agreement so permission checks on a list cost one query.
        terms_only: only the columns permissions.agreement_gate reads (not the signed text)."""
        from agreements.models import Agreement

        agreements = Agreement.objects.active()
        if terms_only:
            agreements = agreements.only(
                "pair_id",
                "status",
                "allows_promotion_participation",
                "allows_advocacy",
                "allows_engagement",
            )
        return self.prefetch_related(
            models.Prefetch(
                "pair__agreements", queryset=agreements, to_attr="promotions_active_agreements"
            )
        )


ACTIVE_TERMS = (
    ("pair_id", "pair_id"),
    ("status", None),
    ("allows_promotion_participation", "active_allows_participation"),
    ("allows_advocacy", "active_allows_advocacy"),
    ("allows_engagement", "active_allows_engagement"),
)


def active_terms_of(db: str, row) -> list:
    """What permissions.active_agreement looks for on a pair (promotions_active_agreements):
    its active agreement's terms as with_active_terms() read them onto `row` (a statement, or
    any object with pair_id and the active_* attributes), in a list of one, or an empty list
    if the pair has no active agreement."""
    from agreements.models import Agreement

    if row.active_agreement_id is None:
        return []
    values = {
        name: (getattr(row, source) if source else Agreement.Status.ACTIVE)
        for name, source in ACTIVE_TERMS
    }
    values["id"] = row.active_agreement_id
    order = _terms_order()
    return [Agreement.from_db(db, order, [values[n] for n in order])]


@cache
def _terms_order() -> list[str]:
    from agreements.models import Agreement

    names = {name for name, _ in ACTIVE_TERMS} | {"id"}
    return [f.attname for f in Agreement._meta.concrete_fields if f.attname in names]


class PromotionReviewQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Bulk writes skip save(), where the separation of duties is checked.
        people = {"candidate", "supervisor", "opened_by", "supervisor_assigned_by"}
        if kwargs.keys() & (people | {f"{name}_id" for name in people}):
            from promotions.models import PEOPLE_FIXED_IN_BULK

            raise ValidationError(PEOPLE_FIXED_IN_BULK)
        return super().update(**kwargs)

    def _role_conditions(self, user):
        from mentorship.models import Pair
        from promotions.models import PanelSeat, Statement

        seat = PanelSeat.objects.filter(review=OuterRef("pk"), user=user)
        mentoring = Pair.objects.filter(
            program=OuterRef("program"), mentee=OuterRef("candidate"), mentor=user, status="active"
        )
        authored = Statement.objects.filter(review=OuterRef("pk"), pair__mentor=user)
        return Exists(seat), Exists(mentoring) | Exists(authored)

    # One review by id, for the page of one role. Each is a condition on the review's own row
    # (a column, or an Exists through a unique or indexed key), never an id list built from
    # everything the user is involved in; see the module docstring.

    def seated(self, user):
        """Reviews on whose panel the user sits."""
        if not user.is_authenticated:
            return self.none()
        from promotions.models import PanelSeat

        return self.filter(Exists(PanelSeat.objects.filter(review=OuterRef("pk"), user=user)))

    def supervised_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(supervisor=user)

    def of_candidate(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(candidate=user)

    def seated_with_visit(self, user):
        """seated(user), each review annotated with the user's seat and when they last opened
        its page (viewer_seat_id; viewer_last_visit, None before the first visit), so the panel
        page asks is_panel_member and reads the visit without a query of its own. One join
        through the seat's unique (review, user) key instead of three subqueries."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(seats__user=user).annotate(
            viewer_seat_id=F("seats__pk"),
            viewer_last_visit=F("seats__visit__last_viewed_at"),
            viewer_seat_for=Value(user.pk, output_field=models.BigIntegerField()),
        )

    def mentored_by(self, user):
        """Reviews of the user's active mentee in its program, or on which they wrote input."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(self._role_conditions(user)[1])

    def of_pair_mentee(self, pair, user):
        """For the pair page: reviews of the pair's mentee in the pair's program, for one of an
        active pair's two members (the candidate herself: of_candidate; her mentor: the
        mentoring condition of mentored_by, decided here for this one pair). Nothing for anyone
        else or a pair that is not active. tests/promotions/test_pair_reviews_scope.py compares
        it with visible_to."""
        return self.of_member_pair(user, pair.pk)

    def of_member_pair(self, user, pair_id):
        """of_pair_mentee with the pair named by its id, every condition in the query (the
        pair active, the user one of its two members), so a statement compiled once for
        stand-in ids (the pair page's review card) is scoped to whoever runs it."""
        from mentorship.models import Pair

        if not user.is_authenticated:
            return self.none()
        member_pair = Pair.objects.filter(
            Q(mentor=user) | Q(mentee=user),
            pk=pair_id,
            status="active",
            program=OuterRef("program"),
            mentee=OuterRef("candidate"),
        ).order_by()
        return self.filter(Exists(member_pair))

    def visible_to(self, user):
        """Reviews the user is involved in: panel member, supervisor, candidate, or mentor.

        A mentor is the mentor of the candidate's active pair in the review's program, or the
        author of statements on it. Each page then decides what its role may see (views.py).
        As for statements, one id list per role, each reached through an index from the user.
        """
        if not user.is_authenticated:
            return self.none()
        from promotions.models import PanelSeat, Statement

        reviews = self.model._base_manager.order_by()
        mentoring = reviews.filter(
            candidate__mentee_pairs__mentor=user,
            candidate__mentee_pairs__status="active",
            candidate__mentee_pairs__program=F("program"),
        )
        ids = (
            PanelSeat.objects.filter(user=user)
            .order_by()
            .values("review_id")
            .union(
                reviews.filter(supervisor=user).values("pk"),
                reviews.filter(candidate=user).values("pk"),
                mentoring.values("pk"),
                Statement._base_manager.filter(pair__mentor=user).order_by().values("review_id"),
                all=True,
            )
        )
        return self.filter(pk__in=ids)

    def unshared_input_hidden_from(self, user):
        """Reviews in which this user must learn nothing about input that is not shared: those
        on whose panel they sit (the panel reads shared input only) and their own (a candidate
        reads only what her mentors sent her). The program dashboard gives such a viewer no
        statement figure of these reviews' programs.

        A UNION of two id lists, each reached through an index from the user, as in visible_to.
        """
        if not user.is_authenticated:
            return self.none()
        from promotions.models import PanelSeat

        ids = (
            PanelSeat.objects.filter(user=user)
            .order_by()
            .values("review_id")
            .union(self.model._base_manager.filter(candidate=user).order_by().values("pk"))
        )
        return self.filter(pk__in=ids)

    def with_viewer_roles(self, user):
        """Annotate viewer_on_panel and viewer_is_mentor, for lists that group by role."""
        on_panel, mentoring = self._role_conditions(user)
        return self.annotate(viewer_on_panel=on_panel, viewer_is_mentor=mentoring)

    def with_opt_out(self):
        """Annotate when the candidate asked not to be asked for consent in each review
        (opted_out_at; None if they did not)."""
        from promotions.models import ConsentOptOut

        opt_outs = ConsentOptOut.objects.filter(review=OuterRef("pk")).order_by("-opted_out_at")
        return self.annotate(opted_out_at=Subquery(opt_outs.values("opted_out_at")[:1]))

    def not_closed(self):
        return self.exclude(status="closed")


@dataclass(frozen=True)
class Shown:
    """Who was shown a statement: how often, first and last. One line per viewer, however often
    they opened the panel page (every opening is recorded in a StatementView row)."""

    statement_id: int
    viewer: str
    times: int
    first: datetime.datetime
    last: datetime.datetime


def showings_by_viewer(statement_ids: list[int]) -> dict[int, list[Shown]]:
    """Each statement's showings grouped by viewer, most recent first, in one query.

    Grouped before the viewers' names are looked up, so the database counts over the
    (statement, viewer, viewed_at) index alone: every opening of the panel page adds rows, and
    a join before grouping would look up the viewer once per row. The names come from a
    subquery per group, by primary key: with a join, once a review has been opened many times
    PostgreSQL expects as many groups and hashes the whole user table to name a few viewers.
    (The ORM can only group after joining, hence the SQL.)
    """
    from mentorship.models import User
    from promotions.models import StatementView

    shown: dict[int, list[Shown]] = {}
    if not statement_ids:
        return shown
    quote = connection.ops.quote_name
    users = quote(User._meta.db_table)
    placeholders = ", ".join(["%s"] * len(statement_ids))
    sql = f"""
        SELECT g.statement_id,
               (SELECT COALESCE(NULLIF(u.{quote("full_name")}, ''), u.{quote("username")})
                FROM {users} u WHERE u.id = g.viewer_id),
               g.times, g.first_shown, g.last_shown
        FROM (
            SELECT statement_id, viewer_id, COUNT(*) AS times,
                   MIN(viewed_at) AS first_shown, MAX(viewed_at) AS last_shown
            FROM {quote(StatementView._meta.db_table)}
            WHERE statement_id IN ({placeholders})
            GROUP BY statement_id, viewer_id
        ) g
        ORDER BY g.statement_id, g.last_shown DESC, g.viewer_id
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, statement_ids)
        rows = cursor.fetchall()
    for statement_id, viewer, times, first, last in rows:
        shown.setdefault(statement_id, []).append(
            Shown(statement_id, viewer, times, _aware(first), _aware(last))
        )
    return shown


def _aware(value) -> datetime.datetime:
    """SQLite returns MIN/MAX of a datetime column as naive UTC text; PostgreSQL as aware."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)
