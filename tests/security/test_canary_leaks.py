"""Canary leak scan: a unique marker in every confidential field, then every page as everyone.

The world (conftest.py) plants two-word markers ("Canary07DeclineReason Sentinel07DeclineReason")
in assumption answers (their comments), meeting notes, statement texts in every state, the
decline reason, supervisor assessments and agreement exceptions (hence canonical texts) and the
end reason. Each marker names its readers, from docs/domain.md's permission table.

Then, as every person of the world and as an anonymous visitor, this fetches every URL of the
URLconf with every real object id, every admin page (index, apps, each model's changelist, add
page, searches for each marker and for a word of it, each object's change, history and delete
pages, the autocomplete endpoints), after admin actions have written the admin log; and it reads
every email the worker sent (daily summaries too), every notification row (subject, body, link),
every page of every person's inbox, the admin log, and the error pages. A marker anywhere a
person may not read it fails the test, and so does a marker none of its readers ever saw (the
scan would be looking in the wrong place). A message carries no marker at all, whoever receives
it: it names who did what and links to the page.
"""

from __future__ import annotations

import datetime
import html
import io
import re
import sys
from collections import defaultdict
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone
from django.views.debug import get_exception_reporter_class

from agreements.selectors import asked_questions
from mentorship.models import Guideline, Notification
from mentorship.notify import send_daily_summaries
from promotions.program_lists import LISTS
from tests.factories import PanelSeatFactory, PromotionReviewFactory, UserFactory
from tests.factories.worlds import PASSWORD
from tests.outbox import deliver_after, run_worker
from tests.security.conftest import STATS, World
from tests.security.web import browser, form_data, site_paths

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

MARKER = re.compile(r"(?:canary|sentinel)(\d\d)", re.IGNORECASE)
AUTOCOMPLETE_FIELDS = [
    ("mentorship", "pair", "mentor"),
    ("mentorship", "pair", "mentee"),
    ("promotions", "promotionreview", "candidate"),
    ("promotions", "promotionreview", "supervisor"),
    ("promotions", "panelseat", "user"),
]


def markers_in(text: str, world: World) -> set[str]:
    """Labels of the markers any part of which occurs in the text."""
    by_number = {m.text.split()[0][6:8]: m.label for m in world.markers.values()}
    return {by_number.get(n, f"unknown marker {n}") for n in MARKER.findall(text)}


def forbidden_for(reader: str, found: set[str], world: World) -> set[str]:
    return {label for label in found if reader not in world.markers[label].readers}


def without_echo(body: str, path: str) -> tuple[str, bool]:
    """The page without the reader's own search term echoed back (search box, ?next=...)."""
    terms = [v for _k, v in parse_qsl(urlsplit(path).query) if MARKER.search(v)]
    if terms:
        # Decoded, so the term is found however it was echoed: escaped, quoted, quoted twice.
        body = html.unescape(unquote_plus(unquote_plus(body)))
        for term in terms:
            body = body.replace(term, "")
    return body, bool(terms)


def no_results(response) -> bool:
    """A search or autocomplete for a marker finds nothing (not even a row without the text)."""
    if response.status_code != HTTPStatus.OK:
        return True
    if response["Content-Type"].startswith("application/json"):
        return response.json()["results"] == []
    counts = re.findall(r"(\d+) results? \(", response.content.decode())
    return counts in ([], ["0"])


# --- What to fetch ----------------------------------------------------------------------------


def admin_paths(world: World) -> list[str]:
    """Every admin page, each once.

    Searches are for the first word of each marker only: the admin ANDs the words of a search,
    so the rows the whole marker would find are among those its first word finds, and the first
    word's search must find none; the page for no rows is the same page whatever was searched
    (the echoed term is taken out before reading it).
    """
    paths = [reverse("admin:index"), reverse("admin:password_change")]
    words = [m.words[0] for m in world.markers.values()]
    paths += sorted(
        {reverse("admin:app_list", args=[m._meta.app_label]) for m in admin.site._registry}
    )
    for model, model_admin in admin.site._registry.items():
        app, name = model._meta.app_label, model._meta.model_name
        changelist = reverse(f"admin:{app}_{name}_changelist")
        paths += [changelist, reverse(f"admin:{app}_{name}_add")]
        if model_admin.search_fields:
            paths += [f"{changelist}?{urlencode({'q': word})}" for word in words]
        for pk in model._base_manager.values_list("pk", flat=True):
            for page in ("change", "history", "delete"):
                paths.append(reverse(f"admin:{app}_{name}_{page}", args=[pk]))
    autocomplete = reverse("admin:autocomplete")
    for app, model, field in AUTOCOMPLETE_FIELDS:
        for term in ["", *(m.words[0] for m in world.markers.values())]:
            query = {"app_label": app, "model_name": model, "field_name": field, "term": term}
            paths.append(f"{autocomplete}?{urlencode(query)}")
    return paths


