"""Admin site: program admins create and staff reviews and configure breach phrases.

Never rendered here, even for superusers: statement text, decline reasons and the supervisor's
assessment. Statements are not in the admin at all: whether a mentor wrote a draft, and what
the mentee decided, are confidential too (a list of statements by state would single out one
review's input), and program admins have nothing to do with them; the program dashboard shows
their states only as figures under disclosure control. Status changes and panel changes go
through services.py, which audit them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from mentorship.admin_base import AllowListAdmin
from mentorship.admin_widgets import ValidAutocompleteMixin
from mentorship.refusals import refusal_text
from promotions.models import BreachPhrase, PanelSeat, PromotionReview
from promotions.services import review_change_status, review_opened, review_panel_changed


class PanelFormSet(forms.BaseInlineFormSet):
    assigned_by = None  # the admin user, set per request by PanelSeatInline.get_formset

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Before validation, so that PanelSeat.clean() can refuse a self-seating beside the row.
        if form.instance.pk is None or "user" in form.changed_data:
            form.instance.added_by = self.assigned_by
        return form

    def clean(self):
        super().clean()
        # The review here carries the status the same form is saving: closing a review and
        # changing its panel in one save would change the panel of a closed review.
        if self.instance.is_closed and self.has_changed():
            raise ValidationError(
                "A closed review's panel cannot change. Save the panel change first, then close "
                "the review."
            )


class PanelSeatInline(ValidAutocompleteMixin, admin.TabularInline):
    model = PanelSeat
    formset = PanelFormSet
    fields = ["user", "added_at"]
    readonly_fields = ["added_at"]
    autocomplete_fields = ["user"]
    extra = 1
    verbose_name = "panel member"
    verbose_name_plural = "Panel (leadership users who read the review)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class on every call
        formset.assigned_by = request.user
        return formset


class PromotionReviewForm(forms.ModelForm):
    assigned_by = None  # the admin user, set per request by PromotionReviewAdmin.get_form

    class Meta:
        model = PromotionReview
        fields = ["program", "candidate", "target_role", "supervisor", "decision_date", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required for every new review; reviews opened before it was asked for may lack it.
        if self.instance.pk is None and "decision_date" in self.fields:
            self.fields["decision_date"].required = True

    def clean(self):
        cleaned = super().clean()
        # Before the model's clean(), which names the separation-of-duties rule beside the field.
        if self.instance.pk is None:
            self.instance.opened_by = self.assigned_by
        if self.instance.pk is None or "supervisor" in self.changed_data:
            self.instance.supervisor_assigned_by = self.assigned_by
        return cleaned

    def clean_status(self):
        status = self.cleaned_data["status"]
        old = self.initial.get("status")
        if self.instance.pk:
            PromotionReview.TRANSITIONS.check(old, status)
        return status


@admin.register(PromotionReview)
class PromotionReviewAdmin(ValidAutocompleteMixin, AllowListAdmin):
    form = PromotionReviewForm
    list_display = [
        "__str__",
        "program",
        "status",
        "decision_date",
        "outcome",
        "supervisor",
        "panel_size",
        "assessment_written_at",
        "created_at",
    ]
    list_filter = ["program", "status"]
    search_fields = [
        "candidate__full_name",
        "candidate__username",
        "target_role",
        "supervisor__full_name",
    ]
    list_select_related = ["program", "candidate", "supervisor"]
    autocomplete_fields = ["candidate", "supervisor"]
    inlines = [PanelSeatInline]
    view_on_site = False
    actions = ["move_to_deciding", "reopen", "close_reviews"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seat_count=Count("seats", distinct=True))

    @admin.display(description="Panel", ordering="seat_count")
    def panel_size(self, review: PromotionReview) -> int:
        return review.seat_count

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["program", "candidate", "target_role", "supervisor", "decision_date"]
        # The outcome, not the panel's note: program admins run the review, the note is the
        # panel's own.
        return [
            "program",
            "candidate",
            "target_role",
            "supervisor",
            "decision_date",
            "status",
            "outcome",
            "outcome_recorded_at",
            "assessment_written_at",
            "created_at",
            "closed_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The candidate and program fix whose mentor may write; they never change afterwards.
        return [
            "program",
            "candidate",
            "outcome",
            "outcome_recorded_at",
            "assessment_written_at",
            "created_at",
            "closed_at",
        ]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_closed:
            return False  # a closed review is frozen, panel included
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class on every call
        form.assigned_by = request.user
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.status = PromotionReview.Status.OPEN
            super().save_model(request, obj, form, change)
            review_opened(review=obj, by=request.user, request=request)
            return
        new_status = obj.status
        obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if new_status != obj.status:
            updated = review_change_status(
                review_id=obj.pk, status=new_status, by=request.user, request=request
            )
            obj.status, obj.closed_at = updated.status, updated.closed_at

    def save_related(self, request, form, formsets, change):
        review = form.instance
        before = set(PanelSeat.objects.filter(review=review).values_list("user_id", flat=True))
        super().save_related(request, form, formsets, change)
        after = set(PanelSeat.objects.filter(review=review).values_list("user_id", flat=True))
        review_panel_changed(
            review=review,
            by=request.user,
            added=after - before,
            removed=before - after,
            request=request,
        )

    def _change_status(self, request, queryset, status: str) -> None:
        changed = 0
        for review in queryset.order_by("pk"):
            try:
                review_change_status(
                    review_id=review.pk, status=status, by=request.user, request=request
                )
            except ValidationError as exc:
                self.message_user(request, f"{review}: {refusal_text(exc)}", messages.ERROR)
            else:
                changed += review.status != status
        if changed:
            label = PromotionReview.Status(status).label.lower()
            self.message_user(request, f"{changed} review(s) now {label}.")

    @admin.action(description="Move selected reviews to deciding", permissions=["change"])
    def move_to_deciding(self, request, queryset):
        self._change_status(request, queryset, PromotionReview.Status.DECIDING)

    @admin.action(description="Reopen selected reviews for input", permissions=["change"])
    def reopen(self, request, queryset):
        self._change_status(request, queryset, PromotionReview.Status.OPEN)

    @admin.action(
        description="Close selected reviews (freezes their statements)", permissions=["change"]
    )
    def close_reviews(self, request, queryset):
        self._change_status(request, queryset, PromotionReview.Status.CLOSED)


@admin.register(BreachPhrase)
class BreachPhraseAdmin(AllowListAdmin):
    list_display = ["phrase", "program", "explanation"]
    list_filter = ["program"]
    search_fields = ["phrase", "explanation"]
    fields = ["program", "phrase", "explanation"]
