"""Forms for participants. They check the shape of input; rules live in services."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from mentorship.models import Meeting, User


def shown_fields(form: forms.BaseForm, initial: dict | None = None) -> dict:
    """For a form written out by hand in its template: each field's value as typed (`initial`
    before anything was posted) and its errors, {name: {"value": str, "errors": [...]}}."""
    if form.is_bound:
        values = {name: form.data.get(name, "") for name in form.fields}
        errors = form.errors
    else:
        values, errors = initial or {}, {}
    return {
        name: {"value": values.get(name, ""), "errors": errors.get(name, [])}
        for name in form.fields
    }


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "duration_minutes", "status", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].min_value = 0
        self.fields["duration_minutes"].max_value = 24 * 60
        self.fields["duration_minutes"].widget.attrs.update(min=0, max=24 * 60)
        self.fields["held_on"].initial = timezone.localdate

    def shown(self) -> dict:
        """What the pair page's hand-written form shows (see shown_fields), with the status
        choices. (Rendering the fields through crispy cost about a sixth of the pair page.)"""
        fields = shown_fields(
            self, {"held_on": timezone.localdate().isoformat(), "status": Meeting.Status.HELD}
        )
        fields["status"]["choices"] = [
            (value, label, value == fields["status"]["value"])
            for value, label in Meeting.Status.choices
        ]
        return fields

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("A meeting cannot be logged for a future date.")
        return held_on


# The IANA areas a person lives in, in the order the list shows them. Zones outside them are
# aliases kept for old software (US/Eastern, Etc/GMT+5, ...): each names a place listed here.
REGIONS = {
    "Africa": "Africa",
    "America": "Americas",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
    "Asia": "Asia",
    "Atlantic": "Atlantic Ocean",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific Ocean",
}


def _place(name: str) -> str:
    return name.replace("_", " ").replace("/", " / ")


@cache
def time_zone_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The zones people pick from, one group per region, each sorted by the place's name, so
    that typing "Ber" in the list finds Berlin. (Read once: it scans the zone database.)"""
    places: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for zone in available_timezones():
        region, _, name = zone.partition("/")
        if region in places and name:
            places[region].append((zone, _place(name)))
    return tuple(
        (REGIONS[region], tuple(sorted(zones, key=lambda zone: (zone[1].casefold(), zone[0]))))
        for region, zones in places.items()
        if zones
    )


class PreferencesForm(forms.ModelForm):
    """The user's own settings: the time zone dates are shown in.

    Each setting is one field of this form and one section of preferences.html, so another
    setting is added beside it without touching this one.
    """

    class Meta:
        model = User
        fields = ["time_zone"]
        labels = {"time_zone": "Time zone"}
        help_texts = {
            "time_zone": "Dates and times on every page are shown in this time zone. Places are "
            "grouped by region: type the first letters of a city to find it."
        }

    def __init__(self, *args, site_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        choices: list = [("", f"The site's time zone ({site_zone})"), ("UTC", "UTC")]
        choices += [(region, list(zones)) for region, zones in time_zone_groups()]
        current = self.instance.time_zone
        listed = {zone for _region, zones in time_zone_groups() for zone, _place in zones}
        if current and current != "UTC" and current not in listed:
            # An alias saved before this list existed (US/Eastern): kept, and still shown.
            choices.append(("Other", [(current, current)]))
        self.fields["time_zone"] = forms.ChoiceField(
            label="Time zone",
            required=False,
            choices=choices,
            help_text=self.Meta.help_texts["time_zone"],
            error_messages={
                "invalid_choice": "“%(value)s” is not a time zone we know. Choose one from the "
                "list, or the site's time zone."
            },
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save preferences"))


class EmailPreferencesForm(forms.ModelForm):
    """How the user's notifications reach them by email; every one is in the inbox anyway."""

    class Meta:
        model = User
        fields = ["email_frequency"]
        widgets = {"email_frequency": forms.RadioSelect}
        labels = {"email_frequency": "Emails"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save_emails", "Save email preferences"))
