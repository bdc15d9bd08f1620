"""The breach guard: does a mentor statement evaluate the mentee as an employee?

Mentor input is advocacy (growth and readiness seen as mentor) or facts about the mentoring
relationship. Judging the person's work, skills, conduct or readiness, or ranking them against
peers, is a performance review: the supervisor's and leadership's role. A negative verdict harms
the mentee, so it is blocked; a positive job-performance verdict is cautioned, so the mentor is
asked to speak to what they saw instead.

`assess` is a pure, local function (no network, nothing downloaded): text in, verdict and
findings out.

1. Normalise, keeping each character's offset in the original text: NFKC, accents dropped,
   format characters (zero-width spaces and joiners, soft hyphens, bidi marks) removed,
   homoglyphs mapped to Latin letters (the Unicode confusables table, via the
   confusable-homoglyphs package). Words written apart ("un-professional", "dis organized",
   "s l o p p y") or with digits ("unpr0fessional") are rejoined when the whole is a word the
   guard knows.
2. Split into sentences and clauses; stem every word, so inflections match.
3. Find evaluative words and patterns (breach_lexicon.py), and for each decide whom it is about
   (the nearest person before it in its clause: the mentee, the mentor, or someone else, such as
   "a colleague with performance issues"), whether it is negated or hedged ("not a strong
   performer", "I'm not sure she is ready"), and its frame: the mentee's own feelings ("she told
   me she felt disorganized"), a past left behind ("she no longer believes she lacks the skills"),
   or readiness grounded in the mentoring ("from what I have seen in our sessions").
4. A predicative adjective the lexicon does not know is weighed with VADER's valence lexicon,
   so "her code is atrocious" is caught as well as the listed words.

5. A linear model trained on the development corpus (breach_model.py, weights in
   breach_weights.json, rebuilt by `manage.py breach_train`) reads each sentence as a whole:
   it flags a verdict no rule lists ("a safe pair of hands", "would look green next to the other
   directors") with the n-grams that weighed most as its words, within the rules' frames, and it
   clears a rule hit it is sure is advocacy or upgrades a rule's caution it is sure is negative.

Program phrases (BreachPhrase rows) are matched on the normalised text and always block.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from promotions import breach_lexicon as lex
from promotions import breach_model
from promotions.breach_lexicon import words

BLOCK = "block"
CAUTION = "caution"
PASS = "pass"  # noqa: S105 - a verdict, not a password

_VERDICT_RANK = {PASS: 0, CAUTION: 1, BLOCK: 2}


@dataclass(frozen=True)
class Span:
    start: int  # offsets in the original text
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    verdict: str  # "block" or "caution"
    category: str
    sentence: str  # as written in the original text
    sentence_start: int
    words: tuple[Span, ...]  # the words that triggered it, as written
    explanation: str
    reframe: str
    phrase: str  # the lexicon entry or program phrase
    source: str  # "built-in" or "program"

    @property
    def found(self) -> str:
        return ", ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Assessment:
    text: str
    verdict: str
    findings: tuple[Finding, ...]

    @property
    def blocks(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.verdict == BLOCK)

    @property
    def cautions(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.verdict == CAUTION)


# --- Normalisation ---------------------------------------------------------------------------


@functools.cache
def _confusables() -> dict[str, str]:
    """Non-ASCII characters that look like one ASCII letter or digit, mapped to it."""
    from confusable_homoglyphs.utils import load

    table: dict[str, str] = {}
    for char, entries in load("confusables.json").items():
        if len(char) != 1 or char.isascii():
            continue
        for entry in entries:
            target = entry["c"]
            if len(target) == 1 and target.isascii() and (target.isalnum() or target == "'"):
                table[char] = target
                break
    return table


_QUOTES = {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "`": "'"}
_DASHES = dict.fromkeys("\u2010\u2011\u2012\u2212", "-")
_LINE_BREAKS = dict.fromkeys("\u0085\u2028\u2029", "\n")

# Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt, Unicode 15.1): code
# points a renderer shows as nothing unless it supports them, so text may hide any of them
# inside a word. Category Cf covers most of it but not the variation selectors, the combining
# grapheme joiner, the Hangul fillers, the Mongolian free variation selectors or U+17B4/5.
# A table of code point ranges, several to a line as the Unicode data lists them: fmt: skip.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
# Letters and symbols that render as a blank without being spaces or default-ignorable.
_BLANK_LETTERS = frozenset("\u2800\u3164\uffa0\u115f\u1160\U0001d159")
# Characters with no visible form of their own: format and control characters (but not the
# whitespace among them), private use and unassigned code points, and combining marks, which
# after NFKD are only accents or overlays on a letter the guard reads without them.
_INVISIBLE_CATEGORIES = frozenset(("Cf", "Cc", "Co", "Cn", "Mn", "Me"))
# A Latin letter a font draws as another shape of a plain one: small capitals ("ꜱʟᴏᴘᴘʏ"),
# letters with a hook, stroke or tail that NFKD does not take apart ("ɗ", "ƚ").
_LETTER_LIKE = re.compile(
    r"^(?:LATIN|REGIONAL INDICATOR SYMBOL|(?:NEGATIVE )?(?:SQUARED|CIRCLED) LATIN)\b"
    r"(?!.*\b(?:TURNED|INVERTED|REVERSED|SIDEWAYS|BROKEN)\b)"
    r".*\bLETTER (?:SMALL CAPITAL |DOTLESS |LONG |SCRIPT )?([A-Z])(?: WITH [A-Z ]+)?$"
)


def invisible(char: str) -> bool:
    """Does the character show as nothing (or as a blank inside a word)? The guard reads a
    word written with one as if it were not there."""
    if char.isspace():
        return False
    code = ord(char)
    if char in _BLANK_LETTERS or any(a <= code <= b for a, b in _DEFAULT_IGNORABLE):
        return True
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES


def _letter_like(char: str) -> str:
    match = _LETTER_LIKE.match(unicodedata.name(char, ""))
    if match is None:
        return char
    letter = match.group(1)
    name = unicodedata.name(char)
    return letter if "CAPITAL LETTER" in name or "SYMBOL" in name else letter.lower()


@functools.lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One original character as the guard reads it ("" when it is invisible)."""
    if char.isascii():
        return "" if invisible(char) else char
    if char in _QUOTES:
        return _QUOTES[char]
    if char in _DASHES:
        return _DASHES[char]
    if char in _LINE_BREAKS:
        return _LINE_BREAKS[char]
    if invisible(char):
        return ""
    out = []
    for c in unicodedata.normalize("NFKC", char):
        if c.isascii():
            out.append(c)
            continue
        c = _confusables().get(c, c)
        if not c.isascii():
            c = "".join(d for d in unicodedata.normalize("NFKD", c) if not invisible(d))
            c = "".join(d if d.isascii() else _letter_like(d) for d in c)
            c = "".join(_confusables().get(d, d) for d in c)
        out.append(c)
    return "".join(out)


