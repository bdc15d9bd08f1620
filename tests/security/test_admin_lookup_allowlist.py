"""The admin changelists answer only the questions their pages offer (issue 12, channels 1-2).

Django's changelist took a lookup on any local field from the query string, and on relations
too, so `?text__icontains=` read a draft letter by letter and `?statements__isnull=False` told
which reviews had any statement. Walked over `admin.site._registry`: every concrete field and
every relation of every registered model is probed as the superuser and as a program admin, and
every probe that no declared list filter generates must get the one same 400. A model
registered later is probed without touching this file.
"""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from agreements.models import Signature
from mentorship.admin_base import CONFIDENTIAL_FIELDS, CONFIDENTIAL_MODELS
from mentorship.audit import audit_record
from promotions.admin import PromotionReviewAdmin
from promotions.models import PromotionReview
from tests.factories import ProgramFactory
from tests.security.web import browser

pytestmark = pytest.mark.django_db

VIEWERS = {"program_admin": "hana", "superuser": "ada"}
CANARY = "Canary"  # every marker the world plants in a confidential field starts with it

# Independent of the app's own inventory (which must include these): the confidential data
# of the issue. The app may add more; it may not drop any of these.
MUST_BE_CONFIDENTIAL_FIELDS = {
    "promotions.statement": {"text", "decline_reason"},
    "promotions.promotionreview": {"supervisor_assessment"},
    "agreements.agreement": {"canonical_text", "exceptions", "end_reason"},
    "agreements.signature": {"typed_name", "user_agent", "ip_address"},
    "agreements.answer": {"value", "comment"},
    "mentorship.meeting": {"notes"},
    "mentorship.auditevent": {"payload"},
}
MUST_BE_CONFIDENTIAL_MODELS = {
    "promotions.statement",
    "promotions.statementview",
    "agreements.answer",
    "mentorship.meeting",
    "mentorship.auditevent",
}


def registry() -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def model_id(model) -> str:
    return model._meta.label_lower


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def probes(model) -> list[str]:
    """`?<field>__icontains=x` for every concrete field, and `?<relation>__isnull=False`,
    `?<relation>=1` and `?<relation>__id__gte=1` for every relation, either direction."""
    found = []
    for field in model._meta.get_fields():
        if field.is_relation:  # a reverse relation's name is its query name (`statements`)
            name = field.name
            found += [f"{name}__isnull=False", f"{name}=1", f"{name}__id__gte=1"]
        elif field.concrete:
            found.append(f"{field.name}__icontains=x")
    return found


def declared(model, model_admin) -> set[str]:
    """The probes a declared list filter legitimately answers: a relation's or a nullable
    field's empty choice (`groups__isnull`)."""
    answers = set()
    for item in model_admin.list_filter:
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            continue
        path = item[0] if isinstance(item, (list, tuple)) else item
        field = model._meta.get_field(path) if "__" not in path else None
        if field is not None and (field.null or field.many_to_many):
            answers.add(f"{path}__isnull=False")
    return answers


@pytest.fixture(scope="module")
def planted(world, django_db_blocker):
    """Canaries also in the confidential fields the world leaves plain: signature traces and
    an audit payload (inside the module's rolled-back world); and a second program, without
    which Django drops the program filters (one choice) and ignores their parameters."""
    with django_db_blocker.unblock():
        ProgramFactory(name="Second program")  # so that the program filters are offered
        void = world.agreements["void"]  # signed by the mentee only
        Signature.objects.create(
            agreement=void,
            signer=void.pair.mentor,
            role=Signature.Role.MENTOR,
            typed_name=f"{CANARY}TypedName",
            signed_at=timezone.now(),
            ip_address="203.0.113.77",
            user_agent=f"{CANARY}UserAgent",
            text_sha256=void.text_sha256,
        )
        audit_record(
            actor=world.users["hana"],
            action="program.changed",
            target=world.program,
            payload={"note": f"{CANARY}Payload"},
        )
    return world


@pytest.fixture(scope="module")
def refusal(planted, django_db_blocker) -> bytes:
    """The one 400 body, from a parameter naming no field at all."""
    with django_db_blocker.unblock():
        client = browser(planted.users["ada"])
        return client.get(changelist(PromotionReview) + "?no_such_field=1").content


