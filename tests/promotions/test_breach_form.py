"""Issue 13, phase 2: the breach guard on the mentor's form. The flagged words are marked in
place in the text as written (server-rendered and escaped), with why and how to reframe; a block
is never sent, a caution only once the mentor confirms this very text, and the caution is
recorded on the statement until its text changes."""

from __future__ import annotations

import html
import re
from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from promotions.breach import BLOCK, CAUTION, assess
from promotions.models import Statement, text_sha256
from promotions.services import (
    BreachError,
    CautionError,
    statement_edit,
    statement_submit,
)
from tests.factories import BreachPhraseFactory

pytestmark = pytest.mark.django_db

ASK = "Save and ask for consent"
BREACH = (
    "Carol was completely disorganized and unprofessional about how she approached her project "
    "and I don\u2019t see that she has the skills sets you are looking for."
)
CAUTIONED = "She is the best engineer on the team."
DISGUISED = "Over the year Carol was dis\u200borganized in every planning meeting."
ADVOCACY = "Over the past year I have seen Carol grow into a calm, clear leader of her peers."
GUARD_TEXT = re.compile(r'<div class="guard-text">(.*?)</div>', re.S)
MARK = re.compile(r'<mark class="guard-mark guard-(block|caution)">(.*?)</mark>', re.S)


@pytest.fixture(autouse=True)
def _the_texts_get_the_verdicts_these_tests_rely_on():
    assert assess(BREACH).verdict == BLOCK
    assert assess(CAUTIONED).verdict == CAUTION
    assert assess(DISGUISED).verdict == BLOCK
    assert assess(ADVOCACY).verdict == "pass"


def edit_url(statement) -> str:
    return reverse("promotions:statement_edit", args=[statement.pk])


def new_url(world) -> str:
    return reverse("promotions:statement_new", args=[world.review.pk, "advocacy"])


def marked_text(body: str) -> str:
    """The statement as the page shows it with the guard's marks."""
    match = GUARD_TEXT.search(body)
    assert match, "no marked text on the page"
    return match.group(1)


def as_written(fragment: str) -> str:
    """The marked text with the marks and their reference numbers taken out, unescaped."""
    without_refs = re.sub(r'<sup class="guard-ref">.*?</sup>', "", fragment, flags=re.S)
    return html.unescape(re.sub(r"</?mark[^>]*>", "", without_refs))


def marks(body: str) -> list[tuple[str, str]]:
    return [(verdict, html.unescape(text)) for verdict, text in MARK.findall(marked_text(body))]


# --- Marked in place -------------------------------------------------------------------------


def test_the_form_marks_the_flagged_words_in_the_text_as_written(world, client):
    statement = world.statement(text=BREACH)
    client.force_login(world.mentor)

    body = client.get(edit_url(statement)).content.decode()

    fragment = marked_text(body)
    assert as_written(fragment) == BREACH  # cut at the offsets, nothing moved or lost
    found = marks(body)
    assert (BLOCK, "disorganized") in found
    assert (BLOCK, "unprofessional") in found
    # Each mark is exactly a span the guard reported.
    spans = {w.text for f in assess(BREACH).findings for w in f.words}
    assert {text for _, text in found} <= spans
    assert "This cannot be sent to Carol Chen" in body
    assert "supervisor&#x27;s performance assessment" in body  # why
    assert "How to say it instead:" in body  # how to reframe
    assert "Carol was completely disorganized and unprofessional." in body  # guideline example


def test_a_word_disguised_with_a_zero_width_space_is_marked_where_it_is_written(world, client):
    statement = world.statement(text=DISGUISED)
    client.force_login(world.mentor)

    body = client.get(edit_url(statement)).content.decode()

    assert (BLOCK, "dis\u200borganized") in marks(body)
    assert as_written(marked_text(body)) == DISGUISED
    start = DISGUISED.index("dis\u200b")
    span = next(w for f in assess(DISGUISED).blocks for w in f.words)
    assert (span.start, span.end) == (start, start + len("dis\u200borganized"))
    assert "It is written with invisible characters" in body


