"""A large, realistic data set for `manage.py seed_scale`, the query-budget tests and the benches.

Everything is bulk-inserted in batches, in the final state each row would have reached through
the services: agreements carry their canonical text and its SHA-256 (built by the same
functions signing uses), signatures carry that hash, shared statements carry the hash of their
text, and the audit events form valid hash chains (the operational and the confidential one,
each event in the chain its action and target belong to), each continuing from its head.
Rows protected by PostgreSQL triggers (signatures, signed agreements, audit events, statement
views) are only ever inserted, which the triggers allow.

All users share one password hash, computed once: PASSWORD with a cheap PBKDF2 work factor, so
benches can log in. Django upgrades it to the site's hasher at each user's first login.

The counts scale linearly with the number of users: 50,000 users come with 20,000 pairs, 2,000
reviews and 100,000 statements.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from agreements.canonical import build_canonical_text, sha256_hex
from agreements.models import Agreement, Answer, Question, QuestionnaireSubmission, Signature
from mentorship.audit import CHAINS, Action, chain_for, event_digest
from mentorship.models import AuditChainHead, AuditRecord, Guideline, Meeting, Pair, Program, User
from mentorship.roles import PROGRAM_ADMINS_GROUP
from promotions.models import (
    BreachPhrase,
    PanelSeat,
    PromotionReview,
    Statement,
    StatementView,
    text_sha256,
)

PASSWORD = "scale"  # noqa: S105 - documented bench logins; seed_scale refuses with debug off
PASSWORD_ITERATIONS = 1000  # cheap on purpose: 50,000 users share this one hash
BASE_USERS = 50_000
BATCH_SIZE = 2000

FIRST_NAMES = (
    "Ada",
    "Amir",
    "Ana",
    "Ben",
    "Bo",
    "Carla",
    "Chen",
    "Dana",
    "Dev",
    "Eli",
    "Emma",
    "Farah",
    "Femi",
    "Gia",
    "Hana",
    "Ivan",
    "Iris",
    "Jon",
    "Juno",
    "Kai",
    "Kim",
    "Lea",
    "Leo",
    "Lina",
    "Luis",
    "Maya",
    "Mei",
    "Nia",
    "Noor",
    "Omar",
    "Otto",
    "Pia",
    "Quinn",
    "Raj",
    "Rosa",
    "Sam",
    "Sara",
    "Tao",
    "Tess",
    "Uma",
    "Vic",
    "Wen",
    "Yara",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Abe",
    "Berg",
    "Costa",
    "Diaz",
    "Eze",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Meyer",
    "Novak",
    "Okafor",
    "Park",
    "Quint",
    "Reyes",
    "Singh",
    "Tanaka",
    "Ueda",
    "Vargas",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhou",
)
ROLES = ("Team lead", "Engineering manager", "Principal engineer", "Head of sales", "Director")
ADVOCACY = (
    "Over our year of mentoring I have seen {name} grow in how they listen before they decide.",
    "{name} has become noticeably more confident in leading difficult conversations.",
    "In our sessions {name} took on feedback quickly and turned it into concrete practice.",
    "I have seen a lot of growth in {name}'s readiness to lead a team over the past months.",
)
ENGAGEMENT = (
    "We met {held} times of {planned} planned since we started.",
    "We were not able to meet as often as we had hoped, so I cannot offer a reliable picture.",
    "Our meetings were regular and {name} came prepared to each of them.",
)
NOTES = ("Talked about delegation.", "Prepared the team offsite.", "", "", "")


@dataclass(frozen=True)
class Plan:
    """How many of each object; every count is proportional to the number of users."""

    users: int

    def _scaled(self, at_base: int, minimum: int = 1) -> int:
        return max(minimum, round(at_base * self.users / BASE_USERS))

    @property
    def programs(self) -> int:
        return self._scaled(5)

    @property
    def leaders(self) -> int:
        return self._scaled(1000, minimum=5)

    @property
    def pairs(self) -> int:
        return self._scaled(20_000)

    @property
    def reviews(self) -> int:
        return self._scaled(2000)

    @property
    def statements(self) -> int:
        return self._scaled(100_000)


@dataclass
class Summary:
    batch: int
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


Progress = Callable[[str, int, int], None]


def quiet(label: str, done: int, total: int) -> None:
    pass


def shared_password_hash() -> str:
    """One hash for every seeded user (see the module docstring)."""
    return PBKDF2PasswordHasher().encode(PASSWORD, "scaleseed", iterations=PASSWORD_ITERATIONS)


def username(batch: int, n: int) -> str:
    return f"scale{batch}-{n:06d}"


def existing_batches() -> list[int]:
    """Batch numbers already seeded in this database (from the program admin of each batch)."""
    names = User.objects.filter(username__regex=r"^scale[0-9]+-admin$").values_list(
        "username", flat=True
    )
    return sorted(int(name[len("scale") : -len("-admin")]) for name in names)


@contextlib.contextmanager
def explicit_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk inserts set auto_now/auto_now_add columns to the (past) times we choose."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _field(model: type[models.Model], name: str) -> models.DateTimeField:
    return model._meta.get_field(name)


TIMESTAMP_FIELDS = (
    (Program, "created_at"),
    (Guideline, "created_at"),
    (Pair, "created_at"),
    (Meeting, "created_at"),
    (Answer, "updated_at"),
    (Agreement, "created_at"),
    (PromotionReview, "created_at"),
    (PanelSeat, "added_at"),
    (Statement, "created_at"),
    (Statement, "updated_at"),
)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Seeder:
    """Builds one batch. Call run(); the caller wraps it in a transaction."""

    def __init__(
        self,
        plan: Plan,
        *,
        batch: int = 1,
        seed: int = 0,
        progress: Progress = quiet,
        batch_size: int = BATCH_SIZE,
    ):
        self.plan = plan
        self.batch = batch
        # Reproducible test data, not secrets.
        self.rng = random.Random(seed * 1000 + batch)  # noqa: S311
        self.progress = progress
        self.batch_size = batch_size
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.summary = Summary(batch=batch)
        self.events: list[AuditRecord] = []

    # --- helpers ------------------------------------------------------------------------------

    def _insert(self, label: str, model: type[models.Model], objs: Sequence) -> list:
        """bulk_create in batches with progress; returns the objects with their primary keys."""
        done = 0
        total = len(objs)
        self.progress(label, 0, total)
        for chunk in _chunks(objs, self.batch_size):
            model.objects.bulk_create(chunk, batch_size=self.batch_size)
            done += len(chunk)
            self.progress(label, done, total)
        self.summary.add(label, total)
        return list(objs)

    def _ago(self, days_max: float, days_min: float = 0) -> datetime.datetime:
        seconds = self.rng.uniform(days_min * 86400, days_max * 86400)
        return self.now - datetime.timedelta(seconds=int(seconds))

    def _event(self, *, at, actor_id, action, target: models.Model, payload: dict) -> None:
        # Each event goes to the chain audit_record would write it to.
        self.events.append(
            chain_for(action, target._meta.label_lower).model(
                # UTC, as audit_record writes it: the digest covers the ISO text of the time.
                occurred_at=at.astimezone(datetime.UTC),
                actor_id=actor_id,
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                payload=payload,
            )
        )

    # --- the phases ---------------------------------------------------------------------------

    def run(self) -> Summary:
        fields = [_field(model, name) for model, name in TIMESTAMP_FIELDS]
        with explicit_timestamps(*fields):
            self.users()
            self.programs()
            self.pairs()
            self.meetings()
            self.questionnaires()
            self.agreements()
            self.reviews()
            self.statements()
            self.statement_views()
            self.audit_events()
        return self.summary

    def users(self) -> None:
        password = shared_password_hash()
        joined = self.now - datetime.timedelta(days=800)
        people = []
        for n in range(self.plan.users):
            first = self.rng.choice(FIRST_NAMES)
            last = self.rng.choice(LAST_NAMES)
            name = username(self.batch, n)
            people.append(
                User(
                    username=name,
                    full_name=f"{first} {last}",
                    first_name=first,
                    last_name=last,
                    email=f"{name}@example.com",
                    password=password,
                    date_joined=joined,
                )
            )
        admin = User(
            username=f"scale{self.batch}-admin",
            full_name="Scale Program Admin",
            email=f"scale{self.batch}-admin@example.com",
            password=password,
            is_staff=True,
            date_joined=joined,
        )
        self.people = self._insert("users", User, [*people, admin])[:-1]
        self.admin = admin
        self.admin.groups.add(Group.objects.get_or_create(name=PROGRAM_ADMINS_GROUP)[0])
        # Leadership (panel members) are the last ones; everyone else mentors and is mentored.
        self.leaders = self.people[-self.plan.leaders :]
        self.members = self.people[: -self.plan.leaders] or self.people

    def programs(self) -> None:
        from mentorship.demo import GUIDELINE

        self.program_list = []
        self.guidelines: dict[int, list[Guideline]] = {}
        for k in range(self.plan.programs):
            # One by one: the post_save receiver gives each program its default questionnaire.
            program = Program.objects.create(
                name=f"Scale {self.batch} program {k + 1}",
                description="Seeded by seed_scale.",
                starts_on=self.today - datetime.timedelta(days=700),
                created_at=self._ago(720, 700),
            )
            versions = 2 if k % 2 == 0 else 1
            self.guidelines[program.pk] = []
            for version in range(1, versions + 1):
                published = self.now - datetime.timedelta(days=600 - 300 * (version - 1))
                guideline = Guideline.objects.create(
                    program=program,
                    status=Guideline.Status.PUBLISHED,
                    version=version,
                    published_at=published,
                    published_by=self.admin,
                    created_at=published,
                    **GUIDELINE,
                )
                self.guidelines[program.pk].append(guideline)
                self._event(
                    at=published,
                    actor_id=self.admin.pk,
                    action=Action.GUIDELINE_PUBLISHED,
                    target=guideline,
                    payload={"program": program.pk, "version": version},
                )
            self.program_list.append(program)
        BreachPhrase.objects.bulk_create(
            BreachPhrase(program=program, phrase=phrase, explanation="Judges the employee.")
            for program in self.program_list
            for phrase in ("not a team player", "lacks the skill set(s)", "underperform(s)")
        )
        self.questions = {
            program.pk: list(Question.objects.filter(program=program, is_active=True))
            for program in self.program_list
        }
        self.summary.add("programs", len(self.program_list))

    def pairs(self) -> None:
        statuses = [Pair.Status.ACTIVE] * 14 + [Pair.Status.COMPLETED] * 3
        statuses += [Pair.Status.ENDED, Pair.Status.PROPOSED, Pair.Status.PROPOSED]
        active_mentee: set[tuple[int, int]] = set()
        active_couple: set[tuple[int, int]] = set()
        pairs = []
        while len(pairs) < self.plan.pairs:
            program = self.rng.choice(self.program_list)
            mentor, mentee = self.rng.sample(self.members, 2)
            status = self.rng.choice(statuses)
            if status == Pair.Status.ACTIVE:
                keys = (program.pk, mentee.pk), (mentor.pk, mentee.pk)
                if keys[0] in active_mentee or keys[1] in active_couple:
                    continue
                active_mentee.add(keys[0])
                active_couple.add(keys[1])
            started = None
            ended = None
            if status != Pair.Status.PROPOSED:
                started = self.today - datetime.timedelta(days=self.rng.randint(30, 600))
            if status in (Pair.Status.COMPLETED, Pair.Status.ENDED):
                ended = started + datetime.timedelta(days=self.rng.randint(10, 25))
            pairs.append(
                Pair(
                    program=program,
                    mentor=mentor,
                    mentee=mentee,
                    cadence_days=self.rng.choice(Pair.Cadence.values),
                    status=status,
                    started_on=started,
                    ended_on=ended,
                    created_at=self._ago(700, 600),
                )
            )
        self.pair_list = self._insert("pairs", Pair, pairs)

    def meetings(self) -> None:
        meetings = []
        for pair in self.pair_list:
            if pair.started_on is None:
                continue
            until = pair.ended_on or self.today
            day = pair.started_on
            # At most 8 per pair: 20,000 pairs give about 160,000 meetings at 50,000 users.
            count = 0
            while day <= until and count < 8:
                missed = self.rng.random() < 0.2
                meetings.append(
                    Meeting(
                        pair=pair,
                        held_on=day,
                        duration_minutes=0 if missed else self.rng.choice((30, 45, 60, 90)),
                        status=Meeting.Status.MISSED if missed else Meeting.Status.HELD,
                        notes="" if missed else self.rng.choice(NOTES),
                        recorded_by_id=pair.mentor_id,
                        created_at=timezone.make_aware(
                            datetime.datetime.combine(day, datetime.time(18))
                        ),
                    )
                )
                count += 1
                day += datetime.timedelta(days=pair.cadence_days * self.rng.choice((1, 1, 2)))
        self._insert("meetings", Meeting, meetings)

    def questionnaires(self) -> None:
        """Both members answered and submitted, for every pair that got past proposal."""
        answers = []
        submissions = []
        values = Answer.Value.values
        for pair in self.pair_list:
            if pair.status == Pair.Status.PROPOSED:
                continue
            at = timezone.make_aware(datetime.datetime.combine(pair.started_on, datetime.time(9)))
            for respondent_id in (pair.mentor_id, pair.mentee_id):
                for question in self.questions[pair.program_id]:
                    value = question.guideline_answer or self.rng.choice(values)
                    answers.append(
                        Answer(
                            pair=pair,
                            question=question,
                            respondent_id=respondent_id,
                            value=value,
                            updated_at=at,
                        )
                    )
                submissions.append(
                    QuestionnaireSubmission(pair=pair, respondent_id=respondent_id, submitted_at=at)
                )
        self._insert("answers", Answer, answers)
        self._insert("submissions", QuestionnaireSubmission, submissions)

    def _agreement(self, pair: Pair, guideline: Guideline, *, promotion: bool, at, exceptions=""):
        mentor = pair.mentor
        mentee = pair.mentee
        agreement = Agreement(
            pair=pair,
            guideline=guideline,
            confidentiality_scope=(
                Agreement.Scope.AGREED_EXCEPTIONS if promotion else Agreement.Scope.STRICT
            ),
            allows_promotion_participation=promotion,
            allows_advocacy=promotion,
            allows_engagement=promotion and self.rng.random() < 0.7,
            exceptions=exceptions,
            mentor_name=mentor.get_full_name(),
            mentee_name=mentee.get_full_name(),
            proposed_by_id=pair.mentor_id,
            proposed_at=at,
            created_at=at,
        )
        agreement.canonical_text = build_canonical_text(agreement)
        agreement.text_sha256 = sha256_hex(agreement.canonical_text)
        return agreement

    def agreements(self) -> None:
        """Per pair: an active agreement (some amended: a superseded predecessor), a proposal
        awaiting signatures, or an ended one for pairs that ended; signatures and events."""
        current: list[Agreement] = []
        older: list[tuple[Agreement, Agreement]] = []  # (superseded, its successor)
        self.active_agreement: dict[int, Agreement] = {}
        for pair in self.pair_list:
            if pair.status == Pair.Status.PROPOSED:
                continue
            guidelines = self.guidelines[pair.program_id]
            latest = guidelines[-1]
            roll = self.rng.random()
            start = timezone.make_aware(
                datetime.datetime.combine(pair.started_on, datetime.time(10))
            )
            promotion = self.rng.random() < 0.8
            if pair.status == Pair.Status.ACTIVE and roll < 0.08:
                agreement = self._agreement(pair, latest, promotion=promotion, at=start)
                agreement.status = Agreement.Status.AWAITING_SIGNATURES
                current.append(agreement)
                continue
            guideline = latest if self.rng.random() < 0.8 else guidelines[0]
            agreement = self._agreement(pair, guideline, promotion=promotion, at=start)
            agreement.status = Agreement.Status.ACTIVE
            agreement.activated_at = start + datetime.timedelta(hours=2)
            if pair.status != Pair.Status.ACTIVE:
                agreement.status = Agreement.Status.ENDED
                agreement.closed_at = timezone.make_aware(
                    datetime.datetime.combine(pair.ended_on, datetime.time(12))
                )
                agreement.ended_by_id = pair.mentee_id
                agreement.end_reason = "The mentoring relationship ended."
            else:
                self.active_agreement[pair.pk] = agreement
            current.append(agreement)
            if self.rng.random() < 0.15:
                before = start - datetime.timedelta(days=1)
                old = self._agreement(
                    pair, guidelines[0], promotion=False, at=before, exceptions="First terms."
                )
                old.status = Agreement.Status.SUPERSEDED
                old.activated_at = before + datetime.timedelta(hours=2)
                old.closed_at = agreement.activated_at
                older.append((old, agreement))
        self._insert("agreements", Agreement, current)
        for old, successor in older:
            old.superseded_by = successor
        self._insert("agreements (superseded)", Agreement, [old for old, _ in older])

        signatures = []
        for agreement in [*current, *(old for old, _ in older)]:
            self._agreement_events(agreement, signatures)
        self._insert("signatures", Signature, signatures)
        for signature in signatures:
            self._event(
                at=signature.signed_at,
                actor_id=signature.signer_id,
                action=Action.AGREEMENT_SIGNED,
                target=signature.agreement,
                payload={
                    "signature": signature.pk,
                    "role": signature.role,
                    "sha256": signature.text_sha256,
                },
            )

    def _agreement_events(self, agreement: Agreement, signatures: list[Signature]) -> None:
        pair = agreement.pair
        signers = [("mentor", pair.mentor), ("mentee", pair.mentee)]
        if agreement.status == Agreement.Status.AWAITING_SIGNATURES:
            signers = signers[: self.rng.choice((0, 1))]
        for n, (role, person) in enumerate(signers):
            signatures.append(
                Signature(
                    agreement=agreement,
                    signer=person,
                    role=role,
                    typed_name=person.get_full_name(),
                    signed_at=agreement.proposed_at + datetime.timedelta(minutes=30 + 30 * n),
                    ip_address="10.0.0.1",
                    user_agent="seed_scale",
                    text_sha256=agreement.text_sha256,
                )
            )
        if agreement.activated_at is not None:
            self._event(
                at=agreement.activated_at,
                actor_id=pair.mentee_id,
                action=Action.AGREEMENT_ACTIVATED,
                target=agreement,
                payload={
                    "sha256": agreement.text_sha256,
                    "guideline": agreement.guideline_id,
                    "supersedes": None,
                },
            )
        if agreement.status == Agreement.Status.SUPERSEDED:
            self._event(
                at=agreement.closed_at,
                actor_id=pair.mentee_id,
                action=Action.AGREEMENT_SUPERSEDED,
                target=agreement,
                payload={
                    "from": "active",
                    "to": "superseded",
                    "successor": agreement.superseded_by_id,
                },
            )
        if agreement.status == Agreement.Status.ENDED:
            self._event(
                at=agreement.closed_at,
                actor_id=agreement.ended_by_id,
                action=Action.AGREEMENT_ENDED,
                target=agreement,
                payload={"from": "active", "to": "ended"},
            )

    def reviews(self) -> None:
        """Reviews of mentees whose active agreement lets the mentor take part."""
        eligible = [
            pair
            for pair in self.pair_list
            if pair.pk in self.active_agreement
            and self.active_agreement[pair.pk].allows_promotion_participation
        ]
        reviews = []
        self.review_pair: dict[int, Pair] = {}
        picks = [self.rng.choice(eligible) for _ in range(self.plan.reviews)] if eligible else []
        # Separation of duties: no mentor of the candidate (any pair) supervises or sits on the
        # panel; the batch's admin staffs every review and holds no role in any.
        mentors_of: dict[int, set[int]] = {}
        for any_pair in self.pair_list:
            mentors_of.setdefault(any_pair.mentee_id, set()).add(any_pair.mentor_id)
        for pair in picks:
            created = self._ago(300, 5)
            status = self.rng.choice(["open"] * 11 + ["deciding"] * 4 + ["closed"] * 5)
            supervisor = self.rng.choice(self.members)
            while supervisor.pk == pair.mentee_id or supervisor.pk in mentors_of[pair.mentee_id]:
                supervisor = self.rng.choice(self.members)
            review = PromotionReview(
                program_id=pair.program_id,
                candidate_id=pair.mentee_id,
                target_role=self.rng.choice(ROLES),
                supervisor=supervisor,
                supervisor_assigned_by=self.admin,
                opened_by=self.admin,
                status=status,
                created_at=created,
                closed_at=created + datetime.timedelta(days=4) if status == "closed" else None,
            )
            if self.rng.random() < 0.6:
                review.supervisor_assessment = "Consistently delivers; ready for a wider scope."
                review.assessment_written_at = created + datetime.timedelta(days=1)
            reviews.append(review)
        self._insert("reviews", PromotionReview, reviews)
        seats = []
        for review, pair in zip(reviews, picks, strict=True):
            self.review_pair[review.pk] = pair
            excluded = {pair.mentee_id, *mentors_of[pair.mentee_id]}
            panel = [u for u in self.rng.sample(self.leaders, 5) if u.pk not in excluded]
            review.seat_users = panel[: self.rng.randint(3, 4)]
            for user in review.seat_users:
                seats.append(
                    PanelSeat(
                        review=review, user=user, added_at=review.created_at, added_by=self.admin
                    )
                )
            self._event(
                at=review.created_at,
                actor_id=self.admin.pk,
                action=Action.REVIEW_STATUS_CHANGED,
                target=review,
                payload={"review": review.pk, "from": None, "to": "open"},
            )
            self._event(
                at=review.created_at,
                actor_id=self.admin.pk,
                action=Action.PANEL_CHANGED,
                target=review,
                payload={
                    "review": review.pk,
                    "added": sorted(u.pk for u in review.seat_users),
                    "removed": [],
                },
            )
            if review.assessment_written_at:
                self._event(
                    at=review.assessment_written_at,
                    actor_id=review.supervisor_id,
                    action=Action.ASSESSMENT_WRITTEN,
                    target=review,
                    payload={
                        "review": review.pk,
                        "sha256": text_sha256(review.supervisor_assessment),
                    },
                )
            if review.status == "closed":
                self._event(
                    at=review.closed_at,
                    actor_id=self.admin.pk,
                    action=Action.REVIEW_STATUS_CHANGED,
                    target=review,
                    payload={"review": review.pk, "from": "open", "to": "closed"},
                )
        self._insert("panel seats", PanelSeat, seats)
        self.review_list = reviews

    def _statement(self, review: PromotionReview, pair: Pair, state: str, n: int) -> Statement:
        agreement = self.active_agreement[pair.pk]
        kinds = [k for k in Statement.Kind.values if agreement.allows_statement_kind(k)]
        kind = self.rng.choice(kinds)
        name = pair.mentee.get_full_name().split()[0]
        template = self.rng.choice(ADVOCACY if kind == "advocacy" else ENGAGEMENT)
        text = template.format(name=name, held=self.rng.randint(3, 20), planned=20)
        text = f"{text} ({n})"
        created = review.created_at + datetime.timedelta(hours=1 + n)
        statement = Statement(
            review=review, pair=pair, kind=kind, text=text, state=state, created_at=created
        )
        step = datetime.timedelta(hours=6)
        if state != Statement.State.DRAFT:
            statement.submitted_at = created + step
        if state in (Statement.State.SHARED, Statement.State.WITHDRAWN):
            statement.consented_at = created + 2 * step
            statement.consent_text_sha256 = text_sha256(text)
        if state == Statement.State.DECLINED:
            statement.declined_at = created + 2 * step
            statement.decline_reason = self.rng.choice(("", "I would rather speak for myself."))
        if state == Statement.State.WITHDRAWN:
            statement.withdrawn_at = created + 3 * step
            statement.withdrawal_cause = self.rng.choice(Statement.WithdrawalCause.values)
        statement.updated_at = (
            statement.withdrawn_at
            or statement.declined_at
            or statement.consented_at
            or statement.submitted_at
            or created
        )
        return statement

    def statements(self) -> None:
        """Spread evenly over the reviews, in every state (a fifth each)."""
        states = Statement.State.values
        statements = []
        if not self.review_list:
            self.statement_list = []
            return
        reviews = len(self.review_list)
        for n in range(self.plan.statements):
            review = self.review_list[n % reviews]
            pair = self.review_pair[review.pk]
            # Each review's statements go round the states (n // reviews counts them per review).
            state = states[(n // reviews) % len(states)]
            statements.append(self._statement(review, pair, state, n))
        self.statement_list = self._insert("statements", Statement, statements)
        for s in self.statement_list:
            withdrawn_by = s.pair.mentee_id
            if s.withdrawal_cause != Statement.WithdrawalCause.MENTEE:
                withdrawn_by = None
            # (when, who, what, what the payload adds) for each step the statement went through
            steps = [
                (s.submitted_at, s.pair.mentor_id, Action.CONSENT_REQUESTED, {"kind": s.kind}),
                (
                    s.consented_at,
                    s.pair.mentee_id,
                    Action.CONSENT_GRANTED,
                    {"sha256": s.consent_text_sha256},
                ),
                (
                    s.declined_at,
                    s.pair.mentee_id,
                    Action.CONSENT_DECLINED,
                    {"with_reason": bool(s.decline_reason)},
                ),
                (
                    s.withdrawn_at,
                    withdrawn_by,
                    Action.CONSENT_WITHDRAWN,
                    {"cause": s.withdrawal_cause},
                ),
            ]
            for at, actor_id, action, extra in steps:
                if at:
                    self._event(
                        at=at,
                        actor_id=actor_id,
                        action=action,
                        target=s,
                        payload={"statement": s.pk, "review": s.review_id, **extra},
                    )

    def statement_views(self) -> None:
        """Each review's shared input was read once or twice by panel members."""
        by_review: dict[int, list[Statement]] = {}
        for s in self.statement_list:
            if s.consented_at is not None:
                by_review.setdefault(s.review_id, []).append(s)
        views = []
        for review in self.review_list:
            shown = by_review.get(review.pk, [])
            if not shown:
                continue
            for viewer in self.rng.sample(review.seat_users, min(2, len(review.seat_users))):
                at = max(s.consented_at for s in shown) + datetime.timedelta(hours=1)
                hashes = [text_sha256(s.text) for s in shown]
                views += [
                    StatementView(statement=s, viewer=viewer, viewed_at=at, text_sha256=h)
                    for s, h in zip(shown, hashes, strict=True)
                ]
                self._event(
                    at=at,
                    actor_id=viewer.pk,
                    action=Action.STATEMENTS_SHOWN,
                    target=review,
                    payload={
                        "review": review.pk,
                        "statements": [s.pk for s in shown],
                        "sha256": hashes,
                    },
                )
        self._insert("statement views", StatementView, views)

    def audit_events(self) -> None:
        """Chain each chain's events in time order onto its current head, then move the head."""
        self.events.sort(key=lambda e: e.occurred_at)
        for chain in CHAINS:
            events = [e for e in self.events if isinstance(e, chain.model)]
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=chain.head_pk)
            prev = head.last_hash
            for event in events:
                event.prev_hash = prev
                event.hash = event_digest(event, prev_hash=prev)
                prev = event.hash
            # Ids must follow the chain order: insert strictly in order (one batch at a time).
            self._insert(f"{chain} audit events", chain.model, events)
            head.last_hash = prev
            head.save(update_fields=["last_hash"])