def admin_submit(client, path: str, changes: dict, *, form_id: str | None = None, **extra):
    """Submit an admin form the way a browser does: its current values, with some changed."""
    data = form_data(client.get(path), form_id)
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
    data.update(extra)
    response = client.post(path, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-3000:]
    return response


@pytest.fixture(scope="module")
def scanned_world(world: World, django_db_blocker) -> World:
    """The world after admin work that writes the admin log (and sends its emails)."""
    mail.outbox = []
    with django_db_blocker.unblock():
        hana = browser(world.users["hana"], enforce_csrf_checks=False)
        ada = browser(world.users["ada"], enforce_csrf_checks=False)
        pair = world.pairs["agreed"]
        review = world.reviews["open"]
        admin_submit(
            hana, reverse("admin:mentorship_pair_change", args=[pair.pk]), {"cadence_days": "7"}
        )
        admin_submit(
            hana,
            reverse("admin:promotions_promotionreview_change", args=[review.pk]),
            {"target_role": "Team lead (EU)"},
        )
        admin_submit(
            hana,
            reverse("admin:mentorship_program_change", args=[world.program.pk]),
            {"description": "Confidential mentoring, consented advocacy."},
        )
        admin_submit(
            hana,
            reverse("admin:promotions_breachphrase_add"),
            {"program": str(world.program.pk), "phrase": "no team spirit", "explanation": "No."},
        )
        publish = reverse("admin:mentorship_guideline_publish", args=[world.draft_guideline.pk])
        response = hana.post(publish, form_data(hana.get(publish), "publish-form"))
        assert response.status_code == HTTPStatus.FOUND
        assert Guideline.objects.get(pk=world.draft_guideline.pk).version == 2
        # Reminding from each list behind the program dashboard's figures (their pages and
        # exports are scanned with every other URL).
        for pair_list in LISTS.values():
            remind = reverse(f"mentorship:{pair_list.url_name}_remind", args=[world.program.pk])
            assert hana.post(remind).status_code == HTTPStatus.FOUND
        otto = world.users["otto"]
        admin_submit(
            ada,
            reverse("admin:mentorship_user_change", args=[otto.pk]),
            {"email": "otto.outsider@example.com"},
        )
        run_worker()
    world.emails += mail.outbox  # what the admin's acts queued, sent by the worker
    assert LogEntry.objects.count() >= 5
    return world


PEOPLE = [
    "",  # anonymous
    "otto",
    "maria",
    "carol",
    "dana",
    "erik",
    "lee",
    "olga",
    "sam",
    "quinn",
    "uma",
    "hana",
    "ada",
]


# --- The scan ---------------------------------------------------------------------------------

SEEN: dict[str, set[str]] = defaultdict(set)  # marker label -> who saw it (allowed readers)
SCANNED: set[str] = set()  # whose scan has run


@pytest.mark.parametrize("username", PEOPLE, ids=[p or "anonymous" for p in PEOPLE])
def test_nobody_reads_a_marker_they_may_not(scanned_world: World, username: str):
    world = scanned_world
    user = world.users[username] if username else None
    client = browser(user, enforce_csrf_checks=False)
    leaks = []
    paths = site_paths(world) + admin_paths(world)
    for path in paths:
        response = client.get(path)
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, path
        body = response.content.decode(errors="replace") + response.get("Location", "")
        body, searched = without_echo(body, path)
        if searched:
            assert no_results(response), f"a search for a marker found something: {path}"
        found = markers_in(body, world)
        for label in found - forbidden_for(username, found, world):
            SEEN[label].add(username)
        leaks += [(path, label) for label in sorted(forbidden_for(username, found, world))]
    STATS["canary pages scanned"] += len(paths)
    SCANNED.add(username)
    assert leaks == [], f"{username or 'anonymous'} read: {leaks}"


