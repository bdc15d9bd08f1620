"""What changed between two published versions of a program's guideline, section by section,
word by word. Plain segments only: the template escapes them (the guideline is Markdown an admin
wrote, shown here as its source text so that every changed character can be seen)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from mentorship.models import Guideline

SECTIONS = (
    ("title", "Title"),
    ("body", "Policy"),
    ("clarification", "Clarification"),
    ("qualification", "Qualification"),
    ("expectations", "Expectations"),
    ("acceptable_examples", "Examples of acceptable input"),
    ("breach_examples", "Examples of breaches"),
)

# Words and the whitespace between them, so that line breaks survive the diff.
_TOKENS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True)
class SectionDiff:
    label: str
    segments: list[Segment]

    @property
    def changed(self) -> bool:
        return any(segment.kind != "same" for segment in self.segments)


def word_diff(old: str, new: str) -> list[Segment]:
    a, b = _TOKENS.findall(old.replace("\r\n", "\n")), _TOKENS.findall(new.replace("\r\n", "\n"))
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(b[j1:j2])))
    return segments


def guideline_diff(old: Guideline, new: Guideline) -> list[SectionDiff]:
    return [
        SectionDiff(label, word_diff(getattr(old, name) or "", getattr(new, name) or ""))
        for name, label in SECTIONS
    ]
