"""State changes of the agreement flow: answer, propose, sign, end; plus guideline review.

Every change locks what it changes, checks the rule in permissions.py, writes its audit
event in the same transaction and queues its email for after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from agreements import notifications
from agreements.canonical import build_canonical_text, normalize_text, sha256_hex
from agreements.guideline_diff import SECTIONS, SectionDiff, guideline_diff
from agreements.models import (
    Agreement,
    Answer,
    GuidelineAcknowledgement,
    QuestionnaireSubmission,
    Signature,
)
from agreements.permissions import (
    can_acknowledge_guideline,
    can_answer_questionnaire,
    can_end_agreement,
    can_propose_terms,
    can_sign_agreement,
    can_withdraw_proposal,
)
from agreements.selectors import asked_questions
from agreements.signals import agreement_closed
from mentorship.audit import Action, audit_record, client_ip
from mentorship.models import Guideline, Pair, Program, User
from mentorship.permissions import programs_managed_by
from mentorship.reauth import Presence, confirm_presence
from mentorship.services import guideline_publish


def _locked_pair(pair_id: int, user: User) -> Pair:
    # Lock the pair so two proposals (or two submissions) for it queue up instead of racing.
    return (
        Pair.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("program", "mentor", "mentee")
        .get(pk=pair_id)
    )


COMMENT_NEEDS_ANSWER = "Pick an answer to keep your comment: a comment is saved with its answer."
ANSWERS_LOCKED = "Your answers are already submitted and can no longer change."
ALREADY_SIGNED = "You have already signed this agreement."
GUIDELINE_ACKNOWLEDGED = "agreement.guideline_acknowledged"


def outdated_terms_text(agreement: Agreement, current: Guideline) -> str:
    """Why terms proposed under a replaced guideline version cannot be signed, and what to do."""
    return (
        f"These terms were proposed under guideline version {agreement.guideline.version}; the "
        f"program has published version {current.version} since. Nothing was signed: review "
        "the new version and propose your terms again under it."
    )


@sensitive_variables()  # confidential text: kept out of error reports
@transaction.atomic
def questionnaire_save(
    *, pair_id: int, respondent: User, answers: dict[int, tuple[str, str]]
) -> None:
    """Save the respondent's answers ({question_id: (value, comment)}); blanks are skipped.

    Answers stay editable until their author submits; submitting locks them for good (from
    then on the partner may be reading them).
    """
    pair = _locked_pair(pair_id, respondent)
    if not can_answer_questionnaire(respondent, pair):
        raise ValidationError(ANSWERS_LOCKED)
    asked = set(asked_questions(pair).values_list("pk", flat=True))
    rows = []
    for question_id, (value, comment) in answers.items():
        if question_id not in asked:
            raise ValidationError("That question is not part of this questionnaire.")
        if not value:
            if normalize_text(comment):
                raise ValidationError(COMMENT_NEEDS_ANSWER)
            continue
        if value not in Answer.Value.values:
            raise ValidationError("Answer with agree, disagree or unsure.")
        rows.append(
            Answer(
                pair=pair,
                respondent=respondent,
                question_id=question_id,
                value=value,
                comment=normalize_text(comment),
            )
        )
    # One INSERT ... ON CONFLICT for the whole questionnaire instead of a SELECT and a write
    # per question: a new answer is inserted, a changed one overwrites the row the unique
    # constraint (pair, respondent, question) finds. updated_at is set by auto_now on both.
    Answer.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["pair", "respondent", "question"],
        update_fields=["value", "comment", "updated_at"],
    )


OPEN_QUESTION = "Answer this statement before you submit."


class OpenQuestions(ValidationError):
    """Submitting with statements still unanswered; names them, so the page can mark each."""

    def __init__(self, question_ids: list[int]):
        self.question_ids = question_ids
        super().__init__(
            f"Answer every statement before submitting ({len(question_ids)} still open). "
            "Your answers so far are saved."
        )


@transaction.atomic
def questionnaire_submit(*, pair_id: int, respondent: User) -> QuestionnaireSubmission:
    """Lock the respondent's answers; once both have submitted, both see both."""
    pair = _locked_pair(pair_id, respondent)
    if not can_answer_questionnaire(respondent, pair):
        raise ValidationError(ANSWERS_LOCKED)
    answered = set(
        Answer.objects.filter(pair=pair, respondent=respondent).values_list(
            "question_id", flat=True
        )
    )
    missing = list(asked_questions(pair).exclude(pk__in=answered).values_list("pk", flat=True))
    if missing:
        raise OpenQuestions(missing)
    try:
        with transaction.atomic():
            submission = QuestionnaireSubmission.objects.create(
                pair=pair, respondent=respondent, submitted_at=timezone.now()
            )
    except IntegrityError as exc:
        raise ValidationError("Your answers were already submitted.") from exc
    partner = pair.other_member(respondent)
    partner_done = QuestionnaireSubmission.objects.filter(pair=pair, respondent=partner).exists()
    notifications.answers_submitted(pair=pair, by=respondent, to=partner, both_done=partner_done)
    return submission


