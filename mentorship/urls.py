from django.contrib import admin
from django.urls import include, path

from mentorship import inbox, reauth, sso, views

mentorship_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("health/", views.health, name="health"),
    path("preferences/", views.preferences, name="preferences"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.inbox_mark_all_read, name="inbox_read_all"),
    path("inbox/<int:notification_id>/open/", inbox.notification_open, name="notification_open"),
    # Named in the "mentorship" namespace (mentorship:program_dashboard); the page counts
    # agreements and reviews too, so its view lives in the app at the top, included by string
    # like the apps' URLs below.
    path("programs/dashboard/", include("promotions.dashboard_urls")),
]

urlpatterns = [
    path("", include((mentorship_patterns, "mentorship"))),
    path("agreements/", include("agreements.urls")),
    path("reviews/", include("promotions.urls")),
    # Before Django's own accounts URLs, so this login page (with single sign-on) wins.
    path("accounts/login/", sso.LoginView.as_view(), name="login"),
    path("accounts/sso/login/", sso.LoginStartView.as_view(), name="sso_login"),
    path("accounts/sso/callback/", sso.CallbackView.as_view(), name="sso_callback"),
    path("accounts/sso/confirm/", reauth.provider_return, name="reauth_return"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
]
