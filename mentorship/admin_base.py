"""The one ModelAdmin base every registration uses: the admin site answers only the questions
its pages offer.

Django's changelist accepts a lookup on any local field from the query string, and on any
relation a declared filter starts with, so `?text__icontains=` or `?statements__isnull=False`
turn a list of states into an oracle on confidential text and on rows the viewer may not see.
Here a changelist accepts exactly the parameters its declared `list_filter` classes and
`date_hierarchy` generate, and every other parameter, wrong value or unknown name gets one
and the same 400, so the refusal itself says nothing about the field behind it.

The inventory below is the data no admin page may filter, search, order by or reach through a
relation. A model whose delete would reach one of the confidential models is never deletable
here: Django's delete confirmation lists the related rows that would go with it or that protect
it, so its page would change the moment, say, a mentor saves a draft.
"""

from __future__ import annotations

import logging
from functools import cache

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup, DisallowedModelAdminToField
from django.contrib.admin.filters import FieldListFilter, SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

from mentorship import declarations

logger = logging.getLogger("django.security.DisallowedModelAdminLookup")

# The inventory, each app declaring its own models (mentorship/declarations.py): fields holding
# confidential text or traces of a person, and models whose rows are confidential or hidden from
# some admin (never reached through a relation from another model's changelist, and no admin
# delete may reach them). Labels are lowercase.
CONFIDENTIAL_FIELDS: dict[str, frozenset[str]] = declarations.confidential_fields()
CONFIDENTIAL_MODELS: frozenset[str] = declarations.confidential_models()

# The edges a delete page shows: rows deleted with the object, and rows that protect it.
_SHOWN_ON_DELETE = (models.CASCADE, models.PROTECT, models.RESTRICT)


def _label(model) -> str:
    return model._meta.label_lower


