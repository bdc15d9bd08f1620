"""Recompute every agreement's hashes; list the records that no longer match.

Exit status 0 when everything matches, 1 when any record does not (for cron and CI).
"""

from django.core.management.base import BaseCommand, CommandError

from agreements.verification import verify_agreements


class Command(BaseCommand):
    help = "Verify the SHA-256 of every agreement text and signature; non-zero exit on mismatch."

    def handle(self, *args, **options):
        checked, problems = verify_agreements()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(
                f"{len(problems)} mismatch(es) in {checked} agreement(s) checked.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"{checked} agreement(s) verified; all match."))
