from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agreements"
    verbose_name = "Confidentiality agreements"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from agreements import receivers, selectors
        from mentorship.models import Program
        from mentorship.selectors import register_attention
        from mentorship.signals import guideline_published

        post_save.connect(
            receivers.program_created, sender=Program, dispatch_uid="agreements_default_questions"
        )
        guideline_published.connect(
            receivers.guideline_published, dispatch_uid="agreements_guideline_review"
        )
        register_attention(selectors.agreement_attention)
