"""The canonical text of an agreement: the one plain text both members read and sign.

Built by one function from the agreement's own stored columns and its (immutable, published)
guideline version, so verification can rebuild it and compare byte for byte.
"""

from __future__ import annotations

import hashlib

from agreements.models import Agreement

FIXED_LIMIT = (
    "Whatever these terms allow, a mentor's input is never a performance review (that is the "
    "supervisor's role), and the content of our mentoring conversations stays confidential."
)


def normalize_text(text: str) -> str:
    """Newlines as \\n, no trailing spaces, no leading/trailing blank lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _yes_no(allowed: bool, yes: str, no: str) -> str:
    return yes if allowed else no


def build_canonical_text(agreement: Agreement) -> str:
    guideline = agreement.guideline
    guideline_line = (
        f'"{guideline.title}", version {guideline.version}' if guideline else "none published"
    )
    exceptions = normalize_text(agreement.exceptions) or "None."
    terms = [
        "Confidentiality: " + Agreement.Scope(agreement.confidentiality_scope).label + ".",
        "Promotion discussions: "
        + _yes_no(
            agreement.allows_promotion_participation,
            "the mentor MAY take part in promotion discussions about the mentee, as an "
            "advocate, with only what the mentee consents to share.",
            "the mentor will NOT take part in promotion discussions about the mentee.",
        ),
        "Advocacy statements: "
        + _yes_no(
            agreement.allows_advocacy,
            "ALLOWED (growth and readiness the mentor saw in the mentoring relationship).",
            "NOT allowed.",
        ),
        "Engagement statements: "
        + _yes_no(
            agreement.allows_engagement,
            "ALLOWED (facts about the mentoring relationship only, such as how often we met).",
            "NOT allowed.",
        ),
        "Limit: " + FIXED_LIMIT,
        "Exceptions to the guideline we agreed:\n" + exceptions,
    ]
    lines = [
        "CONFIDENTIALITY AGREEMENT BETWEEN MENTOR AND MENTEE",
        "",
        f"Mentor: {agreement.mentor_name}",
        f"Mentee: {agreement.mentee_name}",
        f"Program guideline reviewed: {guideline_line}",
        "",
        "We have each shared our assumptions about confidentiality and reviewed the program "
        "guideline named above. We agree to the following terms.",
        "",
    ]
    lines += [f"{n}. {term}" for n, term in enumerate(terms, start=1)]
    lines += [
        "",
        "By signing, each of us confirms that we have reviewed the guideline version named "
        "above and agree to these terms. Either of us may end this agreement; any change to "
        "the terms is a new agreement that both of us sign.",
    ]
    return "\n".join(lines) + "\n"