# ASCII control characters other than whitespace: the only ASCII the guard does not read as is.
_ASCII_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def _normalise(text: str) -> tuple[str, list[int]]:
    """The text as the guard reads it, and for each of its characters the original offset."""
    if text.isascii() and not _ASCII_INVISIBLE.search(text):
        return text, list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = _fold(char)
        for c in folded:
            chars.append(c)
            origin.append(i)
    return "".join(chars), origin


# --- Stemming --------------------------------------------------------------------------------

# Word pairs several to a line, read as a table: fmt: skip.
_IRREGULAR = {
    "is": "be", "was": "be", "were": "be", "are": "be", "been": "be", "being": "be",
    "am": "be", "'s": "be", "has": "have", "had": "have", "having": "have", "did": "do",
    "does": "do", "done": "do", "doing": "do", "made": "make", "fell": "fall", "fallen": "fall",
    "felt": "feel", "thought": "think", "told": "tell", "said": "say", "saw": "see",
    "seen": "see", "built": "build", "led": "lead", "took": "take", "taken": "take",
    "went": "go", "gone": "go", "got": "get", "ran": "run", "met": "meet", "lost": "lose",
    "found": "find", "kept": "keep", "left": "leave", "came": "come", "became": "become",
    "won't": "will", "can't": "can", "cannot": "can", "learnt": "learn", "grew": "grow",
    "grown": "grow", "knew": "know", "known": "know", "brought": "bring", "began": "begin",
    "begun": "begin", "wrote": "write", "written": "write", "gave": "give", "given": "give",
    "shown": "show", "chose": "choose", "chosen": "choose", "better": "better", "best": "best",
    "worse": "worse", "worst": "worst", "less": "less", "least": "least", "needs": "need",
    "lacks": "lack", "lacking": "lack", "lacked": "lack",
}  # fmt: skip
_UNDOUBLE = re.compile(r"([bdgmnprt])\1$")
_BRITISH = re.compile(r"(?<=.{3})is(e|ed|es|ing|ation|ations)$")


@functools.lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A small suffix stripper: all inflections of a word share one stem."""
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3:
        return word
    word = _BRITISH.sub(r"iz\1", word)
    for suffix, repl in (("ies", "y"), ("ied", "y")):
        if word.endswith(suffix) and len(word) > 4:
            return word[: -len(suffix)] + repl
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            base = _UNDOUBLE.sub(r"\1", base)
            return base[:-1] if base.endswith("e") and len(base) > 3 else base
    if (word.endswith("es") and word[-3] in "sxz") or word.endswith(("ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


# --- Tokens, sentences, clauses -----------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9@$]+(?:'[A-Za-z]+)?|[,;:()]|(?<=\s)-(?=\s)|--|[\u2013\u2014]")
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)"
    r"[.!?]+[\"')]*(?=\s|$)|\n\s*\n?"
)
_LEET = str.maketrans("013457@$", "oieastas")
_CONTRACTIONS = {"n't": "not", "'m": "be", "'re": "be", "'ve": "have", "'d": "would", "'ll": "will"}
_IS_BEFORE = frozenset(words("she he it that there what who here this"))
_BOUNDARY = "|"
# Sentence-opening words that are not names.
_NOT_NAMES = frozenset(
    words("""the this that these those her his she he they their i we our my in on at from as over
    when early honestly frankly compared among since after before it promoting still otherwise
    until based a an and but so if while although though during throughout last next what how
    mr ms dr yes no not overall also then however again sadly unfortunately candidly truly
    clearly personally here there one two three four five six seven eight nine ten let lets""")
)
_CLAUSE_CONJ = frozenset(words("but while although though whereas because however"))


@dataclass
class _Token:
    stem: str
    word: str  # lower-cased, as read
    start: int  # offsets in the normalised text
    end: int
    name: bool = False


@functools.cache
def _vocabulary() -> frozenset[str]:
    """Stems of single words the lexicon knows: split words are rejoined only into these."""
    words: set[str] = {w for w, *_ in lex.TRAITS}
    for pattern, *_ in lex.PATTERNS:
        for element in pattern.split():
            words.update(a for a in element.lstrip("?").split("|") if a.isalpha())
    words |= lex.WORK_NOUNS | lex.ROLE_NOUNS
    return frozenset(stem(w.replace("-", "")) for w in words if len(w) > 3)


def _raw_tokens(norm: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [
        (m.group(), m.start() + start, m.end() + start) for m in _TOKEN.finditer(norm[start:end])
    ]


_SEPARATOR = re.compile(r"[\s.\-_*/]{1,3}")


@functools.cache
def _prefixes() -> frozenset[str]:
    """Every beginning of a known word: a split word is only worth joining while it is one."""
    return frozenset(w[:k] for w in _vocabulary() for k in range(1, len(w) + 1))


def _rejoin(norm: str, raw: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Join words split by hyphens, spaces or dots when together they make a known word."""
    vocab = _vocabulary()
    prefixes = _prefixes()
    out = []
    i = 0
    while i < len(raw):
        best = None
        joined = raw[i][0].lower()
        if joined.isalnum() and joined in prefixes:
            for j in range(i + 1, min(i + 16, len(raw))):
                gap = norm[raw[j - 1][2] : raw[j][1]]
                piece = raw[j][0]
                if not piece.isalnum() or not _SEPARATOR.fullmatch(gap):
                    break
                joined += piece.lower()
                if stem(joined) in vocab:
                    best = j
                # Past a known beginning only an inflection may follow ("dis organ ized").
                if joined not in prefixes and not any(joined[:-k] in vocab for k in (1, 2, 3, 4)):
                    break
        if best is not None:
            out.append((joined_text(raw, i, best), raw[i][1], raw[best][2]))
            i = best + 1
        else:
            out.append(raw[i])
            i += 1
    return out


def joined_text(raw: list[tuple[str, int, int]], i: int, j: int) -> str:
    return "".join(raw[k][0] for k in range(i, j + 1))


def _tokens(norm: str, start: int, end: int) -> list[_Token]:
    tokens: list[_Token] = []
    vocab = _vocabulary()
    for index, (text, s, e) in enumerate(_rejoin(norm, _raw_tokens(norm, start, end))):
        first = text[0]
        if not first.isalnum() and first not in "@$":
            tokens.append(_Token(_BOUNDARY, text, s, e))
            continue
        low = text.lower()
        if not low.isalpha():
            if "'" in low:
                base, _, rest = low.partition("'")
                suffix = "n't" if base.endswith("n") and rest == "t" else "'" + rest
                if suffix in _CONTRACTIONS:
                    base = base[:-1] if suffix == "n't" else base
                    base = {"ca": "can", "wo": "will", "sha": "shall"}.get(base, base)
                    word = _CONTRACTIONS[suffix]
                    tokens.append(_Token(stem(base), base, s, e))
                    tokens.append(_Token(stem(word), word, s, e))
                    continue
                if suffix == "'s":
                    name = first.isupper() and _is_name(text[:-2], index)
                    tokens.append(_Token(stem(base), base, s, e, name=name))
                    if base in _IS_BEFORE:
                        tokens.append(_Token("be", "is", s, e))
                    continue
                low = low.replace("'", "")
            elif any(c.isalpha() for c in low):
                for candidate in (low.translate(_LEET), low.translate(_LEET).replace("i", "l")):
                    if stem(candidate) in vocab:
                        low = candidate
                        break
        if low == "cannot":
            tokens += [_Token("can", "can", s, e), _Token("not", "not", s, e)]
            continue
        tokens.append(_Token(stem(low), low, s, e, name=first.isupper() and _is_name(text, index)))
    for token in tokens:
        if token.name:
            token.stem = "@n"
    return tokens


