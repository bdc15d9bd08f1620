"""Admin site for program admins: programs, guideline versions, pairs, and the audit trail.

Meeting notes never appear here: the meeting inline lists dates, durations and status only.
"""

from __future__ import annotations

import json

import axes.admin
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from mentorship.admin_base import AllowListAdmin, ReadOnlyMixin
from mentorship.admin_imports import OnboardingImportMixin
from mentorship.admin_widgets import ValidAutocompleteMixin
from mentorship.audit import audit_events_visible_to
from mentorship.imports import PairResource, PersonResource
from mentorship.markup import render_markdown
from mentorship.models import (
    AuditEvent,
    Guideline,
    Meeting,
    Pair,
    Program,
    SingleSignOnIdentity,
    User,
)
from mentorship.permissions import can_change_person
from mentorship.services import guideline_new_draft, pair_save

admin.site.site_header = "Mentoring program administration"
admin.site.site_title = "Mentoring admin"
admin.site.index_title = "Programs, guidelines, pairs and reviews"


def is_hash_key(key: str) -> bool:
    return "sha256" in key or "hash" in key


class PersonAddForm(forms.ModelForm):
    """A program admin adds a person without a password: they sign in with the company's
    single sign-on, or a superuser gives them one. Whoever knows a person's password can read
    what that person may read; a program admin must not."""

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "department", "manager", "supervisor"]

    def clean_email(self):
        email = self.cleaned_data.get("email", "")
        if email and User.email_in_use(email):
            raise forms.ValidationError("Someone here already has this email.")
        return email

    def save(self, commit=True):
        person = super().save(commit=False)
        person.set_unusable_password()
        if commit:
            person.save()
        return person


class PersonChangeForm(forms.ModelForm):
    """Django's UserChangeForm always carries the password hash and a link to set a new one."""

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "department", "manager", "supervisor", "is_active"]


# What a program admin edits on a person: who they are in the organization. Never access (staff,
# superuser, groups, permissions), never a password, never the email or username a sign-in is
# matched by; and never anyone with access to the admin site (a program admin or a superuser).
PERSON_FIELDSETS = [
    ("Person", {"fields": ["username", "full_name", "email", "time_zone"]}),
    ("Organization", {"fields": ["department", "manager", "supervisor"]}),
    ("Access", {"fields": ["is_active"]}),
    ("Dates", {"fields": ["last_login", "date_joined"]}),
]


