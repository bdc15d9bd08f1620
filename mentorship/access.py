"""Fetching one confidential object for a request: visible, or a 404 that is also audited.

Views fetch through a scoped queryset (visible_to). Whatever the reason the object is not
there for this user (missing, hidden, a malformed id), the answer is the same 404 after the
same work: one scoped read and one `access.denied` audit write naming the requested id. Probing
other people's pairs, agreements or statements leaves a trace, and nothing, not even the
response time, tells a hidden object from a missing one: there is no existence check to skip
or to take.

The queryset must be the scope of the role that acts on the page, a condition on the row
itself (pair__mentor=user, an Exists through a unique key), not a `pk IN (id list)` of all the
user may see: a database builds that list only once a row with the id exists, so a hidden id
then costs more than a missing one, the more so the more other roles the viewer holds.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from mentorship.audit import Action, audit_record
from mentorship.models import Pair, User
from mentorship.statements import Prepared


def denied(request: HttpRequest, model: type[Model], pk) -> Http404:
    """Record a refused access to the requested id, whether or not it exists; return the 404
    to raise."""
    audit_record(
        actor=request.user,
        action=Action.ACCESS_DENIED,
        target=model(pk=pk),
        request=request,
        payload={"method": request.method, "path": request.path},
    )
    return Http404(f"No {model._meta.verbose_name} found.")


# No row has this id: sequences start at 1 and random statement ids at 2**31. A malformed or
# out-of-range id is looked up as this one, because Django answers those without a query at
# all, which would make them cheaper.
NO_SUCH_ID = 0


def lookup_id(queryset: QuerySet, pk):
    field = queryset.model._meta.pk
    try:
        value = field.to_python(pk)
    except ValidationError:
        return NO_SUCH_ID
    if not isinstance(value, int):
        return NO_SUCH_ID
    low, high = connections[queryset.db].ops.integer_field_range(field.get_internal_type())
    return value if low <= value <= high else NO_SUCH_ID


def get_visible_or_404(request: HttpRequest, queryset: QuerySet, *, pk) -> Model:
    model = queryset.model
    try:
        return queryset.get(pk=lookup_id(queryset, pk))
    except model.DoesNotExist:
        # Deliberately no look past the scope (exists() on the base manager): a query only a
        # hidden id needs would make it slower to answer than a missing one.
        raise denied(request, model, pk) from None


def get_prepared_or_404(
    request: HttpRequest,
    model: type[Model],
    statement: Prepared,
    scope: Callable[[User, int], QuerySet],
    *,
    pk,
    param: str,
) -> Model:
    """get_visible_or_404 for a page's hot read: `statement` is `scope(viewer, id)`, a
    queryset of `model`, compiled once per process (Prepared, with the parameters "viewer" and
    `param`) and run with the viewer's id and the requested one. The answer is that of
    get_visible_or_404 on the same scope: the row, or for everyone else (anonymous too) the
    same one read and the audited 404."""
    if not request.user.is_authenticated:
        # Not compiled for: the scope of nobody, read as get_visible_or_404 reads it.
        return get_visible_or_404(request, scope(request.user, NO_SUCH_ID), pk=pk)
    found = statement.instances(
        **{"viewer": request.user.pk, param: lookup_id(model._default_manager.all(), pk)}
    )
    if not found:
        raise denied(request, model, pk)
    return found[0]


def _member_pair(user, pk: int):
    return Pair.objects.visible_to(user).select_related("program", "mentor", "mentee").filter(pk=pk)


# The pair pages' read, the same for every member: compiled once per process, run with the
# viewer's and the pair's ids.
_MEMBER_PAIR = Prepared(
    Pair, lambda viewer, pair: _member_pair(User(pk=viewer), pair), "viewer", "pair"
)


def pair_for(request: HttpRequest, pair_id: int) -> Pair:
    """The pair if the user is one of its members; an audited 404 for everyone else."""
    return get_prepared_or_404(request, Pair, _MEMBER_PAIR, _member_pair, pk=pair_id, param="pair")
