"""The assumption questionnaire every new program starts with. Program admins edit it after.

Each entry: (statement, the guideline's answer or "", why, term it prefills or "").
"""

from __future__ import annotations

DEFAULT_QUESTIONS: list[tuple[str, str, str, str]] = [
    (
        "What we discuss in our mentoring conversations stays between us.",
        "agree",
        "The content of mentoring conversations is confidential by default.",
        "",
    ),
    (
        "The mentor may take part in promotion discussions about the mentee.",
        "",
        "Only by mutual agreement, made up front.",
        "allows_promotion_participation",
    ),
    (
        "The mentor may speak about the mentee's growth and readiness in promotion discussions.",
        "",
        "Advocacy is valuable, by mutual agreement and with the mentee's consent.",
        "allows_advocacy",
    ),
    (
        "The mentor may share facts about our mentoring relationship "
        "(for example how often we met).",
        "",
        "Facts about the relationship only, never about the person as employee.",
        "allows_engagement",
    ),
    (
        "The mentor may comment on the mentee's job performance.",
        "disagree",
        "No: a mentor's input is not a performance review; that is the supervisor's role.",
        "",
    ),
    (
        "The mentor may talk to the mentee's supervisor about our conversations.",
        "disagree",
        "The content of mentoring conversations stays confidential.",
        "",
    ),
    (
        "Confidentiality continues after our mentoring relationship ends.",
        "agree",
        "What was said in confidence stays confidential.",
        "",
    ),
]


def create_default_questions(question_model, program) -> int:
    """Give a program the default questionnaire unless it already has questions."""
    if question_model.objects.filter(program=program).exists():
        return 0
    question_model.objects.bulk_create(
        question_model(
            program=program,
            order=(n + 1) * 10,
            text=text,
            guideline_answer=expected,
            guideline_note=note,
            maps_to_term=term,
        )
        for n, (text, expected, note, term) in enumerate(DEFAULT_QUESTIONS)
    )
    return len(DEFAULT_QUESTIONS)
