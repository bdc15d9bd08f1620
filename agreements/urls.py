from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.index, name="index"),
    path("pairs/<int:pair_id>/", views.pair_page, name="pair"),
    path("pairs/<int:pair_id>/questionnaire/", views.questionnaire, name="questionnaire"),
    path("pairs/<int:pair_id>/compare/", views.compare, name="compare"),
    path("pairs/<int:pair_id>/terms/", views.terms, name="terms"),
    path("pairs/<int:pair_id>/history/", views.history, name="history"),
    path("programs/<int:program_id>/guideline/", views.guideline, name="guideline"),
    path("<int:agreement_id>/", views.detail, name="detail"),
    path("<int:agreement_id>/sign/", views.sign, name="sign"),
    path("<int:agreement_id>/end/", views.end, name="end"),
    path("<int:agreement_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:agreement_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:agreement_id>/print/", views.print_view, name="print"),
    path("<int:agreement_id>/verify/", views.verify, name="verify"),
]
