"""Pages of a promotion review, one per role.

- the panel's page (panel members): the supervisor's assessment and shared mentor input;
- the mentor's input page and statement form (the candidate's mentor);
- the consent page (the candidate): consent, decline, withdraw, opt out of requests, and who
  was shown what;
- the assessment page (the supervisor);
- the program dashboard (program admins), which counts pairs, agreements and reviews alike.

Every page fetches the review or statement through the scoped querysets and then asks the
page's predicate; anyone else gets 404, never a hint that the object exists.
"""

from __future__ import annotations

import itertools
from collections import Counter, namedtuple
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorship import display
from mentorship.access import denied, get_prepared_or_404, get_visible_or_404
from mentorship.models import Pair, Program, User
from mentorship.permissions import can_view_program_dashboard
from mentorship.refusals import attempt, refusal_text, show_refusal
from mentorship.selectors import PageOf, page_of, url_maker
from mentorship.statements import Prepared
from promotions.breach import BLOCK, PASS, Assessment, Finding, assess, invisible
from promotions.engagement import engagement_sentences
from promotions.forms import AssessmentForm, ConsentForm, DeclineForm, OutcomeForm, StatementForm
from promotions.models import LIFECYCLE_FIELDS, PromotionReview, Statement, text_sha256
from promotions.permissions import (
    MenteeAnswers,
    active_agreement,
    agreement_gate,
    can_delete_draft,
    can_edit_statement,
    can_give_input,
    can_open_consent_page,
    can_open_input_page,
    can_opt_out,
    can_record_outcome,
    can_submit_for_consent,
    can_view_panel_page,
    can_write_assessment,
    candidate_mentor_pair,
    consent_request_allowance,
    is_author,
    is_subject,
    is_supervisor,
)
from promotions.program_dashboard import program_health
from promotions.querysets import Shown, active_terms_of, showings_by_viewer
from promotions.services import (
    CONSENT,
    EDIT,
    REVIEW_CLOSED_TO_ASSESSMENT,
    REVIEW_CLOSED_TO_INPUT_OR_CHANGE,
    BreachError,
    CautionError,
    assessment_write,
    consent_decline,
    consent_grant,
    consent_opt_out,
    consent_withdraw,
    panel_visit_record,
    program_phrases,
    review_record_outcome,
    statement_assessment,
    statement_create,
    statement_delete_draft,
    statement_edit,
    statement_submit,
    statements_record_shown,
    why_no_input,
    why_refused,
)

NOTHING_SHARED = "No mentor input is available for this review."
REVIEWS_PER_PAGE = 20


# --- Access helpers ---------------------------------------------------------------------------


def review_for(
    request: HttpRequest,
    review_id: int,
    scope,
    page_predicate,
    *,
    related: tuple[str, ...] = ("program", "candidate", "supervisor"),
) -> PromotionReview:
    """The review if it is in this page's role scope and the page's rule allows it; an audited
    404 otherwise, the same whether the review is missing, hidden, or not this person's page.

    `scope` is the role's read (PromotionReview.objects.seated, ...), not visible_to: its cost
    must not depend on the viewer's other roles (see promotions/querysets.py). The predicate
    is still asked, so a scope wider than its rule can only cost a 404, never an action."""
    review = get_visible_or_404(
        request,
        scope(request.user).select_related(*related),
        pk=review_id,
    )
    if not page_predicate(request.user, review):
        raise denied(request, PromotionReview, review.pk)
    return review


def prepared_review_for(
    request: HttpRequest, review_id: int, statement: Prepared, scope, page_predicate
) -> PromotionReview:
    """review_for for a page's hot read: `statement` is `scope(user, review_id)` (a role's read
    filtered to the one review) compiled once per process, with the parameters "viewer" and
    "review" (mentorship.access.get_prepared_or_404)."""
    review = get_prepared_or_404(
        request, PromotionReview, statement, scope, pk=review_id, param="review"
    )
    if not page_predicate(request.user, review):
        raise denied(request, PromotionReview, review.pk)
    return review


def statement_for(request: HttpRequest, statement_id: int, scope, page_predicate) -> Statement:
    """The statement if it is in the acting role's scope (Statement.objects.authored_by or
    about) and the action's rule allows it; an audited 404 otherwise. A panel member can take
    no action on a statement, so their polling runs the same one-row read as anyone's."""
    statement = get_visible_or_404(
        request,
        scope(request.user).select_related(
            "review", "review__candidate", "review__program", "pair", "pair__mentor", "pair__mentee"
        ),
        pk=statement_id,
    )
    if not page_predicate(request.user, statement):
        raise denied(request, Statement, statement.pk)
    return statement


def panel_of(review: PromotionReview) -> list[User]:
    return list(User.objects.filter(panel_seats__review=review).order_by("full_name", "username"))


# The panel's names, compiled once per process.
_PANEL_NAMES = Prepared(
    User,
    lambda review: (
        User.objects.filter(panel_seats__review_id=review)
        .order_by("full_name", "username")
        .values_list("full_name", "username")
    ),
    "review",
)


def panel_names(review: PromotionReview) -> list[str]:
    """The panel's names as panel_of's users print, without loading whole users."""
    return [full_name or username for full_name, username in _PANEL_NAMES.rows(review=review.pk)]


