"""Walk the audit hash chain; exit non-zero saying where it breaks: the first event that does not
match, or events missing from its end."""

from django.core.management.base import BaseCommand, CommandError

from mentorship.audit import audit_verify
from mentorship.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain."

    def handle(self, *args, **options):
        broken = audit_verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken: {broken}.")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {AuditEvent.objects.count()} events.")
        )
