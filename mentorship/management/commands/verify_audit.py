"""Walk the audit hash chain; exit non-zero naming the first event that does not match."""

from django.core.management.base import BaseCommand, CommandError

from mentorship.audit import audit_verify
from mentorship.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain."

    def handle(self, *args, **options):
        broken = audit_verify()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at event #{broken.pk} ({broken.action}, "
                f"{broken.occurred_at:%Y-%m-%d %H:%M:%S}): its hash does not match its content "
                "or its predecessor."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {AuditEvent.objects.count()} events.")
        )