class ReadOnlyMixin:
    """For records nobody changes through the admin (append-only, signed, or not the admin's
    to change): it shows them and offers no add, change or delete. Works on inlines too."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@cache
def delete_reaches_confidential(model: type[models.Model]) -> bool:
    """Whether deleting `model` rows can touch (delete, or be protected by) a confidential row."""
    seen: set[str] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if _label(current) in CONFIDENTIAL_MODELS:
            return True
        if _label(current) in seen:
            continue
        seen.add(_label(current))
        # include_hidden: related_name="+" relations are still collected on delete.
        for rel in current._meta.get_fields(include_hidden=True):
            if (
                rel.auto_created
                and not rel.concrete
                and (rel.one_to_many or rel.one_to_one)
                and rel.on_delete in _SHOWN_ON_DELETE
            ):
                todo.append(rel.related_model)
    return False


def unsafe_path(model: type[models.Model], path: str) -> str | None:
    """Why a lookup, search or ordering path from `model` touches confidential data, or None.

    It must not end at a confidential field, nor look into a confidential model's rows from
    another model: no reverse relation into one (`statements__isnull`), no field read across
    one (`agreement__status`). A foreign key column itself (`agreement`) holds an id the row
    carries, and what follows the last field (`__year`, `__icontains`) applies to that field.
    """
    current, entered, via = model, None, None
    for part in path.lstrip("-^=@").split(LOOKUP_SEP):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if entered is not None:
            if field is via.target_field:
                return None  # `agreement__id`: the key the row itself carries
            return f"{path!r} looks into the confidential model {entered}"
        if field.name in CONFIDENTIAL_FIELDS.get(_label(current), ()):
            return f"{path!r} reads the confidential field {_label(current)}.{field.name}"
        if not field.is_relation:
            return None
        current = field.related_model
        if _label(current) in CONFIDENTIAL_MODELS:
            if not field.concrete:
                return f"{path!r} looks into the confidential model {_label(current)}"
            entered, via = _label(current), field
    return None


def unsafe_expression(model: type[models.Model], expression) -> str | None:
    """Why an annotation (a count, a subquery) is computed from confidential data, or None."""
    if isinstance(expression, models.Subquery):
        inner = expression.query
        if _label(inner.model) in CONFIDENTIAL_MODELS:
            return f"a subquery over the confidential model {_label(inner.model)}"
        parts = [*inner.select, *inner.annotations.values(), inner.where]
        return next(filter(None, (unsafe_expression(inner.model, p) for p in parts)), None)
    target = getattr(expression, "target", None)
    if isinstance(target, models.Field) and target.model is not None:
        owner = _label(target.model)
        if owner in CONFIDENTIAL_MODELS and target.model is not model:
            return f"an annotation over the confidential model {owner}"
        if target.name in CONFIDENTIAL_FIELDS.get(owner, ()):
            return f"an annotation over the confidential field {owner}.{target.name}"
    children = getattr(expression, "children", None)  # WhereNode
    if children is None and hasattr(expression, "get_source_expressions"):
        children = expression.get_source_expressions()
    return next(filter(None, (unsafe_expression(model, c) for c in children or ())), None)


class AllowListChangeList(ChangeList):
    def get_ordering_field(self, field_name):
        # `?o=<index>` orders by any sortable column whether or not its header offers it.
        order_field = super().get_ordering_field(field_name)
        if order_field is not None and not self.orderable(order_field):
            return None
        return order_field

    def orderable(self, order_field) -> bool:
        if isinstance(order_field, str):
            name = order_field.removeprefix("-")
            annotation = self.root_queryset.query.annotations.get(name)
            if annotation is not None:
                return unsafe_expression(self.model, annotation) is None
            return unsafe_path(self.model, name) is None
        # An expression (an OrderBy, an F, an aggregate) given as the column's ordering.
        names = [e.name for e in order_field.flatten() if isinstance(e, models.F)]
        return all(unsafe_path(self.model, n) is None for n in names)


class AllowListAdmin(admin.ModelAdmin):
    """Every admin registration inherits from this (combine with other bases in front of them,
    e.g. `class UserAdmin(AllowListAdmin, django.contrib.auth.admin.UserAdmin)`)."""

    # Lookups ------------------------------------------------------------------------------

    def allowed_lookups(self, request) -> frozenset[str]:
        """The exact query-string parameters the declared filters and date hierarchy produce."""
        cache_ = request.__dict__.setdefault("_admin_allowed_lookups", {})
        if self in cache_:
            return cache_[self]
        allowed: set[str] = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                allowed.add(item.parameter_name)
                continue
            path, filter_class = item if isinstance(item, (list, tuple)) else (item, None)
            field = get_fields_from_path(self.model, path)[-1]
            create = filter_class or FieldListFilter.create
            spec = create(field, request, {}, self.model, self, field_path=path)
            # `__isnull` only where the filter itself offers an empty choice.
            offers_empty = getattr(spec, "include_empty_choice", getattr(field, "null", False))
            allowed.update(
                p
                for p in spec.expected_parameters()
                if p and (offers_empty or not p.endswith("__isnull"))
            )
        if self.date_hierarchy:
            allowed.update(f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day"))
        cache_[self] = frozenset(allowed)
        return cache_[self]

    def lookup_allowed(self, lookup, value, request) -> bool:
        return lookup in self.allowed_lookups(request) and super().lookup_allowed(
            lookup, value, request
        )

    def get_changelist(self, request, **kwargs):
        return AllowListChangeList

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters as exc:
            # Django redirects these to ?e=1 while a refused name gets a 400: one answer for all.
            raise DisallowedModelAdminLookup("Refused") from exc

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except (DisallowedModelAdminLookup, DisallowedModelAdminToField) as exc:
            logger.warning(
                "Refused admin changelist query on %s by user %s: %s",
                _label(self.model),
                request.user.pk,
                exc.__cause__ or exc,
            )
            return self.refusal()

    @staticmethod
    def refusal() -> HttpResponseBadRequest:
        # Rendered without the request: no token or name in it, the same bytes for every refusal.
        return HttpResponseBadRequest(render_to_string("400.html"))

    # Deleting -----------------------------------------------------------------------------

    def has_delete_permission(self, request, obj=None) -> bool:
        if delete_reaches_confidential(self.model):
            return False
        return super().has_delete_permission(request, obj)

    # Checks: the declarations themselves never touch confidential data -------------------

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        paths = []
        for item in self.list_filter:
            if isinstance(item, (list, tuple)):
                paths.append(("list_filter", item[0]))
            elif isinstance(item, str):
                paths.append(("list_filter", item))
        paths += [("search_fields", p) for p in self.search_fields]
        paths += [("ordering", p) for p in self.ordering or ()]
        if self.date_hierarchy:
            paths.append(("date_hierarchy", self.date_hierarchy))
        for column in self.list_display:
            if isinstance(column, str):
                attr = getattr(self, column, None) or getattr(self.model, column, None)
                paths.append(("list_display", column))
                order = getattr(attr, "admin_order_field", None)
                if isinstance(order, str):
                    paths.append(("list_display", order))
        for option, path in paths:
            reason = unsafe_path(self.model, path)
            if reason:
                errors.append(
                    checks.Error(f"{option} {reason}.", obj=self.__class__, id="mentorship.E101")
                )
        return errors