@sensitive_variables()  # confidential text: kept out of error reports
def questionnaire_answer(
    *, pair_id: int, respondent: User, answers: dict[int, tuple[str, str]], submit: bool
) -> bool:
    """Save, then (if asked) submit, as two steps: a refused submit keeps what was saved.
    Returns whether the questionnaire is now submitted."""
    questionnaire_save(pair_id=pair_id, respondent=respondent, answers=answers)
    if submit:
        questionnaire_submit(pair_id=pair_id, respondent=respondent)
    return submit


def terms_problems(
    *, confidentiality_scope: str, promotion: bool, advocacy: bool, engagement: bool
) -> dict[str, str]:
    """What is wrong with a combination of terms, keyed by the form field to show it beside.

    The terms form asks here too, so the page and the service refuse the same combinations.
    """
    if confidentiality_scope not in Agreement.Scope.values:
        return {"confidentiality_scope": "Choose a confidentiality scope."}
    problems = {}
    if (advocacy or engagement) and not promotion:
        problems["allows_promotion_participation"] = (
            "Advocacy or engagement statements are only used in promotion discussions: allow "
            "the mentor to take part in them, or do not allow statements."
        )
    if confidentiality_scope == Agreement.Scope.STRICT and promotion:
        problems["confidentiality_scope"] = (
            "Strict confidentiality means the mentor says nothing in promotion discussions. "
            "Choose 'Confidential, except what these terms allow', or do not allow it."
        )
    return problems


def _validate_terms(
    *, confidentiality_scope: str, promotion: bool, advocacy: bool, engagement: bool
) -> None:
    problems = terms_problems(
        confidentiality_scope=confidentiality_scope,
        promotion=promotion,
        advocacy=advocacy,
        engagement=engagement,
    )
    if problems:
        # Keyed by field: the terms page shows each message beside its field.
        raise ValidationError(problems)