@pytest.mark.parametrize("username", PEOPLE, ids=[p or "anonymous" for p in PEOPLE])
def test_no_answer_to_a_post_echoes_a_marker(scanned_world: World, username: str):
    """Forms' error echoes and messages: every URL posted to (empty, so invalid where a form is
    expected) with every real id, and the page a redirect leads to, as everyone. Each post is
    rolled back."""
    world = scanned_world
    user = world.users[username] if username else None
    client = browser(user, enforce_csrf_checks=False)
    leaks = []
    paths = [p for p in site_paths(world) if "logout" not in p]
    for path in paths:
        savepoint = transaction.savepoint()
        response = client.post(path, {})
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, path
        body = response.content.decode(errors="replace")
        if response.status_code == HTTPStatus.FOUND:
            body += client.get(response["Location"]).content.decode(errors="replace")
        transaction.savepoint_rollback(savepoint)
        found = markers_in(body, world)
        leaks += [(path, label) for label in sorted(forbidden_for(username, found, world))]
    STATS["canary pages scanned"] += len(paths)
    assert leaks == [], f"{username or 'anonymous'} read: {leaks}"


def test_every_marker_was_seen_by_a_reader(scanned_world: World):
    """Runs after the scan: proves it looked where the confidential text is shown."""
    if not SCANNED:
        pytest.skip("run with the scan (the whole module)")
    STATS["canary markers planted"] = len(scanned_world.markers)
    unseen = sorted(
        label
        for label, marker in scanned_world.markers.items()
        if marker.readers & SCANNED and not SEEN[label]
    )
    assert unseen == [], f"markers none of their readers saw anywhere: {unseen}"


def test_no_email_carries_a_marker(scanned_world: World):
    world = scanned_world
    assert len(world.emails) >= 10
    leaks = []
    for message in world.emails:
        parts = [message.subject, message.body]
        parts += [content for content, _mime in getattr(message, "alternatives", [])]
        for label in markers_in("\n".join(parts), world):
            leaks.append((message.to, message.subject, label))
    STATS["canary emails read"] += len(world.emails)
    assert leaks == []


def test_every_notification_was_sent_and_read(scanned_world: World):
    templates = {
        f"emails/{p.parent.name}/{p.name}"
        for p in Path(settings.BASE_DIR, "templates", "emails").glob("*/*.txt")
    }
    sent = set(scanned_world.email_templates)
    # The guideline review request went out when the admin published a version in this module.
    sent.add("emails/agreements/guideline_review.txt")
    assert any("Guideline version 2" in m.subject for m in scanned_world.emails)
    # So did the notice that terms awaiting signatures under version 1 need proposing again.
    sent.add("emails/agreements/proposal_outdated.txt")
    assert any("need proposing again" in m.subject for m in scanned_world.emails)
    # And the reminder the admin sent from the dashboard's list of pairs with no agreement.
    sent.add("emails/agreements/reminder_agreement_missing.txt")
    assert any("agree on confidentiality" in m.subject for m in scanned_world.emails)
    # Sent by acts that would change the world's states, each read by its own test below.
    read_below = {
        "emails/promotions/withdrawn_by_agreement.txt",
        "emails/agreements/proposal_withdrawn.txt",
        "emails/mentorship/pair_started.txt",
        "emails/mentorship/daily_summary.txt",
        *REMINDER_TEMPLATES,
        "emails/agreements/guideline_acknowledged.txt",
    }
    missing = templates - sent - read_below
    assert missing == set(), missing


REMINDER_TEMPLATES = {
    "emails/agreements/reminder_questionnaire.txt",
    "emails/agreements/reminder_terms.txt",
    "emails/mentorship/reminder_meetings_overdue.txt",
    "emails/promotions/reminder_assessment.txt",
    "emails/promotions/reminder_consent.txt",
    "emails/promotions/reminder_review_closing.txt",
}


