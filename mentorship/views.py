"""Participant pages: the "My mentoring" dashboard, the pair page and the user's preferences;
the health check and the favicon."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.templatetags.static import static
from django.utils.dates import MONTHS
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from mentorship.access import pair_for
from mentorship.forms import EmailPreferencesForm, MeetingForm, PreferencesForm
from mentorship.models import Meeting, User
from mentorship.permissions import can_log_meeting
from mentorship.selectors import (
    MENTEE,
    MENTOR,
    Viewer,
    attention_for,
    dashboard_sections,
    page_of,
    pair_engagement,
    pair_list_page,
    pair_start_notice,
)
from mentorship.services import meeting_record
from mentorship.statements import Prepared

MEETINGS_PER_PAGE = 20
DASHBOARD_LIST_SIZE = 20


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    # Every list here grows with the user's history, so each is paged (no COUNT queries). The
    # viewer's roles and active pairs are read once, for every part of the page that asks.
    viewer = Viewer(request.user)
    return render(
        request,
        "mentorship/dashboard.html",
        {
            "as_mentor": pair_list_page(request, viewer, MENTOR, per_page=DASHBOARD_LIST_SIZE),
            "as_mentee": pair_list_page(request, viewer, MENTEE, per_page=DASHBOARD_LIST_SIZE),
            "attention": page_of(
                request, attention_for(viewer), per_page=DASHBOARD_LIST_SIZE, param="attention"
            ),
            # Each role's own lists, paged by its provider, asked only of those who hold it.
            "sections": dashboard_sections(request, viewer),
            "nav": "mentoring",
        },
    )


def meeting_log_html(rows) -> SafeString:
    """(held_on, status, duration_minutes, notes) tuples as the log's list items, written once
    here: the template loop's nodes per row cost more than the rows' own work. The same markup
    the loop wrote ("j F Y" dates, the status's label, a held meeting's minutes, the notes
    escaped with line breaks as <br>)."""
    labels = dict(Meeting.Status.choices)
    held = Meeting.Status.HELD
    items = []
    for held_on, status, minutes, notes in rows:
        # date_format(held_on, "j F Y") without its per-call format lookup.
        date = f"{held_on.day} {MONTHS[held_on.month]} {held_on.year:04d}"
        line = f"<strong>{escape(date)}</strong> · {escape(labels.get(status, status))}"
        if status == held and minutes is not None:
            line += f" · {minutes} min"
        if notes:
            line += f'\n<p class="mb-0 mt-1 small">{linebreaksbr(notes, autoescape=True)}</p>'
        items.append(f'<li class="list-group-item">\n{line}\n</li>')
    return mark_safe("\n".join(items))  # noqa: S308  # nosec B308 B703: every part escaped above


def _meeting_log(user, pair: int):
    """The pair's meetings as `user` may see them, in the log's order, with what it shows."""
    return (
        Meeting.objects.visible_to(user)
        .filter(pair_id=pair)
        .order_by(*Meeting._meta.ordering, "pk")
        .values_list("held_on", "status", "duration_minutes", "notes")
    )


# The log's first page (the one nearly every visit shows, and its look-ahead row): compiled
# once per process, run with the viewer's and the pair's ids. Later pages are sliced as usual.
_FIRST_MEETINGS = Prepared(
    Meeting,
    lambda viewer, pair: _meeting_log(User(pk=viewer), pair)[: MEETINGS_PER_PAGE + 1],
    "viewer",
    "pair",
)


class _MeetingLog:
    """The meeting log for page_of: the first page from _FIRST_MEETINGS, any other sliced from
    the same scoped queryset."""

    def __init__(self, user, pair: int):
        self.user, self.pair = user, pair

    def __getitem__(self, page: slice):
        if page.start == 0 and page.stop == MEETINGS_PER_PAGE + 1 and self.user.is_authenticated:
            return _FIRST_MEETINGS.rows(viewer=self.user.pk, pair=self.pair)
        return _meeting_log(self.user, self.pair)[page]


@sensitive_post_parameters("notes")
@login_required
@require_http_methods(["GET", "POST"])
def pair_detail(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = pair_for(request, pair_id)
    may_log = can_log_meeting(request.user, pair)
    # Before a future start date every date would be refused: no form yet.
    shows_form = may_log and pair.has_started
    form = MeetingForm() if shows_form else None
    if request.method == "POST":
        if not may_log:
            raise PermissionDenied
        # The pair on the instance lets the model's rules (dates within the pair's time) speak
        # as form errors beside the fields.
        form = MeetingForm(request.POST, instance=Meeting(pair=pair))
        if form.is_valid():
            meeting_record(pair=pair, by=request.user, **form.cleaned_data)
            messages.success(request, "The meeting was added to your log.")
            return redirect(pair.get_absolute_url() + "#meetings")
        messages.error(request, "The meeting was not saved. Please correct the fields below.")
    meetings = page_of(
        request,
        _MeetingLog(request.user, pair.pk),
        per_page=MEETINGS_PER_PAGE,
        param="meetings",
        anchor="#meetings",
    )
    meeting_log = meeting_log_html(meetings.items)
    return render(
        request,
        "mentorship/pair_detail.html",
        {
            "pair": pair,
            "role": pair.role_of(request.user),
            "other": pair.other_member(request.user),
            # Also the agreement card's current guideline (agreement_summary), read once.
            "guideline": pair.program.current_guideline(),
            "meetings": meetings,
            "meeting_log": meeting_log,
            "engagement": pair_engagement(pair),
            "start_notice": pair_start_notice(pair),
            "form": form if shows_form else None,
            "meeting_fields": form.shown() if shows_form else None,
            "nav": "mentoring",
        },
    )


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the hashed static name is only known once collectstatic has run.
    return redirect(static("favicon.svg"), permanent=True)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The user's own settings: the time zone every date is shown in, and how emails come.

    Each section is its own form, told apart by the `section` field it posts, so saving one
    never touches the other.
    """
    posted = request.POST if request.method == "POST" else None
    section = posted.get("section") if posted else None
    form = PreferencesForm(
        posted if section != "emails" else None,
        instance=request.user,
        site_zone=settings.TIME_ZONE,
    )
    email_form = EmailPreferencesForm(
        posted if section == "emails" else None, instance=request.user
    )
    if posted is not None:
        bound = email_form if section == "emails" else form
        if bound.is_valid():
            bound.save()
            if bound is email_form:
                choice = bound.instance.get_email_frequency_display().lower()
                messages.success(request, f"Saved. Emails: {choice}.")
            else:
                zone = (
                    form.cleaned_data["time_zone"] or f"the site's time zone ({settings.TIME_ZONE})"
                )
                messages.success(request, f"Saved. Dates and times are now shown in {zone}.")
            return redirect("mentorship:preferences")
        messages.error(request, "Your preferences were not saved. Please correct the field below.")
    return render(
        request,
        "mentorship/preferences.html",
        {"form": form, "email_form": email_form, "nav": "preferences"},
    )
