"""Admin delete pages never tell whether confidential rows exist (issue 12, channel 3).

Django's delete confirmation lists the rows that would be deleted with an object and those that
protect it: a review's page said it could not delete "statement" the moment a mentor saved a
draft. Every registered model whose delete can reach a confidential model (computed here from
the model graph) is not deletable through the admin by anyone, so its delete page is the same
403 whether or not such rows exist, and the bulk delete action is not offered.
"""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from mentorship import admin_base
from mentorship.admin_base import CONFIDENTIAL_MODELS
from mentorship.models import Pair
from promotions.models import PromotionReview
from promotions.services import statement_create
from tests.factories import PairFactory, PromotionReviewFactory
from tests.security.web import browser

pytestmark = pytest.mark.django_db

# The issue's confidential models; the app's inventory may name more, never fewer.
CONFIDENTIAL = {
    "promotions.statement",
    "promotions.statementview",
    "agreements.answer",
    "mentorship.meeting",
    "mentorship.auditevent",
    "agreements.signature",
    "agreements.agreement",
} | set(CONFIDENTIAL_MODELS)

CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def reaches_confidential(model: type[models.Model]) -> bool:
    """Whether Django's delete collector, from `model`, can meet a confidential row: following
    every relation pointing at it that deletes (CASCADE) or lists (PROTECT, RESTRICT) its rows,
    hidden ones (related_name="+") included, as far as they go."""
    seen, todo = set(), [model]
    while todo:
        current = todo.pop()
        label = current._meta.label_lower
        if label in CONFIDENTIAL:
            return True
        if label in seen:
            continue
        seen.add(label)
        for relation in current._meta.get_fields(include_hidden=True):
            pointing_here = relation.auto_created and not relation.concrete
            on_delete = getattr(relation, "on_delete", None)
            if pointing_here and on_delete in (models.CASCADE, models.PROTECT, models.RESTRICT):
                todo.append(relation.related_model)
    return False


REACHING = [m for m in admin.site._registry if reaches_confidential(m)]


def model_id(model) -> str:
    return model._meta.label_lower


def admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def same_page(response) -> tuple[int, bytes]:
    """Status and body, less the per-request CSRF token a page's logout form carries."""
    return response.status_code, CSRF_VALUE.sub(b"", response.content)


def test_the_graph_finds_the_models_of_the_issue():
    # Written out by hand, so that the walk above (and admin_base's, which it mirrors) cannot
    # share a blind spot unnoticed: a model joining or leaving this list is a decision.
    labels = {model_id(m) for m in REACHING}
    assert labels == {
        "mentorship.user",
        "mentorship.program",
        "mentorship.pair",
        "mentorship.guideline",  # agreements record the version they were made under
        "mentorship.auditevent",
        "mentorship.notification",  # its delete page would list the message itself
        "promotions.promotionreview",
        "agreements.question",
        "agreements.agreement",
        "agreements.signature",
    }
    assert labels == {
        model_id(m) for m in admin.site._registry if admin_base.delete_reaches_confidential(m)
    }


@pytest.mark.parametrize("role", ["program_admin", "superuser"])
@pytest.mark.parametrize("model", REACHING, ids=model_id)
def test_nothing_that_reaches_confidential_rows_is_deletable(world, role, model):
    user = world.role_user(role)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = user
    obj = model._default_manager.order_by("pk").first()
    assert not model_admin.has_delete_permission(request)
    assert obj is not None, "the world has one of each registered model"
    assert not model_admin.has_delete_permission(request, obj)
    assert "delete_selected" not in model_admin.get_actions(request)

    client = browser(user, enforce_csrf_checks=False)
    for method in (client.get, client.post):
        response = method(admin_url(model, "delete", obj.pk), {"post": "yes"})
        assert response.status_code == HTTPStatus.FORBIDDEN
    assert model._default_manager.filter(pk=obj.pk).exists()
    bulk = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    client.post(admin_url(model, "changelist"), bulk)
    assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("role", ["program_admin", "superuser"])
def test_review_delete_page_is_the_same_with_and_without_a_draft(world, role):
    """The issue's reproduction: a superuser's delete page of a review changed as soon as a
    mentor saved a draft."""
    client = browser(world.role_user(role))
    program, carol = world.program, world.users["carol"]
    quiet = PromotionReviewFactory(program=program, candidate=carol, target_role="Quiet")
    drafted = PromotionReviewFactory(program=program, candidate=carol, target_role="Drafted")
    before = same_page(client.get(admin_url(PromotionReview, "delete", drafted.pk)))
    statement_create(
        review_id=drafted.pk, mentor=world.users["maria"], kind="advocacy", text="A draft."
    )

    pages = {
        "without input": same_page(client.get(admin_url(PromotionReview, "delete", quiet.pk))),
        "before the draft": before,
        "with a draft": same_page(client.get(admin_url(PromotionReview, "delete", drafted.pk))),
    }
    assert {status for status, _ in pages.values()} == {HTTPStatus.FORBIDDEN}
    assert len({body for _, body in pages.values()}) == 1


@pytest.mark.parametrize("role", ["program_admin", "superuser"])
def test_pair_delete_page_is_the_same_with_and_without_confidential_rows(world, role):
    client = browser(world.role_user(role))
    new = PairFactory(program=world.program)
    busy = world.pairs["agreed"]  # answers, agreements, a meeting and statements
    assert Pair.objects.filter(pk=busy.pk, statements__isnull=False).exists()
    pages = [same_page(client.get(admin_url(Pair, "delete", pair.pk))) for pair in (new, busy)]
    assert pages[0] == pages[1]
    assert pages[0][0] == HTTPStatus.FORBIDDEN