def _is_name(text: str, index: int) -> bool:
    if not text[:1].isupper() or (text.isupper() and len(text) > 1):
        return False
    low = text.lower()
    if low in _NOT_NAMES or low in lex.MENTEE_REFS or low in lex.SELF_REFS:
        return False
    # A capitalised first word is a name unless it reads as an adverb, a verb or a known word.
    return index != 0 or not (low.endswith(("ly", "ing", "ed")) or stem(low) in _vocabulary())


def _sentences(norm: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(norm):
        if match.group() == "\n" and _split_word(norm, match.start()):
            continue
        if norm[start : match.end()].strip():
            spans.append((start, match.end()))
        start = match.end()
    if norm[start:].strip():
        spans.append((start, len(norm)))
    return spans


_GLUE_REACH = 60  # characters either side of a line break that a split word may span


def _split_word(norm: str, at: int) -> bool:
    """Does the line break at `at` fall inside a word ("s\nloppy", "un-\nprofessional")? It is
    rejoined the way a word split by a hyphen or a space is, and then ends no sentence."""
    if at == 0 or (not norm[at - 1].isalnum() and norm[at - 1] != "-"):
        return False
    start = max(0, at - _GLUE_REACH)
    end = min(len(norm), at + 1 + _GLUE_REACH)
    raw = _raw_tokens(norm, start, end)
    # The window's edge may cut a word: drop its first and last tokens unless the text ends.
    if start > 0:
        raw = raw[1:]
    if end < len(norm):
        raw = raw[:-1]
    return any(s < at < e for _, s, e in _rejoin(norm, raw))


def _clause_bounds(tokens: list[_Token]) -> list[int]:
    """For each token, the index of its clause's first token."""
    starts = []
    current = 0
    for i, token in enumerate(tokens):
        if token.stem == _BOUNDARY:
            current = i + 1
        elif token.word in _CLAUSE_CONJ or (
            token.word in ("and", "so", "or")
            and i + 1 < len(tokens)
            and (
                tokens[i + 1].word in lex.MENTEE_REFS - {"her", "his", "their", "them", "him"}
                or tokens[i + 1].word in ("i", "we")
                or tokens[i + 1].name
            )
        ):
            current = i
        starts.append(current)
    return starts


# --- Patterns ----------------------------------------------------------------------------------

_MACROS = {
    "{M}": r"(?:she|he|they|her|him|them|@n) ",
    "{P}": r"(?:her|his|their|@n) ",
    "{T}": r"(?:she|he|they|her|him|them|his|their|@n) ",
}


def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for element in pattern.split():
        if element in _MACROS:
            parts.append(_MACROS[element])
        elif element == "*":
            parts.append(r"(?:[^ |]+ ){0,2}")
        elif element == "**":
            parts.append(r"(?:[^ |]+ ){0,4}")
        else:
            optional = element.startswith("?")
            words = element.lstrip("?").split("|")
            stems = sorted({re.escape(stem(w.replace("-", ""))) for w in words}, key=len)
            alt = "(?:" + "|".join(reversed(stems)) + ") "
            parts.append(f"(?:{alt})?" if optional else alt)
    return re.compile("(?<![^ ])" + "".join(parts))


@functools.cache
def _patterns() -> tuple[dict[str, list[int]], list[int], list[tuple]]:
    """The compiled patterns, and which to try: those whose first word is in the sentence
    (indexed by that word's stem), plus those that start with a macro or an optional word."""
    compiled = []
    by_first: dict[str, list[int]] = {}
    always: list[int] = []
    for index, (pattern, category, polarity, about) in enumerate(lex.PATTERNS):
        compiled.append((_compile(pattern), category, polarity, about, pattern))
        first = pattern.split()[0]
        if first.startswith(("?", "{", "*")):
            always.append(index)
            continue
        for word in first.split("|"):
            by_first.setdefault(stem(word.replace("-", "")), []).append(index)
    return by_first, always, compiled


@functools.cache
def _traits() -> dict[str, tuple[str, int, bool, str]]:
    """Evaluative adjectives by spelling: stems would merge "talented" with "talent"."""
    table = {}
    for word, category, polarity, role_only in lex.TRAITS:
        for form in {word, word.replace("-", "")}:
            table[form] = (category, polarity, role_only, word)
    return table


@functools.cache
def _valence() -> dict[str, float]:
    """VADER's valence lexicon (about 7,500 words, rated -4..4), read from the package."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


def _phrase_stems(phrases: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(stem(w) for w in p.split()) for p in phrases)


@functools.cache
def _marker_stems() -> dict[str, tuple[tuple[str, ...], ...]]:
    return {
        "past": _phrase_stems(lex.PAST_MARKERS),
        "growth": _phrase_stems(lex.GROWTH_MARKERS),
        "doubt": _phrase_stems(tuple(m.replace("i'd", "i would") for m in lex.DOUBT_MARKERS)),
        "mentor": _phrase_stems(
            tuple(m.replace("i've", "i have").replace("i'm", "i am") for m in lex.MENTOR_FRAMES)
        ),
        # The mentor speaking in the first person: "I have watched", "I believe".
        "observed": _phrase_stems(
            tuple(
                m.replace("i've", "i have").replace("i'm", "i am")
                for m in lex.MENTOR_FRAMES
                if m.startswith(("i ", "i'"))
            )
        ),
    }


def _has_marker(stems: list[str], markers: tuple[tuple[str, ...], ...]) -> bool:
    for marker in markers:
        n = len(marker)
        for i in range(len(stems) - n + 1):
            if tuple(stems[i : i + n]) == marker:
                return True
    return False


# --- Judging one hit ---------------------------------------------------------------------------


@dataclass
class _Hit:
    first: int  # token indices, inclusive
    last: int
    category: str
    polarity: int
    about: str  # "subject" or "object"
    phrase: str
    role_only: bool  # for patterns: their order in the lexicon


_PREPOSITIONS = frozenset(
    words("with to for from toward towards of about at on in by among than like against")
)
_DETERMINERS = frozenset(words("a an the her his their my our its this that these those some"))


def _other_person(tokens: list[_Token], i: int) -> bool:
    """Is the noun at `i` another person who is the subject, not "team meetings" or "with a
    client" (a modifier, or inside a prepositional phrase)?"""
    word = tokens[i].word
    if word not in lex.OTHER_PEOPLE and stem(word) not in _other_stems():
        return False
    if tokens[i].end - tokens[i].start > len(word) and not word.endswith("s"):
        return True  # "the contractor's reports": the reports are the contractor's
    nxt = tokens[i + 1].word if i + 1 < len(tokens) else ""
    if nxt in lex.WORK_NOUNS or nxt in _MODIFIED_NOUNS:
        return False
    if _modifies_a_noun(tokens, i):
        return False
    j = i - 1
    while j >= 0 and (tokens[j].word in _DETERMINERS or tokens[j].word in _ADJECTIVE_LIKE):
        j -= 1
    # A compound noun inside a prepositional phrase ("towards the compliance team"): a plain
    # word or two may stand between the preposition and the noun.
    for k in range(j, max(j - 3, -1), -1):
        word = tokens[k].word
        if word in _PREPOSITIONS:
            return False
        if not word.isalpha() or word in lex.COPULAS or tokens[k].name or word in lex.MENTEE_REFS:
            break
    return True


_AUXILIARIES = frozenset(
    words("""is are was were be been has have had do does did will would can could should may
    might must""")
)


def _modifies_a_noun(tokens: list[_Token], i: int) -> bool:
    """Is the person noun at `i` the first half of a compound the mentee owns ("Yuki's client
    proposals have been careless")? It follows the mentee's possessive, and the word after it is
    a noun: itself no verb, and followed by one."""
    if i == 0 or i + 2 >= len(tokens):
        return False
    before = tokens[i - 1]
    owner = before.word in ("her", "his", "their") or (
        before.name and before.end - before.start > len(before.word)
    )
    head, verb = tokens[i + 1], tokens[i + 2]
    return (
        owner
        and head.word.isalpha()
        and head.word not in _AUXILIARIES
        and not head.word.endswith(("ed", "ly"))
        and verb.word in _AUXILIARIES
    )


_MODIFIED_NOUNS = frozenset(
    words("""meeting meetings account accounts call calls session sessions event events room
    feedback management building work relationship relationships dynamics goals""")
)
_ADJECTIVE_LIKE = frozenset(words("other new previous former junior senior same whole"))


@functools.cache
def _other_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in lex.OTHER_PEOPLE)


