"""Forms for participants. They check the shape of input; rules live in services."""

from __future__ import annotations

from zoneinfo import available_timezones

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from mentorship.models import Meeting, User


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
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Add to the log"))

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("A meeting cannot be logged for a future date.")
        return held_on


class PreferencesForm(forms.ModelForm):
    """The user's own settings: the time zone dates are shown in."""

    class Meta:
        model = User
        fields = ["time_zone"]
        labels = {"time_zone": "Time zone"}
        help_texts = {"time_zone": "Dates and times on every page are shown in this time zone."}

    def __init__(self, *args, site_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        zones = sorted(z for z in available_timezones() if "/" in z or z == "UTC")
        self.fields["time_zone"] = forms.ChoiceField(
            label="Time zone",
            required=False,
            choices=[("", f"The site's time zone ({site_zone})"), *((z, z) for z in zones)],
            help_text=self.Meta.help_texts["time_zone"],
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save preferences"))
