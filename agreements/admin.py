"""Admin for program admins: questionnaires are editable; agreements are read-only states.

Never here: answers, comments, the agreement text, exceptions or reasons. Program admins see
states, dates, the guideline version and who signed when.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from agreements.models import Agreement, Question, Signature
from mentorship.admin_base import AllowListAdmin, ReadOnlyMixin
from mentorship.models import Pair


class QuestionListForm(forms.ModelForm):
    """The list's editable cells, each named after its statement for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text = self.instance.text
        self.fields["order"].widget.attrs["aria-label"] = f"Order of “{text}”"
        self.fields["is_active"].widget.attrs["aria-label"] = f"Ask “{text}”"


@admin.register(Question)
class QuestionAdmin(AllowListAdmin):
    list_display = ["text", "program", "order", "guideline_answer", "maps_to_term", "is_active"]
    list_display_links = ["text"]
    list_editable = ["order", "is_active"]
    list_filter = ["program", "is_active"]
    search_fields = ["text", "program__name"]
    list_select_related = ["program"]
    fields = [
        "program",
        "order",
        "text",
        "guideline_answer",
        "guideline_note",
        "maps_to_term",
        "is_active",
    ]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=QuestionListForm, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Once a pair could have answered it, rewording would change what an answer means: add
        # a new statement and stop asking this one instead. "Could have", not "did": whether
        # anyone answered, even in a draft, is confidential, and a form that locked itself the
        # moment a pair saved a draft answer told the admin so.
        if obj is not None and Pair.objects.filter(program_id=obj.program_id).exists():
            return ["program", "text", "guideline_answer"]
        return []


class SignatureInline(ReadOnlyMixin, admin.TabularInline):
    model = Signature
    fields = ["signer", "role", "signed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("signer")


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyMixin, AllowListAdmin):
    list_display = [
        "__str__",
        "pair",
        "status",
        "guideline_version",
        "proposed_at",
        "activated_at",
        "closed_at",
        "signed_by",
    ]
    list_filter = ["status", "pair__program"]
    search_fields = ["pair__mentor__full_name", "pair__mentee__full_name"]
    list_select_related = ["pair__mentor", "pair__mentee", "pair__program", "guideline"]
    fields = ["pair", "status", "guideline_version", "proposed_at", "activated_at", "closed_at"]
    readonly_fields = fields
    inlines = [SignatureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("signatures__signer")

    @admin.display(description="Guideline version")
    def guideline_version(self, agreement: Agreement) -> str:
        return f"v{agreement.guideline.version}" if agreement.guideline else "—"

    @admin.display(description="Signed by")
    def signed_by(self, agreement: Agreement) -> str:
        signatures = agreement.signatures.all()
        return (
            ", ".join(f"{s.signer} ({s.signed_at:%Y-%m-%d %H:%M})" for s in signatures) or "nobody"
        )


@admin.register(Signature)
class SignatureAdmin(ReadOnlyMixin, AllowListAdmin):
    list_display = ["__str__", "agreement", "signer", "role", "signed_at"]
    list_filter = ["role"]
    list_select_related = ["agreement", "signer"]
    fields = ["agreement", "signer", "role", "signed_at"]
    readonly_fields = fields
