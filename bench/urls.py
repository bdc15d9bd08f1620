"""The site's URLs plus the bench's reference pages, all through the same middleware:
/bench/baseline/ (a trivial page), /bench/layout/ (an empty page in the site's layout),
/bench/cached-dashboard/ (the mentor dashboard as a per-person page cache would serve it) and
/bench/panel-writes/<review>/ (only the records the panel page must write on every request)."""

from functools import cache

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from mentorship.urls import urlpatterns as site_urlpatterns
from mentorship.views import dashboard
from promotions.models import PromotionReview, Statement
from promotions.services import statements_record_shown


@login_required
def baseline(request):
    """What any signed-in page costs before its own work: every middleware, the session and the
    user, and a trivial template. The load bench divides every page's rate by this one's."""
    return render(request, "bench/baseline.html")


@login_required
def layout(request):
    """The site's layout (navigation, footer, static files) around one line of content: what
    every real page pays before its own queries. Measured beside the pages, not a baseline."""
    return render(request, "bench/layout.html")


@login_required
def cached_dashboard(request):
    """The best case of a per-person page cache, which the app does not have (a product
    decision: docs/performance.md, "Follow-ups"): one read of a data version that every write
    would change, one read of this person's page stored under it, both from a DatabaseCache
    as every instance would share. What such a cache would cost on a hit, measured, not built:
    no write ever changes this version, and nothing here is safe to serve."""
    cache = caches["program_dashboard"]
    version = cache.get("bench:data-version", 0)
    key = f"bench:page:{version}:{request.user.pk}:{request.get_full_path()}"
    body = cache.get(key)
    if body is None:
        body = dashboard(request).content
        cache.set(key, body, 300)
    return HttpResponse(body)


@cache
def _shown(user_id: int, review_id: int) -> tuple[PromotionReview, list[Statement]]:
    """What the panel page shows this member, read once per process (bench only)."""
    review = PromotionReview.objects.get(pk=review_id)
    statements = Statement.objects.filter(
        pk__in=Statement.objects.for_panel(review).values("pk")
    ).order_by("consented_at", "pk")
    return review, list(statements)


@login_required
def panel_writes(request, review_id: int):
    """The floor of the leadership review page: the domain requires a showing per shared
    statement and an audit event on every request (docs/domain.md); this writes exactly those,
    for the statements the page would show, and renders the trivial template. No permission
    check: a bench measurement of the writes, never served by the app."""
    review, statements = _shown(request.user.pk, review_id)
    statements_record_shown(
        review=review, viewer=request.user, statements=statements, request=request
    )
    return render(request, "bench/baseline.html")


urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("bench/layout/", layout, name="bench-layout"),
    path("bench/cached-dashboard/", cached_dashboard, name="bench-cached-dashboard"),
    path("bench/panel-writes/<int:review_id>/", panel_writes, name="bench-panel-writes"),
    *site_urlpatterns,
]
