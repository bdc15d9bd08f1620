from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "promotions"
    verbose_name = "Promotion reviews"

    def ready(self) -> None:
        from mentorship.audit import register_audit_exclusion
        from mentorship.selectors import register_attention
        from promotions import attention, permissions, receivers  # noqa: F401

        register_audit_exclusion(permissions.audit_hidden_from)
        register_attention(attention.consents_awaiting)
        register_attention(attention.input_invitations)
        register_attention(attention.statements_sent_back)