def test_the_reminders_carry_no_marker(scanned_world: World):
    """Weeks later, everything still waiting is reminded: each kind of reminder is sent in this
    world, and none carries a marker."""
    rendered: list[str] = []

    def record(sender, template, context, **kwargs):
        rendered.append(template.name)

    later = timezone.now() + datetime.timedelta(days=40)
    template_rendered.connect(record, dispatch_uid="canary-reminders")
    try:
        # Rolled back: the other tests read the world as it was.
        with transaction.atomic():
            # A review of Carol's, with its assessment unwritten and its decision near, seated
            # with Lee, beside the world's reviews whose input carries the markers.
            review = PromotionReviewFactory(
                program=scanned_world.program,
                candidate=scanned_world.users["carol"],
                supervisor=scanned_world.users["sam"],
                decision_date=(later + datetime.timedelta(days=1)).date(),
            )
            PanelSeatFactory(review=review, user=scanned_world.users["lee"])
            with time_machine.travel(later, tick=False), deliver_after():
                call_command("send_reminders", stdout=io.StringIO())
            messages = list(mail.outbox)
            transaction.set_rollback(True)
    finally:
        template_rendered.disconnect(dispatch_uid="canary-reminders")
    assert set(rendered) >= REMINDER_TEMPLATES, REMINDER_TEMPLATES - set(rendered)
    leaks = [
        (message.to, message.subject, label)
        for message in messages
        for label in sorted(markers_in(f"{message.subject}\n{message.body}", scanned_world))
    ]
    STATS["canary emails read"] += len(messages)
    assert leaks == []


def test_the_withdrawal_email_carries_no_marker(scanned_world: World):
    """Ending the agreement withdraws the shared statement and tells both (no text, no reason)."""
    world = scanned_world
    carol = browser(world.users["carol"], enforce_csrf_checks=False)
    reason = "Canary99EndedByView Sentinel99EndedByView"
    with deliver_after():
        response = carol.post(
            reverse("agreements:end", args=[world.agreements["active"].pk]), {"reason": reason}
        )
    assert response.status_code == HTTPStatus.FOUND
    withdrawn = [m for m in mail.outbox if "withdrawn" in m.subject]
    assert len(withdrawn) == 2
    for message in mail.outbox:
        text = message.subject + message.body
        assert not MARKER.search(text), message.subject


def test_the_declined_terms_email_carries_no_marker(scanned_world: World):
    """Declining the open proposal (its exceptions, hence its text, carry a marker) tells the
    proposer who declined and where to look, nothing of the terms."""
    world = scanned_world
    carol = browser(world.users["carol"], enforce_csrf_checks=False)
    proposal = world.agreements["awaiting_signatures"]
    with deliver_after():
        response = carol.post(reverse("agreements:withdraw", args=[proposal.pk]))
    assert response.status_code == HTTPStatus.FOUND
    (message,) = mail.outbox
    assert message.to == [world.users["maria"].email]
    assert message.subject == "Carol Chen declined the proposed confidentiality agreement terms"
    assert not MARKER.search(message.subject + message.body)
    assert proposal.text_sha256 not in message.body


def test_the_pair_started_email_carries_no_marker(scanned_world: World):
    """A program admin pairs Maria (whose other pair's notes carry markers) with a newcomer,
    with a start date: both are told, with the partner's name and nothing the pairs hold."""
    world = scanned_world
    hana = browser(world.users["hana"], enforce_csrf_checks=False)
    newcomer = UserFactory(full_name="Nina Newcomer")
    form = {
        "program": world.program.pk,
        "mentor": world.users["maria"].pk,
        "mentee": newcomer.pk,
        "cadence_days": 14,
        "status": "proposed",
        "started_on": timezone.localdate().isoformat(),
        "ended_on": "",
        "meetings-TOTAL_FORMS": 0,
        "meetings-INITIAL_FORMS": 0,
        "meetings-MIN_NUM_FORMS": 0,
        "meetings-MAX_NUM_FORMS": 1000,
    }
    with deliver_after():
        response = hana.post(reverse("admin:mentorship_pair_add"), form)
    assert response.status_code == HTTPStatus.FOUND
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.users["maria"].email, newcomer.email]
    )
    for message in mail.outbox:
        assert not MARKER.search(message.subject + message.body), message.subject