def _holder(
    tokens: list[_Token],
    clause_start: int,
    index: int,
    sentence_words: list[str],
    default: str = "mentee",
) -> str:
    """Who the words at `index` are about: "mentee", "self" or "other" (nearest person before),
    or `default` when the clause names no one."""
    i = index - 1
    # A possessive inside a prepositional phrase ("the quality of his output", "people on her
    # team") is passed over for a person before it; with none, it is whom the clause is about.
    passed_possessive = False
    while i >= clause_start:
        token = tokens[i]
        word = token.word
        if word in ("who", "whose", "which", "that") and i > clause_start:
            before = i - 1
            while before > clause_start and tokens[before].word in (",",):
                before -= 1
            if _other_person(tokens, before) or tokens[before].word in lex.OTHER_PEOPLE:
                return "other"
        if token.name:
            return "mentee"
        if word == "what" and index - i <= 2:
            return "nobody"  # "what went wrong", "what was missing": a subject that is no one
        # "One of her reports", "two of his peers": someone else, of the mentee's.
        # But "she is one of the less capable people" is said of her.
        if (
            word in _PARTITIVES
            and i + 1 < index
            and tokens[i + 1].word == "of"
            and not (i > clause_start and tokens[i - 1].stem == "be")
        ):
            return "other"
        if word in lex.MENTEE_REFS:
            if word in ("they", "them", "their", "themselves") and any(
                w in lex.OTHER_PEOPLE and (w.endswith("s") or w in lex.PLURAL_PEOPLE)
                for w in sentence_words[:i]
            ):
                return "other"
            if _possessive_in_phrase(tokens, i, clause_start):
                passed_possessive = True
                i -= 1
                continue
            return "mentee"
        if word in lex.SELF_REFS:
            if (i > clause_start and tokens[i - 1].word in _PREPOSITIONS) or _aside(tokens, i):
                # "in my view", "to my mind", ", I believe,": the mentor's aside, not the
                # subject.
                i -= 1
                continue
            # "I found her sloppy" is caught above (her); "I was disorganized" is the mentor.
            return "self"
        if _other_person(tokens, i):
            return "other"
        i -= 1
        if i < clause_start and passed_possessive:
            return "mentee"
        # A clause with no one in it after a comma is an aside inside the subject's clause
        # ("her previous manager was, by all accounts, very disorganised"): read on past it.
        if i == clause_start - 1 and i >= 0 and tokens[i].word == ",":
            clause_start = _clause_bounds(tokens)[i - 1] if i > 0 else 0
            i -= 1
    # A fragment ("a lazy planner") is about the person the statement concerns.
    return default


def _aside(tokens: list[_Token], i: int) -> bool:
    """Is the mentor's "I" at `i` a short aside between commas (", I believe,")?"""
    if i == 0 or tokens[i - 1].stem != _BOUNDARY:
        return False
    ahead = tokens[i + 1 : i + 4]
    return any(t.stem == _BOUNDARY for t in ahead[1:]) and all(
        t.stem == _BOUNDARY or t.word.isalpha() for t in ahead
    )


_PARTITIVES = frozenset(words("one two three four some several many few none each"))


def _possessive_in_phrase(tokens: list[_Token], i: int, clause_start: int) -> bool:
    """Is the mentee's possessive at `i` inside a prepositional phrase ("the engineers on her
    team", "people on her team have told me", "a peer of hers"), so that it names no one who
    acts?"""
    if i == clause_start:
        return False
    if tokens[i].word in ("hers", "his", "theirs") and tokens[i - 1].word == "of":
        return True
    if tokens[i].word not in ("her", "his", "their"):
        return False
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or not nxt.word.isalpha() or nxt.word in lex.MENTEE_REFS:
        return False
    return tokens[i - 1].word in _PREPOSITIONS and tokens[i - 1].word not in ("than", "like")


def _possessive_of_another(tokens: list[_Token], last: int) -> bool:
    """Does a pattern that ends at the mentee ("complained about her") go on to someone or
    something else of theirs ("about her manager", "about her workload")?"""
    if tokens[last].word not in ("her", "his", "their") and not tokens[last].name:
        return False
    j = last + 1
    while j < len(tokens) and (tokens[j].word in _ADJECTIVE_LIKE or tokens[j].word == "own"):
        j += 1
    if j >= len(tokens):
        return False
    nxt = tokens[j]
    return (
        nxt.stem in _role_stems()
        or nxt.word in lex.CARE_NOUNS
        or nxt.word in lex.OTHER_PEOPLE
        or nxt.word.replace("-", "") in lex.CARE_NOUNS
    )


# Who may be the holder of a pattern of each kind ("about" in the lexicon).
_HOLDERS = {
    "person": frozenset(("mentee",)),
    "by_other": frozenset(("other", "nobody")),
    "not_by_mentee": frozenset(("other", "self", "nobody")),
    "any": frozenset(("mentee", "other", "self", "nobody")),
}


# A verb of saying under "if" ends a negation's reach: "it would be a disservice if I did not
# say that she trails her teammates" asserts that she does. Outside a condition the negation
# carries ("I wouldn't say she is a team player", "I can't say she is prepared").
_SAYING = frozenset(words("say said tell told mention mentioned pretend pretended deny hide"))