@sensitive_variables()  # confidential text: kept out of error reports
@transaction.atomic
def agreement_propose(
    *,
    pair_id: int,
    by: User,
    confidentiality_scope: str,
    allows_promotion_participation: bool,
    allows_advocacy: bool,
    allows_engagement: bool,
    exceptions: str = "",
    request: HttpRequest | None = None,
) -> Agreement:
    """Propose terms as a new agreement awaiting both signatures.

    Terms never change after this: proposing different terms voids the open proposal (its
    signatures stay, unchanged) and starts a fresh one. Made under the program's current
    guideline, which is how a pair re-acknowledges a newly published version.

    Proposing exactly the text already awaiting signatures changes nothing and returns that
    proposal: a double click, or the form sent again with the back button, must not void a
    text the partner may already have signed.
    """
    # The pair lock queues two proposals for the same pair (a double click), so the second
    # finds the first one's proposal below and returns it instead of voiding it.
    pair = _locked_pair(pair_id, by)
    if not can_propose_terms(by, pair):
        raise PermissionDenied
    _validate_terms(
        confidentiality_scope=confidentiality_scope,
        promotion=allows_promotion_participation,
        advocacy=allows_advocacy,
        engagement=allows_engagement,
    )
    guideline = pair.program.current_guideline()
    agreement = Agreement(
        pair=pair,
        status=Agreement.Status.AWAITING_SIGNATURES,
        guideline=guideline,
        confidentiality_scope=confidentiality_scope,
        allows_promotion_participation=allows_promotion_participation,
        allows_advocacy=allows_advocacy,
        allows_engagement=allows_engagement,
        exceptions=normalize_text(exceptions),
        mentor_name=pair.mentor.get_full_name(),
        mentee_name=pair.mentee.get_full_name(),
        proposed_by=by,
        proposed_at=timezone.now(),
    )
    agreement.canonical_text = build_canonical_text(agreement)
    agreement.text_sha256 = sha256_hex(agreement.canonical_text)
    active = Agreement.objects.active_for(pair)
    if active is not None and active.text_sha256 == agreement.text_sha256:
        raise ValidationError(
            "These are exactly the terms of your active agreement under the same guideline "
            "version; there is nothing new to sign."
        )
    already_proposed = (
        Agreement.objects.filter(
            pair=pair,
            status=Agreement.Status.AWAITING_SIGNATURES,
            text_sha256=agreement.text_sha256,
        )
        .order_by("pk")
        .first()
    )
    if already_proposed is not None:
        return already_proposed
    agreement.full_clean()
    agreement.save()
    for old in (
        Agreement.objects.select_for_update()
        .filter(pair=pair, status__in=Agreement.OPEN_STATUSES)
        .exclude(pk=agreement.pk)
    ):
        _void(old, by=by, request=request, why="replaced", successor=agreement)
    notifications.terms_proposed(agreement=agreement, by=by)
    return agreement


def name_mismatch_text(signer: User) -> str:
    return (
        f"Type your full name exactly as it is on your account ({signer.get_full_name()}). "
        "Nothing was signed."
    )


def names_match(typed: str, full_name: str) -> bool:
    """Case- and spacing-insensitive comparison of a typed name with the full name."""

    def canonical(name: str) -> str:
        return " ".join(name.split()).casefold()

    return bool(canonical(typed)) and canonical(typed) == canonical(full_name)


def agreement_sign(
    *,
    agreement_id: int,
    signer: User,
    typed_name: str,
    text_sha256: str,
    password: str = "",
    presence: Presence | None = None,
    request: HttpRequest | None = None,
    user_agent: str = "",
) -> Signature:
    """Re-authenticate, then sign (see _agreement_sign_locked).

    Presence is proved by the signer's password here, or by `presence`, the company identity
    provider's fresh sign-in checked by mentorship.reauth; the signature records which. The
    password is checked before the signing transaction opens, so that login throttling keeps
    its record of a wrong password (inside the transaction it would be rolled back with the
    refusal).
    """
    method = confirm_presence(user=signer, password=password, presence=presence, request=request)
    if method is None:
        raise ValidationError(_not_confirmed(presence, "Nothing was signed."))
    return _agreement_sign_locked(
        agreement_id=agreement_id,
        signer=signer,
        typed_name=typed_name,
        text_sha256=text_sha256,
        reauth_method=method,
        request=request,
        user_agent=user_agent,
    )


def _not_confirmed(presence: Presence | None, nothing_done: str) -> str:
    if presence is None:
        return f"That password is not correct. {nothing_done}"
    return f"Your company sign-in could not be confirmed. {nothing_done}"