def test_no_notification_carries_a_marker(scanned_world: World):
    """The inbox entries, emailed or not: subject, body and link, whoever they are for."""
    notifications = list(Notification.objects.select_related("recipient"))
    assert len(notifications) >= len(scanned_world.emails) >= 10
    leaks = [
        (n.recipient.username, n.kind, label)
        for n in notifications
        for label in sorted(markers_in(f"{n.subject}\n{n.body}\n{n.link}", scanned_world))
    ]
    STATS["canary notifications read"] += len(notifications)
    assert leaks == []


@pytest.mark.parametrize("username", PEOPLE[1:])
def test_no_inbox_page_carries_a_marker(scanned_world: World, username: str):
    """Every page of each person's inbox, down to the last one."""
    user = scanned_world.users[username]
    client = browser(user)
    listed, page, leaks = 0, 1, []
    while True:
        response = client.get(reverse("mentorship:inbox"), {"page": page})
        assert response.status_code == HTTPStatus.OK
        body = response.content.decode()
        leaks += [(page, label) for label in sorted(markers_in(body, scanned_world))]
        listed += body.count('class="inbox-open"')
        if 'rel="next"' not in body:
            break
        page += 1
    STATS["canary pages scanned"] += page
    # Not vacuous: the scan went through every entry the person has.
    assert listed == Notification.objects.filter(recipient=user, in_inbox=True).count()
    assert leaks == [], f"{username}'s inbox: {leaks}"


def test_no_daily_summary_carries_a_marker(scanned_world: World):
    """Everyone's notifications, as if each had chosen the daily summary: one email each."""
    Notification.objects.update(email=Notification.Email.DIGEST, sent_at=None)
    mail.outbox = []
    recipients = set(Notification.objects.values_list("recipient__email", flat=True))
    assert send_daily_summaries(now=timezone.now()) == len(recipients) >= 4
    run_worker()
    assert {m.to[0] for m in mail.outbox} == recipients
    for message in mail.outbox:
        assert not markers_in(message.subject + message.body, scanned_world), message.to


def test_the_guideline_acknowledged_email_carries_no_marker(scanned_world: World):
    """Maria confirms that version 2 leaves the active agreement (whose exceptions carry a
    marker) as it is: Carol is told who and which version, nothing of the terms."""
    world = scanned_world
    maria = browser(world.users["maria"], enforce_csrf_checks=False)
    agreement = world.agreements["active"]
    with deliver_after():
        response = maria.post(
            reverse("agreements:acknowledge", args=[agreement.pk]),
            {"guideline_version": "2", "confirm": "on", "password": PASSWORD},
        )
    assert response.status_code == HTTPStatus.FOUND
    (message,) = mail.outbox
    assert message.to == [world.users["carol"].email]
    assert not MARKER.search(message.subject + message.body)
    assert agreement.text_sha256 not in message.body


def test_the_admin_log_carries_no_marker(scanned_world: World):
    entries = list(LogEntry.objects.all())
    assert entries
    for entry in entries:
        text = f"{entry.object_repr} {entry.change_message} {entry.get_change_message()}"
        assert not markers_in(text, scanned_world), entry


# --- Error pages ------------------------------------------------------------------------------


def test_error_pages_show_no_marker(scanned_world: World, monkeypatch):
    world = scanned_world
    lee = browser(world.users["lee"])
    maria = browser(world.users["maria"], enforce_csrf_checks=False)
    review = world.reviews["open"]
    pages = {
        "404 missing": lee.get("/no/such/page/"),
        "404 hidden": lee.get(
            reverse("promotions:statement_edit", args=[world.statements["draft"].pk])
        ),
        "403": maria.post(
            reverse("mentorship:pair", args=[world.pairs["ended"].pk]),
            {"held_on": "2020-01-01", "duration_minutes": "5", "status": "held", "notes": "x"},
        ),
        "400": lee.get("/", HTTP_HOST="evil.example"),
    }

    def explode(*, statements, **kwargs):
        raise RuntimeError(" ".join(s.text for s in statements))  # the worst case: text in it

    monkeypatch.setattr("promotions.views.statements_record_shown", explode)
    pages["500"] = lee.get(reverse("promotions:review", args=[review.pk]))

    assert {name: r.status_code for name, r in pages.items()} == {
        "404 missing": 404,
        "404 hidden": 404,
        "403": 403,
        "400": 400,
        "500": 500,
    }
    for name, response in pages.items():
        assert not markers_in(response.content.decode(), world), name
    STATS["canary pages scanned"] += len(pages)


