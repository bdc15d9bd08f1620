"""The pair's agreement pages. Thin: fetch through the scoped querysets (404 for anyone who
is not one of the pair's two members), call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.forms import (
    AcknowledgeForm,
    EndForm,
    GuidelineVersionsForm,
    QuestionnaireForm,
    SignForm,
    TermsForm,
)
from agreements.guideline_diff import guideline_diff
from agreements.models import Agreement
from agreements.permissions import (
    can_acknowledge_guideline,
    can_answer_questionnaire,
    can_end_agreement,
    can_print_agreement,
    can_propose_terms,
    can_sign_agreement,
    can_withdraw_proposal,
    programs_with_guideline_visible_to,
)
from agreements.selectors import (
    agreement_history_page,
    answer_comparison,
    asked_questions,
    complete_agreement,
    flow_facts,
    flow_inputs,
    guideline_changes_url,
    own_answers,
    pair_flow,
    pair_flows,
    terms_changes,
    terms_prefill,
)
from agreements.services import (
    OpenQuestions,
    agreement_end,
    agreement_propose,
    agreement_sign,
    guideline_acknowledge,
    name_mismatch_text,
    names_match,
    proposal_withdraw,
    questionnaire_answer,
)
from agreements.verification import agreement_problems
from mentorship import reauth
from mentorship.access import get_prepared_or_404, get_visible_or_404, pair_for
from mentorship.models import Pair, User
from mentorship.refusals import attempt, show_refusal
from mentorship.selectors import listed_pairs, page_of
from mentorship.statements import Prepared

PAIRS_PER_PAGE = 20


def agreement_for(request, agreement_id: int) -> Agreement:
    """The agreement if the user is one of its pair's members; an audited 404 otherwise."""
    return get_visible_or_404(
        request,
        Agreement.objects.visible_to(request.user).select_related(
            "pair__program", "pair__mentor", "pair__mentee", "guideline", "ended_by", "proposed_by"
        ),
        pk=agreement_id,
    )


def agreement_page_for(request, agreement_id: int) -> Agreement:
    """agreement_for for the agreement page, with its pair and the pair's two people only:
    they are also its proposer, its signers and (nearly always) the member who ended it, and
    the page's flow reads the guideline versions, so complete_agreement sets those instead of
    joining four more tables (the join's planning alone cost 2.5 ms at 50,000 people)."""
    return get_prepared_or_404(
        request, Agreement, _PAGE_AGREEMENT, _page_agreement, pk=agreement_id, param="agreement"
    )


def _page_agreement(user, pk: int):
    return (
        Agreement.objects.visible_to(user)
        .select_related("pair__program", "pair__mentor", "pair__mentee")
        .filter(pk=pk)
        # The pair's questionnaire submissions and current guideline, for its flow: two
        # queries fewer on every agreement page.
        .annotate(**flow_facts("pair"))
    )


# The agreement page's read, the same for every member: compiled once per process.
_PAGE_AGREEMENT = Prepared(
    Agreement,
    lambda viewer, agreement: _page_agreement(User(pk=viewer), agreement),
    "viewer",
    "agreement",
)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = page_of(request, listed_pairs(request.user), per_page=PAIRS_PER_PAGE)
    flows = pair_flows(page.items, request.user)
    return render(
        request, "agreements/index.html", {"flows": flows, "page": page, "nav": "agreements"}
    )


