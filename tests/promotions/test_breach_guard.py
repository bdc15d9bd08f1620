"""The breach guard: a statement that evaluates the mentee as an employee is blocked (negative)
or cautioned (positive), however it is worded; advocacy and relationship facts pass."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from promotions.breach import BLOCK, CAUTION, PASS, assess
from promotions.models import Statement
from promotions.services import BreachError, statement_submit
from tests.factories import BreachPhraseFactory

pytestmark = pytest.mark.any_database

CAROL_ACCEPTABLE = (
    "Carol and I weren\u2019t able to meet as frequently as we had hoped. "
    "She didn\u2019t complete the project we had begun work on during our mentoring "
    "relationship, so I am not able to "
    "offer a reliable picture of how Carol might lead the new project team."
)
CAROL_BREACH = (
    "Carol was completely disorganized and unprofessional about how she approached her project "
    "and I don\u2019t see that she has the skills sets you are looking for."
)


def flagged_words(text: str) -> list[str]:
    return [w.text for f in assess(text).findings for w in f.words]


# --- The source document ------------------------------------------------------------------


def test_the_source_documents_acceptable_sentence_passes():
    assessment = assess(CAROL_ACCEPTABLE)
    assert assessment.verdict == PASS
    assert assessment.findings == ()


def test_the_source_documents_breach_sentence_is_blocked_for_each_judgment():
    assessment = assess(CAROL_BREACH)
    assert assessment.verdict == BLOCK
    found = [(w.text, f.category) for f in assessment.findings for w in f.words]
    assert found[:2] == [("disorganized", "work_quality"), ("unprofessional", "conduct")]
    assert "skills sets you" in found[2][0]
    assert found[2][1] == "competence"
    assert len(found) == 3
    for finding in assessment.findings:
        assert finding.sentence == CAROL_BREACH
        assert finding.explanation
        assert finding.reframe


# --- The sentences ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Her project work was sloppy and she missed several important deadlines.", "work_quality"),
        ("Her performance this year has been below expectations.", "work_quality"),
        ("Honestly, she is not yet ready to manage a team.", "readiness_verdict"),
        ("I would not recommend her for this promotion.", "readiness_verdict"),
        ("She is un-professional with stakeholders.", "conduct"),
        ("dis\u200borganized", "work_quality"),
        ("\u0430 l\u0430zy planner", "conduct"),
        ("He is not a strong performer.", "work_quality"),
        ("I would not trust her to run a budget.", "competence"),
        ("I'm not sure she is ready.", "readiness_verdict"),
    ],
)
def test_what_the_phrase_list_let_through_is_blocked(text, category):
    assessment = assess(text)
    assert assessment.verdict == BLOCK
    assert category in {f.category for f in assessment.blocks}


@pytest.mark.parametrize(
    "text",
    [
        "Early on she told me she felt disorganized; she has since built a planning routine.",
        "She no longer believes she lacks the skills to lead.",
        "She now coaches two junior colleagues on recovering from missed deadlines.",
        "I have watched her confidence grow.",
        "We met 5 of 12 planned sessions.",
        "I cannot offer a reliable picture of how she would lead.",
        "She used to worry she was not ready; she has since taken on a stretch assignment.",
        "She supported a colleague with performance issues.",
        "I\u2019ve seen a lot of growth in Mary over the past year.",
    ],
)
def test_advocacy_and_relationship_facts_pass(text):
    assert assess(text).verdict == PASS, assess(text).findings


def test_a_positive_job_performance_verdict_is_cautioned_not_blocked():
    assessment = assess("She is the best engineer on the team.")
    assert assessment.verdict == CAUTION
    (finding,) = assessment.findings
    assert finding.category == "positive_verdict"
    assert "what you saw as their mentor" in finding.reframe
    assert assessment.blocks == ()  # sending is not stopped


# --- Negation and hedging -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("She is a strong performer.", CAUTION),
        ("She is not a strong performer.", BLOCK),
        ("She never misses a deadline.", CAUTION),
        ("She misses deadlines.", BLOCK),
        ("I would recommend her for the promotion.", CAUTION),
        ("I would not recommend her for the promotion.", BLOCK),
        ("I don't think she is ready to lead.", BLOCK),
        ("I'm not sure she is ready.", BLOCK),
        ("From what I have seen in our sessions, she is ready to lead.", PASS),
        ("She no longer misses deadlines since we worked on planning.", PASS),
    ],
)
def test_negation_and_hedging_turn_the_verdict(text, verdict):
    assert assess(text).verdict == verdict


@pytest.mark.parametrize(
    "text",
    [
        "Honestly, I'd give it another year before they're promotable.",
        "I have reservations about whether they are ready to lead the platform group.",
        "If you're asking whether Rosa should get the promotion, my answer is probably not "
        "this cycle.",
    ],
)
def test_a_readiness_verdict_hedged_with_doubt_is_blocked(text):
    assessment = assess(text)
    assert assessment.verdict == BLOCK
    assert "readiness_verdict" in {f.category for f in assessment.blocks}


@pytest.mark.parametrize(
    "text",
    [
        "They asked how to recognise a top performer on their team without making the others "
        "feel overlooked.",
        "Connor sought my view on how to handle an engineer who was technically brilliant but "
        "abrasive with other teams.",
    ],
)
def test_a_judgment_that_is_the_topic_of_a_mentoring_question_passes(text):
    assert assess(text).verdict == PASS, assess(text).findings


# --- Disguises and inflections ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("She is un-professional.", "un-professional"),
        ("She is dis organized.", "dis organized"),
        ("She is dis\u200borganized.", "dis\u200borganized"),  # zero-width space
        ("She is un\u00adprofessional.", "un\u00adprofessional"),  # soft hyphen
        ("She is in\u200dcompetent.", "in\u200dcompetent"),  # zero-width joiner
        ("She is disorganized\u2060.", "disorganized"),  # a trailing word joiner
        ("He is l\u0430zy.", "l\u0430zy"),  # Cyrillic a
        ("She is \u0456ncompetent.", "\u0456ncompetent"),  # Cyrillic i
        ("Her work is \u0455loppy.", "\u0455loppy"),  # Cyrillic s
        ("She is \uff4c\uff41\uff5a\uff59.", "\uff4c\uff41\uff5a\uff59"),  # full-width
        ("Her work is s l o p p y.", "s l o p p y"),
        ("Her work is ca-re-less.", "ca-re-less"),
        ("He is unpr0fessional.", "unpr0fessional"),
        ("He is U N P R O F E S S I O N A L.", "U N P R O F E S S I O N A L"),
    ],
)
def test_disguised_words_are_blocked_and_highlighted_as_written(text, word):
    assessment = assess(text)
    assert assessment.verdict == BLOCK
    assert [w.text for f in assessment.findings for w in f.words] == [word]


@pytest.mark.parametrize(
    "text",
    [
        "She misses deadlines.",
        "She missed the deadline.",
        "She keeps missing deadlines.",
        "He lacks the skills.",
        "He lacked the experience.",
        "He is lacking the judgment.",
        "She struggles with planning.",
        "She struggled to prioritise.",
        "They are struggling with the basics.",
    ],
)
def test_inflections_match(text):
    assert assess(text).verdict == BLOCK


# --- Sentences, offsets, program phrases ---------------------------------------------------


def test_each_sentence_is_judged_and_offsets_point_into_the_original_text():
    text = (
        "We met nine times.\u00a0I watched her confidence grow. "
        "Sadly, her work was sl\u200coppy. She never asked for help with that."
    )
    assessment = assess(text)
    assert assessment.verdict == BLOCK
    (finding,) = assessment.findings
    (word,) = finding.words
    assert text[word.start : word.end] == "sl\u200coppy" == word.text
    assert finding.sentence == "Sadly, her work was sl\u200coppy."
    assert text[finding.sentence_start :].startswith(finding.sentence)


def test_offsets_survive_characters_that_normalisation_expands_or_removes():
    text = "\ufb01nal notes\u200b\u200b. She is \u0430 l\u0430zy planner."
    (finding,) = assess(text).findings
    (word,) = finding.words
    assert (word.start, word.end) == (text.index("l\u0430zy"), text.index(" planner"))


def test_a_breach_in_a_later_sentence_of_advocacy_is_found():
    text = (
        "I have seen real growth in Priya. She asks better questions now. "
        "But she is not ready for a team."
    )
    assessment = assess(text)
    assert assessment.verdict == BLOCK
    assert [f.sentence for f in assessment.findings] == ["But she is not ready for a team."]


def test_program_phrases_block_with_their_explanation():
    assessment = assess(
        "Honestly, not a team-player\u200b.", [("not a team player", "Judges teamwork at work.")]
    )
    program = [f for f in assessment.findings if f.source == "program"]
    assert [(f.verdict, f.words[0].text, f.explanation) for f in program] == [
        (BLOCK, "not a team-player", "Judges teamwork at work.")
    ]
    assert assess("Innocent words.", [("lazy", "x")]).findings == ()


def test_the_carol_breach_blocks_on_each_evaluation_in_order():
    found = [f.found for f in assess(CAROL_BREACH).blocks]
    assert found[:2] == ["disorganized", "unprofessional"]
    assert "skills sets you" in found[2]
    assert assess(CAROL_ACCEPTABLE).blocks == ()


# --- The service and the pages still refuse a blocked statement --------------------------


def test_the_service_refuses_to_send_a_flagged_statement(world):
    statement = world.statement(text=CAROL_BREACH)
    with pytest.raises(BreachError) as refused:
        statement_submit(statement_id=statement.pk, mentor=world.mentor)
    assert {f.found for f in refused.value.findings} >= {"disorganized", "unprofessional"}
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT


def test_the_service_refuses_a_disguised_breach_the_old_list_let_through(world):
    statement = world.statement(text="Carol is \u0430 l\u0430zy planner and dis\u200borganized.")
    with pytest.raises(BreachError):
        statement_submit(statement_id=statement.pk, mentor=world.mentor)
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT


def test_the_service_refuses_a_program_phrase(world):
    BreachPhraseFactory(program=world.program, phrase="no team spirit")
    statement = world.statement(text="Carol has no Team-Spirit.")
    with pytest.raises(BreachError):
        statement_submit(statement_id=statement.pk, mentor=world.mentor)
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT


def test_the_acceptable_sentence_goes_to_the_mentee(world):
    statement = world.statement(kind="engagement", text=CAROL_ACCEPTABLE)
    statement_submit(statement_id=statement.pk, mentor=world.mentor)
    statement.refresh_from_db()
    assert statement.state == Statement.State.AWAITING_CONSENT


def test_the_mentor_sees_the_words_and_why(world, client):
    statement = world.statement(text=CAROL_BREACH)
    client.force_login(world.mentor)

    response = client.post(reverse("promotions:statement_submit", args=[statement.pk]))
    page = client.get(response["Location"])

    body = page.content.decode()
    assert "It was not sent" in body
    assert "\u201cdisorganized\u201d" in body
    assert "\u201cunprofessional\u201d" in body
    assert "supervisor&#x27;s performance assessment" in body  # the why
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT


def test_save_and_ask_for_consent_keeps_a_flagged_draft(world, client):
    client.force_login(world.mentor)
    url = reverse("promotions:statement_new", args=[world.review.pk, "advocacy"])

    response = client.post(url, {"text": CAROL_BREACH, "action": "Save and ask for consent"})

    assert response.status_code == HTTPStatus.FOUND
    statement = Statement.objects.get(review=world.review)
    assert statement.state == Statement.State.DRAFT
    page = client.get(response["Location"])
    assert "Your draft was saved. It was not sent" in page.content.decode()


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # An aside between commas does not hide who the clause is about.
        (
            "Her previous manager was, by all accounts, very disorganised, "
            "and she learned from it.",
            PASS,
        ),
        # A compound noun inside a prepositional phrase is not the subject.
        ("Her manner towards the compliance team has been frankly unprofessional.", BLOCK),
        # A question the mentor answers, after the comma, is not a topic of discussion.
        (
            "If you are asking me whether Morgan should get the job, I'd say they aren't ready.",
            BLOCK,
        ),
        # Only a negation the rules may misread lets the learned layer turn a caution into a block.
        ("I would recommend her for the promotion.", CAUTION),
    ],
)
def test_structure_decides_who_and_whether(text, verdict):
    assert assess(text).verdict == verdict, assess(text).findings


# --- Round 2 security review: invisible characters, plain wordings, a clause beside advocacy -


@pytest.mark.parametrize(
    "char",
    [
        "\u034f",  # combining grapheme joiner
        "\ufe0f",  # variation selector 16
        "\u180b",  # Mongolian free variation selector
        "\u17b4",  # Khmer inherent vowel
        "\u0301",  # a lone combining acute accent (category Mn)
        "\u3164",  # Hangul filler
        "\uffa0",  # half-width Hangul filler
        "\u2800",  # braille blank
        "\n",  # a line break inside the word
    ],
)
def test_a_word_split_by_an_invisible_character_is_blocked_and_marked_as_written(char):
    text = f"She is s{char}loppy and l{char}azy."
    assessment = assess(text)
    assert assessment.verdict == BLOCK
    assert flagged_words(text) == [f"s{char}loppy", f"l{char}azy"]
    for word in (w for f in assessment.findings for w in f.words):
        assert text[word.start : word.end] == word.text


def test_small_capitals_read_as_the_letters_they_draw():
    text = "She is \ua731\u029f\u1d0f\u1d18\u1d18\u028f and \u029f\u1d00\u1d22\u028f."
    assert assess(text).verdict == BLOCK
    assert flagged_words(text) == [
        "\ua731\u029f\u1d0f\u1d18\u1d18\u028f",
        "\u029f\u1d00\u1d22\u028f",
    ]


@pytest.mark.parametrize(
    "text", ["Carol is not a team pl\ufe0fayer.", "Carol is not a team pl\nayer."]
)
def test_a_program_phrase_split_by_an_invisible_character_or_a_line_break_blocks(text):
    program = [
        f
        for f in assess(text, [("not a team player", "Judges teamwork.")]).findings
        if f.source == "program"
    ]
    assert [(f.verdict, f.words[0].text) for f in program] == [(BLOCK, text[9:-1])]


def test_a_line_break_between_words_still_ends_a_line():
    assessment = assess("We met nine times\nShe is sloppy")
    assert [f.sentence for f in assessment.findings] == ["She is sloppy"]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("She was put on a performance improvement plan last year.", "hr_record"),
        ("He has been on a PIP since March.", "hr_record"),
        ("She's a liability to the team.", "conduct"),
        ("She lies about her progress in standups.", "conduct"),
        ("Her manager has had to step in several times to rescue her projects.", "reported"),
        ("Other engineers on her team carry more of the load than she does.", "peer_comparison"),
        ("Mary argues with colleagues and has made enemies on the team.", "conduct"),
        ("People on her team have told me they dread working with her.", "reported"),
        ("Her stakeholders have complained to me about her responsiveness.", "reported"),
        (
            "Honestly, her team would be better served by someone more experienced.",
            "readiness_verdict",
        ),
        ("Let's just say the panel should look closely at her delivery record.", "insinuation"),
        ("She rubs people the wrong way.", "conduct"),
        (
            "Nadia has been a committed mentee. To be candid, her peers have told me she is hard "
            "to rely on when deadlines get tight. I hope the panel weighs that.",
            "work_quality",
        ),
        (
            "Tamsin has worked hard on her presentation skills with me. Her team has raised "
            "concerns with me about missed commitments, and I share them.",
            "reported",
        ),
    ],
)
def test_reported_speech_hr_facts_idioms_and_hints_are_blocked(text, category):
    assessment = assess(text)
    assert assessment.verdict == BLOCK, assessment.findings
    assert category in {f.category for f in assessment.blocks}


@pytest.mark.parametrize(
    "text",
    [
        "She supported a colleague who was on a performance improvement plan.",
        "Her team told me how much her coaching helped them.",
        "The engineers on her team are sloppy, and she is learning to coach them.",
        "Her team worried about her workload during the launch.",
        "We reworked her presentation together in our sessions.",
        "She fixed her team's build pipeline.",
    ],
)
def test_look_alikes_of_reported_judgments_pass(text):
    assert assess(text).verdict == PASS, assess(text).findings


def test_a_verdict_clause_is_cautioned_beside_a_clause_of_growth():
    text = "Carol is the best engineer on the team, and I have watched her confidence grow."
    assessment = assess(text)
    assert assessment.verdict == CAUTION
    assert [(f.category, f.found) for f in assessment.findings] == [
        ("positive_verdict", "the best")
    ]
    # The growth clause alone is advocacy.
    assert assess("I have watched her confidence grow.").verdict == PASS


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Any negative trait, compared: no list of "slower", "lazier" to keep up.
        ("Next to the other analysts, Ines is lazier and messier.", "peer_comparison"),
        ("Of the applicants, Rafe's reports were the sloppiest.", "peer_comparison"),
        # A good quality measured and found short, whatever the quality.
        ("Kofi isn't as quick as the other leads.", "peer_comparison"),
        ("Dana's not as sharp as Ilse.", "peer_comparison"),
        ("Tomas is one of the less capable people on the desk.", "peer_comparison"),
        ("Not the most accomplished of the group, is Lena.", "peer_comparison"),
        # The capability a role needs, denied, in any words for it.
        ("Ravi hasn't got the negotiating chops a buyer needs.", "competence"),
        ("She has not demonstrated the judgement a head of unit needs.", "competence"),
        ("Mara is, in my view, lacking the acumen for it.", "competence"),
        # Who gets the post, denied by a modal; a bar not reached; falling short of ready.
        ("Frankly, Joel shouldn't get this job.", "readiness_verdict"),
        ("Petra hasn't cleared the bar for senior.", "work_quality"),
        ("Sam is, I think, well short of ready.", "peer_comparison"),
        # Negation in a condition of saying does not reach the verdict after it; outside one
        # it does.
        ("I would not be honest if I did not say that she trails her peers.", "peer_comparison"),
        ("I can't say that Omar is prepared to run a department.", "readiness_verdict"),
        # A second predicate after "but" shares the first one's verb.
        ("Ana is clearly talented but, sadly, hopeless with budgets.", "conduct"),
        ("The board would be taking a gamble by promoting Li this year.", "readiness_verdict"),
        # Her own account of a present failing is still a verdict on it.
        ("By her own account, Iris is lazy and unreliable.", "conduct"),
        # Behind, with nothing after it to be behind; a promotion deferred.
        ("Next to her cohort, Oona is clearly behind.", "peer_comparison"),
        ("Give Bram another cycle and we'll see.", "readiness_verdict"),
        ("I'd give it another year before making Sol a lead.", "readiness_verdict"),
        # Others ahead of the mentee: her shortfall, whoever is the subject.
        ("His cohort outpaces and outperforms him on every metric.", "peer_comparison"),
        ("Most analysts close twice as many deals as Ade does.", "peer_comparison"),
        # A person noun that only names whose work it is: the work is the mentee's.
        ("Lin's client reports have been careless all year.", "work_quality"),
        ("Kemal's conversion rate is well under the team median.", "peer_comparison"),
        # Work sent back, a quality left wanting, friction caused.
        ("The reports Ola filed this spring all came back for correction.", "work_quality"),
        ("Her attention to detail leaves a lot to be desired.", "work_quality"),
        ("Kai has created real tension with the sales team.", "conduct"),
        # Two modifiers before the role noun.
        ("He has been a demotivated and negligent member of the team.", "conduct"),
    ],
)
def test_structure_reaches_phrasings_no_rule_lists(text, category):
    assessment = assess(text)
    assert assessment.verdict == BLOCK, assessment.findings
    assert category in {f.category for f in assessment.blocks if not f.phrase.startswith("learned")}


@pytest.mark.parametrize(
    "text",
    [
        # Measured against herself or the mentor, or a time: no comparison with anyone.
        "She is not as anxious as she was about presenting.",
        "We weren't able to meet as often as I had hoped.",
        "Later that month she ran her first retrospective.",
        # Less of a bad thing is growth.
        "She worries less about deadlines now.",
        # Behind an idea; another year of mentoring.
        "She is firmly behind the new rota.",
        "I would happily give her another year of our sessions.",
        # The client is the one judged, and someone else's rate.
        "Her client has been careless with the contract, and she handled it calmly.",
        "The vendor's delivery rate was well under the industry average, she told me.",
        # A subject that is no one; the mentee's own account of a past difficulty.
        "Her director's launch slipped, and she wanted to learn what went wrong.",
        "By his own account, Teo struggled with delegation at first.",
        # Compared with herself, or the mentor compared with her.
        "I know far less about budgeting than she does.",
        "She cares as much about the team as she did when she joined.",
        # The mentor's or someone else's doing.
        "Our reading plan needed rework after my leave.",
        "Her manager's reorganisation caused friction she had to navigate.",
        # A fear is a feeling, and what it is a fear of is no verdict.
        "Early on, Bea was terrified of making mistakes in front of the board.",
        "They were afraid of letting their team down.",
        # A feeling coordinated with another is still a feeling.
        "She was nervous at first but, happily, confident by the end.",
        # Someone else's work, by the possessive.
        "The contractor's reports were sloppy, and she helped him fix them.",
        # Someone else gets the job, or it is not the mentor's to give.
        "Her manager should get the credit for that project.",
    ],
)
def test_look_alikes_of_comparisons_and_denials_pass(text):
    assert assess(text).verdict == PASS, assess(text).findings