@admin.register(User)
class UserAdmin(OnboardingImportMixin, ValidAutocompleteMixin, AllowListAdmin, DjangoUserAdmin):
    resource_classes = [PersonResource]
    list_display = ["username", "full_name", "email", "department", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["full_name", "username"]
    autocomplete_fields = ["manager", "supervisor"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["full_name", "email", "time_zone"]}),
        ("Organization", {"fields": ["department", "manager", "supervisor"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return [(None, {"fields": PersonAddForm.Meta.fields})]
        return PERSON_FIELDSETS

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = PersonAddForm if obj is None else PersonChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and obj is not None:
            readonly += ["username", "email", "last_login", "date_joined"]
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        # People with access to the admin (program admins, superusers) are changed by
        # superusers only: a program admin must not lock out, or revive, another one.
        if obj is not None and not can_change_person(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class GuidelineVersionInline(admin.TabularInline):
    model = Guideline
    fields = ["version_link", "status", "title", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = "Guideline versions"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Version")
    def version_link(self, guideline: Guideline) -> str:
        url = reverse("admin:mentorship_guideline_change", args=[guideline.pk])
        label = f"v{guideline.version}" if guideline.version else "draft"
        return format_html('<a href="{}">{}</a>', url, label)


@admin.register(Program)
class ProgramAdmin(AllowListAdmin):
    list_display = ["name", "starts_on", "ends_on", "active_pairs", "current_version"]
    search_fields = ["name"]
    inlines = [GuidelineVersionInline]

    def get_queryset(self, request):
        # The current version comes with the row, not one query per program.
        latest = Guideline.objects.published().filter(program=OuterRef("pk")).order_by("-version")
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_pair_count=Count("pairs", filter=Q(pairs__status="active"), distinct=True),
                current_version_number=Subquery(latest.values("version")[:1]),
            )
        )

    @admin.display(description="Active pairs", ordering="active_pair_count")
    def active_pairs(self, program: Program) -> int:
        return program.active_pair_count

    @admin.display(description="Current guideline", ordering="current_version_number")
    def current_version(self, program: Program) -> str:
        version = program.current_version_number
        return f"v{version}" if version else "none published"


@admin.register(Guideline)
class GuidelineAdmin(AllowListAdmin):
    list_display = ["__str__", "program", "status", "version", "published_at"]
    list_filter = ["program", "status"]
    search_fields = ["title", "program__name"]
    actions = ["new_draft_from"]
    change_form_template = "admin/mentorship/guideline/change_form.html"
    readonly_fields = ["status", "version", "published_at", "published_by", "preview"]
    fieldsets = [
        (
            None,
            {"fields": ["program", "title", "status", "version", "published_at", "published_by"]},
        ),
        ("Confidentiality policy", {"fields": ["body"]}),
        (
            "The mentor's role relative to promotion",
            {"fields": ["clarification", "qualification", "expectations"]},
        ),
        ("Worked examples", {"fields": ["acceptable_examples", "breach_examples"]}),
        ("Preview", {"fields": ["preview"]}),
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        # A published version is shown read-only; changing it means starting a new draft.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="Rendered preview")
    def preview(self, guideline: Guideline) -> str:
        if guideline.pk is None:
            return "Save the draft to see the preview."
        sections = [
            ("Confidentiality policy", guideline.body),
            ("Clarification", guideline.clarification),
            ("Qualification", guideline.qualification),
            ("Expectations", guideline.expectations),
        ]
        html = format_html_join(
            "",
            '<section class="guideline-preview"><h3>{}</h3>{}</section>',
            ((title, render_markdown(text)) for title, text in sections),
        )
        examples = format_html(
            "<h3>Acceptable</h3><ul>{}</ul><h3>Breaches</h3><ul>{}</ul>",
            format_html_join(
                "", "<li>{}</li>", ((e,) for e in guideline.acceptable_example_list())
            ),
            format_html_join("", "<li>{}</li>", ((e,) for e in guideline.breach_example_list())),
        )
        return html + examples

    # Publishing is the "Publish this version" button on a draft's page (the change form's
    # `publish_url`), through a confirmation, never a bulk action: the admin reads the version,
    # what changed and who will be asked to re-acknowledge it before anyone is notified. Which
    # pairs that is, agreements knows: agreements/admin.py adds the confirmation page.

    @admin.action(description="Start a new draft from selected version", permissions=["add"])
    def new_draft_from(self, request, queryset):
        for guideline in queryset:
            guideline_new_draft(source=guideline, by=request.user)
        self.message_user(request, f"Created {queryset.count()} new draft(s).")


class MeetingInline(ReadOnlyMixin, admin.TabularInline):
    """Dates and counts only: notes belong to the pair."""

    model = Meeting
    fields = ["held_on", "duration_minutes", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False


PAIR_START_HELP = (
    "Without a start date the pair stays Proposed and its members cannot start their "
    "agreement. With one, a proposed pair becomes Active and both members are told; a date in "
    "the future means meetings are planned from that date."
)


class PairAdminForm(forms.ModelForm):
    class Meta:
        model = Pair
        fields = ["program", "mentor", "mentee", "cadence_days", "status", "started_on", "ended_on"]
        help_texts = {"started_on": PAIR_START_HELP}

    def _post_clean(self):
        super()._post_clean()
        # The people of a pair are read-only on the change form, so the model form leaves out
        # the constraints that name them (one active pair per mentee and per couple). Checked
        # here, a pair that cannot become active is refused beside the form instead of failing
        # in the database after the admin pressed Save.
        if not self.errors:
            try:
                self.instance.validate_constraints()
            except ValidationError as exc:
                self.add_error(None, exc.messages)


@admin.register(Pair)
class PairAdmin(OnboardingImportMixin, ValidAutocompleteMixin, AllowListAdmin):
    resource_classes = [PairResource]
    list_display = [
        "__str__",
        "program",
        "mentor",
        "mentee",
        "status",
        "cadence_days",
        "started_on",
    ]
    list_filter = ["program", "status"]
    search_fields = [
        "mentor__full_name",
        "mentor__username",
        "mentee__full_name",
        "mentee__username",
    ]
    autocomplete_fields = ["mentor", "mentee"]
    list_select_related = ["program", "mentor", "mentee"]
    inlines = [MeetingInline]
    # The pair page is for its two members only; an admin would get a 404 there.
    view_on_site = False
    form = PairAdminForm
    fields = PairAdminForm.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        # The people of a pair never change (Pair.clean/save): other people form a new pair.
        # Picked with the autocomplete on the add form only.
        if obj is not None:
            return [*super().get_readonly_fields(request, obj), "program", "mentor", "mentee"]
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class on every call
        if obj is not None and "status" in form.base_fields:
            # Only the moves Pair.TRANSITIONS allows are offered; Pair.clean() refuses others.
            form.base_fields["status"].choices = [
                (value, label)
                for value, label in Pair.Status.choices
                if Pair.TRANSITIONS.allows(obj.status, value)
            ]
        return form

    def save_model(self, request, obj, form, change):
        # The admin wraps this save in its transaction: the status event and the members'
        # messages stand or fall with the pair.
        pair_save(pair=obj, by=request.user, request=request)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, AllowListAdmin):
    """What happened, to what and by whom; no hash and no address.

    A hash of a low-entropy text is the text: an agreement's canonical text is a template filled
    with names and a handful of yes/no terms, so its SHA-256 in a payload, or an event hash
    computed over that payload, lets a reader try the few combinations and learn the pair's
    terms. The signer's address is signature evidence. `manage.py verify_audit` and
    `export_audit` read the hashes; nobody needs them on a page.
    """

    list_display = ["occurred_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_type", "target_id", "actor__username"]
    list_select_related = ["actor"]
    readonly_fields = ["occurred_at", "actor", "action", "target_type", "target_id", "details"]
    fields = readonly_fields

    def get_queryset(self, request):
        return audit_events_visible_to(request.user).select_related("actor")

    @admin.display(description="Details")
    def details(self, event: AuditEvent) -> str:
        shown = {key: value for key, value in event.payload.items() if not is_hash_key(key)}
        return json.dumps(shown, sort_keys=True) if shown else "—"


@admin.register(SingleSignOnIdentity)
class SingleSignOnIdentityAdmin(AllowListAdmin):
    """Which subject at which identity provider opens which account (mentorship.sso links them
    at a person's first single sign-on login). Nobody adds or edits a link here: a typed subject
    would open the account to whoever holds it at the provider. Deleting one (Django's model
    permission: superusers, unless granted) is how a person whose subject changed at the
    provider gets linked again, by verified email, at their next login."""

    list_display = ["user", "issuer", "linked_at"]
    list_filter = ["issuer"]
    search_fields = ["user__username", "user__email", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "linked_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# Registered by django.contrib.auth and django-axes (imported above so that they are registered
# before this runs): the same allow-list for their changelists.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AllowListAdmin, DjangoGroupAdmin):
    pass


for _model, _django_admin in [
    (axes.admin.AccessAttempt, axes.admin.AccessAttemptAdmin),
    (axes.admin.AccessLog, axes.admin.AccessLogAdmin),
    (axes.admin.AccessFailureLog, axes.admin.AccessFailureLogAdmin),
]:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(
            _model, type(_django_admin.__name__, (AllowListAdmin, _django_admin), {})
        )

# Registered last: its module unregisters the task queue's own admin.
from mentorship import admin_outbox  # noqa: E402, F401