def _negated(tokens: list[_Token], clause_start: int, first: int, last: int) -> bool:
    count = 0
    for i in range(max(clause_start, first - 6), first):
        word = tokens[i].word
        if word in _SAYING and any(t.word in ("if", "unless") for t in tokens[clause_start:i]):
            count = 0
            continue
        if word in lex.NEGATORS or (word == "from" and i > 0 and tokens[i - 1].word == "far"):
            following = tokens[i + 1].word if i + 1 < len(tokens) else ""
            if word == "no" and following in ("longer", "more"):
                continue
            if word == "without" and i >= first:
                continue
            count += 1
    return count % 2 == 1


def _own_feeling(tokens: list[_Token], clause_start: int, first: int) -> bool:
    """The words report the mentee's own feelings or self-image ("she felt disorganized"), or
    her own account of a past difficulty ("she struggled at first, by her own account"; a
    present verdict stays one, whoever gives it)."""
    for i in range(2, len(tokens)):
        if (
            tokens[i].word in ("account", "admission", "words")
            and tokens[i - 1].word == "own"
            and tokens[i - 2].word in ("her", "his", "their")
            and _has_marker([t.stem for t in tokens], _marker_stems()["past"])
        ):
            return True
    for i in range(clause_start, first):
        word = tokens[i].word
        if word in lex.FEEL_VERBS or stem(word) in lex.FEEL_VERBS:
            for j in range(i - 1, max(clause_start, i - 5) - 1, -1):
                if tokens[j].word in lex.MENTEE_REFS or tokens[j].name:
                    return True
                if tokens[j].word in lex.SELF_REFS or tokens[j].word in lex.OTHER_PEOPLE:
                    break
        if (
            stem(word) in lex.SELF_IMAGE_VERBS
            and i + 1 < first
            and tokens[i + 1].word in ("herself", "himself", "themselves")
        ):
            return True
    return False


_MODALS = frozenset(words("could can should might would"))


def _discussed(tokens: list[_Token], first: int) -> bool:
    """The words are the topic of a mentoring question ("how to handle an engineer who was
    brilliant but abrasive", "how she could recognise a top performer"), not a verdict."""
    # The question ends at a comma or semicolon: "if you ask me whether Morgan should get the
    # job, I'd say they aren't ready" answers it.
    start = max((i for i in range(first) if tokens[i].stem == _BOUNDARY), default=-1) + 1
    for i in range(start, first):
        if tokens[i].word not in ("how", "whether"):
            continue
        nxt = tokens[i + 1].word if i + 1 < first else ""
        after = tokens[i + 2].word if i + 2 < first else ""
        if nxt == "to" or (
            (nxt in lex.MENTEE_REFS or tokens[i + 1].name or nxt in ("i", "we"))
            and after in _MODALS
        ):
            return True
    return False


def _past_left_behind(
    stems: list[str], clause_start: int, first: int, statement_stems: list[str]
) -> bool:
    markers = _marker_stems()
    before = stems[:first]
    if not _has_marker(before, markers["past"]):
        return False
    inherent = (("no", "longer"), ("use", "to"), ("anymore",), ("any", "more"))
    return _has_marker(before, inherent) or _has_marker(statement_stems, markers["growth"])


def _governor(tokens: list[_Token], index: int, clause_start: int) -> int:
    """Index of the first word before `index` that is not an article, adverb or adjective."""
    traits = _traits()
    i = index - 1
    while i >= clause_start and (
        tokens[i].word in lex.NP_FILLERS
        or tokens[i].word in traits
        or tokens[i].word in lex.NEGATORS
        or tokens[i].word.endswith("ly")
        # a modifier coordinated with the adjective ("a demotivated and negligent member")
        or (i + 1 < index and tokens[i + 1].word in ("and", ","))
    ):
        i -= 1
    return i


def _is_role(word: str) -> bool:
    return word in lex.ROLE_NOUNS or stem(word) in {stem(w) for w in lex.ROLE_NOUNS}


@functools.cache
def _role_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in lex.ROLE_NOUNS | lex.OTHER_PEOPLE)


@functools.cache
def _work_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in lex.WORK_NOUNS)


def _attachment(
    tokens: list[_Token], index: int, clause_start: int, *, role_only: bool, negative: bool
) -> str | None:
    """How an adjective at `index` is used: "person" (about someone), "work", or None."""
    nxt = index + 1
    while (nxt < len(tokens) and tokens[nxt].word in _traits()) or (
        nxt < len(tokens)
        and tokens[nxt].word in ("and", ",")
        and nxt + 1 < len(tokens)
        and tokens[nxt + 1].word in _traits()
    ):
        nxt += 1
    following = tokens[nxt] if nxt < len(tokens) else None
    if following is not None and following.stem != _BOUNDARY:
        word = following.word
        if following.stem in _role_stems() or (
            negative and len(word) > 4 and word.endswith(("er", "or", "ist"))
        ):
            governor = _governor(tokens, index, clause_start)
            g = tokens[governor].word if governor >= clause_start else ""
            if governor < clause_start or g in lex.COPULAS or stem(g) in lex.COPULAS:
                return "person"
            return None
        if following.stem in _work_stems():
            governor = _governor(tokens, index, clause_start)
            g = tokens[governor].word if governor >= clause_start else ""
            if stem(g) in lex.THIRD_PARTY_VERBS:
                return None
            return "work"
        if word not in lex.PREDICATE_FOLLOWERS:
            return None
    if role_only:
        return None
    return "person"


_COORDINATORS = frozenset(words("but and yet"))


def _after_copula(tokens: list[_Token], index: int, clause_start: int) -> bool:
    i = index - 1
    skipped = 0
    while i >= clause_start and skipped < 4:
        word = tokens[i].word
        if word in lex.COPULAS or tokens[i].stem in ("be", "seem", "become", "remain"):
            return True
        if word in lex.NP_FILLERS or word.endswith("ly") or word in ("not", "never"):
            i -= 1
            skipped += 1
            continue
        return False
    # A second predicate after "but" or "and" shares the first one's verb: "is technically
    # brilliant but, frankly, hopeless at managing a team".
    if i < clause_start and clause_start > 0:
        j = clause_start - 1
        coordinated = False
        while j >= 0 and (
            tokens[j].stem == _BOUNDARY
            or tokens[j].word in _COORDINATORS
            or tokens[j].word in lex.NP_FILLERS
            or tokens[j].word.endswith("ly")
        ):
            coordinated = coordinated or tokens[j].word in _COORDINATORS
            j -= 1
        word = tokens[j].word if j >= 0 else ""
        if coordinated and (word in _traits() or abs(_valence().get(word, 0.0)) >= 1.5):
            return _after_copula(tokens, j, 0)
    return False


