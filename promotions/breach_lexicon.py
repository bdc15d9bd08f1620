"""Words and patterns the breach guard (breach.py) reads.

Everything here is data: the guard's rules decide who a word is about and in which frame. Words
are written as people write them; breach.py stems them with the same stemmer it applies to the
statement, so "miss deadline" also matches "missed deadlines" and "misses a deadline".

Pattern syntax (one string, elements separated by spaces):
  word        one token
  a|b         either token
  ?a|b        an optional token
  *  / **     up to 2 / up to 4 tokens of the same clause
  {M}         the mentee: she, he, they, her, him, them, his, their or a name
  {P}         a mentee's possessive: her, his, their or a name
"""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- Categories: why a finding is not mentor input, and how to say it instead -------------

EXPLANATIONS: dict[str, tuple[str, str]] = {
    "work_quality": (
        "This judges the quality, speed or reliability of their work. That is the supervisor's "
        "performance assessment, not mentor input.",
        "Speak to what you saw as their mentor, for example a goal you worked on together and "
        "how they approached it, or say plainly what you cannot speak to.",
    ),
    "competence": (
        "This assesses their competence or skills against the role. That is the supervisor's "
        "and leadership's judgment, not mentor input.",
        "Describe growth you saw in mentoring (what they set out to learn and what changed), or "
        "say that you cannot offer a reliable picture of how they would do the role.",
    ),
    "conduct": (
        "This judges their conduct, character or attitude at work. That is a performance "
        "review, which is the supervisor's role.",
        "Limit your input to the person as your mentee: what they worked on with you and how "
        "they grew.",
    ),
    "readiness_verdict": (
        "This is a verdict on their readiness or promotability. The verdict is leadership's; a "
        "mentor speaks to growth seen in mentoring.",
        "Say what growth or readiness you saw in your sessions, or that you cannot offer a "
        "reliable picture of how they would lead.",
    ),
    "peer_comparison": (
        "This compares them with peers or with a bar for the role. That is an evaluation of the "
        "employee, not mentor input.",
        "Speak to how they changed over the time you mentored them, not to how they rank.",
    ),
    "positive_verdict": (
        "This is a verdict on their job performance. Even a positive verdict is the "
        "supervisor's and leadership's to give.",
        "Speak to what you saw as their mentor, e.g. 'In our sessions I watched her confidence "
        "in leading grow'.",
    ),
    "reported": (
        "This passes on other people's judgment of their work or conduct (complaints, concerns, "
        "who has to step in for them). Relayed by their mentor, it is still a performance "
        "review, and it is the supervisor's to give.",
        "Leave colleagues' views of their work to the supervisor; speak to what you saw as "
        "their mentor.",
    ),
    "hr_record": (
        "This reports a performance or disciplinary process (an improvement plan, a warning, "
        "probation). That is the employer's confidential record, not mentor input.",
        "Leave HR matters to the supervisor and HR; speak to the growth you saw in mentoring.",
    ),
    "insinuation": (
        "This hints at a judgment of their work or readiness without stating it. A hint to the "
        "panel weighs like a verdict, and a verdict is not the mentor's to give.",
        "Say what you saw as their mentor, or say plainly what you cannot speak to.",
    ),
    "program_phrase": (
        "Your program lists this phrase as evaluating the mentee as an employee.",
        "Rewrite it as growth you saw in mentoring, or as a fact about the relationship.",
    ),
}

# --- Who a word is about ---------------------------------------------------------------------