def paragraphs(text: str) -> SafeString:
    """As {{ text|linebreaks }}: escaped, then paragraphs and line breaks."""
    return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped by linebreaks


# --- What the breach guard found, as the mentor sees it ------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of the statement's text as written; flagged runs name their findings' numbers."""

    text: str
    verdict: str = ""  # "block" or "caution" for flagged words
    refs: str = ""  # the numbers of the findings in the list below the text


@dataclass(frozen=True)
class NumberedFinding:
    number: int
    finding: Finding

    @property
    def disguised(self) -> bool:
        """Written with characters that show as nothing, which the guard reads past."""
        return any(invisible(c) for w in self.finding.words for c in w.text)


@dataclass(frozen=True)
class GuardReport:
    """One assessment of one text, ready for the templates: the text cut at the flagged words
    (every piece is escaped by the template like any text), and the numbered findings."""

    assessment: Assessment
    pieces: tuple[Piece, ...]
    findings: tuple[NumberedFinding, ...]
    sha256: str

    @property
    def blocked(self) -> bool:
        return self.assessment.verdict == BLOCK

    @property
    def flagged(self) -> bool:
        return self.assessment.verdict != PASS

    @property
    def cautioned_only(self) -> bool:
        return self.flagged and not self.blocked


def guard_report(text: str, phrases) -> GuardReport:
    assessment = assess(text, phrases)
    numbered = tuple(NumberedFinding(n, f) for n, f in enumerate(assessment.findings, start=1))
    return GuardReport(
        assessment=assessment,
        pieces=tuple(_pieces(text, numbered)),
        findings=numbered,
        sha256=text_sha256(text),
    )