# Views that take confidential text, and the form that carries a fresh marker to them.
CONFIDENTIAL_POSTS = {
    "statement text": (
        "maria",
        lambda w: reverse("promotions:statement_edit", args=[w.statements["draft"].pk]),
        lambda w, m: {"text": m, "action": "Save draft"},
    ),
    "new statement": (
        "maria",
        lambda w: reverse("promotions:statement_new", args=[w.reviews["open"].pk, "advocacy"]),
        lambda w, m: {"text": m, "action": "Save draft"},
    ),
    "assessment": (
        "sam",
        lambda w: reverse("promotions:assessment", args=[w.reviews["open"].pk]),
        lambda w, m: {"text": m},
    ),
    "decline reason": (
        "carol",
        lambda w: reverse(
            "promotions:statement_decline", args=[w.statements["awaiting_consent"].pk]
        ),
        lambda w, m: {"reason": m},
    ),
    "meeting notes": (
        "maria",
        lambda w: reverse("mentorship:pair", args=[w.pairs["agreed"].pk]),
        lambda w, m: {
            "held_on": w.pairs["agreed"].started_on.isoformat(),
            "duration_minutes": "30",
            "status": "held",
            "notes": m,
        },
    ),
    "end reason": (
        "maria",
        lambda w: reverse("agreements:end", args=[w.agreements["active"].pk]),
        lambda w, m: {"reason": m},
    ),
    "exceptions": (
        "maria",
        lambda w: reverse("agreements:terms", args=[w.pairs["agreed"].pk]),
        lambda w, m: {
            "confidentiality_scope": "agreed_exceptions",
            "allows_promotion_participation": "on",
            "exceptions": m,
        },
    ),
    "answer comment": (
        "dana",
        lambda w: reverse("agreements:questionnaire", args=[w.pairs["fresh"].pk]),
        lambda w, m: {
            key: value
            for q in asked_questions(w.pairs["fresh"])
            for key, value in ((f"q_{q.pk}", "agree"), (f"c_{q.pk}", m))
        },
    ),
}


@pytest.mark.parametrize("field", list(CONFIDENTIAL_POSTS))
@override_settings(ADMINS=[("Operations", "ops@example.com")])
def test_a_crash_while_saving_confidential_text_reports_none_of_it(scanned_world, field):
    """The 500 page, and the error report emailed to ADMINS, when the database fails while
    saving confidential text: neither may carry the text (POST data, exception, local variables)."""
    world = scanned_world
    username, path_of, data_of = CONFIDENTIAL_POSTS[field]
    marker = "Canary98CrashText Sentinel98CrashText"
    client = browser(world.users[username], enforce_csrf_checks=False)

    def fail_writes(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")) and "session" not in sql:
            raise DatabaseError("simulated failure: the database went away")
        return execute(sql, params, many, context)

    html_reports = []

    def html_report(sender, request, **kwargs):
        # What AdminEmailHandler(include_html=True) attaches, and DEBUG=True would show.
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info(), is_email=True)
        html_reports.append(reporter.get_traceback_html())

    mail.outbox = []
    got_request_exception.connect(html_report)
    try:
        with connection.execute_wrapper(fail_writes):
            response = client.post(path_of(world), data_of(world, marker))
    finally:
        got_request_exception.disconnect(html_report)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR, field
    assert "Canary98" not in response.content.decode()
    reports = [m for m in mail.outbox if m.to == ["ops@example.com"]]
    assert len(reports) == 1
    report = reports[0].body + "".join(c for c, _ in getattr(reports[0], "alternatives", []))
    assert "simulated failure" in report
    assert "Canary98" not in report, field
    assert len(html_reports) == 1
    assert "simulated failure" in html_reports[0]
    leaked = [m.start() for m in re.finditer("Canary98", html_reports[0])]
    assert leaked == [], html_reports[0][leaked[0] - 1500 : leaked[0] + 200] if leaked else ""