def test_a_word_split_by_a_combining_joiner_gets_the_same_note(world, client):
    # U+034F is a combining mark, not a format character; the guard reads past it all the same.
    text = "She is s\u034floppy in her reports."
    statement = world.statement(text=text)
    client.force_login(world.mentor)

    body = client.get(edit_url(statement)).content.decode()

    assert (BLOCK, "s\u034floppy") in marks(body)
    assert "It is written with invisible characters" in body


def test_markup_in_the_text_and_inside_a_flagged_span_is_escaped(world, client):
    # Punctuation between a program phrase's words does not matter, so its span holds markup.
    BreachPhraseFactory(program=world.program, phrase="team player")
    text = 'Her <b onmouseover="x()">plan</b> is bold; she is no team</>&"player.'
    assert any(
        w.text == 'team</>&"player'
        for f in assess(text, [("team player", "")]).findings
        for w in f.words
    )
    statement = world.statement(text=text)
    client.force_login(world.mentor)

    body = client.get(edit_url(statement)).content.decode()

    fragment = marked_text(body)
    assert "<b" not in fragment
    assert "</>" not in fragment
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;plan&lt;/b&gt;" in fragment
    assert '<mark class="guard-mark guard-block">&lt;/&gt;&amp;&quot;</mark>' in fragment
    assert (BLOCK, '</>&"') in marks(body)
    assert as_written(fragment) == text


def test_a_passing_draft_shows_no_marks(world, client):
    statement = world.statement(text=ADVOCACY)
    client.force_login(world.mentor)
    body = client.get(edit_url(statement)).content.decode()
    assert 'class="guard-text"' not in body
    assert "send_with_caution" not in body


def test_every_save_shows_the_marks_before_anything_is_sent(world, client):
    client.force_login(world.mentor)

    response = client.post(new_url(world), {"text": BREACH, "action": "Save draft"})

    statement = Statement.objects.get()
    assert statement.state == Statement.State.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "The breach guard flagged words in it" in page
    assert (BLOCK, "disorganized") in marks(page)  # on the mentor's page, in place too


# --- Block ------------------------------------------------------------------------------------


def test_a_blocked_statement_is_not_sent_and_the_attempt_is_counted(world, client):
    client.force_login(world.mentor)

    response = client.post(new_url(world), {"text": BREACH, "action": ASK})

    assert response.status_code == HTTPStatus.FOUND
    statement = Statement.objects.get()
    assert statement.state == Statement.State.DRAFT
    assert statement.blocked_sends == 1
    assert statement.guard_cautions == ""
    page = client.get(response["Location"]).content.decode()
    assert "Your draft was saved. It was not sent" in page
    # The mentor's page offers no send button for it, and asking anyway is refused again.
    assert reverse("promotions:statement_submit", args=[statement.pk]) not in page
    client.post(reverse("promotions:statement_submit", args=[statement.pk]))
    statement.refresh_from_db()
    assert (statement.state, statement.blocked_sends) == (Statement.State.DRAFT, 2)


def test_the_count_survives_the_refusal_but_a_caution_or_a_save_counts_nothing(world):
    blocked = world.statement(text=BREACH)
    with pytest.raises(BreachError):
        statement_submit(statement_id=blocked.pk, mentor=world.mentor)
    blocked.refresh_from_db()
    assert blocked.blocked_sends == 1

    cautioned = world.statement(text=CAUTIONED)
    with pytest.raises(CautionError):
        statement_submit(statement_id=cautioned.pk, mentor=world.mentor)
    cautioned.refresh_from_db()
    assert (cautioned.state, cautioned.blocked_sends) == (Statement.State.DRAFT, 0)


def test_a_block_cannot_be_confirmed_away(world):
    statement = world.statement(text=BREACH)
    with pytest.raises(BreachError):
        statement_submit(
            statement_id=statement.pk,
            mentor=world.mentor,
            caution_confirmed_for=text_sha256(BREACH),
        )
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT


# --- Caution ----------------------------------------------------------------------------------