def _pieces(text: str, findings: tuple[NumberedFinding, ...]) -> list[Piece]:
    """The text cut at every span boundary. Spans of several findings may overlap: a run
    covered by a blocking finding is shown as blocked."""
    spans = [
        (w.start, w.end, nf)
        for nf in findings
        for w in nf.finding.words
        if 0 <= w.start < w.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces: list[Piece] = []
    for start, end in itertools.pairwise(cuts):
        covering = sorted({nf.number: nf for s, e, nf in spans if s <= start and end <= e}.items())
        verdict = ""
        if covering:
            blocked = any(nf.finding.verdict == BLOCK for _, nf in covering)
            verdict = BLOCK if blocked else "caution"
        refs = ",".join(str(n) for n, _ in covering)
        if pieces and pieces[-1].verdict == verdict and pieces[-1].refs == refs:
            pieces[-1] = Piece(pieces[-1].text + text[start:end], verdict, refs)
        else:
            pieces.append(Piece(text[start:end], verdict, refs))
    return pieces


def _allowance(review: PromotionReview, pair):
    """May the mentor still ask for consent in this review? (None: no pair, nothing to ask.)"""
    if pair is None or review.is_closed:
        return None
    return consent_request_allowance(review, pair)


# --- The list of my reviews -------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    # A panel member sits on more reviews every year: one page of them, grouped by the viewer's
    # role below. Reviews still running come first, the soonest decision first; closed ones
    # after them, newest first, so what needs doing is on the first page.
    closed = Case(When(status=PromotionReview.Status.CLOSED, then=1), default=0)
    page = page_of(
        request,
        PromotionReview.objects.visible_to(user)
        .with_viewer_roles(user)
        .select_related("program", "candidate", "supervisor")
        .order_by(closed, F("decision_date").asc(nulls_last=True), "-created_at", "-pk"),
        per_page=REVIEWS_PER_PAGE,
    )
    reviews = page.items
    mine = Statement.objects.visible_to(user).filter(review__in=[r.pk for r in reviews])
    my_input = Counter(
        (row["review"], row["state"])
        for row in mine.filter(pair__mentor=user).values("review", "state")
    )
    awaiting_me = Counter(row["review"] for row in mine.awaiting_consent_of(user).values("review"))
    as_mentor = []
    for review in reviews:
        if review.viewer_is_mentor:
            summary = [
                f"{my_input[(review.pk, state)]} {label.lower()}"
                for state, label in Statement.State.choices
                if my_input[(review.pk, state)]
            ]
            as_mentor.append((review, summary))
    return render(
        request,
        "promotions/index.html",
        {
            "nav": "reviews",
            "on_panel_open": [r for r in reviews if r.viewer_on_panel and not r.is_closed],
            "on_panel_closed": [r for r in reviews if r.viewer_on_panel and r.is_closed],
            "as_mentor": as_mentor,
            "as_candidate": [(r, awaiting_me[r.pk]) for r in reviews if r.candidate_id == user.pk],
            "as_supervisor": [r for r in reviews if r.supervisor_id == user.pk],
            "involved": bool(reviews) or page.has_previous,
            "page": page,
        },
    )


# --- The panel's page -------------------------------------------------------------------------


@login_required
@require_GET
def review_panel(request: HttpRequest, review_id: int) -> HttpResponse:
    """What leadership reads. Nothing here may depend on input that is not shared."""
    return _render_panel(request, _panel_review(request, review_id))


PANEL_PAGE_FIELDS = (
    "program_id",
    "candidate_id",
    "supervisor_id",
    "target_role",
    "status",
    "decision_date",
    "outcome",
    "outcome_note",
    "outcome_recorded_by_id",
    "outcome_recorded_at",
    "supervisor_assessment",
    "assessment_written_at",
)


def _user_name(column: str) -> Subquery:
    """str(user) of the user in the review's column, from a scalar subquery."""
    return Subquery(
        User.objects.filter(pk=OuterRef(column))
        .order_by()  # not the model's ordering: a one-row read sorts nothing
        .annotate(name=Coalesce(NullIf("full_name", Value("")), "username"))
        .values("name")[:1]
    )


def _seated_review(user: User, review_id: int):
    """The review as the panel page reads it: seated_with_visit (the seat and the last visit
    from the same join), only the columns the page shows, and the names it prints (program,
    candidate, supervisor, who recorded the outcome) as scalar subqueries rather than joins:
    PostgreSQL planned the joins in 0.5 ms (0.85 with the recorder's), this in 0.17 ms (scale
    data), and planning was most of what the read cost it."""
    return (
        PromotionReview.objects.seated_with_visit(user)
        .only(*PANEL_PAGE_FIELDS)
        .annotate(
            program_name=Subquery(
                Program.objects.filter(pk=OuterRef("program_id")).order_by().values("name")[:1]
            ),
            candidate_name=_user_name("candidate_id"),
            supervisor_name=_user_name("supervisor_id"),
            outcome_recorded_by_name=_user_name("outcome_recorded_by_id"),
        )
        .filter(pk=review_id)
    )


def _shown_to_panel_member(user: User, review: PromotionReview):
    """What the panel page shows (for_panel_member), with the author's name, oldest first."""
    return (
        Statement.objects.for_panel_member(user, review)
        .with_mentor_name_apart()
        .only("kind", "text", "consented_at")
        .order_by("consented_at", "pk")
    )


# The page's reads, compiled once per process from the querysets above (the permission
# module's seated_with_visit and for_panel_member) and run with each request's ids: building
# and compiling them was about 2.5 ms of every request. tests/promotions/test_panel_prepared.py
# asks them for every role in turn and compares them with the querysets.
_PANEL_REVIEW = Prepared(
    PromotionReview,
    lambda viewer, review: _seated_review(User(pk=viewer), review),
    "viewer",
    "review",
)
_PANEL_STATEMENTS = Prepared(
    Statement,
    lambda viewer, review: _shown_to_panel_member(User(pk=viewer), PromotionReview(pk=review)),
    "viewer",
    "review",
)


def _panel_review(request: HttpRequest, review_id: int) -> PromotionReview:
    return prepared_review_for(
        request, review_id, _PANEL_REVIEW, _seated_review, can_view_panel_page
    )


@dataclass(frozen=True)
class PanelRow:
    """One shared statement as the panel reads it, everything formatted once."""

    kind: str
    mentor: str
    is_new: bool
    shared_on: str
    text_html: str


def _render_panel(
    request: HttpRequest, review: PromotionReview, *, outcome_form: OutcomeForm | None = None
) -> HttpResponse:
    """`review` comes from _panel_review (seated_with_visit for request.user)."""
    user = request.user
    previous_visit = review.viewer_last_visit
    # The visit, the showings and their audit event in one transaction: one commit (and WAL
    # flush) per request instead of two, and never a visit recorded for a page whose showings
    # could not be. The chain head is still locked last, so it is held no longer than before.
    with transaction.atomic():
        panel_visit_record(seat=review.viewer_seat_id)
        statements = _PANEL_STATEMENTS.instances(viewer=user.pk, review=review.pk)
        statements_record_shown(review=review, viewer=user, statements=statements, request=request)
    # Marked from what is shared now only: a statement shared and withdrawn between two visits
    # leaves no mark, count or gap (nothing here may depend on input that is not shared).
    kinds = dict(Statement.Kind.choices)
    rows = [
        vars(
            PanelRow(
                kind=kinds[s.kind],
                mentor=s.mentor_name,
                is_new=previous_visit is not None and s.consented_at > previous_visit,
                shared_on=display.day(s.consented_at),
                text_html=paragraphs(s.text),
            )
        )
        for s in statements
    ]
    may_record = can_record_outcome(user, review)
    if outcome_form is None and may_record:
        initial = {"outcome": review.outcome, "note": review.outcome_note}
        outcome_form = OutcomeForm(initial=initial)
    return render(
        request,
        "promotions/review_panel.html",
        {
            "nav": "reviews",
            "review": review,
            "panel": panel_names(review),
            "statements": rows,
            "any_new": any(row["is_new"] for row in rows),
            "nothing_shared": NOTHING_SHARED,
            "outcome_form": outcome_form if may_record else None,
        },
    )


@login_required
@sensitive_post_parameters("note")
@require_POST
def review_outcome(request: HttpRequest, review_id: int) -> HttpResponse:
    """A seated panel member records the outcome. Bad input shows the page again as typed."""
    review = _panel_review(request, review_id)
    form = OutcomeForm(request.POST)
    if can_record_outcome(request.user, review) and not form.is_valid():
        messages.error(request, "The outcome was not recorded. Please correct it below.")
        return _render_panel(request, review, outcome_form=form)
    cleaned = form.cleaned_data if form.is_valid() else {}
    attempt(
        request,
        review_record_outcome,
        success="The outcome is recorded. Only the panel sees your note.",
        review_id=review.pk,
        member=request.user,
        outcome=cleaned.get("outcome", ""),
        note=cleaned.get("note", ""),
        request=request,
    )
    return redirect(f"{review.get_absolute_url()}#outcome")


# --- The mentor's pages -----------------------------------------------------------------------


@dataclass
class MentorRow:
    statement: Statement
    can_edit: bool
    can_submit: bool
    why_not: str = ""
    can_delete: bool = False
    guard: GuardReport | None = None  # drafts only: what the guard says before sending


@login_required
@require_GET
def mentor_input(request: HttpRequest, review_id: int) -> HttpResponse:
    user = request.user
    review = review_for(
        request, review_id, PromotionReview.objects.mentored_by, can_open_input_page
    )
    pair = candidate_mentor_pair(user, review)
    agreement = active_agreement(pair) if pair is not None else None
    gates = {kind: agreement_gate(pair, kind, agreement=agreement) for kind in Statement.Kind}
    phrases = program_phrases(review.program_id)
    allowance = _allowance(review, pair)
    may_ask = allowance is not None and allowance.allowed
    rows = []
    statements = (
        Statement.objects.authored_by(user)
        .filter(review=review)
        .with_active_agreement()
        .with_ever_asked()
        .select_related("review", "pair", "pair__mentee")
    )
    for statement in statements:
        editable = can_edit_statement(user, statement)
        rows.append(
            MentorRow(
                statement=statement,
                can_edit=editable,
                can_submit=may_ask and can_submit_for_consent(user, statement),
                why_not="" if editable else why_refused(statement, EDIT),
                can_delete=(
                    statement.state == Statement.State.DRAFT and can_delete_draft(user, statement)
                ),
                guard=(
                    guard_report(statement.text, phrases)
                    if statement.state == Statement.State.DRAFT
                    else None
                ),
            )
        )
    return render(
        request,
        "promotions/mentor_input.html",
        {
            "nav": "reviews",
            "review": review,
            "pair": pair,
            "panel": panel_of(review),
            "rows": rows,
            "kinds": [(kind, gates[kind]) for kind in Statement.Kind],
            "may_write": can_give_input(user, review),
            "guideline": review.program.current_guideline(),
            "allowance": allowance,
            "closed_note": REVIEW_CLOSED_TO_INPUT_OR_CHANGE,
        },
    )


def _after_save(request: HttpRequest, statement: Statement, form: StatementForm) -> HttpResponse:
    """Optionally send for consent, then back to the mentor's page; a caution the mentor has not
    confirmed for this text brings the form back, with the question beside the checkbox."""
    if form.wants_consent:
        try:
            statement_submit(
                statement_id=statement.pk,
                mentor=request.user,
                caution_confirmed_for=form.caution_confirmed_for,
                request=request,
            )
        except BreachError as exc:
            messages.error(request, f"Your draft was saved. {exc.messages[0]}")
        except CautionError as exc:
            return _caution_unconfirmed(request, statement, form, exc)
        except ValidationError as exc:
            statement.refresh_from_db(fields=["state"])
            if statement.state == Statement.State.AWAITING_CONSENT:
                # The same form sent twice at once: the other request sent it first.
                messages.info(
                    request, f"Already sent to {statement.pair.mentee} for consent; not sent again."
                )
            else:
                messages.warning(request, "Your draft was saved but not sent. " + refusal_text(exc))
        else:
            statement.refresh_from_db(fields=["guard_cautions"])
            messages.success(
                request,
                f"Saved and sent to {statement.pair.mentee} for consent. The panel sees it only "
                "if they consent."
                + (
                    f" {statement.pair.mentee} is told why the breach guard cautioned it."
                    if statement.guard_cautions
                    else ""
                ),
            )
    else:
        flagged = statement_assessment(statement).findings
        messages.success(
            request,
            "Your draft was saved. Only you can see it."
            + (" The breach guard flagged words in it: see them marked below." if flagged else ""),
        )
    return redirect(f"{statement.review.input_url()}#statement-{statement.pk}")


def _caution_unconfirmed(request, statement, form, exc: CautionError) -> HttpResponse:
    """The form again, for the saved draft (nothing typed is lost), marked and asking for the
    confirmation beside the checkbox."""
    if form.caution_confirmed_for:
        why = (
            "You confirmed a caution on an earlier text. Read what the guard says about this "
            "one, then confirm again to send it."
        )
    else:
        why = "Tick this box to send it with the caution, or rewrite it."
    confirm = StatementForm(
        {"text": statement.text, "caution_seen": text_sha256(statement.text)},
        kind=statement.kind,
        may_ask=True,
        caution_sha256=text_sha256(statement.text),
    )
    confirm.is_valid()
    confirm.add_error("send_with_caution", why)
    messages.warning(request, f"Your draft was saved. {exc.messages[0]}")
    return _statement_form_page(
        request,
        review=statement.review,
        pair=statement.pair,
        kind=statement.kind,
        form=confirm,
        allowance=_allowance(statement.review, statement.pair),
        statement=statement,
        saved=True,
    )


def _statement_form_page(
    request, *, review, pair, kind, form, allowance, statement=None, saved=False, guard=None
) -> HttpResponse:
    if form.is_bound and not form.is_valid() and not saved:
        messages.error(request, "Your statement was not saved. Please correct it below.")
    if guard is None:
        guard = _draft_guard(statement)
    return render(
        request,
        "promotions/statement_form.html",
        {
            "nav": "reviews",
            "review": review,
            "pair": pair,
            "kind": Statement.Kind(kind),
            "form": form,
            "statement": statement,
            "allowance": allowance,
            "panel": panel_of(review),
            "guideline": review.program.current_guideline(),
            "guard": guard,
            "saved": saved,
            # A draft's form always posts to its own edit page, also when shown after the
            # first save of a new statement: posting again must not start another statement.
            "form_action": (
                reverse("promotions:statement_edit", args=[statement.pk])
                if statement is not None
                else ""
            ),
        },
    )


def _draft_guard(statement: Statement | None) -> GuardReport | None:
    """What the guard says about a draft's present text; nothing once it has been sent."""
    if statement is None or statement.state != Statement.State.DRAFT:
        return None
    return guard_report(statement.text, program_phrases(statement.review.program_id))


@login_required
@sensitive_post_parameters("text", "facts")
@require_http_methods(["GET", "POST"])
def statement_new(request: HttpRequest, review_id: int, kind: str) -> HttpResponse:
    if kind not in Statement.Kind.values:
        raise Http404
    review = review_for(
        request, review_id, PromotionReview.objects.mentored_by, can_open_input_page
    )
    pair = candidate_mentor_pair(request.user, review)
    if refused := why_no_input(review, pair, kind):
        messages.error(request, refused)
        return redirect(review.input_url())
    suggestions = engagement_sentences(pair) if kind == Statement.Kind.ENGAGEMENT else None
    allowance = _allowance(review, pair)
    form = StatementForm(
        request.POST or None,
        kind=kind,
        suggestions=suggestions,
        may_ask=allowance is not None and allowance.allowed,
    )
    if request.method == "POST" and form.is_valid():
        try:
            statement = statement_create(
                review_id=review.pk,
                mentor=request.user,
                kind=kind,
                text=form.cleaned_data["statement"],
            )
        except ValidationError as exc:
            show_refusal(request, exc)
            return redirect(review.input_url())
        if statement.state == Statement.State.AWAITING_CONSENT:
            # statement_create returned the same text already sent (a double click, the back
            # button); a new statement is always a draft. Nothing is saved or sent again.
            messages.info(
                request,
                f"You already sent this statement to {statement.pair.mentee} for consent; it "
                "was not saved or sent again.",
            )
            return redirect(f"{review.input_url()}#statement-{statement.pk}")
        return _after_save(request, statement, form)
    return _statement_form_page(
        request, review=review, pair=pair, kind=kind, form=form, allowance=allowance
    )


@login_required
@sensitive_post_parameters("text", "facts")
@require_http_methods(["GET", "POST"])
def statement_edit_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = statement_for(request, statement_id, Statement.objects.authored_by, is_author)
    review = statement.review
    if not can_edit_statement(request.user, statement):
        messages.error(request, why_refused(statement, EDIT))
        return redirect(f"{review.input_url()}#statement-{statement.pk}")
    suggestions = (
        engagement_sentences(statement.pair)
        if statement.kind == Statement.Kind.ENGAGEMENT
        else None
    )
    allowance = _allowance(review, statement.pair)
    guard = _draft_guard(statement)
    form = StatementForm(
        request.POST or None,
        kind=statement.kind,
        suggestions=suggestions,
        may_ask=allowance is not None and allowance.allowed,
        initial={"text": statement.text},
        caution_sha256=guard.sha256 if guard is not None and guard.cautioned_only else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            statement = statement_edit(
                statement_id=statement.pk, mentor=request.user, text=form.cleaned_data["statement"]
            )
        except ValidationError as exc:
            show_refusal(request, exc)
            return redirect(f"{review.input_url()}#statement-{statement.pk}")
        return _after_save(request, statement, form)
    return _statement_form_page(
        request,
        review=review,
        pair=statement.pair,
        kind=statement.kind,
        form=form,
        allowance=allowance,
        statement=statement,
        guard=guard,
    )


@login_required
@require_POST
def statement_submit_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = statement_for(request, statement_id, Statement.objects.authored_by, is_author)
    confirmed = request.POST.get("caution_seen", "")
    if not request.POST.get("send_with_caution"):
        confirmed = ""
    attempt(
        request,
        statement_submit,
        success=(
            f"Sent to {statement.pair.mentee} for consent. The panel sees it only if they consent."
        ),
        statement_id=statement.pk,
        mentor=request.user,
        caution_confirmed_for=confirmed,
        request=request,
    )
    return redirect(f"{statement.review.input_url()}#statement-{statement.pk}")


@login_required
@require_POST
def statement_delete_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    """Delete a draft never sent for consent; the page asked for confirmation before posting."""
    statement = statement_for(request, statement_id, Statement.objects.authored_by, is_author)
    review = statement.review
    if not request.POST.get("confirm"):
        messages.error(request, "Nothing was deleted: tick the box to confirm.")
        return redirect(f"{review.input_url()}#statement-{statement.pk}")
    deleted = attempt(
        request,
        statement_delete_draft,
        success="Your draft was deleted.",
        statement_id=statement.pk,
        mentor=request.user,
        request=request,
    )
    if deleted:
        return redirect(review.input_url())
    return redirect(f"{review.input_url()}#statement-{statement.pk}")


# --- The mentee's consent page ----------------------------------------------------------------


@dataclass
class ConsentRow:
    """One statement on the consent page, everything the template prints computed once here
    (dates formatted, URLs built from one reverse per action), so rendering does no per-row
    work beyond printing."""

    pk: SafeString  # text: the template would localize a number through numberformat, per use
    kind: str
    mentor: str
    state: str
    state_label: str
    text_html: str
    can_consent: bool
    can_decline: bool
    can_withdraw: bool
    sha256: str = ""
    guard_cautioned: bool = False
    caution_notes: list[str] = field(default_factory=list)
    blocked_reason: str = ""
    consented_at: str = ""
    consent_is_current: bool = False
    declined_on: str = ""
    decline_reason: str = ""
    withdrawn_on: str = ""
    withdrawn_by_agreement: bool = False
    shows_showings: bool = False
    shown_to: list[str] = field(default_factory=list)
    consent_url: str = ""
    decline_url: str = ""
    withdraw_url: str = ""
    # A refused decline, shown again with what was typed:
    refused: bool = False
    typed_reason: str = ""  # less any NUL (never typed by a person, never valid)
    refused_errors: str = ""
    dont_ask_again_checked: bool = False

    def refused_decline(self, form: DeclineForm) -> None:
        self.refused = True
        self.typed_reason = form.data.get("reason", "").replace("\x00", "")
        self.refused_errors = " ".join(form.errors.get("reason", []))
        self.dont_ask_again_checked = bool(form.data.get("dont_ask_again"))


def _shown_lines(showings: list[Shown]) -> list[str]:
    """Who was shown a statement: the viewer, when last, and how often since when."""
    lines = []
    for shown in showings:
        line = f"{shown.viewer}, {display.moment(shown.last)}"
        if shown.times > 1:
            line += f" (shown {shown.times} times since {display.moment(shown.first)})"
        lines.append(line)
    return lines


@login_required
@require_GET
def consent_page(request: HttpRequest, review_id: int) -> HttpResponse:
    return _render_consent(request, _candidate_review(request, review_id))


def _candidate_reviews(user: User, review_id: int):
    return (
        PromotionReview.objects.of_candidate(user)
        .with_opt_out()
        # What the page shows and its permission checks read: not the assessment, which the
        # candidate never reads here, nor whole users.
        .only("program__name", "candidate_id", "target_role", "status")
        .select_related("program")
        .filter(pk=review_id)
    )


# The consent page's review (of_candidate), compiled once per process.
_CANDIDATE_REVIEW = Prepared(
    PromotionReview,
    lambda viewer, review: _candidate_reviews(User(pk=viewer), review),
    "viewer",
    "review",
)


def _candidate_review(request: HttpRequest, review_id: int) -> PromotionReview:
    return prepared_review_for(
        request, review_id, _CANDIDATE_REVIEW, _candidate_reviews, can_open_consent_page
    )


# The columns the consent page reads of each statement: no Statement or Pair instances, which
# cost more to build than the rest of a row's work (one pair serves every row of its mentor).
_CONSENT_COLUMNS = (
    "pk",
    "kind",
    "text",
    "state",
    *LIFECYCLE_FIELDS,
    "mentor_name",
    "pair_id",
    "pair__status",
    "pair__mentee_id",
    "active_agreement_id",
    "active_allows_participation",
    "active_allows_advocacy",
    "active_allows_engagement",
)
_ConsentRead = namedtuple("_ConsentRead", [c.replace("__", "_") for c in _CONSENT_COLUMNS])


def _consent_statements(viewer: int, review: int):
    return (
        Statement.objects.about(User(pk=viewer))
        .filter(review_id=review)
        .with_mentor_name()
        .with_active_terms()
        # What still asks for a decision comes first, in the order it was asked; then what is
        # decided, in the same order, so a row never jumps when the page is reloaded (the
        # sections are split in Python).
        .order_by("submitted_at", "pk")
        .values_list(*_CONSENT_COLUMNS)
    )


# The statements about the viewer in one review (Statement.objects.about), compiled once per
# process; tests/promotions/test_consent_page_reads.py compares them with visible_to.
_CONSENT_STATEMENTS = Prepared(Statement, _consent_statements, "viewer", "review")

# Decided statements shown per page; what awaits a decision is always shown whole.
DECIDED_PER_PAGE = 10


def consent_statements(user: User, review: PromotionReview) -> list[_ConsentRead]:
    """The consent page's rows: Statement.objects.about(user) in `review`, in submission
    order."""
    return [
        _ConsentRead._make(row)
        for row in _CONSENT_STATEMENTS.rows(viewer=user.pk, review=review.pk)
    ]


def _decided_page(request: HttpRequest, decided: list[_ConsentRead]) -> int:
    """?decided=N (a bad number: the first page, past the end: the last); else the page of
    ?statement=ID among the decided ones (where a consent, a decline or a withdrawal redirects,
    and the dashboard links); else the first."""
    last = max(1, -(-len(decided) // DECIDED_PER_PAGE))
    asked = request.GET.get("decided")
    if asked is not None:
        try:
            return min(max(1, int(asked)), last)
        except ValueError:
            return 1
    wanted = request.GET.get("statement", "")
    for position, read in enumerate(decided):
        if str(read.pk) == wanted:
            return position // DECIDED_PER_PAGE + 1
    return 1


def _decided_pager(request: HttpRequest, rows: list, number: int, count: int) -> PageOf:
    def url(n: int) -> str:
        return f"{request.path}{f'?decided={n}' if n > 1 else ''}#decided-heading"

    has_next = number * DECIDED_PER_PAGE < count
    return PageOf(
        items=rows,
        number=number,
        has_next=has_next,
        previous_url=url(number - 1) if number > 1 else "",
        next_url=url(number + 1) if has_next else "",
    )


def _consent_pairs(reads: list[_ConsentRead], db: str) -> dict[int, Pair]:
    """One Pair per pair among the rows, with what the permission checks read of it (status,
    mentee, active agreement's terms)."""
    pairs: dict[int, Pair] = {}
    for read in reads:
        if read.pair_id not in pairs:
            values = {
                "id": read.pair_id,
                "status": read.pair_status,
                "mentee_id": read.pair_mentee_id,
            }
            # from_db takes a subset of the fields in the model's order.
            order = [f.attname for f in Pair._meta.concrete_fields if f.attname in values]
            pair = Pair.from_db(db, order, [values[name] for name in order])
            pair.promotions_active_agreements = active_terms_of(db, read)
            pairs[read.pair_id] = pair
    return pairs


def _render_consent(
    request: HttpRequest,
    review: PromotionReview,
    *,
    refused_decline: tuple[int, DeclineForm] | None = None,
) -> HttpResponse:
    """`review` comes from _candidate_review (of_candidate, with its opt-out)."""
    user = request.user
    reads = consent_statements(user, review)
    pending = [r for r in reads if r.state == Statement.State.AWAITING_CONSENT]
    decided = [r for r in reads if r.state != Statement.State.AWAITING_CONSENT]
    number = _decided_page(request, decided)
    start = (number - 1) * DECIDED_PER_PAGE
    decided_shown = decided[start : start + DECIDED_PER_PAGE]
    pairs = _consent_pairs(reads, router.db_for_read(Statement))
    answers = MenteeAnswers(user, review)
    shown = showings_by_viewer(
        [
            r.pk
            for r in decided_shown
            if r.state in (Statement.State.SHARED, Statement.State.WITHDRAWN)
        ]
    )
    kinds, states = dict(Statement.Kind.choices), dict(Statement.State.choices)
    consent_url = url_maker("promotions:statement_consent")
    decline_url = url_maker("promotions:statement_decline")
    withdraw_url = url_maker("promotions:statement_withdraw")
    sections = []
    for key, title, reads_shown in (
        ("pending", "Waiting for your decision", pending),
        ("decided", "Decided", decided_shown),
    ):
        rows = []
        for read in reads_shown:
            pair, kind, state = pairs[read.pair_id], read.kind, read.state
            may_consent = answers.may("consent", pair, kind, state)
            row = ConsentRow(
                pk=mark_safe(str(read.pk)),  # noqa: S308 - digits only
                kind=kinds[kind],
                mentor=read.mentor_name,
                state=state,
                state_label=states[state],
                text_html=paragraphs(read.text),
                can_consent=may_consent,
                can_decline=answers.may("decline", pair, kind, state),
                can_withdraw=answers.may("withdraw", pair, kind, state),
            )
            if read.guard_cautions:
                row.guard_cautioned = True
                # The model's own property, asked of the row read (it reads guard_cautions).
                row.caution_notes = Statement.caution_notes.fget(read)
            if state == Statement.State.AWAITING_CONSENT:
                if not may_consent:
                    # why_refused reads the statement's review, state, pair and kind.
                    row.blocked_reason = why_refused(
                        SimpleNamespace(review=review, state=state, pair=pair, kind=kind), CONSENT
                    )
                if row.can_consent:
                    row.sha256 = text_sha256(read.text)
                    row.consent_url = consent_url(read.pk)
                if row.can_decline:
                    row.decline_url = decline_url(read.pk)
            elif state == Statement.State.SHARED:
                row.consented_at = display.moment(read.consented_at)
                # The model's own property (consent_text_sha256 against the text's hash).
                row.consent_is_current = Statement.consent_is_current.fget(read)
            elif state == Statement.State.DECLINED:
                row.declined_on = display.day(read.declined_at)
                row.decline_reason = read.decline_reason
            elif state == Statement.State.WITHDRAWN:
                row.withdrawn_on = display.day(read.withdrawn_at)
                row.withdrawn_by_agreement = read.withdrawal_cause == "agreement"
            if state in (Statement.State.SHARED, Statement.State.WITHDRAWN):
                row.shows_showings = True
                row.shown_to = _shown_lines(shown.get(read.pk, []))
            if row.can_withdraw:
                row.withdraw_url = withdraw_url(read.pk)
            if refused_decline and refused_decline[0] == read.pk:
                row.refused_decline(refused_decline[1])
            # The template reads each row as a dict: a lookup in an object first tries it as a
            # dict and pays for the exception, on every one of some twenty lookups per row.
            rows.append(vars(row))
        if rows:
            pager = (
                _decided_pager(request, rows, number, len(decided)) if key == "decided" else None
            )
            sections.append((key, title, rows, pager))
    return render(
        request,
        "promotions/consent.html",
        {
            "nav": "reviews",
            "review": review,
            "closed": review.is_closed,
            "panel": panel_names(review),
            "sections": sections,
            # One token for every form of the page instead of a fresh mask per {% csrf_token %}.
            "csrf_input": format_html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
            ),
            "opted_out_on": display.day(review.opted_out_at),
            "may_opt_out": can_opt_out(user, review),
        },
    )


def _back_to_consent(statement: Statement) -> HttpResponse:
    """To the statement's row, on whichever page of decided statements it now is."""
    pk = statement.pk
    return redirect(f"{statement.review.consent_url()}?statement={pk}#statement-{pk}")


@login_required
@require_POST
def statement_consent_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = statement_for(request, statement_id, Statement.objects.about, is_subject)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Consent was not recorded. Reload the page and try again.")
        return _back_to_consent(statement)
    attempt(
        request,
        consent_grant,
        success=(
            "You consented. The panel can now read this statement. You can withdraw consent "
            "while the review is not closed."
        ),
        statement_id=statement.pk,
        mentee=request.user,
        text_sha256_seen=form.cleaned_data["text_sha256"],
        request=request,
    )
    return _back_to_consent(statement)


@login_required
@sensitive_post_parameters("reason")
@require_POST
def statement_decline_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = statement_for(request, statement_id, Statement.objects.about, is_subject)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        # The page again, with the reason as typed: a redirect would lose it.
        messages.error(request, "Nothing was declined: " + " ".join(form.errors["reason"]))
        review = _candidate_review(request, statement.review_id)
        return _render_consent(request, review, refused_decline=(statement.pk, form))
    dont_ask_again = form.cleaned_data["dont_ask_again"]
    attempt(
        request,
        consent_decline,
        success="You declined. The panel will not see this statement."
        + (" No further consent request will reach you in this review." if dont_ask_again else ""),
        statement_id=statement.pk,
        mentee=request.user,
        reason=form.cleaned_data["reason"],
        dont_ask_again=dont_ask_again,
        request=request,
    )
    return _back_to_consent(statement)


@login_required
@require_POST
def consent_opt_out_view(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _candidate_review(request, review_id)
    attempt(
        request,
        consent_opt_out,
        success=(
            "No mentor can send you a consent request for this review any more. Requests you "
            "already have stay on this page for you to decide."
        ),
        review_id=review.pk,
        mentee=request.user,
        request=request,
    )
    return redirect(review.consent_url())


@login_required
@require_POST
def statement_withdraw_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = statement_for(request, statement_id, Statement.objects.about, is_subject)
    attempt(
        request,
        consent_withdraw,
        success="You withdrew consent. The panel no longer sees this statement.",
        statement_id=statement.pk,
        mentee=request.user,
        request=request,
    )
    return _back_to_consent(statement)


# --- The supervisor's page --------------------------------------------------------------------


@login_required
@sensitive_post_parameters("text")
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for(request, review_id, PromotionReview.objects.supervised_by, is_supervisor)
    may_write = can_write_assessment(request.user, review)
    form = AssessmentForm(request.POST or None, initial={"text": review.supervisor_assessment})
    if request.method == "POST":
        # A closed review's form is not shown, so the service's refusal is the only thing to
        # say, whatever was posted.
        if not may_write or form.is_valid():
            attempt(
                request,
                assessment_write,
                success="Your assessment was saved. The panel can read it.",
                review_id=review.pk,
                supervisor=request.user,
                text=form.cleaned_data["text"] if may_write else "",
            )
            return redirect(review.assessment_url())
        messages.error(request, "The assessment was not saved. Please correct it below.")
    return render(
        request,
        "promotions/assessment.html",
        {
            "nav": "reviews",
            "review": review,
            "panel": panel_of(review),
            "form": form if may_write else None,
            "closed_note": REVIEW_CLOSED_TO_ASSESSMENT,
        },
    )


# --- The program dashboard --------------------------------------------------------------------


@login_required
@require_GET
def program_dashboard(request: HttpRequest) -> HttpResponse:
    """Program admins' view of every program's health. Counts only; 404 for everyone else."""
    if not can_view_program_dashboard(request.user):
        raise Http404("No page here.")
    return render(
        request,
        "promotions/program_dashboard.html",
        {"dashboard": program_health(viewer=request.user), "nav": "program_dashboard"},
    )
