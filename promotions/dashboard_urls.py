"""The program dashboard's URL, included by the root URLconf inside the "mentorship" namespace
(`mentorship:program_dashboard`, at /programs/dashboard/)."""

from django.urls import path

from promotions import views

urlpatterns = [
    path("", views.program_dashboard, name="program_dashboard"),
]
