"""What every page's navigation asks about the signed-in user."""

from __future__ import annotations

from django.http import HttpRequest

from mentorship.permissions import can_view_program_dashboard


def navigation(request: HttpRequest) -> dict:
    # A callable, so the question is asked only by a page whose template shows the link; the
    # predicate keeps its answer on the user for the rest of the request.
    return {"may_view_program_dashboard": lambda: can_view_program_dashboard(request.user)}
