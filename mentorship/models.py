"""People, programs, versioned guidelines, pairs, meetings and the audit trail.

Rules that must always hold are constraints in the database; workflows that touch several
objects live in services.py.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from zoneinfo import available_timezones

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from mentorship.immutability import (
    Frozen,
    Guard,
    GuardedModel,
    GuardTrigger,
    append_only_guard,
    append_only_triggers,
    guarded_manager,
    transitions,
)
from mentorship.immutability import PublishedRecordError as PublishedRecordError  # re-exported
from mentorship.immutability import RefuseTruncate as RefuseTruncate  # re-exported (flush)
from mentorship.querysets import (
    GuidelineQuerySet,
    MeetingQuerySet,
    NotificationQuerySet,
    PairQuerySet,
)
from mentorship.statements import Prepared


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DAILY = "daily", "Daily summary"
    OFF = "off", "Off"


class User(AbstractUser):
    """A person. The full name is how they are shown everywhere."""

    full_name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="IANA time zone for showing dates, e.g. Europe/Berlin. Blank: the site's.",
    )
    email_frequency = models.CharField(
        "emails",
        max_length=12,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATELY,
        help_text=(
            "Every notification is in your inbox here. Email: each one as it happens, one "
            "daily summary, or none (a few the program requires are always emailed)."
        ),
    )
    # Who the person is in the organization, as the company's directory says (bulk onboarding,
    # mentorship/imports.py). Operational data: never the content of a mentoring conversation.
    department = models.CharField(max_length=200, blank=True)
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The person's line manager.",
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        help_text="Who assesses the person's performance (a promotion review's supervisor).",
    )
    # Kept with the user row the request already loads, so the navigation's unread count costs
    # no query; changed only with F() in the transaction that adds or reads a notification.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name()

    @classmethod
    def email_in_use(cls, email: str, *, other_than: User | None = None) -> bool:
        """Whether an account (other than `other_than`) has this email, in any case. Single
        sign-on links a first login by email, so an address must name one account here: a
        second one with it would stop that person from ever signing in."""
        people = cls.objects.filter(email__iexact=email)
        if other_than is not None:
            people = people.exclude(pk=other_than.pk)
        return people.exists()

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name().split()[0]

    def clean(self) -> None:
        super().clean()
        if self.time_zone and self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": "Not a known time zone."})
        if self.pk is not None and self.pk in (self.manager_id, self.supervisor_id):
            raise ValidationError("A person is not their own manager or supervisor.")


class Program(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    consent_requests_per_review = models.PositiveSmallIntegerField(
        "consent requests per review",
        default=3,
        validators=[MinValueValidator(1)],
        help_text=(
            "How often a mentor may ask their mentee for consent in one promotion review. A "
            "mentee who declined should not be asked again and again."
        ),
    )
    candidate_told_outcome = models.BooleanField(
        "candidate told the outcome",
        default=False,
        help_text=(
            "When a promotion review closes, the candidate is told that it closed. Tick this to "
            "tell them its outcome in the same message; leave it unticked where HR communicates "
            "the outcome otherwise. The panel's note is never sent."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="program_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(consent_requests_per_review__gte=1),
                name="program_consent_requests_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_running(self) -> bool:
        today = timezone.localdate()
        started = self.starts_on is None or self.starts_on <= today
        not_ended = self.ends_on is None or today <= self.ends_on
        return started and not_ended

    def current_guideline(self) -> Guideline | None:
        # Read on every pair and agreement page: a statement compiled once per process.
        found = _CURRENT_GUIDELINE.instances(program=self.pk)
        return found[0] if found else None


class Guideline(GuardedModel):
    """One version of a program's confidentiality guideline.

    Drafts are edited freely. Publishing gives the draft the next version number and freezes
    it: a change after that is a new draft, never an edit, and it is never deleted (the guard,
    here and on PostgreSQL).
    """

    guard = Guard(
        frozen=(
            Frozen(
                "A published guideline never changes or goes away; create a new draft.",
                when=Q(status="published"),
                delete=True,
            ),
        )
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="guidelines")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text="The confidentiality policy, in Markdown.",
    )
    clarification = models.TextField(
        help_text="Clarification: what the mentor's role in a promotion discussion is (Markdown).",
    )
    qualification = models.TextField(
        help_text="Qualification: the limits on what a mentor may say, and why (Markdown).",
    )
    expectations = models.TextField(
        help_text="Expectations: what mentor, mentee and leadership can expect (Markdown).",
    )
    acceptable_examples = models.TextField(
        blank=True, help_text="Examples of acceptable mentor input, one per line."
    )
    breach_examples = models.TextField(
        blank=True, help_text="Examples of input that would breach confidentiality, one per line."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    objects = guarded_manager(GuidelineQuerySet)

    class Meta:
        base_manager_name = "objects"
        ordering = ["program", "-version", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="guideline_version_unique"),
            models.CheckConstraint(
                condition=(
                    Q(status="draft", version__isnull=True, published_at__isnull=True)
                    | Q(status="published", version__isnull=False, published_at__isnull=False)
                ),
                name="guideline_version_iff_published",
            ),
        ]
        triggers = [
            GuardTrigger(name="published_guideline_is_immutable", guard=lambda: Guideline.guard)
        ]

    def __str__(self) -> str:
        if self.version:
            return f"{self.program} guideline v{self.version}"
        return f"{self.program} guideline (draft)"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def acceptable_example_list(self) -> list[str]:
        return self._lines(self.acceptable_examples)

    def breach_example_list(self) -> list[str]:
        return self._lines(self.breach_examples)


# Program.current_guideline's query: the newest published version of one program.
_CURRENT_GUIDELINE = Prepared(
    Guideline,
    lambda program: (
        Guideline.objects.published().filter(program_id=program).order_by("-version")[:1]
    ),
    "program",
)


PAIR_MEMBERS_FIXED = (
    "A pair's program, mentor and mentee never change once it exists: its notes, answers, "
    "agreements and statements belong to those two people. Create a new pair instead."
)


# Rules of other apps on who may form a pair, e.g. promotions' separation of duties (a panel
# member of a review does not become the candidate's mentor). Each raises ValidationError.
_pair_creation_checks: list[Callable[[Pair], None]] = []


def register_pair_creation_check(check: Callable[[Pair], None]) -> None:
    if check not in _pair_creation_checks:
        _pair_creation_checks.append(check)


class Pair(GuardedModel):
    """A mentor and a mentee in one program.

    Program, mentor and mentee are fixed once the pair is saved (the guard: clean(), save(),
    update() and, on PostgreSQL, a trigger): everything the pair holds was shared by or signed
    by those two people, so a change of people would hand it to someone else. Other people
    form a new pair. Its status moves along TRANSITIONS only: an ended or completed pair stays
    so, and the same two people form a new pair to start again.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED = "ended", "Ended"

    TRANSITIONS = transitions(
        "status",
        {
            Status.PROPOSED: {Status.ACTIVE, Status.ENDED},
            Status.ACTIVE: {Status.COMPLETED, Status.ENDED},
        },
        noun="A pair",
        choices=Status,
    )
    guard = Guard(
        frozen=(Frozen(PAIR_MEMBERS_FIXED, fields=("program", "mentor", "mentee")),),
        transitions=(TRANSITIONS,),
    )

    START_DATE_NEEDED = (
        "An active pair needs a start date: its meetings are planned from that date. Set the "
        "date, or leave the pair Proposed."
    )

    class Cadence(models.IntegerChoices):
        WEEKLY = 7, "Weekly"
        FORTNIGHTLY = 14, "Every two weeks"
        MONTHLY = 28, "Every four weeks"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="pairs")
    mentor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="mentor_pairs")
    mentee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="mentee_pairs")
    cadence_days = models.PositiveSmallIntegerField(
        "planned meeting cadence", choices=Cadence.choices, default=Cadence.FORTNIGHTLY
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = guarded_manager(PairQuerySet)

    class Meta:
        base_manager_name = "objects"
        ordering = ["program", "mentor__full_name", "mentee__full_name"]
        triggers = [GuardTrigger(name="pair_members_are_fixed", guard=lambda: Pair.guard)]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="pair_mentor_is_not_mentee"
            ),
            models.CheckConstraint(condition=Q(cadence_days__gt=0), name="pair_cadence_positive"),
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status="active"),
                name="pair_one_active_per_mentee_per_program",
                violation_error_message="This mentee already has an active pair in this program.",
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status="active"),
                name="pair_one_active_per_couple",
                violation_error_message="These two people already form an active pair.",
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"], name="pair_mentor_status_idx"),
            models.Index(fields=["mentee", "status"], name="pair_mentee_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee} ({self.program})"

    def save(self, *args, **kwargs) -> None:
        # The checks and the insert hold together: a check may lock rows for the insert.
        with transaction.atomic():
            if self._state.adding and self._stored_row() is None:
                self._run_creation_checks()
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("mentorship:pair", args=[self.pk])

    def clean(self) -> None:
        if self.mentor_id and self.mentor_id == self.mentee_id:
            raise ValidationError("Mentor and mentee must be different people.")
        self.take_start_date()
        if self.status == self.Status.ACTIVE and self.started_on is None:
            raise ValidationError({"started_on": self.START_DATE_NEEDED})
        super().clean()
        if self._state.adding and self.mentor_id and self.mentee_id:
            self._run_creation_checks()

    def take_start_date(self) -> None:
        """A proposed pair with a start date is active.

        A pair left Proposed with its date set would trap both members: they cannot start
        their agreement or log a meeting, and nothing tells them why. A date in the future
        still makes the pair active now (the members can agree their terms first); meetings
        are planned, and may be logged, from that date on.
        """
        if self.status == self.Status.PROPOSED and self.started_on is not None:
            self.status = self.Status.ACTIVE

    @property
    def has_started(self) -> bool:
        return self.started_on is not None and self.started_on <= timezone.localdate()

    def _run_creation_checks(self) -> None:
        for check in _pair_creation_checks:
            check(self)

    def role_of(self, user) -> str | None:
        if user.pk == self.mentor_id:
            return "mentor"
        if user.pk == self.mentee_id:
            return "mentee"
        return None

    def other_member(self, user) -> User:
        return self.mentee if user.pk == self.mentor_id else self.mentor

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def planned_meetings(self, today: datetime.date | None = None) -> int:
        """Meetings the cadence plans from the start date until today (or the end date)."""
        if self.started_on is None:
            return 0
        until = self.ended_on or today or timezone.localdate()
        elapsed = (until - self.started_on).days
        if elapsed < 0:
            return 0
        return elapsed // self.cadence_days + 1


class Meeting(models.Model):
    """One entry in a pair's meeting log. Notes are for the pair alone."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        MISSED = "missed", "Missed"

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date")
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    notes = models.TextField(blank=True, help_text="Only you and your mentoring partner see notes.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=0, duration_minutes__lte=24 * 60),
                name="meeting_duration_within_a_day",
            ),
        ]
        indexes = [models.Index(fields=["pair", "held_on"], name="meeting_pair_date_idx")]

    def __str__(self) -> str:
        # No notes here: __str__ reaches the admin log and error pages.
        return f"Meeting on {self.held_on:%Y-%m-%d} ({self.get_status_display()})"

    def clean(self) -> None:
        super().clean()
        # Held meetings are counted against the meetings planned since the pair started, and
        # those counts become facts a mentor may offer a promotion panel.
        started_on = self.pair.started_on if self.pair_id else None
        if self.held_on and started_on and self.held_on < started_on:
            raise ValidationError(
                {
                    "held_on": f"Your pair started on {started_on:%d %B %Y}: a meeting cannot be "
                    "logged for an earlier date."
                }
            )


class AppendOnlyModel(GuardedModel):
    """A record written once and never changed or deleted: refused by the guard (rows and
    querysets), and on PostgreSQL by each subclass's append_only_triggers."""

    guard = append_only_guard()
    objects = guarded_manager()

    class Meta:
        abstract = True


class AuditChainHead(models.Model):
    """One row per hash chain, locked by every writer of that chain so that it never forks.

    The primary key names the chain: OPERATIONAL (AuditEvent) or CONFIDENTIAL
    (ConfidentialAuditEvent). Two rows, so writers of one chain never wait for the other's.
    """

    OPERATIONAL = 1
    CONFIDENTIAL = 2

    last_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return "audit chain head"


class AuditRecord(AppendOnlyModel):
    """An append-only, hash-chained record of a sensitive act. Never confidential text.

    Each concrete subclass is one chain in its own table, so that its ids and prev_hash links
    are contiguous: whoever may read a chain reads all of it, and nothing hidden from them
    leaves a hole they could count or date (mentorship.audit routes every event).
    """

    occurred_at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    action = models.CharField(max_length=40, editable=False)
    target_type = models.CharField(max_length=60, blank=True, editable=False)
    target_id = models.CharField(max_length=40, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    payload = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        base_manager_name = "objects"
        abstract = True
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id} at {self.occurred_at:%Y-%m-%d}"


class AuditEvent(AuditRecord):
    """The operational trail (guidelines, agreements, review states, panels, access to
    operational records): every program admin may read it whole."""

    class Meta(AuditRecord.Meta):
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["action", "occurred_at"], name="audit_action_time_idx"),
        ]
        triggers = append_only_triggers("audit_event")