def test_a_caution_is_not_sent_without_confirmation_and_nothing_is_lost(world, client):
    client.force_login(world.mentor)

    response = client.post(new_url(world), {"text": CAUTIONED, "action": ASK})

    assert response.status_code == HTTPStatus.OK  # the form again, not a redirect
    statement = Statement.objects.get()
    assert (statement.state, statement.text) == (Statement.State.DRAFT, CAUTIONED)
    body = response.content.decode()
    assert (CAUTION, "the best") in marks(body)
    assert "The breach guard cautions" in body
    # The question beside the checkbox, which carries the hash of the text shown.
    checkbox = body.index('name="send_with_caution"')
    error = body.index("Tick this box to send it with the caution")
    assert abs(error - checkbox) < 1500
    assert f'name="caution_seen" value="{text_sha256(CAUTIONED)}"' in body
    assert "Your draft was saved. It was not sent" in body
    assert "Your draft was saved but not sent" in body
    assert "Your statement was not saved" not in body
    # Posting again goes to the draft, never starts a second statement.
    assert f'action="{edit_url(statement)}"' in body


def test_the_confirmed_caution_is_sent_and_recorded(world, client):
    statement = world.statement(text=CAUTIONED)
    client.force_login(world.mentor)
    page = client.get(edit_url(statement)).content.decode()
    assert 'name="send_with_caution"' in page

    response = client.post(
        edit_url(statement),
        {
            "text": CAUTIONED,
            "send_with_caution": "on",
            "caution_seen": text_sha256(CAUTIONED),
            "action": ASK,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    statement.refresh_from_db()
    assert statement.state == Statement.State.AWAITING_CONSENT
    assert statement.guard_cautions == "positive_verdict"  # categories, no words
    assert statement.blocked_sends == 0
    assert (
        "is told why the breach guard cautioned it"
        in client.get(response["Location"]).content.decode()
    )


def test_a_confirmation_covers_only_the_text_it_was_given_for(world, client):
    statement = world.statement(text="She is the best designer on the team.")
    client.force_login(world.mentor)

    response = client.post(
        edit_url(statement),
        {
            "text": CAUTIONED,  # changed after the caution was shown
            "send_with_caution": "on",
            "caution_seen": text_sha256(statement.text),
            "action": ASK,
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "You confirmed a caution on an earlier text" in response.content.decode()
    statement.refresh_from_db()
    assert (statement.state, statement.text) == (Statement.State.DRAFT, CAUTIONED)


def test_the_mentors_page_sends_a_caution_only_with_the_box_ticked(world, client):
    statement = world.statement(text=CAUTIONED)
    client.force_login(world.mentor)
    page = client.get(world.review.input_url()).content.decode()
    assert f'id="send-with-caution-{statement.pk}"' in page
    submit = reverse("promotions:statement_submit", args=[statement.pk])

    client.post(submit, {"caution_seen": text_sha256(CAUTIONED)})
    statement.refresh_from_db()
    assert statement.state == Statement.State.DRAFT

    client.post(submit, {"caution_seen": text_sha256(CAUTIONED), "send_with_caution": "on"})
    statement.refresh_from_db()
    assert (statement.state, statement.guard_cautions) == (
        Statement.State.AWAITING_CONSENT,
        "positive_verdict",
    )


def test_a_statement_that_passes_records_no_caution(world):
    statement = world.statement(text=ADVOCACY)
    statement_submit(statement_id=statement.pk, mentor=world.mentor)
    statement.refresh_from_db()
    assert (statement.state, statement.guard_cautions) == (Statement.State.AWAITING_CONSENT, "")


def test_editing_the_text_clears_the_recorded_caution(world):
    statement = world.statement(text=CAUTIONED)
    statement_submit(
        statement_id=statement.pk, mentor=world.mentor, caution_confirmed_for=text_sha256(CAUTIONED)
    )
    statement.refresh_from_db()
    assert statement.guard_cautions == "positive_verdict"

    statement_edit(statement_id=statement.pk, mentor=world.mentor, text=ADVOCACY)

    statement.refresh_from_db()
    assert (statement.state, statement.guard_cautions) == (Statement.State.DRAFT, "")


def test_the_database_refuses_a_caution_on_a_draft(world):
    statement = world.statement(text=CAUTIONED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(guard_cautions="positive_verdict")
