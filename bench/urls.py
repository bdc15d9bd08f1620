"""The site's URLs plus the bench's reference pages, all through the same middleware:
/bench/baseline/ (a trivial page), /bench/layout/ (an empty page in the site's layout) and
/bench/cached-dashboard/ (the mentor dashboard as a per-person page cache would serve it)."""

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from mentorship.urls import urlpatterns as site_urlpatterns
from mentorship.views import dashboard


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


urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("bench/layout/", layout, name="bench-layout"),
    path("bench/cached-dashboard/", cached_dashboard, name="bench-cached-dashboard"),
    *site_urlpatterns,
]
