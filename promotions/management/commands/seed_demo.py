"""Load the demo program, people and pairs. Safe to run again: it creates only what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mentorship.demo import PEOPLE
from promotions.demo import seed_all


class Command(BaseCommand):
    help = "Create demo data (idempotent). Refuses to run with DEBUG off unless --force is given."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (demo passwords!)."
        )
        parser.add_argument(
            "--print-logins", action="store_true", help="Print the demo logins when done."
        )

    def handle(self, *args, force: bool = False, print_logins: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with the password 'demo'. It refuses to run with "
                "DEBUG off; pass --force if you really mean it."
            )
        with transaction.atomic():
            seed_all()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if print_logins:
            self.stdout.write("\nDemo logins (password: demo) at http://127.0.0.1:8000/")
            for username, (full_name, *_rest) in PEOPLE.items():
                self.stdout.write(f"  {username:<6} {full_name}")