def test_a_parameter_naming_no_field_gets_a_400(planted):
    client = browser(planted.users["hana"])
    response = client.get(changelist(PromotionReview) + "?no_such_field=1")
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_the_app_inventory_covers_the_issues_confidential_data():
    for label, names in MUST_BE_CONFIDENTIAL_FIELDS.items():
        assert names <= CONFIDENTIAL_FIELDS[label], label
    assert MUST_BE_CONFIDENTIAL_MODELS <= CONFIDENTIAL_MODELS


@pytest.mark.parametrize("role", VIEWERS)
@pytest.mark.parametrize("model", [m for m, _ in registry()], ids=model_id)
def test_every_undeclared_lookup_gets_the_same_400(planted, refusal, role, model):
    client = browser(planted.users[VIEWERS[role]])
    model_admin = admin.site._registry[model]
    plain = client.get(changelist(model))
    allowed = declared(model, model_admin)
    wrong = []
    for probe in probes(model):
        response = client.get(f"{changelist(model)}?{probe}")
        if plain.status_code == HTTPStatus.FORBIDDEN:  # no view permission: nothing to ask
            expected = (HTTPStatus.FORBIDDEN, None)
        elif probe in allowed:
            expected = (HTTPStatus.OK, None)
        else:
            expected = (HTTPStatus.BAD_REQUEST, refusal)
        body = response.content if expected[1] is not None else None
        if (response.status_code, body) != expected:
            wrong.append(f"?{probe}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("model", [m for m, _ in registry()], ids=model_id)
def test_every_filter_link_the_page_offers_still_works(planted, model):
    """The allow-list takes exactly what the declared filters generate: every choice works."""
    client = browser(planted.users["ada"])
    page = client.get(changelist(model))
    assert page.status_code == HTTPStatus.OK
    cl = page.context["cl"]
    links = {choice["query_string"] for spec in cl.filter_specs for choice in spec.choices(cl)}
    if cl.date_hierarchy:
        links.add(f"?{cl.date_hierarchy}__year=2024&{cl.date_hierarchy}__month=1")
    broken = []
    for link in sorted(links):
        response = client.get(changelist(model) + link)
        if response.status_code != HTTPStatus.OK:
            broken.append(f"{link}: {response.status_code}")
    assert broken == []


@pytest.mark.parametrize(
    "query",
    [
        "program__id__exact=abc",  # a declared filter given a value its column cannot hold
        "_changelist_filters=status%3Dopen",
        "_to_field=supervisor_assessment",
        "e=1&no_such_field=1",
    ],
)
def test_wrong_values_and_reserved_parameters_get_the_same_400(planted, refusal, query):
    """Django answers bad values with a redirect to ?e=1 and bad names with a 400: here both
    are the one refusal, so the kind of mistake says nothing about the field."""
    client = browser(planted.users["hana"])
    response = client.get(f"{changelist(PromotionReview)}?{query}")
    assert (response.status_code, response.content) == (HTTPStatus.BAD_REQUEST, refusal)


# The issue's reproductions, by name ----------------------------------------------------------


# Statements are not in the admin at all (promotions/admin.py): the issue's URLs find nothing,
# and the same nothing whether or not the guess is right.
STATEMENT_LIST = "/admin/promotions/statement/"


def unmasked(body: bytes) -> bytes:
    """The page without its CSRF token, which Django masks afresh on every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def test_statement_text_icontains_is_refused(planted):
    hana = browser(planted.users["hana"])
    declined = planted.statements["declined"]
    words = declined.text.split()[0]
    hit = hana.get(f"{STATEMENT_LIST}?text__icontains={words}")
    miss = hana.get(f"{STATEMENT_LIST}?text__icontains=zzqqxx")
    assert hit.status_code == miss.status_code == HTTPStatus.NOT_FOUND
    assert unmasked(hit.content) == unmasked(miss.content)


def test_statement_text_prefix_by_id_is_refused(planted):
    hana = browser(planted.users["hana"])
    draft = planted.statements["draft"]
    answers = {
        unmasked(hana.get(STATEMENT_LIST, {"id": draft.pk, "text__gte": prefix}).content)
        for prefix in (draft.text[:3], "zzz")
    }
    assert len(answers) == 1
    assert hana.get(STATEMENT_LIST).status_code == HTTPStatus.NOT_FOUND


def test_decline_reason_lookup_finds_no_statement_list(planted):
    hana = browser(planted.users["hana"])
    for value in (CANARY, "zzqqxx"):
        response = hana.get(STATEMENT_LIST, {"decline_reason__icontains": value})
        assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("admin:promotions_promotionreview_changelist", "supervisor_assessment"),
        ("admin:agreements_agreement_changelist", "canonical_text"),
        ("admin:agreements_agreement_changelist", "exceptions"),
        ("admin:agreements_agreement_changelist", "end_reason"),
        ("admin:mentorship_auditevent_changelist", "payload"),
        ("admin:agreements_signature_changelist", "typed_name"),
        ("admin:agreements_signature_changelist", "user_agent"),
        ("admin:agreements_signature_changelist", "ip_address"),
    ],
)
def test_confidential_field_lookups_are_refused(planted, refusal, url, field):
    hana = browser(planted.users["hana"])
    for value in (CANARY, "zzqqxx"):
        response = hana.get(reverse(url), {f"{field}__icontains": value})
        assert (response.status_code, response.content) == (HTTPStatus.BAD_REQUEST, refusal)


@pytest.mark.parametrize("url", ["promotions_promotionreview", "mentorship_pair"])
@pytest.mark.parametrize(
    "query", ["statements__isnull=False", "statements=7", "statements__id__gte=7"]
)
def test_statement_existence_through_relations_is_refused(planted, refusal, url, query):
    for username in VIEWERS.values():
        client = browser(planted.users[username])
        response = client.get(f"{reverse(f'admin:{url}_changelist')}?{query}")
        assert (response.status_code, response.content) == (HTTPStatus.BAD_REQUEST, refusal)


# Search and ordering -------------------------------------------------------------------------


def canaries(world) -> list[str]:
    planted = [f"{CANARY}TypedName", f"{CANARY}UserAgent", f"{CANARY}Payload", "203.0.113.77"]
    return [marker.words[0] for marker in world.markers.values()] + planted


@pytest.mark.parametrize("role", VIEWERS)
@pytest.mark.parametrize("model", [m for m, a in registry() if a.search_fields], ids=model_id)
def test_search_never_reaches_confidential_text(planted, role, model):
    client = browser(planted.users[VIEWERS[role]])
    response = client.get(changelist(model), {"q": CANARY})
    if response.status_code == HTTPStatus.FORBIDDEN:
        return
    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count == 0
    # The search box repeats the term itself; no planted text may appear beyond it.
    assert [c for c in canaries(planted) if c.encode() in response.content] == []


def autocomplete_sources():
    """Every foreign key of a registered model to a registered model with search fields: the
    autocomplete endpoint searches the target's search fields for any of them."""
    for model, _ in registry():
        for field in model._meta.get_fields():
            target = field.related_model if field.is_relation and field.concrete else None
            if target in admin.site._registry and admin.site._registry[target].search_fields:
                yield pytest.param(model, field.name, id=f"{model_id(model)}.{field.name}")


@pytest.mark.parametrize("role", VIEWERS)
@pytest.mark.parametrize(("model", "field_name"), list(autocomplete_sources()))
def test_autocomplete_never_reaches_confidential_text(planted, role, model, field_name):
    client = browser(planted.users[VIEWERS[role]])
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field_name,
            "term": CANARY,
        },
    )
    if response.status_code == HTTPStatus.OK:
        assert response.json()["results"] == []
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN


def column_source(model, model_admin, request, name):
    """What a list column shows and orders by: a field path, an annotation, or nothing."""
    if not isinstance(name, str):
        name = getattr(name, "admin_order_field", None)
        return ("path", name) if isinstance(name, str) else (None, None)
    try:
        model._meta.get_field(name)
    except Exception:
        attr = getattr(model_admin, name, None) or getattr(model, name, None)
        name = getattr(attr, "admin_order_field", None)
        if not isinstance(name, str):
            return (None, None)
    annotations = model_admin.get_queryset(request).query.annotations
    name = name.removeprefix("-")
    return ("annotation", annotations[name]) if name in annotations else ("path", name)


def touches_confidential(model, source) -> bool:
    kind, value = source
    if kind == "path":
        current = model
        for part in value.split("__"):
            try:
                field = current._meta.get_field(part)
            except Exception:
                return False
            if field.name in CONFIDENTIAL_FIELDS.get(model_id(current), ()):
                return True
            if not field.is_relation:
                return False
            current = field.related_model
            if model_id(current) in CONFIDENTIAL_MODELS and not field.concrete:
                return True
        return False
    if kind == "annotation":
        return any(
            model_id(m) in CONFIDENTIAL_MODELS and m is not model for m in referenced_models(value)
        )
    return False


