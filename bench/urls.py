"""The site's URLs plus /bench/baseline/: a trivial page through the same middleware."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from mentorship.urls import urlpatterns as site_urlpatterns


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


urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("bench/layout/", layout, name="bench-layout"),
    *site_urlpatterns,
]
