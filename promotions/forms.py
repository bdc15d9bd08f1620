"""Forms for reviews and statements. They check the shape of input; rules live in services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from promotions.models import PromotionReview, Statement

TEXT_MAX = 4000


class SecondarySubmit(Submit):
    field_classes = "btn btn-outline-primary"


class StatementForm(forms.Form):
    """The mentor's text; for engagement statements, plus facts from the meeting log."""

    text = forms.CharField(
        label="Your statement",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    facts = forms.MultipleChoiceField(
        label="Facts your meeting log supports (ticked sentences are added to your statement)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    send_with_caution = forms.BooleanField(
        label=(
            "Send it with the caution: I have read why the breach guard cautions this text, "
            "and the mentee will be told why before they decide"
        ),
        required=False,
    )
    # The SHA-256 of the text the page showed with the caution: confirming covers that text
    # only, so a changed text is cautioned (and confirmed) again.
    caution_seen = forms.RegexField(
        regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args,
        kind: str,
        suggestions: list[str] | None = None,
        may_ask: bool = True,
        caution_sha256: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        # The confirmation is offered only beside a caution the page shows, for its text.
        if caution_sha256 and may_ask:
            self.fields["caution_seen"].initial = caution_sha256
        elif not self.is_bound or not self.data.get("caution_seen"):
            del self.fields["send_with_caution"]
            del self.fields["caution_seen"]
        if kind == Statement.Kind.ENGAGEMENT and suggestions:
            self.fields["facts"].choices = [(s, s) for s in suggestions]
        else:
            del self.fields["facts"]
        if kind == Statement.Kind.ADVOCACY:
            self.fields["text"].help_text = (
                "Growth and readiness you saw as their mentor. Not a performance review: that "
                "is the supervisor's role."
            )
        else:
            self.fields["text"].help_text = (
                "Facts about your mentoring relationship only: how often you met, what you "
                "worked on together, whether you can offer a reliable picture."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Both buttons share the name "action"; distinct ids keep the page valid HTML.
        self.helper.add_input(SecondarySubmit("action", "Save draft", css_id="submit-save-draft"))
        # No button for a request the mentor may no longer make; the page says why.
        self.may_ask = may_ask
        if may_ask:
            self.helper.add_input(
                Submit("action", "Save and ask for consent", css_id="submit-ask-consent")
            )

    def clean(self):
        cleaned = super().clean()
        parts = [*cleaned.get("facts", []), cleaned.get("text", "").strip()]
        statement = " ".join(p for p in parts if p)
        if not statement:
            raise forms.ValidationError(
                "Write your statement"
                + (", or tick at least one fact." if "facts" in self.fields else ".")
            )
        if len(statement) > TEXT_MAX:
            raise forms.ValidationError(f"Keep the statement under {TEXT_MAX} characters.")
        cleaned["statement"] = statement
        return cleaned

    @property
    def wants_consent(self) -> bool:
        return self.data.get("action") == "Save and ask for consent"

    @property
    def caution_confirmed_for(self) -> str:
        """The text hash the mentor confirmed sending with its caution ("" if they did not)."""
        if not self.cleaned_data.get("send_with_caution"):
            return ""
        return self.cleaned_data.get("caution_seen", "")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional; only your mentor sees it)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    dont_ask_again = forms.BooleanField(label="Don't ask me again in this review", required=False)


class ConsentForm(forms.Form):
    """Carries the hash of the exact text the mentee read, so consent covers only that text."""

    text_sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


class AssessmentForm(forms.Form):
    text = forms.CharField(
        label="Performance assessment",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="The panel reads this. Mentor input is separate and needs the mentee's consent.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save assessment"))


class OutcomeForm(forms.Form):
    """The panel's decision. The note is for the panel only: no one else is ever shown it."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=PromotionReview.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome."},
    )
    note = forms.CharField(
        label="Note (only the panel sees it)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
