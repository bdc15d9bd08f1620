from django.urls import path

from promotions import views

app_name = "promotions"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:review_id>/", views.review_panel, name="review"),
    path("<int:review_id>/outcome/", views.review_outcome, name="review_outcome"),
    path("<int:review_id>/assessment/", views.assessment, name="assessment"),
    path("<int:review_id>/input/", views.mentor_input, name="input"),
    path("<int:review_id>/input/new/<str:kind>/", views.statement_new, name="statement_new"),
    path("<int:review_id>/consent/", views.consent_page, name="consent"),
    path("<int:review_id>/consent/opt-out/", views.consent_opt_out_view, name="consent_opt_out"),
    path("statements/<int:statement_id>/edit/", views.statement_edit_view, name="statement_edit"),
    path(
        "statements/<int:statement_id>/delete/",
        views.statement_delete_view,
        name="statement_delete",
    ),
    path(
        "statements/<int:statement_id>/submit/",
        views.statement_submit_view,
        name="statement_submit",
    ),
    path(
        "statements/<int:statement_id>/consent/",
        views.statement_consent_view,
        name="statement_consent",
    ),
    path(
        "statements/<int:statement_id>/decline/",
        views.statement_decline_view,
        name="statement_decline",
    ),
    path(
        "statements/<int:statement_id>/withdraw/",
        views.statement_withdraw_view,
        name="statement_withdraw",
    ),
]
