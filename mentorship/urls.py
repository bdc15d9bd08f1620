from django.contrib import admin
from django.urls import include, path

from mentorship import views

mentorship_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("health/", views.health, name="health"),
    path("preferences/", views.preferences, name="preferences"),
    path("programs/dashboard/", views.program_dashboard, name="program_dashboard"),
]

urlpatterns = [
    path("", include((mentorship_patterns, "mentorship"))),
    path("agreements/", include("agreements.urls")),
    path("reviews/", include("promotions.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
]