MENTEE_REFS = frozenset(
    words("she he they her him them his their hers theirs herself himself themselves")
)
SELF_REFS = frozenset(words("i me my we us our myself ourselves mine ours"))
# People other than the mentee: a word whose nearest person is one of these is about them.
OTHER_PEOPLE = frozenset(
    words("""colleague coworker peer teammate team junior intern hire newcomer manager boss
    supervisor director lead leader member client customer vendor supplier contractor
    stakeholder predecessor successor people others other someone somebody everyone anyone
    person staff student mentee mentees analyst engineer developer designer candidate partner
    apprentice trainee group department cohort juniors colleagues peers""")
)
# Plural people words that do not end in "s": "they" after one of them is those people.
PLURAL_PEOPLE = frozenset(words("people staff everyone folks"))
# What others may raise about the mentee out of care, not judgment: "her team worried about
# her workload" is no complaint about her work.
CARE_NOUNS = frozenset(
    words("""wellbeing well-being workload workloads health welfare hours burnout safety stress
    pay leave absence family commute schedule""")
)
# Job roles: "a lazy planner", "the best engineer on the team".
ROLE_NOUNS = frozenset(
    words("""planner engineer performer manager leader lead worker employee communicator colleague
    analyst developer designer presenter programmer coder contributor candidate hire asset
    professional writer negotiator thinker operator administrator director executive
    specialist consultant architect scientist researcher member player person fit choice
    teammate coworker organiser organizer delegator decision-maker""")
)
# What an employee produces or how they work: "her work", "sloppy code".
WORK_NOUNS = frozenset(
    words("""work code output report reports deliverable deliverables result results analysis
    documentation planning plan plans estimate estimates design designs presentation
    presentations spreadsheet spreadsheets performance productivity quality delivery
    execution attitude behaviour behavior conduct ethic judgment judgement communication
    writing decisions decision skills skill leadership effort track record product projects
    project testing reviews review follow-up follow-ups timekeeping punctuality
    problem-solving thinking knowledge understanding approach follow-through followthrough
    attention grasp presence timekeeping organisation organization management""")
)
THIRD_PARTY_VERBS = frozenset(
    words("""support coach help mentor inherit hire admire advise train replace fix clean manage
    handle join describe discuss talk learn face deal work recover""")
)

# --- Frames ------------------------------------------------------------------------------------

# Verbs of the mentee's own feelings, beliefs and reported words: "she felt disorganized".
FEEL_VERBS = frozenset(
    words("""feel felt worry worried fear feared believe believed think thought doubt doubted
    tell told say said confide confided share shared describe described admit admitted
    worried wonder wondered suspect suspected assume assumed imagine imagined convinced
    afraid anxious scared nervous concerned frightened terrified daunted""")
)
# Reflexive self-images: "saw herself as a weak presenter".
SELF_IMAGE_VERBS = frozenset(words("see saw seen view viewed describe described call called"))
# Markers of a past the statement presents as left behind.
PAST_MARKERS = (
    "used to",
    "early on",
    "at first",
    "at the start",
    "initially",
    "in the beginning",
    "when we started",
    "when we first met",
    "when we met",
    "when we began",
    "when we first started",
    "a year ago",
    "once",
    "previously",
    "no longer",
    "anymore",
    "any more",
    "early in our",
    "in our first",
    "when she started",
    "when he started",
    "when they started",
    "before our",
)
# Markers that the past led somewhere: "she has since built...".
GROWTH_MARKERS = (
    "since",
    "now",
    "no longer",
    "today",
    "these days",
    "has grown",
    "have grown",
    "grew",
    "learned",
    "learnt",
    "overcame",
    "built",
    "developed",
    "worked on",
    "worked hard",
    "improved",
    "anymore",
    "we talked",
    "we discussed",
    "we explored",
    "we worked",
)
# A verdict grounded in the mentoring ("from what I have seen in our sessions") or hedged as the
# mentor's belief: positive readiness said this way is advocacy.
MENTOR_FRAMES = (
    "i have seen",
    "i've seen",
    "i have watched",
    "i watched",
    "i have observed",
    "i observed",
    "i have noticed",
    "i have witnessed",
    "i witnessed",
    "i saw",
    "in our session",
    "in our meeting",
    "in our conversation",
    "our conversations",
    "our time together",
    "our sessions",
    "our mentoring",
    "as her mentor",
    "as his mentor",
    "as their mentor",
    "as a mentee",
    "as her mentee",
    "as his mentee",
    "from what i",
    "from our",
    "from my",
    "based on",
    "i believe",
    "i think",
    "in my view",
    "in my experience",
    "my sense",
    "i am confident",
    "i'm confident",
    "first-hand",
    "first hand",
    "grown",
    "growth",
    "grow",
    "mentoring",
    "judging by",
)
# Doubt about readiness, however it is worded: a readiness verdict in a sentence that carries one
# is a negative verdict ("I'd give it another year before they're promotable", "I have
# reservations about whether they are ready"), not advocacy.
# A phrase list several to a line, read as a table: fmt: skip.
DOUBT_MARKERS = (
    "reservation", "reservations", "doubt", "doubts", "doubtful", "hesitate", "hesitant",
    "question whether", "question if", "wonder whether", "wonder if", "not convinced",
    "unconvinced", "not sure", "unsure", "not certain", "another year", "another cycle",
    "a year or two", "next year", "next cycle", "not this cycle", "not this year", "not now",
    "not yet", "probably not", "would be lying", "i'd be lying", "premature", "too early",
    "too soon", "give it", "wait", "hold off", "not quite", "not there", "away from",
    "worried", "concern", "concerned", "risky", "a stretch", "gamble", "not ready",
)  # fmt: skip
NEGATORS = frozenset(words("not never no nor hardly barely seldom rarely doubt without"))
# Words after which an adjective is predicative ("she is careless with data"), not attributive.
PREDICATE_FOLLOWERS = frozenset(
    words("""with at about in on to for when whenever and or but as under during toward towards
    around if because so than of by from while after before lately recently sometimes often
    without despite unless even
    always again overall too also this that these those all most every enough yet now either
    anyway more again then there here""")
)
# Words skipped when looking for what governs an adjective ("is a very lazy planner").
NP_FILLERS = frozenset(
    words("""a an the such very really quite so rather pretty extremely incredibly truly genuinely
    most more least less and , too consistently often always clearly sometimes frequently
    generally usually completely totally somewhat bit little just yet still fully entirely""")
)
COPULAS = frozenset(
    words("""be is was were are been being am seem seems seemed appear appears appeared remain
    remains remained become becomes became look looks looked sound sounds sounded get gets got
    as call called consider considered find found deem deemed prove proved proven""")
)
# Feelings and health are not verdicts on the employee; never flag them from the valence
# lexicon alone.
FEELINGS = frozenset(
    words("""anxious nervous worried afraid scared sad upset hurt disappointed frustrated stressed
    lonely tired exhausted sick ill overwhelmed unhappy uncertain unsure insecure shy quiet
    fearful angry annoyed confused embarrassed ashamed guilty doubtful hesitant
    intimidated grief grieving depressed bored stuck lost vulnerable pressured frightened
    terrified daunted""")
)