def _sentence_hits(tokens: list[_Token]) -> list[_Hit]:
    stems = [t.stem for t in tokens]
    joined = " ".join(stems) + " "
    # Character offset of each token in `joined`, to map regex matches back to tokens.
    offsets = []
    position = 0
    for s in stems:
        offsets.append(position)
        position += len(s) + 1
    at = {o: i for i, o in enumerate(offsets)}
    candidates: list[_Hit] = []
    by_first, always, compiled = _patterns()
    orders = set(always)
    for s in set(stems):
        orders.update(by_first.get(s, ()))
    for order in sorted(orders):
        regex, category, polarity, about, phrase = compiled[order]
        for match in regex.finditer(joined):
            first = at.get(match.start())
            if first is None:
                continue
            # the last token is the one that starts before the match's final space
            last = bisect.bisect_left(offsets, match.end() - 1) - 1
            candidates.append(_Hit(first, last, category, polarity, about, phrase, order))
    # The longest pattern wins: "hold off on promoting him" over "promoting him".
    # A negative reading wins an overlap ("failed to deliver ... on time"), then the longest
    # pattern ("hold off on promoting him" over "promoting him").
    candidates.sort(key=lambda h: (h.polarity > 0, h.first - h.last, h.role_only))
    hits: list[_Hit] = []
    taken: set[int] = set()
    for hit in candidates:
        if taken.isdisjoint(range(hit.first, hit.last + 1)):
            taken.update(range(hit.first, hit.last + 1))
            hits.append(hit)
    traits = _traits()
    valence = _valence()
    for i, token in enumerate(tokens):
        if i in taken or token.stem == _BOUNDARY:
            continue
        if token.word in traits:
            category, polarity, role_only, word = traits[token.word]
            hits.append(_Hit(i, i, category, polarity, "trait", word, role_only))
        elif (base := _comparative_of(token.word)) is not None:
            # "slower in clinic", "narrower than the job implies": a failing measured against
            # someone, whichever trait it is.
            _, polarity, role_only, word = traits[base]
            hits.append(_Hit(i, i, "peer_comparison", polarity, "trait", word, role_only))
        elif (lesser := _lesser_quality(tokens, i)) is not None:
            # "the least accomplished", "not the most professional": a good quality, measured
            # and found short (the hit holds its own "not", which is not a negation of it).
            start, quality = lesser
            hits.append(_Hit(start, quality, "peer_comparison", -1, "subject", "less ...", False))
            taken.update(range(start, quality + 1))
        elif token.word == "behind" and _behind_at_the_end(tokens, i):
            # "Compared with the other candidates, Anjali is noticeably behind."
            hits.append(_Hit(i, i, "peer_comparison", -1, "subject", "behind", False))
        elif _unequal_comparison(tokens, i):
            # "isn't as sharp as Paulo": whatever the quality, the mentee falls short of someone.
            # The quality is good; the negation before it makes the comparison a failing.
            hits.append(_Hit(i, i + 2, "peer_comparison", 1, "subject", "not as ... as", False))
            taken.update(range(i, i + 3))
        elif (
            token.word in valence
            and token.word not in lex.FEELINGS
            and abs(valence[token.word]) >= 1.5
        ):
            polarity = 1 if valence[token.word] > 0 else -1
            hits.append(_Hit(i, i, "valence", polarity, "valence", token.word, False))
    return hits


# Comparatives that are times, not judgments ("later that week").
_NOT_COMPARATIVES = frozenset(words("later latest"))


def _comparative_of(word: str) -> str | None:
    """The negative trait a comparative or superlative is formed from ("slower", "lazier",
    "sloppiest"), or None."""
    if word in _NOT_COMPARATIVES or not word.endswith(("er", "est")) or len(word) < 5:
        return None
    traits = _traits()
    body = word[:-2] if word.endswith("er") else word[:-3]
    for base in (body, body + "e", body[:-1], body[:-1] + "y" if body.endswith("i") else ""):
        if base in traits and traits[base][1] < 0:
            return base
    return None


def _good_quality(word: str) -> bool:
    traits = _traits()
    if word in traits:
        return traits[word][1] > 0
    return _valence().get(word, 0.0) >= 1.0


def _lesser_quality(tokens: list[_Token], i: int) -> tuple[int, int] | None:
    """Where "less"/"least" or "not the most" at `i` measures a good quality short ("the least
    accomplished", "not the most professional"): the first and last indices, or None."""
    word = tokens[i].word
    if word in ("less", "least"):
        start = i
    elif word == "most" and i >= 2 and tokens[i - 1].word == "the" and tokens[i - 2].word == "not":
        start = i - 2
    else:
        return None
    j = i + 1
    if j < len(tokens) and _good_quality(tokens[j].word) and tokens[j].word not in lex.FEELINGS:
        return start, j
    return None


def _behind_at_the_end(tokens: list[_Token], i: int) -> bool:
    """Is "behind" at `i` said of someone after "is", with nothing after it to be behind
    ("she is behind", not "she is behind the idea")?"""
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    return (after is None or after.stem == _BOUNDARY) and _after_copula(tokens, i, 0)


def _unequal_comparison(tokens: list[_Token], i: int) -> bool:
    """Do the tokens at `i` read "not as <quality> as <someone>", after "is"?"""
    if tokens[i].word != "as" or i < 2 or tokens[i - 1].word != "not":
        return False
    subject = tokens[i - 2]
    # "is not as", or "Zanele's not as" (the name carries the verb)
    if subject.stem != "be" and not (
        subject.name and subject.end - subject.start > len(subject.word)
    ):
        return False
    for j in range(i + 2, min(i + 5, len(tokens))):
        if tokens[j].word == "as":
            after = tokens[j + 1] if j + 1 < len(tokens) else None
            if after is None or after.stem == _BOUNDARY:
                return False
            # "as she would like", "as I expected": measured against herself or the mentor.
            return after.word not in lex.MENTEE_REFS and after.word not in lex.SELF_REFS
    return False


def _work_subject(tokens: list[_Token], index: int, clause_start: int) -> bool:
    """Is the adjective at `index` said of work ("the quality of her work has been poor")?"""
    i = index - 1
    while i >= clause_start and (
        tokens[i].word in lex.COPULAS
        or tokens[i].word in lex.NP_FILLERS
        or tokens[i].word in lex.NEGATORS
        or tokens[i].word in ("has", "have", "had", "will", "would", "can", "could", "may", "yet")
        or tokens[i].word.endswith("ly")
    ):
        i -= 1
    if i < clause_start or not any(
        t.stem == "be" or t.word in lex.COPULAS for t in tokens[i + 1 : index]
    ):
        return False
    # The subject before the copula: "her grasp of the domain", "the quality of her work".
    return any(t.stem in _work_stems() for t in tokens[max(clause_start, i - 5) : i + 1])