class ConfidentialAuditEvent(AuditRecord):
    """The confidential trail: events about statements, their consent and showing, and
    assessments. Their states and dates are themselves what a panel member or a mentee who is
    also a program admin must not learn, so this chain is in no admin page, not even a
    superuser's: only `manage.py verify_audit` and `manage.py export_audit` read it."""

    class Meta(AuditRecord.Meta):
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="conf_audit_target_idx"),
            models.Index(fields=["action", "occurred_at"], name="conf_audit_action_time_idx"),
        ]
        triggers = append_only_triggers("conf_audit_event")


def new_notification_id() -> int:
    """Random ids, so that the gap between two of a user's own notifications does not count
    what everyone else was sent (the same reason statements have random ids)."""
    return secrets.randbelow(2**62) + 1


class Notification(models.Model):
    """One message to one person: an entry in their inbox and, by their preference, an email.

    Written in the transaction of the act it reports, together with the task that delivers the
    email (mentorship.notify), so an act is never saved without its message nor a message queued
    for an act that rolled back. It holds a subject, a plain-text body and a link, never
    confidential text: each app's notifications module renders it from names and links only.
    """

    class Email(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DIGEST = "digest", "Waiting for the daily summary"
        SENT = "sent", "Sent"
        NOT_SENT = "not_sent", "Not emailed"  # the person turned emails off, or has no address
        FAILED = "failed", "Failed"

    id = models.BigIntegerField(primary_key=True, default=new_notification_id, editable=False)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    # False for the daily summary itself: it is an email about inbox entries, not one of them.
    in_inbox = models.BooleanField(default=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The exception's class only: a mail server's reply can echo the message or the address.
    last_error = models.CharField(max_length=100, blank=True)
    # The task that will send it, so the scheduled sweep requeues only an email whose task was
    # lost (its worker killed mid-run), never one whose task is simply waiting for a worker.
    task_id = models.CharField(max_length=64, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "undelivered email"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["email", "recipient"], name="notification_email_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(email="sent", sent_at__isnull=False)
                | (~Q(email="sent") & Q(sent_at__isnull=True)),
                name="notification_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        # No time: the admin's undelivered list shows a failed email's day only, and the minute
        # an email was queued can tell which act caused it (mentorship/admin_outbox.py).
        return f"email to {self.recipient} of {self.created_at:%Y-%m-%d}"


class ReminderSent(models.Model):
    """One reminder sent to one person about one object in one period (mentorship.reminders).

    The unique constraint is what makes `send_reminders` idempotent: the row is written in the
    transaction of the notification it stands for, so a second run, or a concurrent one, finds
    the row (or fails to insert it and rolls its notification back) instead of sending twice.
    The target is a key such as "review:12", never text. Which reminders someone got can tell
    that input waits for their consent, so the rows are as confidential as notifications.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    target = models.CharField(max_length=60)
    period_start = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "target", "period_start"],
                name="reminder_sent_once_per_period",
            ),
        ]
        indexes = [models.Index(fields=["kind", "period_start"], name="reminder_kind_period_idx")]

    def __str__(self) -> str:
        return f"reminder {self.kind} to {self.recipient_id} for {self.period_start:%Y-%m-%d}"


class SingleSignOnIdentity(models.Model):
    """The company identity provider's subject for one person (mentorship.sso).

    Matched by issuer and subject, never by email after the first login: an email address the
    provider later gives to someone else must not open this account.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_one_identity_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"single sign-on identity of user {self.user_id}"
