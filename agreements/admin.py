"""Admin for program admins: questionnaires are editable; agreements are read-only states.

Never here: answers, comments, the agreement text, exceptions or reasons. Program admins see
states, dates, the guideline version and who signed when.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from agreements.models import Agreement, GuidelineAcknowledgement, Question, Signature
from agreements.services import (
    agreements_to_review,
    guideline_publication,
    guideline_publish_confirmed,
)
from mentorship.admin import GuidelineAdmin
from mentorship.admin_base import AllowListAdmin, ReadOnlyMixin
from mentorship.models import Guideline, Pair
from mentorship.permissions import can_publish_guideline


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


class AcknowledgementInline(ReadOnlyMixin, admin.TabularInline):
    """Which newer guideline versions each member confirmed changes nothing about the terms:
    once both have, the agreement counts as made under that version. Like signatures, shown
    without the address, browser or text hash the record keeps as evidence."""

    model = GuidelineAcknowledgement
    verbose_name = "guideline acknowledgement"
    fields = ["member", "role", "guideline_version", "acknowledged_at", "reauth_method"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "guideline")

    @admin.display(description="Guideline version")
    def guideline_version(self, acknowledgement: GuidelineAcknowledgement) -> str:
        return f"v{acknowledgement.guideline.version}"


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
    inlines = [SignatureInline, AcknowledgementInline]

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


# --- Publishing a guideline version ------------------------------------------------------------


class GuidelinePublishingAdmin(GuidelineAdmin):
    """mentorship's guideline admin with its "Publish this version" button and confirmation.

    Added here because what publishing does to the pairs (whose agreements must be reviewed and
    re-acknowledged, which proposals can no longer be signed) and what changed since the version
    in force are this app's to tell (agreements/services.py, agreements/guideline_diff.py)."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="{}_{}_publish".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        guideline = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if can_publish_guideline(request.user, guideline):
            extra_context["publish_url"] = reverse(
                "admin:mentorship_guideline_publish", args=[guideline.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def publish_view(self, request, object_id):
        """The draft rendered, what changed from the version in force and how many pairs will
        be asked to re-acknowledge it; a POST of the confirmation publishes it."""
        guideline = self.get_object(request, unquote(object_id))
        if guideline is None:
            raise Http404("No such guideline version.")
        if not self.has_view_permission(request, guideline):
            raise PermissionDenied
        change_url = reverse("admin:mentorship_guideline_change", args=[guideline.pk])
        if guideline.is_published:
            self.message_user(
                request,
                f"Version {guideline.version} is already published; nothing was changed.",
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        if not can_publish_guideline(request.user, guideline):
            raise PermissionDenied
        if request.method == "POST":
            return self._publish(request, guideline, change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Publish {guideline}?",
            "opts": self.opts,
            "original": guideline,
            "publication": guideline_publication(guideline),
            "preview": self.preview(guideline),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/mentorship/guideline/publish.html", context)

    def _publish(self, request, guideline, change_url: str):
        try:
            replacing = int(request.POST.get("replacing_version", ""))
        except ValueError:
            replacing = -1  # no version: refused as a stale confirmation
        try:
            published = guideline_publish_confirmed(
                guideline_id=guideline.pk,
                by=request.user,
                replacing_version=replacing,
                fingerprint=request.POST.get("fingerprint", ""),
                request=request,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            guideline.refresh_from_db()
            # Back to the confirmation, which now shows what is in force; or, once published
            # (by someone else), to the version's page.
            return HttpResponseRedirect(change_url if guideline.is_published else request.path)
        self.log_change(request, published, [{"changed": {"fields": ["status", "version"]}}])
        pairs = agreements_to_review(published).count()
        self.message_user(
            request,
            f"Published version {published.version}. {pairs} active "
            f"pair{'s were' if pairs != 1 else ' was'} asked to review it and re-acknowledge "
            "their agreement.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)


admin.site.unregister(Guideline)
admin.site.register(Guideline, GuidelinePublishingAdmin)