@transaction.atomic
def _agreement_sign_locked(
    *,
    agreement_id: int,
    signer: User,
    typed_name: str,
    text_sha256: str,
    reauth_method: str,
    request: HttpRequest | None = None,
    user_agent: str = "",
) -> Signature:
    """Sign the exact text shown (identified by its hash); the signer is already re-authenticated.

    The agreement row is locked first, so a double-click, two tabs, or both members signing
    at the same moment queue up here: the second signer sees the first signature and
    activates. The unique constraints are the last line of defence.
    """
    agreement = (
        Agreement.objects.visible_to(signer)
        .select_for_update(of=("self",))
        .select_related("pair", "guideline")
        .get(pk=agreement_id)
    )
    if agreement.signatures.filter(signer=signer).exists():
        raise ValidationError(ALREADY_SIGNED)
    current = agreement.pair.program.current_guideline()
    if agreement.is_under_outdated_guideline(current):
        raise ValidationError(outdated_terms_text(agreement, current))
    if not can_sign_agreement(signer, agreement):
        raise ValidationError(
            "This agreement is no longer open for signing. Its terms may have been replaced; "
            "see the pair's agreements."
        )
    if text_sha256 != agreement.text_sha256:
        raise ValidationError(
            "The text you read is not the text of this agreement any more. Nothing was signed; "
            "please read it again."
        )
    if not names_match(typed_name, signer.get_full_name()):
        raise ValidationError(name_mismatch_text(signer))
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                agreement=agreement,
                signer=signer,
                role=agreement.pair.role_of(signer),
                typed_name=" ".join(typed_name.split()),
                signed_at=timezone.now(),
                ip_address=client_ip(request),
                user_agent=user_agent[:300],
                text_sha256=agreement.text_sha256,
                reauth_method=reauth_method,
            )
    except IntegrityError as exc:
        raise ValidationError(ALREADY_SIGNED) from exc
    audit_record(
        actor=signer,
        action=Action.AGREEMENT_SIGNED,
        target=agreement,
        request=request,
        payload={
            "signature": signature.pk,
            "role": signature.role,
            "sha256": signature.text_sha256,
            "confirmed_by": signature.reauth_method,
        },
    )
    signatures = list(agreement.signatures.all())
    both = {s.role for s in signatures} == {"mentor", "mentee"}
    same_text = all(s.text_sha256 == agreement.text_sha256 for s in signatures)
    if both and same_text:
        _activate(agreement, by=signer, request=request)
    notifications.agreement_signed(agreement=agreement, by=signer)
    return signature


def _activate(agreement: Agreement, *, by: User, request: HttpRequest | None) -> None:
    """Second signature: supersede the pair's active agreement (if any), then activate."""
    now = timezone.now()
    previous = (
        Agreement.objects.select_for_update().filter(pair_id=agreement.pair_id).active().first()
    )
    if previous is not None:
        previous.superseded_by = agreement
        _close(
            previous,
            Agreement.Status.SUPERSEDED,
            at=now,
            by=by,
            action=Action.AGREEMENT_SUPERSEDED,
            request=request,
            successor=agreement.pk,
        )
    agreement.status = Agreement.Status.ACTIVE
    agreement.activated_at = now
    agreement.save()
    audit_record(
        actor=by,
        action=Action.AGREEMENT_ACTIVATED,
        target=agreement,
        request=request,
        payload={
            "sha256": agreement.text_sha256,
            "guideline": agreement.guideline_id,
            "supersedes": previous.pk if previous else None,
        },
    )
    if previous is not None:
        agreement_closed.send(sender=Agreement, agreement=previous, successor=agreement)


@sensitive_variables()  # confidential text: kept out of error reports
@transaction.atomic
def agreement_end(
    *, agreement_id: int, by: User, reason: str, request: HttpRequest | None = None
) -> Agreement:
    """Either member ends an active agreement, with a reason only the pair sees.

    Terms proposed on the pair and not yet signed by both become void in the same
    transaction: an amendment of an agreement that no longer exists must not come into force
    by a signature given later, nor keep the flow and the dashboard asking both to sign it.
    """
    pair_id = (
        Agreement.objects.visible_to(by).values_list("pair_id", flat=True).get(pk=agreement_id)
    )
    # Locks in the order the other agreement services take them: the pair (proposing and
    # withdrawing queue here), then the open proposals, then the active agreement. Signing
    # locks the proposal before the active agreement it supersedes, so taking the active one
    # first here could deadlock with a second signature given at the same moment.
    _locked_pair(pair_id, by)
    open_proposals = list(
        Agreement.objects.select_for_update().filter(
            pair_id=pair_id, status__in=Agreement.OPEN_STATUSES
        )
    )
    agreement = (
        Agreement.objects.visible_to(by)
        .select_for_update(of=("self",))
        .select_related("pair")
        .get(pk=agreement_id)
    )
    if not can_end_agreement(by, agreement):
        raise ValidationError("Only an active agreement can be ended.")
    reason = normalize_text(reason)
    if not reason:
        raise ValidationError("Give a reason for ending the agreement; only your partner sees it.")
    agreement.ended_by = by
    agreement.end_reason = reason
    _close(agreement, Agreement.Status.ENDED, by=by, action=Action.AGREEMENT_ENDED, request=request)
    for proposal in open_proposals:
        # Nobody withdrew or declined it: ended_by stays empty.
        _void(proposal, by=by, request=request, why="agreement_ended", ended=agreement.pk)
    agreement_closed.send(sender=Agreement, agreement=agreement, successor=None)
    notifications.agreement_ended(agreement=agreement, by=by)
    return agreement


