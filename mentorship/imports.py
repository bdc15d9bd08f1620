"""Bulk onboarding: people and pairs imported from a CSV or XLSX file (django-import-export).

A file is all or nothing. Every import runs in one transaction (`import_data`): a dry run always
rolls back, and the real import rolls back as soon as one row is refused or fails, so a file
never lands half-imported. The dry run and the real import run the same code, row by row, so the
dry run's report (`import_report`) is what the confirmed import will do.

Importing the same file twice changes nothing: people are found by their email and pairs by
program, mentor and mentee, and a row that matches what is stored is reported unchanged.

Only operational data is touched: who people are (name, department, manager, supervisor) and who
mentors whom. A pair is saved through `pair_save`, the one path a hand-made pair takes, so its
status change is audited and both members are told it started, inside the import's transaction.
Refusals name only the row's own values and the program's name, never anything else stored.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.core.validators import validate_email
from django.db.models.functions import Lower
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult
from import_export.tmp_storages import TempFolderStorage

from mentorship.models import Pair, Program, User
from mentorship.permissions import can_change_person, is_program_admin, programs_managed_by
from mentorship.services import pair_save

logger = logging.getLogger(__name__)

# Enough for one query's parameters on every database (SQLite allows 999 before 3.32).
_CHUNK = 500


class ImportRefused(Exception):
    """The whole file is refused before any row is read (wrong columns, too many rows)."""


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def normalize_email(value) -> str:
    return _text(value).lower()


def _chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class PersonByEmailWidget(widgets.ForeignKeyWidget):
    """A person named by email: someone already here, or on an earlier row of the same file."""

    def __init__(self):
        super().__init__(User, field="email")
        self.people: dict[str, User] = {}

    def clean(self, value, row=None, **kwargs):
        email = normalize_email(value)
        if not email:
            return None
        person = self.people.get(email)
        if person is None:
            raise ValueError(
                f"No person with the email {email} here or on an earlier row of this file."
            )
        return person


class ProgramByNameWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Program, field="name")
        self.programs: dict[str, Program] = {}

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            raise ValueError("The program is missing.")
        program = self.programs.get(name.casefold())
        if program is None:
            raise ValueError(f"No program named {name!r}.")
        return program


class IsoDateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):  # an XLSX date cell
            return value.date()
        try:
            return super().clean(_text(value) if isinstance(value, str) else value, row, **kwargs)
        except ValueError:
            raise ValueError(f"{_text(value)!r} is not a date: write it as YYYY-MM-DD.") from None


class OnboardingResource(resources.ModelResource):
    """What the people and pair imports share: the columns check, the row limit, the one
    transaction, who imports, and the row-by-row report."""

    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()
    # The setting that caps one file's rows, so that one request stays within a worker's time.
    max_rows_setting = "IMPORT_MAX_ROWS"

    def __init__(self, *, row_limit: int | None = -1, **kwargs):
        super().__init__(**kwargs)
        # -1: the site's limit (settings.IMPORT_MAX_ROWS); None: no limit (the benchmark).
        self.row_limit = self.max_rows() if row_limit == -1 else row_limit
        self.importer: User | None = None
        self.first_row_of: dict = {}

    @classmethod
    def max_rows(cls) -> int:
        return getattr(settings, cls.max_rows_setting)

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return cls.required_columns + cls.optional_columns

    # The file as a whole ------------------------------------------------------------------

    def refusal(self, dataset) -> str | None:
        """Why the whole file is refused before any row is read, or None."""
        headers = [_text(h).lower() for h in dataset.headers or ()]
        if not headers:
            return "The file is empty: its first line must name the columns."
        expected = ", ".join(self.columns())
        unknown = [h for h in headers if h not in self.columns()]
        if unknown:
            return (
                f"Unknown column(s): {', '.join(repr(h) for h in unknown)}. "
                f"The columns are: {expected}."
            )
        missing = [c for c in self.required_columns if c not in headers]
        if missing:
            return f"Missing column(s): {', '.join(missing)}. The columns are: {expected}."
        repeated = sorted({h for h in headers if headers.count(h) > 1})
        if repeated:
            return f"Column(s) named twice: {', '.join(repeated)}."
        if len(dataset) == 0:
            return "The file has no rows below its header."
        if self.row_limit is not None and len(dataset) > self.row_limit:
            return (
                f"The file has {len(dataset):,} rows; one import takes at most "
                f"{self.row_limit:,}. Split it into files of at most {self.row_limit:,} rows "
                "and import them one after the other (the order does not matter for rows "
                "already imported: they are reported unchanged)."
            )
        dataset.headers = headers
        return None

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        user = kwargs.get("user")
        if user is None or not is_program_admin(user):
            raise PermissionDenied
        self.importer = user
        reason = self.refusal(dataset)
        if reason is not None:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            result.append_base_error(self.get_error_result_class()(ImportRefused(reason)))
            return result
        kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
        result = super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)
        result.file_headers = list(dataset.headers)
        return result

    def before_import(self, dataset, **kwargs):
        self.first_row_of = {}
        self.load(dataset)

    def load(self, dataset) -> None:
        """Read everything the rows will look up, a few queries for the whole file."""

    # One row ------------------------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if value is None or isinstance(value, (str, int, float)):
                row[column] = _text(value)

    def refuse_repeat(self, key, row_number: int, what: str) -> None:
        first = self.first_row_of.setdefault(key, row_number)
        if first != row_number:
            raise ValidationError(f"{what} is also on row {first}: one row each.")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A new row is never "unchanged", even when its values equal a blank instance's.
        if original is None or original.pk is None:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_import_row(self, row, row_result, **kwargs):
        row_result.number = kwargs["row_number"]
        row_result.changes = []
        if row_result.import_type == RowResult.IMPORT_TYPE_UPDATE and row_result.original:
            for import_field in self.get_import_fields():
                if import_field.column_name not in row:
                    continue
                before = import_field.export(row_result.original)
                after = import_field.export(row_result.instance)
                if before != after:
                    row_result.changes.append(
                        f"{import_field.column_name}: {before or '(empty)'} → {after or '(empty)'}"
                    )
        row_result.original = None  # not kept for 50,000 rows


class PersonResource(OnboardingResource):
    """People by email, with their name and, optionally, department, manager and supervisor.

    A new person's username is their email and they have no password here: they sign in with
    the company's single sign-on, or a superuser gives them a password. An absent column leaves
    that field as it is; a blank cell empties it. A program admin never changes anyone with access
    to the admin site (another program admin, a superuser).
    """

    required_columns = ("email", "full_name")
    optional_columns = ("department", "manager_email", "supervisor_email")

    email = fields.Field(attribute="email", column_name="email")
    full_name = fields.Field(attribute="full_name", column_name="full_name")
    department = fields.Field(attribute="department", column_name="department")
    manager = fields.Field(
        attribute="manager", column_name="manager_email", widget=PersonByEmailWidget()
    )
    supervisor = fields.Field(
        attribute="supervisor", column_name="supervisor_email", widget=PersonByEmailWidget()
    )

    class Meta:
        model = User
        fields = ("email", "full_name", "department", "manager", "supervisor")
        import_id_fields = ("email",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        store_row_values = True
        store_instance = True  # the report's changes and the admin's log entries

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # One directory for the file, shared by both widgets: people created on earlier rows
        # join it as they are saved.
        self.people: dict[str, User] = {}
        self.fields["manager"].widget.people = self.people
        self.fields["supervisor"].widget.people = self.people
        self.usernames: set[str] = set()
        self.ambiguous: set[str] = set()

    def load(self, dataset) -> None:
        self.people.clear()
        self.usernames.clear()
        self.ambiguous.clear()
        wanted = set()
        for column in ("email", "manager_email", "supervisor_email"):
            if column in dataset.headers:
                wanted.update(normalize_email(v) for v in dataset[column])
        wanted.discard("")
        wanted_list = sorted(wanted)
        for chunk in _chunks(wanted_list):
            # With their manager and supervisor: comparing a row with what is stored reads them.
            for person in (
                User.objects.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=chunk)
                .select_related("manager", "supervisor")
            ):
                if person.email_lower in self.people:
                    self.ambiguous.add(person.email_lower)
                self.people[person.email_lower] = person
            self.usernames.update(
                User.objects.filter(username__in=chunk).values_list("username", flat=True)
            )

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        email = row["email"] = normalize_email(row["email"])
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"email": f"{email!r} is not an email address." if email else "Missing email."}
            ) from None
        self.refuse_repeat(email, kwargs["row_number"], f"The person {email}")
        if email in self.ambiguous:
            raise ValidationError(
                {"email": "More than one person here has this email; a superuser must fix them."}
            )
        for column in ("manager_email", "supervisor_email"):
            if column in row and normalize_email(row[column]) == email:
                raise ValidationError({column: "A person is not their own manager or supervisor."})
        person = self.people.get(email)
        if person is None and email in self.usernames:
            raise ValidationError(
                {"email": "Another person's username is this email; a superuser must fix them."}
            )
        if person is not None and not can_change_person(self.importer, person):
            raise ValidationError(
                {
                    "email": (
                        "This person has access to the admin site: only a superuser changes them."
                    )
                }
            )

    def get_instance(self, instance_loader, row):
        return self.people.get(row["email"])

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "email" and instance.pk is not None:
            # The address found this person (in any case); it is not the import's to rewrite:
            # single sign-on and the next import match people by it.
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def init_instance(self, row=None):
        person = User(username=row["email"], email=row["email"])
        person.set_unusable_password()
        return person

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Three queries per row saved at 50,000 rows: the username's uniqueness was checked
        # against the set load() read, and manager and supervisor are people load() read, so
        # the field checks that would look each up again are left out.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, "manager", "supervisor"], validate_unique=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        self.people[instance.email] = instance


class PairResource(OnboardingResource):
    """Pairs by mentor email, mentee email, program name and start date.

    With a start date the pair is active (and both members are told); with the cell blank it is
    proposed. A row matching an open pair of the same three is that pair: unchanged, or its
    start date changed. Pairs that contradict one another or the pairs here are refused.
    """

    required_columns = ("mentor_email", "mentee_email", "program", "start_date")
    # Each pair is a pair_save: its checks, an audit event and two members told (about 40
    # queries), so a file holds fewer pairs than people (bench/import_people.py).
    max_rows_setting = "IMPORT_MAX_PAIR_ROWS"

    mentor = fields.Field(
        attribute="mentor", column_name="mentor_email", widget=PersonByEmailWidget()
    )
    mentee = fields.Field(
        attribute="mentee", column_name="mentee_email", widget=PersonByEmailWidget()
    )
    program = fields.Field(attribute="program", column_name="program", widget=ProgramByNameWidget())
    started_on = fields.Field(
        attribute="started_on", column_name="start_date", widget=IsoDateWidget()
    )

    class Meta:
        model = Pair
        fields = ("mentor", "mentee", "program", "started_on")
        import_id_fields = ("mentor", "mentee", "program")
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        store_row_values = True
        store_instance = True  # the report's changes and the admin's log entries

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.people: dict[str, User] = {}
        self.fields["mentor"].widget.people = self.people
        self.fields["mentee"].widget.people = self.people
        self.programs: dict[str, Program] = {}
        self.fields["program"].widget.programs = self.programs
        self.open_pairs: dict[tuple[int, int, int], Pair] = {}

    def load(self, dataset) -> None:
        self.people.clear()
        self.programs.clear()
        self.open_pairs.clear()
        emails = {normalize_email(v) for c in ("mentor_email", "mentee_email") for v in dataset[c]}
        emails.discard("")
        for chunk in _chunks(sorted(emails)):
            for person in User.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=chunk
            ):
                # An email two people share names nobody in particular: refused as unknown.
                if self.people.setdefault(person.email_lower, person) is not person:
                    self.people[person.email_lower] = None
        for key in [k for k, v in self.people.items() if v is None]:
            del self.people[key]
        # The programs the importer manages: a row naming any other is refused as unknown.
        managed = programs_managed_by(self.importer)
        self.programs.update({p.name.casefold(): p for p in managed})
        ids = sorted(p.pk for p in self.people.values())
        for chunk in _chunks(ids):
            for pair in Pair.objects.filter(
                mentee_id__in=chunk, status__in=[Pair.Status.PROPOSED, Pair.Status.ACTIVE]
            ).order_by("pk"):
                self.open_pairs[(pair.program_id, pair.mentor_id, pair.mentee_id)] = pair

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        mentor = row["mentor_email"] = normalize_email(row["mentor_email"])
        mentee = row["mentee_email"] = normalize_email(row["mentee_email"])
        errors = {}
        for column, email in (("mentor_email", mentor), ("mentee_email", mentee)):
            if not email:
                errors[column] = "Missing email."
        if errors:
            raise ValidationError(errors)
        if mentor == mentee:
            raise ValidationError("A person cannot mentor themselves.")
        self.refuse_repeat(
            (row["program"].casefold(), mentor, mentee), kwargs["row_number"], "The same pair"
        )

    def get_instance(self, instance_loader, row):
        program = self.programs.get(row["program"].casefold())
        mentor = self.people.get(row["mentor_email"])
        mentee = self.people.get(row["mentee_email"])
        if program is None or mentor is None or mentee is None:
            return None
        return self.open_pairs.get((program.pk, mentor.pk, mentee.pk))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # pair_save cleans the pair (constraints and other apps' creation checks included); its
        # refusal is this row's, like any other.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance, is_create):
        pair_save(pair=instance, by=self.importer)

    def after_save_instance(self, instance, row, **kwargs):
        self.open_pairs[(instance.program_id, instance.mentor_id, instance.mentee_id)] = instance


# The report ---------------------------------------------------------------------------------

OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: "create",
    RowResult.IMPORT_TYPE_UPDATE: "change",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
}


@dataclass
class ReportLine:
    number: int
    outcome: str  # create, change, unchanged, refused
    values: list = field(default_factory=list)
    details: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    file_errors: list[str]
    lines: list[ReportLine]
    headers: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def accepted(self) -> bool:
        return not self.file_errors and not self.count("refused")

    @property
    def counts(self) -> dict[str, int]:
        return {o: self.count(o) for o in ("create", "change", "unchanged", "refused")}


def _column_of(resource_class, attribute: str) -> str:
    if attribute == NON_FIELD_ERRORS:
        return ""
    declared = resource_class.fields.get(attribute)
    return declared.column_name if declared is not None else attribute


def import_report(result: Result, resource_class: type[OnboardingResource]) -> ImportReport:
    """Every row of the file with what the import does with it, in the file's order."""
    file_errors = []
    for error in result.base_errors:
        if isinstance(error.error, ImportRefused):
            file_errors.append(str(error.error))
        else:
            logger.error("Import failed", exc_info=error.error)
            file_errors.append("The file could not be imported; nothing was written.")
    lines = []
    for row_result in result.rows:
        if row_result.import_type in OUTCOMES:
            lines.append(
                ReportLine(
                    number=row_result.number,
                    outcome=OUTCOMES[row_result.import_type],
                    values=list(row_result.row_values.values()),
                    details=row_result.changes,
                )
            )
    for invalid in result.invalid_rows:
        details = []
        for attribute, messages in invalid.error_dict.items():
            column = _column_of(resource_class, attribute)
            details += [f"{column}: {m}" if column else m for m in messages]
        lines.append(ReportLine(invalid.number, "refused", list(invalid.values), details))
    for number, errors in result.row_errors():
        for error in errors:
            logger.error("Import row %s failed", number, exc_info=error.error)
        values = list(errors[0].row.values()) if errors and errors[0].row else []
        lines.append(
            ReportLine(number, "refused", values, ["This row could not be saved (server error)."])
        )
    lines.sort(key=lambda line: line.number)
    headers = getattr(result, "file_headers", [])
    return ImportReport(file_errors=file_errors, lines=lines, headers=headers)


