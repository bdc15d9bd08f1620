"""The names of the events the audit trail records (`mentorship.audit`).

Kept apart from the trail itself, which needs the models, so that an app's AppConfig can name
the actions it declares confidential before the models are loaded.
"""

from __future__ import annotations


class Action:
    GUIDELINE_PUBLISHED = "guideline.published"
    PAIR_STATUS_CHANGED = "pair.status_changed"
    AGREEMENT_SIGNED = "agreement.signed"
    AGREEMENT_ACTIVATED = "agreement.activated"
    AGREEMENT_ENDED = "agreement.ended"
    AGREEMENT_SUPERSEDED = "agreement.superseded"
    # A proposal taken off the table before both signed: withdrawn by its proposer, declined
    # by the partner, or voided because the agreement it would have amended was ended.
    AGREEMENT_VOIDED = "agreement.voided"
    STATEMENT_REVISED = "statement.revised"
    CONSENT_REQUESTED = "statement.consent_requested"
    CONSENT_GRANTED = "statement.consent_granted"
    CONSENT_DECLINED = "statement.consent_declined"
    CONSENT_WITHDRAWN = "statement.consent_withdrawn"
    # The mentee's "don't ask me for consent in this review", on its own or with a decline.
    CONSENT_OPTED_OUT = "statement.consent_opted_out"
    STATEMENT_DRAFT_DELETED = "statement.draft_deleted"
    REVIEW_STATUS_CHANGED = "review.status_changed"
    ASSESSMENT_WRITTEN = "review.assessment_written"
    PANEL_CHANGED = "review.panel_changed"
    STATEMENTS_SHOWN = "review.statements_shown"
    OUTCOME_RECORDED = "review.outcome_recorded"
    ACCESS_DENIED = "access.denied"


ACTIONS = frozenset(v for k, v in vars(Action).items() if k.isupper())