@transaction.atomic
def proposal_withdraw(
    *, agreement_id: int, by: User, request: HttpRequest | None = None
) -> Agreement:
    """Either member takes terms awaiting signatures off the table: the proposer withdraws
    them, the partner declines them. They become void like terms replaced by new ones (the
    signatures given stay on record and never take effect); the active agreement, if any,
    stays as it is."""
    pair_id = (
        Agreement.objects.visible_to(by).values_list("pair_id", flat=True).get(pk=agreement_id)
    )
    # The pair lock queues this behind a proposal or an end on the same pair; the row lock
    # behind a signature, so terms are either signed by both or void, never both.
    _locked_pair(pair_id, by)
    proposal = (
        Agreement.objects.visible_to(by)
        .select_for_update(of=("self",))
        .select_related("pair")
        .get(pk=agreement_id)
    )
    if not can_withdraw_proposal(by, proposal):
        if proposal.status == Agreement.Status.VOID:
            raise ValidationError(
                "Nothing changed: these terms are already void (withdrawn, declined or replaced)."
            )
        if proposal.status in (
            Agreement.Status.ACTIVE,
            Agreement.Status.SUPERSEDED,
            Agreement.Status.ENDED,
        ):
            raise ValidationError(
                "Nothing changed: both of you signed these terms, so they are no longer a "
                "proposal. To change them, propose new terms; to stop, end the agreement."
            )
        raise ValidationError("Nothing changed: these terms are not awaiting signatures.")
    why = "withdrawn" if proposal.proposed_by_id == by.pk else "declined"
    # ended_by records who took the terms off the table, for the agreement page.
    proposal.ended_by = by
    _void(proposal, by=by, request=request, why=why)
    notifications.proposal_withdrawn(agreement=proposal, by=by)
    return proposal


def _void(
    proposal: Agreement,
    *,
    by: User,
    request: HttpRequest | None,
    why: str,
    successor: Agreement | None = None,
    ended: int | None = None,
) -> None:
    """Close open terms: withdrawn, declined, replaced by `successor`, or their agreement ended.

    Void, not superseded: terms never signed by both were never in force, so nothing took
    their place (superseded is what an active agreement becomes, in _activate).
    """
    payload: dict = {"why": why}
    if successor is not None:
        proposal.superseded_by = successor
        payload["successor"] = successor.pk
    if ended is not None:
        payload["ended"] = ended
    _close(
        proposal,
        Agreement.Status.VOID,
        by=by,
        action=Action.AGREEMENT_VOIDED,
        request=request,
        **payload,
    )


def _close(
    agreement: Agreement,
    status: str,
    *,
    by: User,
    action: str,
    request: HttpRequest | None,
    at: datetime | None = None,
    **payload,
) -> None:
    """Move the locked agreement to a closed status along Agreement.TRANSITIONS and audit the
    move (from, to and `payload`) in the same transaction."""
    previous = agreement.status
    agreement.status = status
    agreement.closed_at = at or timezone.now()
    agreement.save()
    audit_record(
        actor=by,
        action=action,
        target=agreement,
        request=request,
        payload={"from": previous, "to": status, **payload},
    )