# --- Evaluative words ------------------------------------------------------------------------
# (word, category, polarity, role_only). Polarity -1 judges the employee negatively, +1
# positively. role_only: only as "a <word> engineer" or about their work ("great code"), not
# predicatively about the person ("she is great" is too vague to call a performance verdict).

TRAITS: tuple[tuple[str, str, int, bool], ...] = (
    # work quality, speed, reliability
    *(
        (w, "work_quality", -1, False)
        for w in words("""sloppy careless shoddy slow unreliable
    inconsistent mediocre subpar sub-par substandard messy rushed inaccurate inefficient
    unproductive disorganized disorganised chaotic error-prone undependable lacklustre
    lackluster underwhelming disappointing superficial shallow slapdash haphazard
    unfocused late tardy unpunctual inattentive forgetful incomplete lacking wrong
    careless""")
    ),
    *((w, "work_quality", -1, True) for w in words("poor weak bad low terrible awful")),
    # competence and skills
    *(
        (w, "competence", -1, False)
        for w in words("""incompetent unqualified underqualified
    inexperienced unskilled incapable inept clueless ineffective ineffectual unprepared
    underdeveloped underskilled under-skilled underprepared under-prepared""")
    ),
    # conduct, character, attitude at work
    *(
        (w, "conduct", -1, False)
        for w in words("""unprofessional lazy rude arrogant abrasive
    dismissive difficult uncooperative unmotivated disengaged dishonest defensive toxic hostile
    stubborn inflexible apathetic entitled disrespectful aggressive confrontational
    disruptive unreachable unresponsive negligent irresponsible inappropriate abusive
    condescending manipulative unethical untrustworthy sullen moody volatile absent passive
    unmanageable insubordinate""")
    ),
    # positive job-performance verdicts (caution)
    *(
        (w, "positive_verdict", 1, False)
        for w in words("""excellent outstanding exceptional stellar
    superb flawless impeccable dependable reliable efficient productive competent capable
    skilled talented high-performing hardworking hard-working diligent brilliant first-rate
    top-notch world-class trustworthy""")
    ),
    *((w, "positive_verdict", 1, True) for w in words("great good strong top fantastic")),
    # readiness: positive readiness is advocacy when grounded in mentoring, else a verdict
    *(
        (w, "readiness_verdict", 1, False)
        for w in words("""ready promotable prepared suited
    qualified equipped""")
    ),
)

