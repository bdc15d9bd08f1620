"""Django's `flush`, able to empty the append-only tables on PostgreSQL.

Those tables (audit events, signatures, agreements, statement views) refuse TRUNCATE with a
statement-level trigger (mentorship.models.RefuseTruncate), so that nobody empties the audit
trail with one statement. Django's flush empties every table with exactly such a TRUNCATE, and
so do pytest-django's transactional and live-server tests between tests; emptying a whole
database stays possible, but only as this explicit operator command. It replaces Django's own
(an app's command wins over the core one) and, for its duration and on the flushed database
only, ignores the RefuseTruncate triggers and nothing else: the row-level UPDATE/DELETE
protections stay on, and a hand-run TRUNCATE (or `sqlflush` piped into psql) is still refused.
"""

from __future__ import annotations

import pgtrigger
from django.core.management.base import CommandError
from django.core.management.commands import flush

from mentorship.models import RefuseTruncate


def truncate_trigger_uris() -> list[str]:
    """Every RefuseTruncate trigger, as "app_label.Model:trigger_name"."""
    uris = [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, RefuseTruncate)
    ]
    # pgtrigger.ignore() with no URIs ignores every trigger; never let an empty list do that.
    if not uris:
        raise CommandError("No RefuseTruncate triggers are registered; refusing to ignore all.")
    return uris


class Command(flush.Command):
    help = flush.Command.help + " The append-only tables' TRUNCATE triggers stand aside for it."

    def handle(self, **options):
        with pgtrigger.ignore(*truncate_trigger_uris(), databases=[options["database"]]):
            return super().handle(**options)