def guideline_acknowledge(
    *,
    agreement_id: int,
    member: User,
    guideline_version: int,
    password: str = "",
    presence: Presence | None = None,
    request: HttpRequest | None = None,
    user_agent: str = "",
) -> GuidelineAcknowledgement:
    """Re-authenticate as for signing, then confirm that guideline version
    `guideline_version` changes nothing about the pair's terms (see _guideline_acknowledge_locked).

    The password is checked before the transaction opens, as in agreement_sign, so login
    throttling keeps its record of a wrong one.
    """
    method = confirm_presence(user=member, password=password, presence=presence, request=request)
    if method is None:
        raise ValidationError(_not_confirmed(presence, "Nothing was acknowledged."))
    return _guideline_acknowledge_locked(
        agreement_id=agreement_id,
        member=member,
        guideline_version=guideline_version,
        reauth_method=method,
        request=request,
        user_agent=user_agent,
    )


@transaction.atomic
def _guideline_acknowledge_locked(
    *,
    agreement_id: int,
    member: User,
    guideline_version: int,
    reauth_method: str,
    request: HttpRequest | None,
    user_agent: str,
) -> GuidelineAcknowledgement:
    """One member's "I have read version N; our terms stay as they are" for an active
    agreement made under an older version: an append-only record beside the signed agreement,
    which never changes. With both members' acknowledgements the agreement counts as made
    under version N (Agreement.guideline_in_force) and stops asking for a review.

    The agreement row is locked, so both members acknowledging at once, or an end or an
    amendment coming into force at the same moment, queue up here.
    """
    agreement = (
        Agreement.objects.visible_to(member)
        .select_for_update(of=("self",))
        .select_related("pair__program", "pair__mentor", "pair__mentee", "guideline")
        .get(pk=agreement_id)
    )
    current = agreement.pair.program.current_guideline()
    if current is None or current.version != guideline_version:
        # Published between reading the page and confirming: what was read is not current.
        raise ValidationError(
            "A newer guideline version has been published since you opened the page. Nothing "
            "was acknowledged: read the current version, then confirm again."
        )
    if agreement.acknowledgements.filter(guideline=current, member=member).exists():
        raise ValidationError(
            f"You have already acknowledged guideline version {current.version} for this agreement."
        )
    if not can_acknowledge_guideline(member, agreement):
        raise ValidationError(
            "Nothing to acknowledge: only an agreement in force on an active pair, made under "
            "an older guideline version, is re-acknowledged."
        )
    try:
        with transaction.atomic():
            acknowledgement = GuidelineAcknowledgement.objects.create(
                agreement=agreement,
                guideline=current,
                member=member,
                role=agreement.pair.role_of(member),
                acknowledged_at=timezone.now(),
                text_sha256=agreement.text_sha256,
                ip_address=client_ip(request),
                user_agent=user_agent[:300],
                reauth_method=reauth_method,
            )
    except IntegrityError as exc:
        raise ValidationError(
            f"You have already acknowledged guideline version {current.version} for this agreement."
        ) from exc
    both = agreement.acknowledged_by_both(current)
    audit_record(
        actor=member,
        action=GUIDELINE_ACKNOWLEDGED,
        target=agreement,
        request=request,
        payload={
            "acknowledgement": acknowledgement.pk,
            "guideline": current.pk,
            "version": current.version,
            "role": acknowledgement.role,
            "both": both,
            "confirmed_by": acknowledgement.reauth_method,
        },
    )
    notifications.guideline_acknowledged(
        agreement=agreement, by=member, guideline=current, both=both
    )
    return acknowledgement


def agreements_to_review(guideline: Guideline):
    """The active agreements whose pairs publishing `guideline` asks to review and
    re-acknowledge it: every one in its program made under another version. The confirmation
    page counts these, and guideline_review_request notifies exactly these."""
    return (
        Agreement.objects.active()
        .filter(pair__program_id=guideline.program_id)
        .exclude(guideline=guideline)
    )


