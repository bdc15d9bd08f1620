from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "promotions"
    verbose_name = "Promotion reviews"

    def ready(self) -> None:
        from mentorship.selectors import register_attention
        from promotions import attention, permissions, receivers  # noqa: F401

        register_attention(attention.consents_awaiting)
        register_attention(attention.input_invitations)
        register_attention(attention.statements_sent_back)
