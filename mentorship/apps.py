from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentorship"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from mentorship.roles import sync_program_admins_group

        post_migrate.connect(sync_program_admins_group, dispatch_uid="sync_program_admins_group")
