"""The program dashboard's URLs, included by the root URLconf inside the "mentorship" namespace
(`mentorship:program_dashboard`, at /programs/dashboard/), with the list behind each of its
operational figures, their CSV exports and reminders (`mentorship:program_list_<list>`,
`..._csv`, `..._remind`)."""

from django.urls import path

from promotions import program_list_views, views
from promotions.program_lists import LISTS

urlpatterns = [
    path("", views.program_dashboard, name="program_dashboard"),
]
for _key, _list in LISTS.items():
    _name = _list.url_name
    urlpatterns += [
        path(
            f"<int:program_id>/{_key}/",
            program_list_views.program_list,
            {"which": _key},
            name=_name,
        ),
        path(
            f"<int:program_id>/{_key}.csv",
            program_list_views.program_list_csv,
            {"which": _key},
            name=f"{_name}_csv",
        ),
        path(
            f"<int:program_id>/{_key}/remind/",
            program_list_views.program_list_remind,
            {"which": _key},
            name=f"{_name}_remind",
        ),
    ]
