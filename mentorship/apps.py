from django.apps import AppConfig

from mentorship.actions import Action


class MentorshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentorship"
    verbose_name = "Mentoring"

    # What mentorship's rules know of this app's models: see mentorship/declarations.py.
    confidential_fields = {
        "meeting": {"notes"},
        "auditevent": {"payload"},
        "confidentialauditevent": {"payload"},
        # What happened between two people, in a few words: never on an admin page.
        "notification": {"kind", "subject", "body", "link", "read_at", "created_at"},
    }
    confidential_models = {
        "meeting",
        "auditevent",
        "confidentialauditevent",
        "notification",
        "remindersent",
    }
    # Whether a page refuses someone can turn on hidden input (a former mentor reaches a
    # review's input page while they have a statement in it, and is refused once they have
    # none), so a refusal in the chain every admin reads would tell them.
    confidential_audit_actions = {Action.ACCESS_DENIED}
    program_admin_permissions = {
        "program": ["add", "change", "view"],
        "guideline": ["add", "change", "delete", "view"],
        "pair": ["add", "change", "view"],
        "meeting": ["view"],
        "auditevent": ["view"],
        # To pick mentors and mentees with the admin's autocomplete, and to onboard people
        # (by hand or imported): never superuser rights (UserAdmin in mentorship/admin.py).
        "user": ["add", "change", "view"],
        # Undelivered emails: who, and "try again" (mentorship/admin_outbox.py).
        "notification": ["change", "view"],
    }

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from mentorship.roles import sync_program_admins_group

        post_migrate.connect(sync_program_admins_group, dispatch_uid="sync_program_admins_group")
