"""How a page tells the user that a service refused: in the service's own words.

Services state every rule once and refuse with a ValidationError that says why (the review is
closed, the answers are already submitted, the terms do not allow it); the wrong person gets a
PermissionDenied, which no page turns into a message. A view shows that reason as it is and
never writes it again, so the page and the service cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables


def refusal_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def show_refusal(request: HttpRequest, exc: ValidationError, *, prefix: str = "") -> None:
    messages.error(request, prefix + refusal_text(exc))


# The arguments carry what the user typed (a decline reason, an end reason): an error report
# of a crash inside the service must not show them.
@sensitive_variables()
def attempt(request: HttpRequest, service: Callable[..., Any], /, success: str, **kwargs) -> bool:
    """Call `service(**kwargs)`; show `success` if it acts, its refusal if it refuses."""
    try:
        service(**kwargs)
    except ValidationError as exc:
        show_refusal(request, exc)
        return False
    messages.success(request, success)
    return True