# What a role asks of a person: a verdict says the mentee lacks it, or has not shown it.
COMPETENCE_NOUNS = (
    "skill|skills|experience|judgment|judgement|competence|knowledge|ability|abilities|capacity|"
    "understanding|thinking|maturity|depth|rigour|rigor|leadership|expertise|skillset|skillsets|"
    "capability|capabilities|background|grasp|acumen|aptitude|savvy|nous|instinct|instincts|"
    "awareness|chops"
)

# (pattern, category, polarity, about): about is "subject" when the pattern's words are said of
# someone (find who), "object" when the pattern names the mentee itself ({M}/{P}), "verdict"
# when the mentor gives it ("I would not recommend her"): anyone but a third party.
# "person": said of the mentee named or referred to in the clause, never of nobody ("she is a
# liability", not "the legacy system is a liability"). "by_other": someone else acts on the
# mentee or their work, or it happens with no one named ("her manager had to rescue her
# projects"); "not_by_mentee": the same, or the mentor ("I dread working with her"): a
# judgment of the mentee reported from others is still a performance review. "any": whoever
# says it (a hint to the panel, "let's just say").
PATTERNS: tuple[tuple[str, str, int, str], ...] = (
    # work quality
    (
        "miss|blow|slip * deadline|deadlines|target|targets|milestone|goal|date|dates",
        "work_quality",
        -1,
        "subject",
    ),
    ("deadline|deadlines slip", "work_quality", -1, "subject"),
    ("make|repeat * mistake|mistakes|error|errors|blunder", "work_quality", -1, "subject"),
    ("full|riddled of|with * error|mistake|mistakes|errors", "work_quality", -1, "subject"),
    (
        "contain|contains ?many ?careless error|errors|mistakes|mistake",
        "work_quality",
        -1,
        "subject",
    ),
    ("cut|cuts corner|corners", "work_quality", -1, "subject"),
    ("drop|drops the ball", "work_quality", -1, "subject"),
    # Work that others had to send back: "needed a lot of rework", "came back for correction".
    (
        "need|needs|needed|require|requires|required|come|comes|came|sent ** rework|reworking|"
        "redoing|correction|corrections|rewriting",
        "work_quality",
        -1,
        "subject",
    ),
    ("leave|leaves|left * to be desired", "work_quality", -1, "subject"),
    (
        "fail|failed|fails to deliver|meet|finish|hit|follow|produce|show",
        "work_quality",
        -1,
        "subject",
    ),
    (
        "underdeliver|underdelivered|underperform|underperforms|underperformed|underperforming",
        "work_quality",
        -1,
        "subject",
    ),
    ("underperformer|underperformers", "work_quality", -1, "subject"),
    ("fall|falls|fell short", "peer_comparison", -1, "subject"),
    (
        "below|under expectation|expectations|par|standard|standards|average",
        "work_quality",
        -1,
        "subject",
    ),
    ("below the bar|standard|mark|level", "peer_comparison", -1, "subject"),
    (
        "meet|met|reach|reached|hit|clear|cleared ?the expectation|expectations|standard|"
        "standards|bar",
        "work_quality",
        1,
        "subject",
    ),
    ("short of ready|the|expectations|expected", "peer_comparison", -1, "subject"),
    (
        "exceed|exceeds|exceeded * expectation|expectations|standard|bar|target|targets|goal|goals",
        "positive_verdict",
        1,
        "subject",
    ),
    (
        "after|past|behind the|her|his|their|every|each ?agreed deadline|deadlines|schedule",
        "work_quality",
        -1,
        "subject",
    ),
    ("behind schedule", "work_quality", -1, "subject"),
    ("behind on|with {P}", "work_quality", -1, "subject"),
    (
        "need|needs|needed ?constant|heavy|a|lots|close|regular ?of correction|corrections|"
        "supervision|hand-holding|reminders|oversight|chasing|micromanaging",
        "work_quality",
        -1,
        "subject",
    ),
    (
        "respect|respects|meet|meets|hit|hits|honour|honours|honor|honors deadline|deadlines",
        "positive_verdict",
        1,
        "subject",
    ),
    ("strong|good|great|solid technically|enough", "competence", 1, "subject"),
    (
        "gap|gaps in {P} * skill|skills|knowledge|experience|understanding|ability",
        "competence",
        -1,
        "subject",
    ),
    ("too junior|green|inexperienced|new|early for|to", "readiness_verdict", -1, "subject"),
    (
        "reservation|reservations|concern|concerns|doubt|doubts about promoting|promote {M}",
        "readiness_verdict",
        -1,
        "verdict",
    ),
    ("the person|one to lead|manage|run|head", "readiness_verdict", 1, "subject"),
    ("the highest|best quality|standard|standards", "positive_verdict", 1, "subject"),
    ("better|cleaner|faster|stronger * than", "positive_verdict", 1, "subject"),
    (
        "need|needs heavy|constant|a|lots rework|redoing|supervision|hand-holding",
        "work_quality",
        -1,
        "subject",
    ),
    (
        "output|productivity|performance|quality|results has|have|had ?been drop|dropped|declined|"
        "slipped|suffered|fallen",
        "work_quality",
        -1,
        "subject",
    ),
    (
        "poorly|badly thought|prepared|planned|executed|written|organized|organised|done",
        "work_quality",
        -1,
        "subject",
    ),
    (
        "deliver|delivers|delivered|finish|finishes|complete ** on time",
        "positive_verdict",
        1,
        "subject",
    ),
    ("under budget", "positive_verdict", 1, "subject"),
    ("low|poor|bad quality", "work_quality", -1, "subject"),
    ("poor|low|weak|bad performer|performers|performance", "work_quality", -1, "subject"),
    (
        "top|star|high|strong|great|excellent|outstanding performer|performers",
        "positive_verdict",
        1,
        "subject",
    ),
    (
        "never|rarely|seldom deliver|delivers|finish|finishes|meet|meets",
        "work_quality",
        -1,
        "subject",
    ),
    # competence
    (
        "lack|lacks|lacked|lacking ?the|any|some|basic|real|enough|strategic|technical * "
        + COMPETENCE_NOUNS
        + "|initiative|focus|discipline|confidence|professionalism|ownership|accountability|"
        "urgency",
        "competence",
        -1,
        "subject",
    ),
    # Having, showing or gaining the capability a role needs, denied: "has not demonstrated the
    # coaching ability a manager of managers needs", "hasn't got the budgeting skills".
    (
        "not ?yet have|has|possess|got|show|shown|demonstrate|display|develop ?the|any|enough * "
        + COMPETENCE_NOUNS
        + "|what|presence|gravitas|credibility",
        "competence",
        -1,
        "subject",
    ),
    (
        "have|has|had|possess ?the skill|skills|skillset|skillsets|experience|what|ability * "
        "you|we|the|role|looking|take|needed|required|job|position",
        "competence",
        1,
        "subject",
    ),
    ("skill|skills set|sets you|we ?are|'re look|looking", "competence", 1, "subject"),
    ("skillset|skillsets you|we ?are look|looking", "competence", 1, "subject"),
    ("out of {P} depth", "competence", -1, "subject"),
    (
        "not show|shown|prove|proven|demonstrate|demonstrated * {M} can|could|ability|capacity",
        "competence",
        -1,
        "subject",
    ),
    ("trouble|difficulty|difficulties with|making|to|getting", "competence", -1, "subject"),
    ("would|will|might struggle", "competence", -1, "subject"),
    ("in|way over {P} head", "competence", -1, "subject"),
    ("struggle|struggles|struggled|struggling with|to", "competence", -1, "subject"),
    (
        "can|could|will|would|cannot|unable not|to handle|cope|manage|lead|deliver|prioritise|"
        "prioritize|organize|organise|plan",
        "competence",
        -1,
        "subject",
    ),
    ("unable to", "competence", -1, "subject"),
    ("skill|skills gap|gaps", "competence", -1, "subject"),
    ("not up to the|it job|task|role|challenge", "competence", -1, "subject"),
    ("not at|to the level|standard", "competence", -1, "subject"),
    ("up to the job|task|role|challenge", "competence", 1, "subject"),
    ("what it takes", "competence", 1, "subject"),
    ("not good at|with", "competence", -1, "subject"),
    ("not strong enough", "competence", -1, "subject"),
    (
        "weak|poor|bad|limited|lacking technically|technical|analytical|communication|"
        "leadership|planning|management",
        "competence",
        -1,
        "subject",
    ),
    # conduct
    (
        "bad|poor|negative|terrible attitude|attitudes|behaviour|behavior|ethic|judgment",
        "conduct",
        -1,
        "subject",
    ),
    ("team player", "conduct", 1, "subject"),
    ("blame|blames|blamed other|others|colleagues|everyone", "conduct", -1, "subject"),
    ("take|takes|took credit for", "conduct", -1, "subject"),
    ("show|shows|showed|turn|turns|come|comes in|up late", "conduct", -1, "subject"),
    ("slack|slacks|slacked off", "conduct", -1, "subject"),
    (
        "gossip|gossips|gossiped|procrastinate|procrastinates|procrastinated",
        "conduct",
        -1,
        "subject",
    ),
    ("complain|complains|complained constantly|always|all|about", "conduct", -1, "subject"),
    ("drag|drags * down", "conduct", -1, "subject"),
    ("hard|difficult|impossible|unpleasant to work with", "conduct", -1, "subject"),
    ("refuse|refuses|refused to compromise|listen|change|cooperate|help", "conduct", -1, "subject"),
    ("lose|loses|lost {P} temper", "conduct", -1, "subject"),
    ("take|takes|handle|handles|accept|accepts feedback|criticism ?well", "conduct", 1, "subject"),
    (
        "take|takes|handle|handles|accept|accepts feedback|criticism badly|poorly",
        "conduct",
        -1,
        "subject",
    ),
    ("attitude problem|problems|issue|issues", "conduct", -1, "subject"),
    ("undermine|undermines|undermined", "conduct", -1, "subject"),
    # readiness and promotability
    ("should|must|ought ?to ?definitely be promoted", "readiness_verdict", 1, "subject"),
    (
        "deserve|deserves|deserved ?the|this|a|his|her|their promotion|role|position|job",
        "readiness_verdict",
        1,
        "subject",
    ),
    ("recommend|endorse|promote {M}", "readiness_verdict", 1, "verdict"),
    (
        "recommend|endorse|back|support ** promotion|promoting|candidacy",
        "readiness_verdict",
        1,
        "verdict",
    ),
    ("trust {M} to|with", "competence", 1, "object"),
    ("hold off ** promot|promoting|promotion", "readiness_verdict", -1, "verdict"),
    (
        "advise|recommend|argue against ** promot|promoting|promotion|{M}",
        "readiness_verdict",
        -1,
        "verdict",
    ),
    ("too early|soon to promote", "readiness_verdict", -1, "verdict"),
    # A promotion deferred: "give Nadia another year", "give it another cycle before making her
    # a lead".
    (
        "give|giving {M} another|one|a|more year|years|cycle|cycles and|before|at|in|to|or",
        "readiness_verdict",
        -1,
        "verdict",
    ),
    (
        "give|giving it another|one|more year|years|cycle|cycles before|and",
        "readiness_verdict",
        -1,
        "any",
    ),
    ("promoting|promote {M} ** mistake|premature|risk|error", "readiness_verdict", -1, "verdict"),
    ("risk|gamble|mistake by|in promoting|promote {M}", "readiness_verdict", -1, "verdict"),
    (
        "need|needs another|more year|years|time|experience before",
        "readiness_verdict",
        -1,
        "subject",
    ),
    ("leadership|management material", "readiness_verdict", 1, "subject"),
    ("there yet", "readiness_verdict", 1, "subject"),
    ("right person|fit|choice|candidate for", "readiness_verdict", 1, "subject"),
    ("right person|fit|choice|candidate", "readiness_verdict", 1, "subject"),
    ("cut out for", "readiness_verdict", 1, "subject"),
    ("see {M} lead|leading|manage|managing|run|running|as", "readiness_verdict", 1, "verdict"),
    ("get|receive|given|earn ?this|the|a promotion", "readiness_verdict", 1, "verdict"),
    # A verdict on who gets the post, negated by the modal ("he should not get this role").
    (
        "should|would|will|must|shall not get|receive|be|earn ?given ?this|the|that|a "
        "promotion|role|job|position|post",
        "readiness_verdict",
        -1,
        "verdict",
    ),
    ("put {M} forward", "readiness_verdict", 1, "verdict"),
    ("long way from|off", "readiness_verdict", -1, "subject"),
    ("set {M} up to fail", "readiness_verdict", -1, "verdict"),
    ("confident|sure {M} can|could|will|would|is|be|'s", "readiness_verdict", 1, "object"),
    ("doubt {M} can|could|will|would|is|be", "readiness_verdict", -1, "object"),
    ("see|believe|think {M} as ?a|an leader|manager|lead", "readiness_verdict", 1, "object"),
    # HR processes: a record of performance or discipline is the employer's, not the mentor's.
    ("performance improvement plan|programme|program", "hr_record", -1, "subject"),
    ("pip", "hr_record", -1, "subject"),
    ("capability process|procedure|hearing", "hr_record", -1, "subject"),
    ("disciplinary", "hr_record", -1, "subject"),
    ("disciplined for|over|after|by", "hr_record", -1, "subject"),
    ("written|final|formal|verbal warning|warnings", "hr_record", -1, "subject"),
    ("put|placed|place|extend|extended on ?her|his|their probation", "hr_record", -1, "subject"),
    ("hr complaint|complaints|investigation|case|grievance", "hr_record", -1, "subject"),
    # Reported speech: others' complaints, concerns and reluctance about the mentee, or others
    # doing the mentee's work for them, relayed to the panel.
    (
        "complain|complaint|complaints|grumble|moan|gripe|vent|whinge ** about|of|regarding|over "
        "{T}",
        "reported",
        -1,
        "not_by_mentee",
    ),
    (
        "concern|concerns|issue|issues|doubt|doubts|reservation|reservations|"
        "complaint|complaints|grievance|grievances|frustration|frustrations ** "
        "about|over|regarding|with|against {T}",
        "reported",
        -1,
        "not_by_mentee",
    ),
    (
        "raise|raised|raises|flag|flagged|voice|voiced|escalate|escalated|share|shared "
        "concern|concerns|issue|issues|complaint|complaints|doubt|doubts ** about|over|regarding "
        "?her|his|their|@n missed|late|slipping|slipped|slip|quality|reliability|responsiveness|"
        "attitude|behaviour|behavior|conduct|tone|performance|work|output|delivery|commitment|"
        "commitments|deadline|deadlines|mistake|mistakes|error|errors",
        "reported",
        -1,
        "by_other",
    ),
    (
        "dread|avoid|hate|resent|dislike|fear|refuse|reluctant|unwilling ?to "
        "work|deal|collaborate|partner|pair|team with {T}",
        "reported",
        -1,
        "not_by_mentee",
    ),
    (
        "ask|request to ?be move|transfer|reassign|switch * off|from|out ?of her|his|their|@n "
        "team|project|projects|squad|group",
        "reported",
        -1,
        "by_other",
    ),
    (
        "rescue|salvage|redo|rework|rewrite|fix|clean|finish|bail|tidy ?up|out {P} * "
        "work|project|projects|code|deliverable|deliverables|report|reports|task|tasks|mess|"
        "mistake|mistakes|error|errors|bug|bugs|slack",
        "reported",
        -1,
        "by_other",
    ),
    ("step in|up ** rescue|salvage|redo|fix|finish|cover", "reported", -1, "by_other"),
    (
        "carry|pull|shoulder|do more|most of the load|weight|work|slack|lifting",
        "peer_comparison",
        -1,
        "by_other",
    ),
    ("pick up {P} slack", "reported", -1, "by_other"),
    (
        "more|better|harder|faster|further|longer|stronger|quicker ** than {M} "
        "do|does|did|be|have|can|could|will|would",
        "peer_comparison",
        -1,
        "by_other",
    ),
    # Conduct in idioms.
    ("rub * the wrong way", "conduct", -1, "subject"),
    ("cause|causes|caused|create|creates|created * friction|tension", "conduct", -1, "person"),
    ("be|become|remain ** liability|deadweight", "conduct", -1, "person"),
    ("be|become|remain * loose cannon|dead weight|weak link", "conduct", -1, "person"),
    ("lie|lies|lied|lying about|to", "conduct", -1, "person"),
    (
        "argue|clash|bicker|fight|fought|feud|row with * colleague|colleagues|peer|peers|team|"
        "teammate|teammates|manager|managers|people|everyone|stakeholders|others|coworkers|"
        "co-workers|lead|leads|client|clients|customers|staff|director|boss|the|other",
        "conduct",
        -1,
        "person",
    ),
    ("make enemies", "conduct", -1, "person"),
    ("burn|burnt bridges", "conduct", -1, "person"),
    ("throw|threw|thrown ** under the bus", "conduct", -1, "person"),
    ("go|goes missing|awol|dark", "conduct", -1, "person"),
    ("phone it in", "conduct", -1, "subject"),
    ("all talk", "conduct", -1, "person"),
    ("be coast|coasting", "conduct", -1, "person"),
    ("pull {P} weight", "conduct", 1, "subject"),
    ("drain on", "conduct", -1, "person"),
    (
        "hard|difficult|impossible|tough to rely|depend|count on|upon",
        "work_quality",
        -1,
        "subject",
    ),
    ("hard|difficult|impossible to reach|pin down", "conduct", -1, "subject"),
    (
        "need|needs|needed to be|being chased|babysat|babysitting|micromanaged|reminded",
        "work_quality",
        -1,
        "subject",
    ),
    # Insinuation aimed at the panel: a hint weighs like a verdict.
    ("read between the lines", "insinuation", -1, "any"),
    ("draw|make your|its|their own conclusion|conclusions", "insinuation", -1, "any"),
    ("make of that|this|it what you will", "insinuation", -1, "any"),
    (
        "panel|committee|board|leadership|reviewers|you ** look|dig|probe|check|examine|"
        "scrutinise|scrutinize ?more|very closely|carefully|hard|harder|deeper|twice|again "
        "at|into ** record|delivery|history|performance|output|results|numbers|deadlines|"
        "reviews|commitments|work",
        "insinuation",
        -1,
        "any",
    ),
    (
        "think twice|hard|carefully before|about ** promot|promoting|promotion|{M}",
        "readiness_verdict",
        -1,
        "any",
    ),
    ("better served|off without {M}", "readiness_verdict", -1, "any"),
    (
        "better served|off by|with someone|somebody|anyone|another",
        "readiness_verdict",
        -1,
        "any",
    ),
    # comparison with peers or a bar
    ("behind {P} peers|colleagues|cohort|team", "peer_comparison", -1, "subject"),
    ("behind the rest|others|team", "peer_comparison", -1, "subject"),
    ("behind where", "peer_comparison", -1, "subject"),
    ("lag|lags|lagged|lagging behind", "peer_comparison", -1, "subject"),
    (
        "trail|trails|trailed|trailing|lag|lags|lagged|lagging {P} peers|colleagues|teammates|"
        "cohort|team",
        "peer_comparison",
        -1,
        "subject",
    ),
    ("the weakest|worst|slowest", "peer_comparison", -1, "subject"),
    (
        "the least capable|skilled|experienced|competent|effective|productive|reliable|mature|"
        "qualified|prepared|ready|strong|organized|organised",
        "peer_comparison",
        -1,
        "subject",
    ),
    ("bottom of|half", "peer_comparison", -1, "subject"),
    ("below average", "peer_comparison", -1, "subject"),
    ("under|below ** average|median|benchmark|norm", "peer_comparison", -1, "subject"),
    ("worse|weaker|slower than", "peer_comparison", -1, "subject"),
    (
        "weaker|worse|slower engineer|performer|analyst|member|colleague|candidate|developer",
        "peer_comparison",
        -1,
        "subject",
    ),
    (
        "less capable|skilled|experienced|competent|effective|productive|reliable|mature|"
        "qualified|prepared|ready|strong",
        "peer_comparison",
        -1,
        "subject",
    ),
    ("lower than", "peer_comparison", -1, "subject"),
    (
        "not as strong|good|capable|skilled|fast|experienced|reliable|effective as",
        "peer_comparison",
        -1,
        "subject",
    ),
    ("stronger|better|faster than {M}", "peer_comparison", -1, "object"),
    (
        "other|others|peer|peers|colleague|colleagues * ** better|stronger|faster|ahead",
        "peer_comparison",
        -1,
        "object",
    ),
    ("the best|strongest", "positive_verdict", 1, "subject"),
    (
        "the most reliable|capable|productive|talented|skilled|effective|efficient|valuable|"
        "competent|dependable|organized|organised",
        "positive_verdict",
        1,
        "subject",
    ),
    (
        "better|stronger|faster than ?anyone|everyone|others|her|his|their",
        "positive_verdict",
        1,
        "subject",
    ),
    ("cleanest|fastest|sharpest", "positive_verdict", 1, "subject"),
    ("ahead of", "positive_verdict", 1, "subject"),
    ("outperform|outperforms|outperformed|outshine|outshines", "positive_verdict", 1, "subject"),
    # Others compared with the mentee and found ahead: "her peers deliver twice as much as she
    # does" (said of anyone else, it is the mentee's shortfall).
    ("than|as {M} do|does|did|can|could|manage|manages", "peer_comparison", -1, "by_other"),
    (
        "more capable|skilled|experienced|competent|effective|productive|reliable than",
        "positive_verdict",
        1,
        "subject",
    ),
)
