"""The pages behind the program dashboard's operational figures (promotions/program_lists.py):
one list per figure, its CSV export and its "remind them" button. For program admins only,
about the programs they manage; everyone else gets the dashboard's 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from mentorship.access import get_visible_or_404
from mentorship.models import Program
from mentorship.permissions import can_view_program_dashboard, programs_managed_by
from mentorship.selectors import page_of
from promotions.program_lists import LISTS, PER_PAGE, PairList, csv_filename, csv_lines


def _program_and_list(
    request: HttpRequest, program_id: int, which: str
) -> tuple[Program, PairList]:
    if not can_view_program_dashboard(request.user):
        raise Http404("No page here.")
    program = get_visible_or_404(request, programs_managed_by(request.user), pk=program_id)
    return program, LISTS[which]


@login_required
@require_GET
def program_list(request: HttpRequest, program_id: int, which: str) -> HttpResponse:
    program, pair_list = _program_and_list(request, program_id, which)
    today = timezone.localdate()
    page = page_of(request, pair_list.pairs(program, today), per_page=PER_PAGE)
    return render(
        request,
        "promotions/program_list.html",
        {
            "nav": "program_dashboard",
            "program": program,
            "pair_list": pair_list,
            "page": page,
            "rows": list(pair_list.rows(page.items, today)),
            "csv_url": reverse(f"mentorship:{pair_list.url_name}_csv", args=[program.pk]),
            "remind_url": reverse(f"mentorship:{pair_list.url_name}_remind", args=[program.pk]),
        },
    )


@login_required
@require_GET
def program_list_csv(request: HttpRequest, program_id: int, which: str) -> HttpResponse:
    program, pair_list = _program_and_list(request, program_id, which)
    today = timezone.localdate()
    # Built whole (read in one query, in chunks): a list is at most the program's active pairs.
    response = HttpResponse(
        "".join(csv_lines(pair_list, program, today)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, csv_filename(pair_list, program, today)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def program_list_remind(request: HttpRequest, program_id: int, which: str) -> HttpResponse:
    program, pair_list = _program_and_list(request, program_id, which)
    reminded = pair_list.remind(program, timezone.now())
    messages.success(request, reminded.message)
    return redirect(f"mentorship:{pair_list.url_name}", program_id=program.pk)