@login_required
@require_GET
def pair_page(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = pair_for(request, pair_id)
    flow = pair_flow(pair, request.user)
    return render(
        request,
        "agreements/pair.html",
        {
            "pair": pair,
            "flow": flow,
            "history": agreement_history_page(request, pair, request.user),
        },
    )


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = pair_for(request, pair_id)
    questions = list(asked_questions(pair))
    mine = own_answers(pair, request.user)
    may_answer = can_answer_questionnaire(request.user, pair)
    form = QuestionnaireForm(questions=questions, answers=mine) if may_answer else None
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, questions=questions, answers=mine)
        # Submitted answers are locked: their form is not shown, so the service's refusal is
        # the only thing to say, whatever was posted.
        if not may_answer or form.is_valid():
            try:
                submitted = questionnaire_answer(
                    pair_id=pair.pk,
                    respondent=request.user,
                    answers=form.answers() if may_answer else {},
                    submit="submit" in request.POST,
                )
            except OpenQuestions as exc:
                show_refusal(request, exc)
                # The answers given are saved and stay on the page; each open statement is
                # marked, and the summary at the top links to every one of them.
                form.mark_open(exc.question_ids)
            except ValidationError as exc:
                show_refusal(request, exc)
                if not may_answer:
                    return redirect("agreements:questionnaire", pair_id=pair.pk)
            else:
                if submitted:
                    messages.success(request, "Your answers are submitted.")
                    return redirect("agreements:pair", pair_id=pair.pk)
                messages.success(request, "Your answers are saved. Submit them when you are ready.")
                return redirect("agreements:questionnaire", pair_id=pair.pk)
        else:
            messages.error(request, "Your answers were not saved. Please check the fields below.")
    return render(
        request,
        "agreements/questionnaire.html",
        {
            "pair": pair,
            "flow": pair_flow(pair, request.user),
            "form": form if may_answer else None,
            "questions": questions,
            "mine": [(q, mine.get(q.pk)) for q in questions],
        },
    )