def proposals_outdated_by(guideline: Guideline):
    """Terms awaiting signatures that name another version: once `guideline` is published
    they can no longer be signed, and their pairs are told to propose them again."""
    return (
        Agreement.objects.open()
        .filter(pair__program_id=guideline.program_id)
        .exclude(canonical_text="")
        .exclude(guideline=guideline)
    )


def guideline_review_request(*, guideline: Guideline) -> int:
    """A new guideline version: ask both members of each active agreement made under an
    older version to review it. The flag itself is derived (agreement.guideline differs from
    the program's current one), so nothing is stored. Returns how many agreements."""
    count = 0
    for agreement in agreements_to_review(guideline).select_related("pair__mentor", "pair__mentee"):
        notifications.guideline_review(agreement=agreement, guideline=guideline)
        count += 1
    # Terms awaiting signatures name the replaced version: they can no longer be signed.
    for proposal in proposals_outdated_by(guideline).select_related(
        "pair__mentor", "pair__mentee", "guideline"
    ):
        notifications.proposal_outdated(agreement=proposal, guideline=guideline)
    return count


@dataclass(frozen=True)
class GuidelinePublication:
    """What publishing a draft will do, as its confirmation page shows it."""

    draft: Guideline
    current: Guideline | None  # the version in force, which the draft replaces
    diff: list[SectionDiff]  # from the version in force (empty when there is none)
    pairs_to_review: int  # active pairs asked to review and re-acknowledge the new version
    proposals_outdated: int  # terms awaiting signatures that will have to be proposed again

    @property
    def replacing_version(self) -> int:
        """What the confirmation posts back: publishing goes ahead only while this is still the
        version in force (0: none is)."""
        return self.current.version if self.current else 0

    @property
    def fingerprint(self) -> str:
        return draft_fingerprint(self.draft)


def draft_fingerprint(guideline: Guideline) -> str:
    """The draft's text as the confirmation showed it: an edit saved by someone else since
    then changes it, and the confirmation no longer publishes."""
    text = "\x1f".join(f"{name}={getattr(guideline, name) or ''}" for name, _ in SECTIONS)
    return sha256_hex(text)


def guideline_publication(guideline: Guideline) -> GuidelinePublication:
    current = guideline.program.current_guideline()
    return GuidelinePublication(
        draft=guideline,
        current=current,
        diff=guideline_diff(current, guideline) if current else [],
        pairs_to_review=agreements_to_review(guideline).count(),
        proposals_outdated=proposals_outdated_by(guideline).count(),
    )


STALE_PUBLICATION = (
    "Version {current} of this program's guideline was published after you opened the "
    "confirmation, so nothing was published. Review the differences from version {current} "
    "and confirm again."
)


EDITED_SINCE_SHOWN = (
    "This draft was changed after you opened the confirmation, so nothing was published. "
    "Read it again and confirm."
)


@transaction.atomic
def guideline_publish_confirmed(
    *,
    guideline_id: int,
    by: User,
    replacing_version: int,
    fingerprint: str,
    request: HttpRequest | None = None,
) -> Guideline:
    """Publish a draft as its confirmation page showed it: only while the version it was
    compared with (`replacing_version`, 0 for none) is still the one in force. Publishing
    asks the pairs to review it (receivers.guideline_published, in this transaction)."""
    # The same order as guideline_publish (the guideline, then its program), so two admins
    # publishing at once wait for each other instead of deadlocking.
    guideline = Guideline.objects.select_for_update().filter(pk=guideline_id).first()
    if guideline is None or not programs_managed_by(by).filter(pk=guideline.program_id).exists():
        raise PermissionDenied
    if guideline.is_published:
        raise ValidationError(
            f"Version {guideline.version} is already published; nothing was changed."
        )
    Program.objects.select_for_update().get(pk=guideline.program_id)
    current = guideline.program.current_guideline()
    if (current.version if current else 0) != replacing_version:
        raise ValidationError(STALE_PUBLICATION.format(current=current.version if current else 0))
    if draft_fingerprint(guideline) != fingerprint:
        raise ValidationError(EDITED_SINCE_SHOWN)
    return guideline_publish(guideline_id=guideline.pk, by=by, request=request)