def seed(
    users: int,
    *,
    batch: int | None = None,
    seed: int = 0,
    progress: Progress = quiet,
    batch_size: int = BATCH_SIZE,
) -> Summary:
    """Seed one batch of `users` users (and everything proportional) in one transaction."""
    if batch is None:
        batch = max(existing_batches(), default=0) + 1
    with transaction.atomic():
        summary = Seeder(
            Plan(users), batch=batch, seed=seed, progress=progress, batch_size=batch_size
        ).run()
    analyze()
    return summary


def analyze(tables: Iterable[str] = ()) -> None:
    """Refresh the planner's statistics (PostgreSQL and SQLite) after a bulk load."""
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute("ANALYZE")
            return
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@dataclass(frozen=True)
class Personas:
    """The people the benches and the EXPLAIN checks act as, picked from a seeded batch: the
    candidate of an open review with shared input, their mentor, a panel member, the
    supervisor and the batch's program admin."""

    mentor: User
    mentee: User
    panel_member: User
    supervisor: User
    program_admin: User
    pair: Pair
    review: PromotionReview
    agreement: Agreement


def personas(batch: int | None = None) -> Personas:
    batch = batch if batch is not None else min(existing_batches())
    statement = (
        Statement.objects.filter(
            state=Statement.State.SHARED,
            review__status=PromotionReview.Status.OPEN,
            review__candidate__username__startswith=f"scale{batch}-",
        )
        .select_related("review__candidate", "review__supervisor", "pair__mentor")
        .order_by("review_id", "pk")
        .first()
    )
    if statement is None:
        raise LookupError(f"Batch {batch} has no open review with shared input; seed more users.")
    review = statement.review
    return Personas(
        mentor=statement.pair.mentor,
        mentee=review.candidate,
        panel_member=review.seats.select_related("user").order_by("pk").first().user,
        supervisor=review.supervisor,
        program_admin=User.objects.get(username=f"scale{batch}-admin"),
        pair=statement.pair,
        review=review,
        agreement=Agreement.objects.active_for(statement.pair),
    )
