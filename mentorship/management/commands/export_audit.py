"""Write one audit chain as JSON lines, oldest first, for an auditor or an archive.

The confidential chain is in no admin page, not even a superuser's; reading it takes shell
access to the server, and this command is the one way it leaves the database. Each line holds
exactly what the hash covers, so `hash` can be recomputed from the line and its predecessor.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from mentorship.audit import CHAINS


class Command(BaseCommand):
    help = "Export an audit chain (operational or confidential) as JSON lines, oldest first."

    def add_arguments(self, parser):
        parser.add_argument("chain", choices=[chain.name for chain in CHAINS])

    def handle(self, *args, **options):
        chain = next(chain for chain in CHAINS if chain.name == options["chain"])
        for event in chain.model.objects.order_by("id").iterator(chunk_size=2000):
            row = {
                "id": event.pk,
                "at": event.occurred_at.isoformat(),
                "actor": event.actor_id,
                "action": event.action,
                "target": [event.target_type, event.target_id],
                "ip": event.ip_address,
                "payload": event.payload,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            }
            self.stdout.write(json.dumps(row, sort_keys=True))