def referenced_models(expression) -> set[type[models.Model]]:
    found = set()
    if isinstance(expression, models.Subquery):
        inner = expression.query
        found.add(inner.model)
        for part in [*inner.select, *inner.annotations.values(), inner.where]:
            found |= referenced_models(part)
        return found
    target = getattr(expression, "target", None)
    if isinstance(target, models.Field):
        found.add(target.model)
    children = getattr(expression, "children", None)
    if children is None and hasattr(expression, "get_source_expressions"):
        children = expression.get_source_expressions()
    for child in children or ():
        found |= referenced_models(child)
    return found


@pytest.mark.parametrize("model", [m for m, _ in registry()], ids=model_id)
def test_no_column_shows_or_orders_by_confidential_data(planted, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = planted.users["ada"]
    columns = model_admin.get_list_display(request)
    leaking = [
        str(name)
        for name in columns
        if touches_confidential(model, column_source(model, model_admin, request, name))
    ]
    assert leaking == []
    assert model_admin.check() == []


class LeakyReviewAdmin(PromotionReviewAdmin):
    """A careless future column: a count of statements and the assessment, both sortable."""

    list_display = [*PromotionReviewAdmin.list_display, "statement_count", "assessment"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(statement_count=models.Count("statements"))

    @admin.display(ordering="statement_count")
    def statement_count(self, review):
        return 0

    @admin.display(ordering="supervisor_assessment")
    def assessment(self, review):
        return ""


def test_ordering_by_a_confidential_column_is_ignored(planted):
    """`?o=<index>` orders by a column whether or not its header offers it; a column over
    confidential data is never used for ordering, whatever the index."""
    site = admin.AdminSite(name="leaky")
    model_admin = LeakyReviewAdmin(PromotionReview, site)
    request = RequestFactory().get("/")
    request.user = planted.users["ada"]
    columns = model_admin.get_changelist_instance(request).list_display  # with the checkbox
    leaky = [columns.index("statement_count"), columns.index("assessment")]
    safe = columns.index("created_at")
    for index in leaky:
        for sign in ("", "-"):
            request = RequestFactory().get("/", {"o": f"{sign}{index}"})
            request.user = planted.users["ada"]
            cl = model_admin.get_changelist_instance(request)
            ordering = " ".join(str(o) for o in cl.queryset.query.order_by)
            assert not re.search("statement_count|supervisor_assessment", ordering)
    request = RequestFactory().get("/", {"o": f"-{safe}"})
    request.user = planted.users["ada"]
    ordering = model_admin.get_changelist_instance(request).queryset.query.order_by
    assert ordering[0] == "-created_at"  # the safe columns still sort
    assert any(
        "statement_count" in str(e.msg) or "supervisor_assessment" in str(e.msg)
        for e in model_admin.check()
    )


def test_the_date_hierarchy_still_works(planted):
    """Axes' attempt list declares a date hierarchy: its year/month/day links are accepted."""
    today = datetime.date.today()
    client = browser(planted.users["ada"])
    url = reverse("admin:axes_accessattempt_changelist")
    response = client.get(url, {"attempt_time__year": today.year, "attempt_time__month": 1})
    assert response.status_code == HTTPStatus.OK