def _judge(
    hit: _Hit,
    tokens: list[_Token],
    clause_starts: list[int],
    sentence_stems: list[str],
    statement_stems: list[str],
) -> tuple[str, str] | None:
    """(verdict, category) for a hit, or None when it is not an evaluation of the mentee."""
    clause_start = clause_starts[hit.first]
    words = [t.word for t in tokens]
    polarity = hit.polarity
    category = hit.category
    if hit.about in ("trait", "valence"):
        if hit.about == "valence" or hit.role_only:
            if _work_subject(tokens, hit.first, clause_start):
                attachment = "work"
            elif hit.about == "valence":
                if polarity > 0 or not _after_copula(tokens, hit.first, clause_start):
                    return None
                attachment = _attachment(
                    tokens, hit.first, clause_start, role_only=False, negative=True
                )
            else:
                attachment = _attachment(
                    tokens, hit.first, clause_start, role_only=True, negative=polarity < 0
                )
        else:
            attachment = _attachment(
                tokens, hit.first, clause_start, role_only=False, negative=polarity < 0
            )
        if attachment is None:
            return None
        if category == "readiness_verdict" and not _after_copula(tokens, hit.first, clause_start):
            return None  # "she came prepared" describes a meeting, not a verdict
        if hit.about == "valence":
            category = "work_quality" if attachment == "work" else "conduct"
            if polarity > 0:
                category = "positive_verdict"
    if hit.about in _HOLDERS:
        holder = _holder(tokens, clause_start, hit.first, words, default="nobody")
        if holder not in _HOLDERS[hit.about]:
            return None
        if "{T}" in hit.phrase and _possessive_of_another(tokens, hit.last):
            return None
    elif hit.about == "verdict":
        if "{M}" not in hit.phrase and _holder(tokens, clause_start, hit.first, words) == "other":
            return None
    elif hit.about != "object" and (holder := _holder(tokens, clause_start, hit.first, words)) != (
        "mentee"
    ):
        if holder == "other" and polarity > 0 and _mentee_is_object(tokens, hit.last):
            # "Her peers outperform her": others' edge over the mentee is her shortfall.
            return BLOCK, "peer_comparison"
        return None
    if _own_feeling(tokens, clause_start, hit.first):
        return None
    if _discussed(tokens, hit.first):
        return None
    if _past_left_behind(sentence_stems, clause_start, hit.first, statement_stems):
        return None
    if _negated(tokens, clause_start, hit.first, hit.last):
        polarity = -polarity
    elif (
        category == "readiness_verdict"
        and polarity > 0
        and _has_marker(sentence_stems, _marker_stems()["doubt"])
    ):
        polarity = -1
    if polarity < 0:
        if category == "positive_verdict":
            category = (
                "peer_comparison" if "than" in words[hit.first : hit.last + 2] else ("work_quality")
            )
        return BLOCK, category
    if category == "readiness_verdict" and _has_marker(sentence_stems, _marker_stems()["mentor"]):
        return None
    return CAUTION, "positive_verdict"


def _mentee_is_object(tokens: list[_Token], last: int) -> bool:
    """Is the word after `last` the mentee as an object ("outperform her on retention", "outshine
    Ama"), not a possessive ("outperform her colleagues")?"""
    j = last + 1
    if j >= len(tokens):
        return False
    token = tokens[j]
    if token.word in ("him", "them") or token.name:
        return True
    if token.word != "her":
        return False
    after = tokens[j + 1] if j + 1 < len(tokens) else None
    return after is None or after.stem == _BOUNDARY or after.word in _PREPOSITIONS


def _is_role_after(tokens: list[_Token], index: int) -> bool:
    return index + 1 < len(tokens) and tokens[index + 1].stem in _role_stems()


# --- Program phrases ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:\(s\))?")
_IN_WORD_BREAK = r"(?:-?[ \t]*\n[ \t]*)?"


def phrase_words(phrase: str) -> list[str]:
    """The words of a phrase, lower-cased, each possibly ending in "(s)"."""
    return _WORD.findall("".join(_fold(c) for c in phrase).lower())


@functools.lru_cache(maxsize=1024)
def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = phrase_words(phrase)
    if not words:
        return None
    parts = []
    for word in words:
        plural = word.endswith("(s)")
        letters = word[:-3] if plural else word
        # A line break may fall inside a word of the phrase, as the guard's own reading allows.
        parts.append(_IN_WORD_BREAK.join(map(re.escape, letters)) + ("s?" if plural else ""))
    body = r"[\W_]+".join(parts)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


# --- Entry point -------------------------------------------------------------------------------


def _span(text: str, origin: list[int], start: int, end: int) -> Span:
    o_start = origin[start]
    o_end = origin[end - 1] + 1
    return Span(o_start, o_end, text[o_start:o_end])


def assess(text: str, program_phrases: Iterable[tuple[str, str]] = ()) -> Assessment:
    """Judge each sentence of a mentor statement: "block", "caution" or "pass", and why."""
    norm, origin = _normalise(text)
    findings: list[Finding] = []
    sentences = _sentences(norm)
    all_tokens = [_tokens(norm, start, end) for start, end in sentences]
    statement_stems = [t.stem for tokens in all_tokens for t in tokens]
    for (s_start, s_end), tokens in zip(sentences, all_tokens, strict=True):
        if not tokens:
            continue
        o_start, o_end = origin[s_start], origin[s_end - 1] + 1
        sentence = text[o_start:o_end].strip()
        o_start = text.index(sentence, o_start) if sentence else o_start
        clause_starts = _clause_bounds(tokens)
        sentence_stems = [t.stem for t in tokens]
        sentence_findings: list[Finding] = []
        hit_spans: list[tuple[int, int]] = []
        for hit in _sentence_hits(tokens):
            judged = _judge(hit, tokens, clause_starts, sentence_stems, statement_stems)
            if judged is None:
                continue
            verdict, category = judged
            explanation, reframe = lex.EXPLANATIONS[category]
            words = tuple(
                _span(text, origin, tokens[i].start, tokens[i].end)
                for i in range(hit.first, hit.last + 1)
                if tokens[i].stem != _BOUNDARY
            )
            words = _merge(text, words)
            hit_spans.append((hit.first, hit.last))
            sentence_findings.append(
                Finding(
                    verdict=verdict,
                    category=category,
                    sentence=sentence,
                    sentence_start=o_start,
                    words=words,
                    explanation=explanation,
                    reframe=reframe,
                    phrase=hit.phrase,
                    source="built-in",
                )
            )
        findings += _with_model(
            text, origin, tokens, sentence, o_start, sentence_findings, hit_spans
        )
    findings += _program_findings(text, norm, origin, program_phrases, sentences)
    findings.sort(key=lambda f: f.words[0].start if f.words else 0)
    verdict = max((f.verdict for f in findings), key=_VERDICT_RANK.__getitem__, default=PASS)
    return Assessment(text=text, verdict=verdict, findings=tuple(findings))


# The learned layer's say (breach_model.py): it adds a finding to a sentence the rules found
# nothing in when it is confident the sentence is a breach, and it overrules the rules when it is
# confident a sentence they flagged is advocacy.
# Measured across authors (breach_eval --folds), a bar at 0.5 flagged acceptable statements on
# words one author happened to use ("hands", "tried", "runs"); at 0.65 it keeps nearly every
# learned catch.
MODEL_FLAGS_AT = 0.65
MODEL_CLEARS_BELOW = 0.1
# Some n-gram of the sentence must weigh towards a breach, so that a short sentence the model
# knows nothing about ("Innocent words.") is not flagged on the prior alone and every learned
# finding has words to show.
MODEL_EVIDENCE_AT = 0.3
# A learned finding is a caution only when the model is fairly sure the verdict is positive: a
# negative verdict let through with a caution harms the mentee, a positive one blocked does not.
MODEL_POSITIVE_AT = 0.6
MODEL_NEGATIVE_BELOW = 0.02
MODEL_EVIDENCE_SHOWN = 3
# Frames the rules read by structure and the corpus holds few of (others' complaints relayed,
# an HR process, a hint to the panel): the model has too little to overrule them on.
MODEL_CANNOT_CLEAR = frozenset(("reported", "hr_record", "insinuation"))


