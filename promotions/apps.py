from django.apps import AppConfig

from mentorship.actions import Action


class PromotionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "promotions"
    verbose_name = "Promotion reviews"

    # What mentorship's rules know of this app's models: see mentorship/declarations.py.
    confidential_fields = {
        "statement": {"text", "decline_reason"},
        "promotionreview": {"supervisor_assessment", "outcome_note"},
    }
    confidential_models = {"statement", "statementview", "consentrequest", "consentoptout"}
    # A statement's very existence, state and dates are hidden from its panel and its mentee
    # (who may be program admins), so every event naming one is confidential; new statement.*
    # actions are covered by their prefix.
    confidential_audit_targets = {"statement"}
    confidential_audit_action_prefixes = ("statement.",)
    # Who on the panel recorded which outcome is the panel's deliberation, not operations.
    confidential_audit_actions = {
        Action.ASSESSMENT_WRITTEN,
        Action.STATEMENTS_SHOWN,
        Action.OUTCOME_RECORDED,
    }
    program_admin_permissions = {
        "promotionreview": ["add", "change", "view"],
        "panelseat": ["add", "change", "delete", "view"],
        "statement": ["view"],
        "breachphrase": ["add", "change", "delete", "view"],
    }

    def ready(self) -> None:
        from mentorship.selectors import (
            MENTEE,
            MENTOR,
            register_attention,
            register_dashboard_section,
            register_role,
        )
        from promotions import attention, receivers  # noqa: F401

        # "My mentoring" asks each provider only of people who hold its role (one query tells).
        register_role(attention.PANEL_MEMBER, attention.panel_seats)
        register_role(attention.SUPERVISOR, attention.reviews_supervised)
        register_attention(attention.consents_awaiting, role=MENTEE)
        register_attention(attention.input_invitations)  # asks the viewer's active pairs
        register_attention(attention.assessments_due, role=attention.SUPERVISOR)
        register_attention(attention.statements_sent_back, role=MENTOR)
        register_dashboard_section(attention.admin_section)  # asks is_program_admin
        register_dashboard_section(attention.panel_section, role=attention.PANEL_MEMBER)
        register_dashboard_section(attention.consents_section, role=MENTEE)
