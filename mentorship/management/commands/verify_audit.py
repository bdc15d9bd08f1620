"""Walk both audit hash chains (operational and confidential); exit non-zero saying which chain
breaks and where: the first event that does not match, or events missing from its end."""

from django.core.management.base import BaseCommand, CommandError

from mentorship.audit import CHAINS, chain_verify


class Command(BaseCommand):
    help = "Verify the hash chains of the audit trail (operational and confidential)."

    def handle(self, *args, **options):
        for chain in CHAINS:
            broken = chain_verify(chain)
            if broken is not None:
                raise CommandError(f"{chain.name.capitalize()} audit chain broken: {broken}.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"{chain.name.capitalize()} audit chain intact: "
                    f"{chain.model.objects.count()} events."
                )
            )
