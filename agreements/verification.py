"""Recompute an agreement's hashes and report every record that no longer matches."""

from __future__ import annotations

from dataclasses import dataclass

from agreements.canonical import build_canonical_text, sha256_hex
from agreements.models import Agreement


@dataclass(frozen=True)
class Problem:
    agreement_id: int
    record: str  # "agreement #3" or "signature #7"
    message: str

    def __str__(self) -> str:
        return f"Agreement #{self.agreement_id}: {self.record}: {self.message}"


def agreement_problems(agreement: Agreement) -> list[Problem]:
    """Checks: stored text hashes to the stored hash; the stored terms still build the stored
    text; every signature carries the same hash. Expects signatures prefetched or fetches them."""
    if not agreement.text_sha256 and not agreement.canonical_text:
        return []  # never proposed through the signing flow: nothing was hashed

    def problem(record: str, message: str) -> Problem:
        return Problem(agreement_id=agreement.pk, record=record, message=message)

    problems = []
    record = f"agreement #{agreement.pk}"
    if sha256_hex(agreement.canonical_text) != agreement.text_sha256:
        problems.append(problem(record, "the stored text does not match its SHA-256"))
    if build_canonical_text(agreement) != agreement.canonical_text:
        problems.append(problem(record, "the stored terms no longer produce the signed text"))
    signatures = list(agreement.signatures.all())
    for signature in signatures:
        if signature.text_sha256 != agreement.text_sha256:
            problems.append(
                problem(f"signature #{signature.pk}", "signed a text with a different SHA-256")
            )
    if agreement.status in (Agreement.Status.ACTIVE, Agreement.Status.SUPERSEDED):
        roles = {s.role for s in signatures}
        if roles != {"mentor", "mentee"}:
            problems.append(problem(record, "is in force without both signatures"))
    return problems


def verify_agreements(queryset=None) -> tuple[int, list[Problem]]:
    """Check every hashed agreement; return (number checked, problems)."""
    qs = queryset if queryset is not None else Agreement.objects.all()
    qs = qs.exclude(text_sha256="", canonical_text="").select_related("guideline")
    checked = 0
    problems: list[Problem] = []
    for agreement in qs.prefetch_related("signatures").order_by("pk"):
        checked += 1
        problems.extend(agreement_problems(agreement))
    return checked, problems
