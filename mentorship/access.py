"""Fetching one confidential object for a request: visible, or a 404 that is also audited.

Views fetch through a scoped queryset (visible_to). When the object exists but the user may not
see it, the answer is the same 404 as for a missing object, and the attempt is recorded in the
audit trail, so probing other people's pairs, agreements or statements leaves a trace.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from mentorship.audit import Action, audit_record
from mentorship.models import Pair


def denied(request: HttpRequest, model: type[Model], pk) -> Http404:
    """Record a refused access to an existing object; return the 404 to raise."""
    audit_record(
        actor=request.user,
        action=Action.ACCESS_DENIED,
        target=model(pk=pk),
        request=request,
        payload={"method": request.method, "path": request.path},
    )
    return Http404(f"No {model._meta.verbose_name} found.")


def get_visible_or_404(request: HttpRequest, queryset: QuerySet, *, pk) -> Model:
    model = queryset.model
    try:
        return queryset.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        pass
    if model._base_manager.filter(pk=pk).exists():
        raise denied(request, model, pk)
    raise Http404(f"No {model._meta.verbose_name} found.")


def pair_for(request: HttpRequest, pair_id: int) -> Pair:
    """The pair if the user is one of its members; an audited 404 for everyone else."""
    return get_visible_or_404(
        request,
        Pair.objects.visible_to(request.user).select_related("program", "mentor", "mentee"),
        pk=pair_id,
    )