def _with_model(
    text: str,
    origin: list[int],
    tokens: list[_Token],
    sentence: str,
    sentence_start: int,
    rule_findings: list[Finding],
    hit_spans: list[tuple[int, int]] = (),
) -> list[Finding]:
    prediction = breach_model.predict(tokens)
    if prediction is None:
        return rule_findings
    if rule_findings:
        if prediction.breach < MODEL_CLEARS_BELOW:
            # Each clause is judged: advocacy beside a verdict ("she is the best engineer on the
            # team, and I have watched her confidence grow") does not clear the verdict, so a
            # finding is cleared only when the model is as sure of its own clause.
            rule_findings = [
                f
                for f, span in zip(rule_findings, hit_spans, strict=True)
                if f.category in MODEL_CANNOT_CLEAR or _clause_is_flagged(tokens, *span)
            ]
            if not rule_findings:
                return []
        if (
            prediction.breach >= MODEL_FLAGS_AT
            and prediction.positive < MODEL_NEGATIVE_BELOW
            and any(t.word in lex.NEGATORS for t in tokens)
        ):
            # A positive word in a negative verdict ("not by a small margin"): the rules read the
            # word, the model the sentence. Only where a negation is there to be misread: "I
            # would recommend her" stays the rules' caution.
            return [
                replace(f, verdict=BLOCK, category=prediction.category)
                if f.verdict == CAUTION
                else f
                for f in rule_findings
            ]
        return rule_findings
    if prediction.content_breach < MODEL_FLAGS_AT:
        return []
    evidence = _learned_evidence(tokens, prediction.evidence)
    if not evidence or evidence[0][0] < MODEL_EVIDENCE_AT:
        return []
    if prediction.positive >= MODEL_POSITIVE_AT:
        category, verdict = "positive_verdict", CAUTION
    else:
        category, verdict = prediction.category, BLOCK
    explanation, reframe = lex.EXPLANATIONS[category]
    shown = [feature for _, feature in evidence[:MODEL_EVIDENCE_SHOWN]]
    # The mentor sees the evaluative words of each n-gram, not the article or pronoun beside
    # them ("leading", not "leading a").
    spans = sorted(
        {
            (tokens[i].start, tokens[i].end)
            for feature in shown
            for i in range(feature.first, feature.last + 1)
            if breach_model.is_content(breach_model.unit(tokens[i]))
        }
    )
    words = _merge(text, tuple(_span(text, origin, s, e) for s, e in spans))
    return [
        Finding(
            verdict=verdict,
            category=category,
            sentence=sentence,
            sentence_start=sentence_start,
            words=words,
            explanation=explanation,
            reframe=reframe,
            phrase="learned: " + ", ".join(f.key[2:] for f in shown),
            source="built-in",
        )
    ]


def without_mentor_clauses(tokens: list[_Token], keep: Iterable[int] = ()) -> list[_Token]:
    """The sentence's tokens less its clauses in which the mentor speaks for themself ("and I
    have watched her confidence grow"), except the clauses starting at `keep`. The learned
    layer weighs such a clause heavily towards advocacy; beside a verdict it must neither clear
    the verdict here nor, in training, be learned as part of one (breach_train)."""
    bounds = _clause_bounds(tokens)
    observed = _marker_stems()["observed"]
    kept: list[_Token] = []
    for start in sorted(set(bounds)):
        clause = [t for t, b in zip(tokens, bounds, strict=True) if b == start]
        if start in keep or not _has_marker([t.stem for t in clause], observed):
            kept += clause
    return kept


def _clause_is_flagged(tokens: list[_Token], first: int, last: int) -> bool:
    """Does the rules' finding at first..last stand once the sentence's other clauses in which
    the mentor speaks for themself are set aside?"""
    bounds = _clause_bounds(tokens)
    kept = without_mentor_clauses(tokens, keep=(bounds[first], bounds[last]))
    if len(kept) == len(tokens) or not kept:
        return False
    prediction = breach_model.predict(kept)
    return prediction is not None and prediction.breach >= MODEL_CLEARS_BELOW


def _learned_evidence(
    tokens: list[_Token], contributions: tuple[tuple[float, breach_model.Feature], ...]
) -> list[tuple[float, breach_model.Feature]]:
    """The model's content n-grams that are said of the mentee.

    The model reads words, not frames: the rules' frames still apply to what it found, so the
    mentee's own worries, a past left behind, a topic of discussion, or the mentor ("we planned
    twelve sessions") or someone else as the subject are no evidence of a verdict on the mentee.
    """
    bounds = _clause_bounds(tokens)
    stems = [t.stem for t in tokens]
    words = [t.word for t in tokens]
    kept = []
    for weight, feature in contributions:
        first = next(
            i
            for i in range(feature.first, feature.last + 1)
            if breach_model.is_content(breach_model.unit(tokens[i]))
        )
        clause_start = bounds[first]
        if (
            tokens[first].word in lex.FEELINGS  # "they were afraid of failing": a feeling
            or _own_feeling(tokens, 0, first)
            or _past_left_behind(stems, clause_start, first, stems)
            or _discussed(tokens, first)
        ):
            continue
        holder = _holder(tokens, clause_start, first, words)
        if holder == "other":
            continue
        # The mentor's own doing is evidence only when the mentee is its object ("I would not
        # trust him with a budget").
        if holder == "self" and not any(
            t.name or t.word in lex.MENTEE_REFS for t in tokens[clause_start:]
        ):
            continue
        kept.append((weight, feature))
    return kept


def _merge(text: str, words: tuple[Span, ...]) -> tuple[Span, ...]:
    """One span per run of words separated only by spaces: "missed several deadlines"."""
    merged: list[Span] = []
    for span in words:
        if merged and (
            merged[-1].end >= span.start or not text[merged[-1].end : span.start].strip(" \t")
        ):
            start = merged[-1].start
            end = max(merged[-1].end, span.end)
            merged[-1] = Span(start, end, text[start:end])
        else:
            merged.append(span)
    return tuple(merged)


def _program_findings(text, norm, origin, program_phrases, sentences) -> list[Finding]:
    findings = []
    seen: set[tuple[int, int]] = set()
    explanation_default, reframe = lex.EXPLANATIONS["program_phrase"]
    for phrase, explanation in program_phrases:
        pattern = phrase_pattern(phrase)
        if pattern is None:
            continue
        for match in pattern.finditer(norm):
            if match.span() in seen:
                continue
            seen.add(match.span())
            s_start, s_end = next(
                ((a, b) for a, b in sentences if a <= match.start() < b), (0, len(norm))
            )
            o_start, o_end = origin[s_start], origin[s_end - 1] + 1
            findings.append(
                Finding(
                    verdict=BLOCK,
                    category="program_phrase",
                    sentence=text[o_start:o_end].strip(),
                    sentence_start=o_start,
                    words=(_span(text, origin, *match.span()),),
                    explanation=explanation or explanation_default,
                    reframe=reframe,
                    phrase=phrase,
                    source="program",
                )
            )
    return findings
