from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agreements"
    verbose_name = "Confidentiality agreements"

    # What mentorship's rules know of this app's models: see mentorship/declarations.py.
    confidential_fields = {
        "agreement": {"canonical_text", "exceptions", "end_reason"},
        "signature": {"typed_name", "user_agent", "ip_address"},
        "answer": {"value", "comment"},
    }
    confidential_models = {"answer", "questionnairesubmission", "agreement", "signature"}
    program_admin_permissions = {
        "question": ["add", "change", "delete", "view"],
        "agreement": ["view"],
        "signature": ["view"],
        "guidelineacknowledgement": ["view"],
    }

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from agreements import receivers, selectors, views
        from mentorship.models import Program
        from mentorship.reauth import register_act
        from mentorship.selectors import register_active_pair_annotations, register_attention
        from mentorship.signals import guideline_published

        post_save.connect(
            receivers.program_created, sender=Program, dispatch_uid="agreements_default_questions"
        )
        guideline_published.connect(
            receivers.guideline_published, dispatch_uid="agreements_guideline_review"
        )
        register_active_pair_annotations(selectors.active_pair_submissions)
        register_attention(selectors.agreement_attention)
        # Signing and acknowledging a guideline re-authenticate at the company identity
        # provider for people without a password here; the pending act returns here.
        register_act(views.SIGN_ACT, views.sign_after_reauth)
        register_act(views.ACKNOWLEDGE_ACT, views.acknowledge_after_reauth)
