"""The breach guard: does a mentor statement evaluate the mentee as an employee?

Mentor input is advocacy (growth and readiness seen as mentor) or facts about the mentoring
relationship. Judging the person's work ("disorganized", "unprofessional", "lacks the skills")
is a performance review, which is the supervisor's role, and breaches the relationship.

`find_breaches` is a pure function: text plus phrases in, findings out. Phrases match
case-insensitively on word boundaries; any run of spaces or punctuation between the words of a
phrase matches any other ("lacks the  skills", "lacks-the skills"), and curly quotes match
straight ones. A word written with "(s)" also matches its plural: "skill(s) set(s)" matches
"skill set", "skills sets".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PERFORMANCE_REVIEW = (
    "This judges how the person works as an employee. That is the supervisor's performance "
    "assessment, not mentor input."
)
READINESS_VERDICT = (
    "This is a verdict on the person's fitness for the role. A mentor speaks to growth seen in "
    "mentoring, or says they cannot offer a reliable picture; the verdict is leadership's."
)
SKILLS_VERDICT = (
    "This assesses the person's job skills against the role. Limit your input to what you saw "
    "as their mentor."
)

# (phrase, explanation). Programs add their own in the admin site (BreachPhrase).
BUILTIN_PHRASES: tuple[tuple[str, str], ...] = (
    ("disorganized", PERFORMANCE_REVIEW),
    ("disorganised", PERFORMANCE_REVIEW),
    ("unprofessional", PERFORMANCE_REVIEW),
    ("incompetent", PERFORMANCE_REVIEW),
    ("lazy", PERFORMANCE_REVIEW),
    ("poor performer(s)", PERFORMANCE_REVIEW),
    ("low performer(s)", PERFORMANCE_REVIEW),
    ("underperformer(s)", PERFORMANCE_REVIEW),
    ("underperforming", PERFORMANCE_REVIEW),
    ("poor performance", PERFORMANCE_REVIEW),
    ("performance issue(s)", PERFORMANCE_REVIEW),
    ("performance problem(s)", PERFORMANCE_REVIEW),
    ("missed deadline(s)", PERFORMANCE_REVIEW),
    ("not ready to lead", READINESS_VERDICT),
    ("not ready for promotion", READINESS_VERDICT),
    ("not promotable", READINESS_VERDICT),
    ("not leadership material", READINESS_VERDICT),
    ("lack(s) the skill(s)", SKILLS_VERDICT),
    ("lacking the skill(s)", SKILLS_VERDICT),
    ("lack(s) the experience", SKILLS_VERDICT),
    ("doesn't have the skill(s)", SKILLS_VERDICT),
    ("does not have the skill(s)", SKILLS_VERDICT),
    ("skill(s) set(s) you are looking for", SKILLS_VERDICT),
    ("skillset(s) you are looking for", SKILLS_VERDICT),
    ("skill(s) set(s) you're looking for", SKILLS_VERDICT),
    ("skillset(s) you're looking for", SKILLS_VERDICT),
)

_WORD = re.compile(r"[^\W_]+(?:\(s\))?")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@dataclass(frozen=True)
class BreachFinding:
    found: str  # the words as they appear in the statement
    phrase: str  # the phrase that matched
    explanation: str
    source: str  # "built-in" or "program"


def phrase_words(phrase: str) -> list[str]:
    """The words of a phrase, lower-cased, each possibly ending in "(s)"."""
    return _WORD.findall(phrase.translate(_QUOTES).lower())


def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = phrase_words(phrase)
    if not words:
        return None
    parts = []
    for word in words:
        if word.endswith("(s)"):
            parts.append(re.escape(word[:-3]) + "s?")
        else:
            parts.append(re.escape(word))
    body = r"[\W_]+".join(parts)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


def find_breaches(
    text: str, program_phrases: Iterable[tuple[str, str]] = ()
) -> list[BreachFinding]:
    """Every built-in or program phrase found in the text, in order of appearance."""
    haystack = text.translate(_QUOTES)
    hits: dict[tuple[int, int], BreachFinding] = {}
    sources = [(p, e, "built-in") for p, e in BUILTIN_PHRASES]
    sources += [(p, e, "program") for p, e in program_phrases]
    for phrase, explanation, source in sources:
        pattern = phrase_pattern(phrase)
        if pattern is None:
            continue
        for match in pattern.finditer(haystack):
            span = match.span()
            if span not in hits:
                hits[span] = BreachFinding(
                    found=text[span[0] : span[1]],
                    phrase=phrase,
                    explanation=explanation,
                    source=source,
                )
    return [hits[span] for span in sorted(hits)]
