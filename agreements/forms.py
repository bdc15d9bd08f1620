"""Forms for the pair. They check the shape of input; the rules live in services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from agreements.models import Agreement, Answer, Question
from agreements.services import COMMENT_NEEDS_ANSWER, OPEN_QUESTION, terms_problems
from mentorship.forms import shown_fields


class QuestionnaireForm(forms.Form):
    """One radio group and one optional comment per statement. Blank answers are allowed
    while saving a draft; the submit service insists on all of them."""

    def __init__(self, *args, questions: list[Question], answers: dict[int, Answer], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            existing = answers.get(question.pk)
            self.fields[f"q_{question.pk}"] = forms.ChoiceField(
                label=question.text,
                choices=Answer.Value.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=existing.value if existing else None,
            )
            self.fields[f"c_{question.pk}"] = forms.CharField(
                label="Comment (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.comment if existing else "",
            )

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            # A comment is kept with its answer; without one it would be dropped unseen.
            if cleaned.get(f"c_{question.pk}") and not cleaned.get(f"q_{question.pk}"):
                self.add_error(f"q_{question.pk}", COMMENT_NEEDS_ANSWER)
        return cleaned

    def mark_open(self, question_ids: list[int]) -> None:
        """Mark the statements the submit found unanswered, each beside itself (a checked form)."""
        for question_id in question_ids:
            if f"q_{question_id}" in self.fields:
                self.add_error(f"q_{question_id}", OPEN_QUESTION)

    def rows(self):
        """(question, answer field, comment field) for the template."""
        return [(q, self[f"q_{q.pk}"], self[f"c_{q.pk}"]) for q in self.questions]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            q.pk: (self.cleaned_data[f"q_{q.pk}"], self.cleaned_data[f"c_{q.pk}"])
            for q in self.questions
        }


class TermsForm(forms.Form):
    confidentiality_scope = forms.ChoiceField(
        label="Confidentiality",
        choices=Agreement.Scope.choices,
        widget=forms.RadioSelect,
    )
    allows_promotion_participation = forms.BooleanField(
        label="The mentor may take part in promotion discussions about the mentee (as an "
        "advocate, never as a performance review)",
        required=False,
    )
    allows_advocacy = forms.BooleanField(
        label="Advocacy statements are allowed (growth and readiness seen as mentor)",
        required=False,
    )
    allows_engagement = forms.BooleanField(
        label="Engagement statements are allowed (facts about our mentoring relationship only)",
        required=False,
    )
    exceptions = forms.CharField(
        label="Exceptions to the guideline we agreed (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the two of you see this. Leave empty if you agreed none.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("propose", "Propose these terms"))

    def clean(self):
        cleaned = super().clean()
        if "confidentiality_scope" in cleaned:
            for name, message in terms_problems(
                confidentiality_scope=cleaned["confidentiality_scope"],
                promotion=cleaned.get("allows_promotion_participation", False),
                advocacy=cleaned.get("allows_advocacy", False),
                engagement=cleaned.get("allows_engagement", False),
            ).items():
                self.add_error(name, message)
        return cleaned


class SignForm(forms.Form):
    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    acknowledge = forms.BooleanField(
        label="I have reviewed the guideline version named in the text and agree to these terms.",
    )
    typed_name = forms.CharField(
        label="Type your full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label="Your password (to confirm it is you)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, with_password: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_password:
            # Presence is proved at the company identity provider instead (mentorship.reauth).
            del self.fields["password"]
        self.with_password = with_password

    def shown(self) -> dict:
        """For agreements/_sign_form.html: each field as typed (or its initial value) and its
        errors; the password, when there is one, never comes back."""
        fields = shown_fields(self, self.initial)
        if "password" in fields:
            fields["password"]["value"] = ""
        fields["submit"] = (
            "Sign this agreement" if self.with_password else "Confirm it is you and sign"
        )
        return fields


class AcknowledgeForm(forms.Form):
    """One member's "I have read version N; our terms stay as they are", confirmed with the
    password as signing is."""

    guideline_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm = forms.BooleanField(label="")
    password = forms.CharField(
        label="Your password (to confirm it is you)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, version: int, with_password: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_password:
            del self.fields["password"]
        self.fields[
            "confirm"
        ].label = f"I have read guideline version {version}; our terms stay as they are."
        self.version = version

    def shown(self) -> dict:
        """For agreements/_acknowledge_form.html, as SignForm.shown(), with the box's label."""
        fields = shown_fields(self, self.initial)
        if "password" in fields:
            fields["password"]["value"] = ""
        fields["confirm"]["label"] = self.fields["confirm"].label
        fields["submit"] = f"Acknowledge version {self.version}"
        return fields


class GuidelineVersionsForm(forms.Form):
    """The two published versions to compare (query parameters, so the page can be linked)."""

    def __init__(self, *args, versions: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v, f"Version {v}") for v in versions]
        self.fields["from"] = forms.TypedChoiceField(label="From", choices=choices, coerce=int)
        self.fields["to"] = forms.TypedChoiceField(label="To", choices=choices, coerce=int)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from") is not None and cleaned.get("from") == cleaned.get("to"):
            self.add_error("to", "Choose two different versions to compare.")
        return cleaned


class EndForm(forms.Form):
    reason = forms.CharField(
        label="Why are you ending this agreement?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only your partner sees the reason.",
    )

    def shown(self) -> dict:
        """The reason as typed and its errors, for the form written out in
        agreements/_end_form.html (crispy cost about a tenth of the agreement page)."""
        return shown_fields(self)