@login_required
@require_GET
def compare(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = pair_for(request, pair_id)
    rows = answer_comparison(pair, request.user)
    return render(
        request,
        "agreements/compare.html",
        {
            "pair": pair,
            "flow": pair_flow(pair, request.user).at("compare"),
            "rows": rows,
            "agenda": [row for row in rows or [] if row.on_agenda],
            "role": pair.role_of(request.user),
            "may_propose": can_propose_terms(request.user, pair),
        },
    )


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = pair_for(request, pair_id)
    flow = pair_flow(pair, request.user).at("terms")
    may_propose = can_propose_terms(request.user, pair)
    prefill_notes: list[str] = []
    form = TermsForm(initial=terms_prefill(pair, request.user, prefill_notes))
    if request.method == "POST":
        if not may_propose:
            raise PermissionDenied
        form = TermsForm(request.POST)
        if form.is_valid():
            try:
                agreement = agreement_propose(
                    pair_id=pair.pk, by=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    # A refused combination of terms: each message beside its field.
                    form.add_error(None, exc)
                    messages.error(
                        request, "The terms were not proposed. Please check the fields below."
                    )
                else:
                    show_refusal(request, exc, prefix="The terms were not proposed: ")
            else:
                # Terms already awaiting signatures come back unchanged (a double click, the
                # back button): say so, and who has signed, instead of "proposed" again.
                signers = set(agreement.signatures.values_list("signer_id", flat=True))
                if request.user.pk in signers:
                    message = (
                        "These terms are already proposed and you have signed them; nothing "
                        f"changed. {flow.partner} has not signed yet."
                    )
                elif signers:
                    message = (
                        f"These terms are already proposed and {flow.partner} has signed them; "
                        "nothing changed. Read the text below and sign it."
                    )
                elif agreement.proposed_by_id != request.user.pk:
                    message = (
                        f"{flow.partner} already proposed these terms; nothing changed. Read the "
                        "text below and sign it."
                    )
                else:
                    message = (
                        f"Terms proposed. Read the text below and sign it; {flow.partner} has "
                        "been asked to do the same."
                    )
                messages.success(request, message)
                return redirect("agreements:detail", agreement_id=agreement.pk)
        else:
            messages.error(request, "The terms were not proposed. Please check the fields below.")
    return render(
        request,
        "agreements/terms.html",
        {
            "pair": pair,
            "flow": flow,
            "form": form,
            "may_propose": may_propose,
            "prefill_notes": prefill_notes if request.method == "GET" else [],
        },
    )


def _render_detail(
    request, agreement: Agreement, *, sign_form=None, end_form=None, ack_form=None, status=200
):
    pair = agreement.pair
    if hasattr(agreement, "flow_guideline_id"):
        # Read with the agreement (agreement_page_for).
        known = flow_inputs(pair, agreement)
    else:
        # The current version only: complete_agreement takes the versions the flow's
        # agreements name, and an agreement made under an older one is read by id.
        known = {"current_guidelines": {pair.program_id: pair.program.current_guideline()}}
    flow = pair_flow(pair, request.user, **known)
    # Read once, here, for the page and the permission checks below (at most two rows).
    complete_agreement(agreement, flow)
    may_sign = can_sign_agreement(request.user, agreement)
    with_password = _with_password(request)
    if may_sign and sign_form is None:
        sign_form = SignForm(
            initial={"text_sha256": agreement.text_sha256}, with_password=with_password
        )
    may_end = can_end_agreement(request.user, agreement)
    if may_end and end_form is None:
        end_form = EndForm()
    current = flow.guideline
    outdated = agreement.is_under_outdated_guideline(current)
    needs_review = agreement.needs_guideline_review(current)
    may_acknowledge = needs_review and can_acknowledge_guideline(request.user, agreement)
    if may_acknowledge and ack_form is None:
        ack_form = AcknowledgeForm(
            initial={"guideline_version": current.version},
            version=current.version,
            with_password=with_password,
        )
    # Acknowledgements only matter for an active agreement made under an older version.
    under_older = agreement.is_active and current and agreement.guideline_id != current.pk
    # Terms awaiting signatures while another agreement is in force: an amendment, shown
    # against the terms it would replace.
    in_force = flow.active if agreement.is_open and flow.active else None
    response = render(
        request,
        "agreements/detail.html",
        {
            "pair": pair,
            "agreement": agreement,
            "flow": flow,
            "signatures": agreement.signatures.all(),
            "sign_form": sign_form if may_sign else None,
            "end_form": end_form if may_end else None,
            "needs_review": needs_review,
            "outdated": outdated,
            "ack_form": ack_form if may_acknowledge else None,
            "acknowledged": (
                agreement.acknowledgements.filter(guideline=current).select_related("member")
                if needs_review
                else []
            ),
            "guideline_in_force": agreement.guideline_in_force() if under_older else None,
            "changes_url": (
                guideline_changes_url(pair.program_id, agreement.guideline, current)
                if needs_review or outdated
                else ""
            ),
            "may_print": can_print_agreement(request.user, agreement),
            "may_withdraw": can_withdraw_proposal(request.user, agreement),
            "is_proposer": agreement.proposed_by_id == request.user.pk,
            "in_force": in_force,
            "changes": terms_changes(in_force, agreement) if in_force else [],
        },
        status=status,
    )
    if (sign_form or ack_form) and not with_password:
        reauth.allow_form_to_provider(response)
    return response


@login_required
@require_GET
def detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _render_detail(request, agreement_page_for(request, agreement_id))


def _with_password(request: HttpRequest) -> bool:
    """Whether this person confirms acts with their password here (else at the company
    identity provider, see mentorship.reauth)."""
    return reauth.method_for(request.user) != reauth.OIDC


SIGN_ACT = "sign_agreement"
ACKNOWLEDGE_ACT = "acknowledge_guideline"


@sensitive_post_parameters("password")
@login_required
@require_POST
def sign(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request, agreement_id)
    with_password = _with_password(request)
    form = SignForm(request.POST, with_password=with_password)
    if not form.is_valid():
        messages.error(request, "Not signed. Please check the fields below.")
        return _render_detail(request, agreement, sign_form=form)
    typed_name = form.cleaned_data["typed_name"]
    if not with_password:
        if not names_match(typed_name, request.user.get_full_name()):
            # Said before the trip to the provider, not after it; the service checks again.
            form.add_error("typed_name", name_mismatch_text(request.user))
            return _render_detail(request, agreement, sign_form=form)
        return reauth.begin(
            request,
            act=SIGN_ACT,
            payload={
                "agreement_id": agreement.pk,
                "typed_name": typed_name,
                "text_sha256": form.cleaned_data["text_sha256"],
            },
            return_url=reverse("agreements:detail", args=[agreement.pk]),
        )
    return _sign(
        request,
        agreement,
        typed_name=typed_name,
        text_sha256=form.cleaned_data["text_sha256"],
        password=form.cleaned_data["password"],
    )


def sign_after_reauth(
    request: HttpRequest, payload: dict, presence: reauth.Presence
) -> HttpResponse:
    """The pending signature, once the signer signed in again at the provider."""
    agreement = agreement_for(request, payload["agreement_id"])
    return _sign(
        request,
        agreement,
        typed_name=payload["typed_name"],
        text_sha256=payload["text_sha256"],
        presence=presence,
    )


def _sign(
    request: HttpRequest,
    agreement: Agreement,
    *,
    typed_name: str,
    text_sha256: str,
    password: str = "",
    presence: reauth.Presence | None = None,
) -> HttpResponse:
    try:
        agreement_sign(
            agreement_id=agreement.pk,
            signer=request.user,
            typed_name=typed_name,
            password=password,
            presence=presence,
            text_sha256=text_sha256,
            request=request,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        show_refusal(request, exc)
        # Keep the typed name, never the password.
        form = SignForm(
            initial={"text_sha256": agreement.text_sha256, "typed_name": typed_name},
            with_password=_with_password(request),
        )
        return _render_detail(request, agreement_for(request, agreement.pk), sign_form=form)
    agreement.refresh_from_db()
    if agreement.is_active:
        messages.success(
            request, "Signed. You have both signed the same text: the agreement is active."
        )
    else:
        partner = agreement.pair.other_member(request.user)
        messages.success(request, f"Signed. The agreement becomes active when {partner} signs too.")
    return redirect("agreements:detail", agreement_id=agreement.pk)


@sensitive_post_parameters()
@login_required
@require_POST
def end(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request, agreement_id)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The agreement was not ended: give a reason.")
        return _render_detail(request, agreement, end_form=form)
    ended = attempt(
        request,
        agreement_end,
        success="The agreement has ended. Your partner has been told.",
        agreement_id=agreement.pk,
        by=request.user,
        reason=form.cleaned_data["reason"],
        request=request,
    )
    if not ended:
        return _render_detail(request, agreement, end_form=form)
    return redirect("agreements:detail", agreement_id=agreement.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The proposer withdraws open terms, or the partner declines them."""
    agreement = agreement_for(request, agreement_id)
    try:
        proposal_withdraw(agreement_id=agreement.pk, by=request.user, request=request)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("agreements:detail", agreement_id=agreement.pk)
    done = "withdrew" if agreement.proposed_by_id == request.user.pk else "declined"
    partner = agreement.pair.other_member(request.user)
    message = f"You {done} the proposed terms; they are void. {partner} has been told."
    if Agreement.objects.visible_to(request.user).active_for(agreement.pair) is not None:
        message += " Your active agreement stays as it is."
    messages.success(request, message)
    return redirect("agreements:detail", agreement_id=agreement.pk)


@sensitive_post_parameters("password")
@login_required
@require_POST
def acknowledge(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """A member confirms that the current guideline version leaves the terms as they are."""
    agreement = agreement_for(request, agreement_id)
    current = agreement.pair.program.current_guideline()
    version = current.version if current else 0
    with_password = _with_password(request)
    form = AcknowledgeForm(request.POST, version=version, with_password=with_password)
    if not form.is_valid():
        messages.error(request, "Nothing was acknowledged. Please check the fields below.")
        return _render_detail(request, agreement, ack_form=form)
    if not with_password:
        return reauth.begin(
            request,
            act=ACKNOWLEDGE_ACT,
            payload={
                "agreement_id": agreement.pk,
                "guideline_version": form.cleaned_data["guideline_version"],
            },
            return_url=reverse("agreements:detail", args=[agreement.pk]),
        )
    return _acknowledge(
        request,
        agreement,
        guideline_version=form.cleaned_data["guideline_version"],
        password=form.cleaned_data["password"],
    )


def acknowledge_after_reauth(
    request: HttpRequest, payload: dict, presence: reauth.Presence
) -> HttpResponse:
    """The pending acknowledgement, once the member signed in again at the provider."""
    agreement = agreement_for(request, payload["agreement_id"])
    return _acknowledge(
        request, agreement, guideline_version=payload["guideline_version"], presence=presence
    )


def _acknowledge(
    request: HttpRequest,
    agreement: Agreement,
    *,
    guideline_version: int,
    password: str = "",
    presence: reauth.Presence | None = None,
) -> HttpResponse:
    current = agreement.pair.program.current_guideline()
    version = current.version if current else 0
    try:
        guideline_acknowledge(
            agreement_id=agreement.pk,
            member=request.user,
            guideline_version=guideline_version,
            password=password,
            presence=presence,
            request=request,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except ValidationError as exc:
        show_refusal(request, exc)
        # Never the password back; the box stays ticked.
        form = AcknowledgeForm(
            initial={"guideline_version": version, "confirm": True},
            version=version,
            with_password=_with_password(request),
        )
        return _render_detail(request, agreement_for(request, agreement.pk), ack_form=form)
    agreement = agreement_for(request, agreement.pk)
    if agreement.needs_guideline_review(current):
        partner = agreement.pair.other_member(request.user)
        messages.success(
            request,
            f"Acknowledged. Your agreement counts under version {version} when {partner} "
            "acknowledges it too.",
        )
    else:
        messages.success(
            request,
            f"Acknowledged by both of you: your agreement now counts under guideline version "
            f"{version}, with the same terms.",
        )
    return redirect("agreements:detail", agreement_id=agreement.pk)


@login_required
@require_GET
def guideline(request: HttpRequest, program_id: int) -> HttpResponse:
    """A program's published guideline: one version, or what changed between two.

    For program admins and the members of the program's pairs; an audited 404 for anyone
    else. Query parameters are checked like form input: a bad one gets a message (400), the
    page still shows the current version, never an error page.
    """
    program = get_visible_or_404(
        request, programs_with_guideline_visible_to(request.user), pk=program_id
    )
    published = {g.version: g for g in program.guidelines.published().order_by("version")}
    versions = sorted(published)
    latest = published[versions[-1]] if versions else None
    status = 200
    problems: list[str] = []
    shown, sections, compared = latest, None, None
    if "from" in request.GET or "to" in request.GET:
        form = GuidelineVersionsForm(request.GET, versions=versions)
        if form.is_valid():
            compared = (published[form.cleaned_data["from"]], published[form.cleaned_data["to"]])
            sections = guideline_diff(*compared)
            shown = None
        else:
            status = 400
    else:
        form = GuidelineVersionsForm(
            versions=versions,
            initial={"from": versions[-2] if len(versions) > 1 else None, "to": versions[-1]}
            if versions
            else {},
        )
        if "version" in request.GET:
            raw = request.GET["version"]
            # Looked up as text: "²" is a digit to str.isdigit() but not to int(), and a
            # 5,000-digit number is beyond int()'s limit; both must be a 400, not a 500.
            by_text = {str(version): guideline for version, guideline in published.items()}
            if raw in by_text:
                shown = by_text[raw]
            else:
                status = 400
                problems.append(
                    f"There is no published version {raw[:20]!r}; the published versions are "
                    f"{', '.join(map(str, versions)) or 'none yet'}. Showing the current one."
                )
    # The viewer's own agreements that wait for a review of the current version, to go back to.
    to_review = [
        flow
        for flow in pair_flows(
            Pair.objects.visible_to(request.user)
            .filter(program=program)
            .select_related("program", "mentor", "mentee"),
            request.user,
        )
        if flow.needs_guideline_review
        or (flow.proposal and flow.proposal.is_under_outdated_guideline(flow.guideline))
    ]
    return render(
        request,
        "agreements/guideline.html",
        {
            "program": program,
            "guideline": shown,
            "latest": latest,
            "versions": versions,
            "form": form,
            "sections": sections,
            "compared": compared,
            "problems": problems,
            "to_review": to_review,
        },
        status=status,
    )


@login_required
@require_GET
def print_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request, agreement_id)
    if not can_print_agreement(request.user, agreement):
        raise Http404("Only a signed agreement has a printable copy.")
    return render(
        request,
        "agreements/print.html",
        {
            "agreement": agreement,
            "pair": agreement.pair,
            "signatures": agreement.signatures.select_related("signer"),
            "problems": agreement_problems(agreement),
        },
    )


@login_required
@require_GET
def verify(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request, agreement_id)
    return render(
        request,
        "agreements/verify.html",
        {"agreement": agreement, "pair": agreement.pair, "problems": agreement_problems(agreement)},
    )


@login_required
@require_GET
def history(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = pair_for(request, pair_id)
    return render(
        request,
        "agreements/history.html",
        {
            "pair": pair,
            "history": agreement_history_page(request, pair, request.user),
            "pair_url": reverse("agreements:pair", args=[pair.pk]),
        },
    )