# Where an uploaded file waits between the dry run and the confirmation -----------------------

_PENDING_NAME = re.compile(r"^[0-9a-f]{32}$")


class PendingImportStorage(TempFolderStorage):
    """django-import-export's temporary file, named by us and kept in a folder of its own.

    The confirmation form carries the file's name; the stock storage would open (and then
    delete) whatever file of the temporary folder a tampered form names. Here a name is 32 hex
    digits this storage chose, and the admin also checks it is one the same session uploaded.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.name is not None and not _PENDING_NAME.fullmatch(self.name):
            raise PermissionDenied

    @staticmethod
    def folder() -> str:
        # A folder of the site's own (settings.IMPORT_PENDING_DIR), not a guessable name in the
        # shared temporary folder that another local account could create first and read.
        path = str(settings.IMPORT_PENDING_DIR)
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.stat(path)
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise ImproperlyConfigured(f"{path} must belong to this site's user, mode 0700.")
        return path

    @classmethod
    def sweep(cls, older_than: float = 24 * 3600) -> int:
        """Delete files of dry runs never confirmed; the number deleted."""
        folder, now, deleted = cls.folder(), time.time(), 0
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            if _PENDING_NAME.fullmatch(name) and now - os.path.getmtime(path) > older_than:
                os.remove(path)
                deleted += 1
        return deleted

    def get_full_path(self):
        return os.path.join(self.folder(), self.name)

    def save(self, data: bytes) -> None:
        if self.name is None:
            self.sweep()
            self.name = secrets.token_hex(16)
        with open(self.get_full_path(), "wb") as file:
            file.write(data)

    @classmethod
    def is_valid_name(cls, name: str) -> bool:
        return bool(_PENDING_NAME.fullmatch(name or ""))
