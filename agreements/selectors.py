"""Read-side helpers: the answer comparison, terms prefill, where a pair is in the flow, and
the dashboard's attention items. Everything reads through the scoped querysets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from django.db import router
from django.db.models import Count, Exists, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from agreements.models import (
    Agreement,
    Answer,
    GuidelineAcknowledgement,
    Question,
    QuestionnaireSubmission,
    Signature,
)
from agreements.permissions import both_submitted
from mentorship.models import Guideline, Pair, User
from mentorship.selectors import AttentionItem, PageOf, Viewer, page_of, url_maker
from mentorship.statements import Prepared

STEPS = [
    ("questionnaire", "Questionnaire"),
    ("compare", "Compare"),
    ("terms", "Terms"),
    ("sign", "Sign"),
    ("active", "Active"),
]


def asked_questions(pair: Pair):
    return Question.objects.filter(program_id=pair.program_id, is_active=True).order_by(
        "order", "id"
    )


def own_answers(pair: Pair, user: User) -> dict[int, Answer]:
    return {a.question_id: a for a in Answer.objects.filter(pair=pair, respondent=user)}


@dataclass(frozen=True)
class ComparisonRow:
    question: Question
    mentor: Answer | None
    mentee: Answer | None

    @property
    def not_answered(self) -> bool:
        """One of the two has no answer: the statement was added to the questionnaire after
        they submitted, or retired before the other one answered. Nothing to compare, but
        something to talk about."""
        return self.mentor is None or self.mentee is None

    @property
    def mismatch(self) -> bool:
        return not self.not_answered and self.mentor.value != self.mentee.value

    @property
    def unsure(self) -> bool:
        return Answer.Value.UNSURE in (
            self.mentor.value if self.mentor else None,
            self.mentee.value if self.mentee else None,
        )

    @property
    def mentor_contradicts(self) -> bool:
        return self.question.contradicts(self.mentor.value if self.mentor else None)

    @property
    def mentee_contradicts(self) -> bool:
        return self.question.contradicts(self.mentee.value if self.mentee else None)

    @property
    def contradicts(self) -> bool:
        return self.mentor_contradicts or self.mentee_contradicts

    @property
    def on_agenda(self) -> bool:
        return self.mismatch or self.contradicts or self.unsure or self.not_answered


def answer_comparison(pair: Pair, viewer: User) -> list[ComparisonRow] | None:
    """Both members' answers side by side, or None while either has not submitted.

    The hiding rule lives in Answer.objects.visible_to: the partner's answers come back only
    once both have submitted, so this cannot leak them early.
    """
    if not both_submitted(pair):
        return None
    answers = list(Answer.objects.visible_to(viewer).filter(pair=pair).select_related("question"))
    by_key = {(a.question_id, a.respondent_id): a for a in answers}
    questions = {a.question_id: a.question for a in answers}
    for question in asked_questions(pair):
        questions.setdefault(question.pk, question)
    ordered = sorted(questions.values(), key=lambda q: (q.order, q.pk))
    return [
        ComparisonRow(
            question=q,
            mentor=by_key.get((q.pk, pair.mentor_id)),
            mentee=by_key.get((q.pk, pair.mentee_id)),
        )
        for q in ordered
    ]


def terms_prefill(pair: Pair, viewer: User, notes: list[str] | None = None) -> dict:
    """Initial terms: the current agreement's terms for an amendment; otherwise every term
    whose mapped question both members answered the same way (agree -> yes, disagree -> no).

    The answers can agree on a combination the terms do not allow (statements allowed, the
    mentor's part in promotion discussions not): statements are only used there, so they
    start unticked, and `notes` (if given) gets a sentence saying why.
    """
    agreements = Agreement.objects.visible_to(viewer).filter(pair=pair)
    current = agreements.open().exclude(canonical_text="").order_by(
        "-created_at", "-id"
    ).first() or agreements.active_for(pair)
    if current is not None:
        return {
            "confidentiality_scope": current.confidentiality_scope,
            "allows_promotion_participation": current.allows_promotion_participation,
            "allows_advocacy": current.allows_advocacy,
            "allows_engagement": current.allows_engagement,
            "exceptions": current.exceptions,
        }
    initial: dict = {}
    for row in answer_comparison(pair, viewer) or []:
        term = row.question.maps_to_term
        if not term or row.not_answered or row.mismatch or row.unsure:
            continue
        initial[term] = row.mentor.value == Answer.Value.AGREE
    statements = [Question.Term.ADVOCACY, Question.Term.ENGAGEMENT]
    if not initial.get(Question.Term.PROMOTION) and any(initial.get(t) for t in statements):
        for term in statements:
            initial[term] = False
        if notes is not None:
            notes.append(
                "You both allowed statements but not the mentor's part in promotion "
                "discussions, where statements are used: the statements start unticked. Talk "
                "it through and tick both if that is what you agree."
            )
    allows_any = any(initial.get(t) for t in Question.Term.values)
    initial["confidentiality_scope"] = (
        Agreement.Scope.AGREED_EXCEPTIONS if allows_any else Agreement.Scope.STRICT
    )
    return initial


@dataclass(frozen=True)
class TermChange:
    """One term of an amendment next to the agreement in force."""

    label: str
    in_force: str
    proposed: str

    @property
    def changed(self) -> bool:
        return self.in_force != self.proposed


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def terms_changes(in_force: Agreement, proposed: Agreement) -> list[TermChange]:
    """The proposed terms term by term against the agreement in force: what would change."""

    def version(agreement: Agreement) -> str:
        return f"version {agreement.guideline.version}" if agreement.guideline else "none"

    rows = [
        ("Guideline", version),
        ("Confidentiality", lambda a: a.get_confidentiality_scope_display()),
        (
            "The mentor may take part in promotion discussions",
            lambda a: _yes_no(a.allows_promotion_participation),
        ),
        ("Advocacy statements allowed", lambda a: _yes_no(a.allows_advocacy)),
        ("Engagement statements allowed", lambda a: _yes_no(a.allows_engagement)),
        ("Exceptions to the guideline", lambda a: a.exceptions or "None"),
    ]
    return [TermChange(label, read(in_force), read(proposed)) for label, read in rows]


@dataclass
class Flow:
    """Where a pair is in questionnaire -> compare -> terms -> sign -> active, for one viewer."""

    pair: Pair
    viewer: User
    partner: User
    guideline: Guideline | None
    i_submitted: bool
    partner_submitted: bool
    active: Agreement | None
    proposal: Agreement | None
    # The pair's most recently ended agreement, when nothing is in force: the pages say it
    # ended (and when) instead of "no agreement yet".
    last_ended: Agreement | None = None
    signed_by_me: bool = False
    signed_by_partner: bool = False
    steps: list[dict] = field(default_factory=list)
    step: str = "questionnaire"
    next_action: str = ""
    next_url: str = ""
    waiting_for_partner: str = ""

    @property
    def is_amendment(self) -> bool:
        """Terms proposed while an agreement is in force: they would replace it."""
        return self.active is not None and self.proposal is not None

    @property
    def pair_note(self) -> str:
        """Why nothing can be done on a pair that is not active, in the pair page's words."""
        if self.pair.is_active:
            return ""
        if self.pair.status == Pair.Status.PROPOSED:
            return (
                "This pair has not started yet: the program admin sets the start date. "
                "There is nothing to do yet."
            )
        return "This pair has ended, so no new agreement can be made."

    @property
    def status_text(self) -> str:
        """The agreement's real state in one sentence, whatever step the bar shows."""
        if self.active is not None:
            text = (
                f"Active since {date_format(timezone.localtime(self.active.activated_at), 'j F Y')}"
            )
            if self.version_in_force is not None:
                text += f" (guideline version {self.version_in_force})"
            text += "."
            if self.is_amendment:
                text += " An amendment awaits signatures; until both sign it, this one stays."
            return text
        if self.proposal is not None:
            return "Proposed terms await signatures."
        if self.last_ended is not None:
            ended_on = date_format(timezone.localtime(self.last_ended.closed_at), "j F Y")
            return f"Your agreement ended on {ended_on}."
        return "No agreement yet."

    def at(self, key: str) -> Flow:
        """The step bar of a page that is itself one step (Compare, Terms): that step is the
        current one while the flow is between them."""
        if {key, self.step} <= {"compare", "terms"}:
            self.steps = _steps(key)
        return self

    @property
    def version_in_force(self) -> int | None:
        """The guideline version the active agreement counts under: its own, or a later one
        both members acknowledged (set by pair_flows)."""
        if self.active is None:
            return None
        own = self.active.guideline.version if self.active.guideline else None
        acknowledged = getattr(self.active, "acknowledged_version", None)
        if acknowledged is not None and (own is None or acknowledged > own):
            return acknowledged
        return own

    @property
    def needs_guideline_review(self) -> bool:
        return (
            self.active is not None
            and self.guideline is not None
            and self.active.guideline_id != self.guideline.pk
            and getattr(self.active, "acknowledged_guideline_id", None) != self.guideline.pk
        )

    @property
    def proposal_is_review(self) -> bool:
        """The open proposal re-acknowledges the current guideline for an active agreement."""
        return (
            self.active is not None
            and self.proposal is not None
            and self.guideline is not None
            and self.proposal.guideline_id == self.guideline.pk
        )


def pair_flow(
    pair: Pair,
    viewer: User,
    *,
    submitted: dict[int, set[int]] | None = None,
    current_guidelines: dict[int, Guideline | None] | None = None,
) -> Flow:
    """One place that decides the step, the viewer's next action and what the partner owes."""
    return pair_flows([pair], viewer, submitted=submitted, current_guidelines=current_guidelines)[0]


def pair_flows(
    pairs: Sequence[Pair],
    viewer: User,
    *,
    submitted: dict[int, set[int]] | None = None,
    current_guidelines: dict[int, Guideline | None] | None = None,
) -> list[Flow]:
    """The flows of many pairs in a fixed number of queries whatever their number:
    questionnaire submissions, the programs' published guidelines, open, active and ended
    agreements (with the latest version both members acknowledged), and the open proposals'
    signers (only if there is one).

    Each agreement's guideline comes from its program's published versions, read anyway for
    the current one, not from a join. A page that has already read the submissions (pair id ->
    respondent ids) or the programs' current guidelines (program id -> guideline or None; the
    dashboard's carry only their id, program, version and status, all a flow reads) passes them
    and saves those queries; an older version is then read by id, only for an agreement made
    under one."""
    pairs = list(pairs)
    if not pairs:
        return []
    pair_ids = [pair.pk for pair in pairs]
    if submitted is None:
        submitted = defaultdict(set)
        found = (
            _PAIR_SUBMISSIONS.rows(pair=pair_ids[0])
            if len(pair_ids) == 1
            else QuestionnaireSubmission.objects.filter(pair_id__in=pair_ids).values_list(
                "pair_id", "respondent_id"
            )
        )
        for pair_id, respondent_id in found:
            submitted[pair_id].add(respondent_id)
    program_ids = {pair.program_id for pair in pairs}
    if current_guidelines is not None and program_ids <= current_guidelines.keys():
        guidelines = {p: g for p, g in current_guidelines.items() if g is not None}
        by_id = {g.pk: g for g in guidelines.values()}
    else:
        published = published_guidelines(program_ids)
        guidelines = {program_id: versions[0] for program_id, versions in published.items()}
        by_id = {g.pk: g for versions in published.values() for g in versions}
    agreements: dict[int, list[Agreement]] = defaultdict(list)
    if len(pair_ids) == 1:
        # The pair and agreement pages: the same statement every time, compiled once.
        found_agreements = _PAIR_AGREEMENTS.instances(viewer=viewer.pk, pair=pair_ids[0])
    else:
        found_agreements = list(_flow_agreements(viewer, pair_ids))
    _attach_guidelines(found_agreements, by_id)
    _attach_acknowledged_versions(found_agreements, by_id)
    for agreement in found_agreements:
        agreements[agreement.pair_id].append(agreement)
    proposals = {
        pair_id: next((a for a in found if a.is_open and a.canonical_text), None)
        for pair_id, found in agreements.items()
    }
    ended = {
        pair_id: max(closed, key=lambda a: (a.closed_at, a.pk))
        for pair_id, found in agreements.items()
        if (closed := [a for a in found if a.status == Agreement.Status.ENDED])
    }
    signers: dict[int, set[int]] = defaultdict(set)
    open_ids = [a.pk for a in proposals.values() if a is not None]
    if open_ids:
        for agreement_id, signer_id in Signature.objects.filter(
            agreement_id__in=open_ids
        ).values_list("agreement_id", "signer_id"):
            signers[agreement_id].add(signer_id)
    urls = _FlowUrls()
    return [
        _flow(
            pair,
            viewer,
            submitted=submitted.get(pair.pk, set()),
            agreements=agreements[pair.pk],
            proposal=proposals.get(pair.pk),
            last_ended=ended.get(pair.pk),
            signers=signers,
            guideline=guidelines.get(pair.program_id),
            urls=urls,
        )
        for pair in pairs
    ]


def flow_facts(pair: str) -> dict:
    """Annotations for a queryset whose rows reach one pair through `pair` (a path such as
    "pair"): what that pair's flow reads besides its agreements, whether each member submitted
    the questionnaire and the program's current guideline (its id and version), in the row's
    own query. flow_inputs turns them into pair_flow's `submitted` and `current_guidelines`."""
    submitted = QuestionnaireSubmission.objects.filter(pair=OuterRef(pair))
    current = (
        Guideline.objects.published()
        .filter(program=OuterRef(f"{pair}__program"))
        .order_by("-version")
    )
    return {
        "flow_mentor_submitted": Exists(submitted.filter(respondent=OuterRef(f"{pair}__mentor"))),
        "flow_mentee_submitted": Exists(submitted.filter(respondent=OuterRef(f"{pair}__mentee"))),
        "flow_guideline_id": Subquery(current.values("pk")[:1]),
        "flow_guideline_version": Subquery(current.values("version")[:1]),
    }


_GUIDELINE_COLUMNS = ["id", "program_id", "status", "version"]


def flow_inputs(pair: Pair, facts) -> dict:
    """pair_flow's keyword arguments from a row read with flow_facts: the members who
    submitted, and the current guideline with the only columns a flow reads (the others are
    deferred: read from the database if anything asks)."""
    guideline = None
    if facts.flow_guideline_id is not None:
        guideline = Guideline.from_db(
            router.db_for_read(Guideline),
            _GUIDELINE_COLUMNS,
            [
                facts.flow_guideline_id,
                pair.program_id,
                Guideline.Status.PUBLISHED.value,
                facts.flow_guideline_version,
            ],
        )
    done = (
        (pair.mentor_id, facts.flow_mentor_submitted),
        (pair.mentee_id, facts.flow_mentee_submitted),
    )
    return {
        "submitted": {pair.pk: {member for member, submitted in done if submitted}},
        "current_guidelines": {pair.program_id: guideline},
    }


def _flow_agreements(viewer: User, pair_ids: list[int]):
    """The pairs' agreements a flow reads, as `viewer` may see them."""
    return (
        Agreement.objects.visible_to(viewer)
        .filter(
            pair_id__in=pair_ids,
            # Ended ones too, in the same query: a pair has few, and the pages say when the
            # last one ended instead of "no agreement yet".
            status__in=[
                Agreement.Status.ACTIVE,
                Agreement.Status.ENDED,
                *Agreement.OPEN_STATUSES,
            ],
        )
        .annotate(acknowledged_guideline_id=acknowledged_by_both())
    )


_PAIR_SUBMISSIONS = Prepared(
    QuestionnaireSubmission,
    lambda pair: QuestionnaireSubmission.objects.filter(pair_id=pair).values_list(
        "pair_id", "respondent_id"
    ),
    "pair",
)
_PAIR_AGREEMENTS = Prepared(
    Agreement,
    lambda viewer, pair: _flow_agreements(User(pk=viewer), [pair]),
    "viewer",
    "pair",
)


def _attach_guidelines(agreements: list[Agreement], by_id: dict[int, Guideline]) -> None:
    """Give each agreement its guideline version from the published ones already read; one
    more query only for a version that is not among them (none in normal operation: terms are
    proposed under a published version, and published versions never go away)."""
    missing = {a.guideline_id for a in agreements if a.guideline_id and a.guideline_id not in by_id}
    if missing:
        by_id = {**by_id, **Guideline.objects.in_bulk(missing)}
    for agreement in agreements:
        if agreement.guideline_id is not None:
            agreement.guideline = by_id[agreement.guideline_id]


def _attach_acknowledged_versions(agreements: list[Agreement], by_id: dict[int, Guideline]) -> None:
    """Set acknowledged_version beside the acknowledged_guideline_id the agreements' query
    read, from the guideline versions already read (by id for any other)."""
    missing = {
        a.acknowledged_guideline_id
        for a in agreements
        if a.acknowledged_guideline_id is not None and a.acknowledged_guideline_id not in by_id
    }
    if missing:
        by_id = {**by_id, **Guideline.objects.in_bulk(missing)}
    for agreement in agreements:
        acknowledged = by_id.get(agreement.acknowledged_guideline_id)
        agreement.acknowledged_version = acknowledged.version if acknowledged else None


def guideline_changes_url(program_id: int, old: Guideline | None, new: Guideline | None) -> str:
    """The program's guideline page: what changed from `old` to `new`, or `new` alone."""
    url = reverse("agreements:guideline", args=[program_id])
    if old is not None and new is not None and old.version != new.version:
        return f"{url}?{urlencode({'from': old.version, 'to': new.version})}"
    if new is not None:
        return f"{url}?{urlencode({'version': new.version})}"
    return url


@cache  # built once: annotate() resolves a copy, and building it cost a third of a millisecond
def acknowledged_by_both() -> Subquery:
    """For agreements: the latest guideline version both members acknowledged (its id), read
    in the agreements' own query. Only the pair's two members can acknowledge, once each per
    version, so two acknowledgements of a version are both."""
    both = (
        GuidelineAcknowledgement.objects.filter(agreement=OuterRef("pk"))
        .values("guideline_id")
        .annotate(members=Count("member_id", distinct=True))
        .filter(members__gte=2)
        .order_by("-guideline__version")
    )
    return Subquery(both.values("guideline_id")[:1])


def published_guidelines(program_ids: Iterable[int]) -> dict[int, list[Guideline]]:
    """Each program's published guideline versions, newest first, in one query."""
    versions: dict[int, list[Guideline]] = defaultdict(list)
    for guideline in (
        Guideline.objects.published()
        .filter(program_id__in=set(program_ids))
        .order_by("program_id", "-version")
    ):
        versions[guideline.program_id].append(guideline)
    return versions


def current_guidelines(program_ids: Iterable[int]) -> dict[int, Guideline]:
    """Each program's latest published guideline, in one query."""
    return {program_id: found[0] for program_id, found in published_guidelines(program_ids).items()}


class _FlowUrls:
    """The flows' links: each URL pattern reversed once per pair_flows call (url_maker), then
    completed with the id (the dashboard and the agreements index build flows for many pairs)."""

    def __init__(self) -> None:
        self._makers: dict[str, Callable[[int], str]] = {}

    def __call__(self, name: str, pk: int) -> str:
        maker = self._makers.get(name)
        if maker is None:
            maker = self._makers[name] = url_maker(name)
        return maker(pk)


def _flow(
    pair: Pair,
    viewer: User,
    *,
    submitted: set[int],
    agreements: list[Agreement],
    proposal: Agreement | None,
    last_ended: Agreement | None,
    signers: dict[int, set[int]],
    guideline: Guideline | None,
    urls: _FlowUrls,
) -> Flow:
    partner = pair.other_member(viewer)
    active = next((a for a in agreements if a.is_active), None)
    flow = Flow(
        pair=pair,
        viewer=viewer,
        partner=partner,
        guideline=guideline,
        i_submitted=viewer.pk in submitted,
        partner_submitted=partner.pk in submitted,
        active=active,
        proposal=proposal,
        last_ended=last_ended if active is None else None,
    )
    if proposal is not None:
        flow.signed_by_me = viewer.pk in signers[proposal.pk]
        flow.signed_by_partner = partner.pk in signers[proposal.pk]
    if proposal is not None:
        # An amendment does not take the pair back to "sign": the agreement in force stays
        # active until both sign the new terms.
        flow.step = "active" if active is not None else "sign"
        url = urls("agreements:detail", proposal.pk)
        what = "proposed amendment" if active is not None else "proposed terms"
        if proposal.is_under_outdated_guideline(guideline):
            # Nobody can sign terms naming a replaced guideline version: "sign" would mislead.
            flow.next_action = (
                f"Read guideline version {guideline.version} and propose your terms again"
            )
            flow.next_url = guideline_changes_url(pair.program_id, proposal.guideline, guideline)
        elif not flow.signed_by_me:
            flow.next_action, flow.next_url = f"Review and sign the {what}", url
        if not flow.signed_by_partner and not proposal.is_under_outdated_guideline(guideline):
            flow.waiting_for_partner = f"{partner} still has to sign the {what}."
    elif active is not None:
        flow.step = "active"
        if flow.needs_guideline_review:
            flow.next_action = (
                f"Review guideline version {flow.guideline.version} and re-acknowledge it"
            )
            flow.next_url = guideline_changes_url(pair.program_id, active.guideline, flow.guideline)
    elif not (flow.i_submitted and flow.partner_submitted):
        flow.step = "questionnaire"
        if not flow.i_submitted:
            flow.next_action = "Answer the confidentiality questionnaire"
            flow.next_url = urls("agreements:questionnaire", pair.pk)
        if not flow.partner_submitted:
            flow.waiting_for_partner = f"{partner} has not submitted their answers yet."
    else:
        flow.step = "compare"
        if flow.last_ended is not None:
            flow.next_action = "Propose new terms if you want an agreement again"
            flow.next_url = urls("agreements:terms", pair.pk)
        else:
            flow.next_action = "Compare your answers, talk them through, then propose the terms"
            flow.next_url = urls("agreements:compare", pair.pk)
    if not pair.is_active and flow.step != "active":
        flow.next_action, flow.next_url = "", urls("agreements:pair", pair.pk)
        flow.waiting_for_partner = ""
    flow.steps = _steps(flow.step)
    return flow


def complete_agreement(agreement: Agreement, flow: Flow) -> None:
    """Fill in what the agreement page shows of an agreement fetched with its pair and the
    pair's two people only: its guideline version (the flow has read the program's), its
    proposer and the member who ended it (people of the pair), and its signatures with their
    signers, in one query (as the flow's viewer may see them). Anything not found this way is
    left to be read as usual."""
    pair = agreement.pair
    members = {pair.mentor_id: pair.mentor, pair.mentee_id: pair.mentee}
    known = [
        flow.guideline,
        *(a.guideline for a in (flow.active, flow.proposal, flow.last_ended) if a),
    ]
    guideline = next((g for g in known if g is not None and g.pk == agreement.guideline_id), None)
    if guideline is not None:
        agreement.guideline = guideline
    for person in ("proposed_by", "ended_by"):
        if (member := members.get(getattr(agreement, f"{person}_id"))) is not None:
            setattr(agreement, person, member)
    signatures = _AGREEMENT_SIGNATURES.instances(viewer=flow.viewer.pk, agreement=agreement.pk)
    for signature in signatures:
        signature.agreement = agreement
        if (member := members.get(signature.signer_id)) is not None:
            signature.signer = member
    # Kept as prefetch_related would keep them: agreement.signatures.all() (the page, the
    # permission checks) reads these, with no query.
    queryset = agreement.signatures.get_queryset()
    queryset._result_cache = signatures
    queryset._prefetch_done = True
    if not hasattr(agreement, "_prefetched_objects_cache"):
        agreement._prefetched_objects_cache = {}
    agreement._prefetched_objects_cache[_SIGNATURES_CACHE] = queryset


def _agreement_signatures(viewer: User, agreement: int):
    """The signatures of one agreement the viewer may see (visible_to), in their order."""
    return Signature.objects.filter(
        agreement__in=Agreement.objects.visible_to(viewer).filter(pk=agreement).values("pk")
    )


# The agreement page's signatures, compiled once per process (prefetch_related's ORM work was a
# fifth of the page), run with the viewer's and the agreement's ids.
_AGREEMENT_SIGNATURES = Prepared(
    Signature,
    lambda viewer, agreement: _agreement_signatures(User(pk=viewer), agreement),
    "viewer",
    "agreement",
)
_SIGNATURES_CACHE = Agreement._meta.get_field("signatures").cache_name


@cache  # five keys; the lists are only read
def _steps(current_key: str) -> list[dict]:
    keys = [key for key, _label in STEPS]
    current = keys.index(current_key)
    steps = []
    for index, (key, label) in enumerate(STEPS):
        if index < current or (key == "active" and current_key == "active"):
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "todo"
        steps.append({"key": key, "label": label, "state": state})
    return steps


def agreement_history(pair: Pair, viewer: User):
    """Every agreement of the pair, newest first, each numbered from the first (1) by the
    database, so that one page of a long history can be read on its own."""
    return (
        Agreement.objects.visible_to(viewer)
        .filter(pair=pair)
        .select_related("guideline", "ended_by")
        .prefetch_related("signatures__signer")
        .annotate(number=Window(RowNumber(), order_by=[F("created_at").asc(), F("id").asc()]))
        .order_by("-created_at", "-id")
    )


def agreement_history_page(request, pair: Pair, viewer: User, *, per_page: int = 20) -> PageOf:
    return page_of(request, agreement_history(pair, viewer), per_page=per_page, param="history")


def agreement_attention(viewer: Viewer | User, limit: int | None = None) -> Iterable[AttentionItem]:
    """Questionnaires to answer, terms to sign or agree, guideline versions to re-acknowledge.
    (Decided per active pair, which a user has few of: the viewer's active pairs, read once
    for the whole page in a total order, since the list is paged by recomputing it.)"""
    viewer = Viewer.of(viewer)
    pairs = viewer.active_pairs
    # The submissions and the current guideline (its id and number: all a flow's next step
    # reads of it) came with the pairs (active_pair_submissions below, Viewer.active_pairs).
    submitted = {
        pair.pk: {
            member_id
            for member_id, done in (
                (pair.mentor_id, pair.mentor_submitted),
                (pair.mentee_id, pair.mentee_submitted),
            )
            if done
        }
        for pair in pairs
    }
    guidelines = {
        pair.program_id: Guideline(
            pk=pair.current_guideline_id,
            program_id=pair.program_id,
            version=pair.current_guideline_version,
            status=Guideline.Status.PUBLISHED,
        )
        for pair in pairs
        if pair.current_guideline_id is not None
    }
    flows = pair_flows(pairs, viewer.user, submitted=submitted, current_guidelines=guidelines)
    for flow in flows:
        if not flow.next_action:
            continue
        if flow.proposal is not None and flow.proposal.is_under_outdated_guideline(flow.guideline):
            message = (
                f"Guideline version {flow.guideline.version} was published: propose your terms "
                f"with {flow.partner} again under it."
            )
            action = "Review the guideline"
        elif flow.is_amendment:
            message = (
                f"An amendment of your confidentiality agreement with {flow.partner} awaits "
                "your signature."
            )
            action = "Review and sign"
        elif flow.step == "active":
            message = (
                f"Guideline version {flow.guideline.version} was published: review it with "
                f"{flow.partner} and re-acknowledge your agreement."
            )
            action = "Review the guideline"
        elif flow.step == "sign":
            message = (
                f"Terms of your confidentiality agreement with {flow.partner} await your signature."
            )
            action = "Review and sign"
        elif flow.step == "questionnaire":
            message = f"Answer the confidentiality questionnaire for your pair with {flow.partner}."
            action = "Answer"
        else:
            message = f"Compare answers with {flow.partner} and agree your confidentiality terms."
            action = "Compare and agree terms"
        yield AttentionItem(message=message, url=flow.next_url, action=action)


def active_pair_submissions(user: User) -> dict:
    """Whether each member of the viewer's active pairs submitted the questionnaire, read with
    the pairs (Viewer.active_pairs) for agreement_attention."""
    submitted = QuestionnaireSubmission.objects.filter(pair=OuterRef("pk"))
    return {
        "mentor_submitted": Exists(submitted.filter(respondent=OuterRef("mentor"))),
        "mentee_submitted": Exists(submitted.filter(respondent=OuterRef("mentee"))),
    }
