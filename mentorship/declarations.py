"""What each app declares about its own models, collected for the rules mentorship applies.

Some of mentorship's rules cover every app: the admin's inventory of confidential fields and
models (`admin_base`), the audit chain an event goes to (`audit`), the permissions of the
Program admins group (`roles`). mentorship may not name the models of the apps above it, not
even as data, so each app declares these for its own models, by model name, as attributes of
its AppConfig; this module collects them from every installed app under full labels
(`app_label.modelname`). The attributes, all optional:

- `confidential_fields`: {model: field names} holding confidential text or traces of a person;
- `confidential_models`: models whose rows are confidential or hidden from some admin;
- `confidential_audit_targets`: models whose every audit event is confidential;
- `confidential_audit_actions`, `confidential_audit_action_prefixes`: actions (`Action`
  values) whose events are confidential, by name or by prefix;
- `program_admin_permissions`: {model: actions} the Program admins group is granted.

A declaration naming a model, field or action that does not exist would quietly protect
nothing, so the system check below refuses it (mentorship.E102).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import AppConfig, apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from mentorship.actions import ACTIONS


def _declared(attribute: str) -> Iterator[tuple[AppConfig, Any]]:
    for config in apps.get_app_configs():
        value = getattr(config, attribute, None)
        if value:
            yield config, value


def confidential_fields() -> dict[str, frozenset[str]]:
    return {
        f"{config.label}.{model}": frozenset(fields)
        for config, declared in _declared("confidential_fields")
        for model, fields in declared.items()
    }


def confidential_models() -> frozenset[str]:
    return frozenset(
        f"{config.label}.{model}"
        for config, declared in _declared("confidential_models")
        for model in declared
    )


def confidential_audit_targets() -> frozenset[str]:
    return frozenset(
        f"{config.label}.{model}"
        for config, declared in _declared("confidential_audit_targets")
        for model in declared
    )


def confidential_audit_actions() -> frozenset[str]:
    return frozenset(a for _, declared in _declared("confidential_audit_actions") for a in declared)


def confidential_audit_action_prefixes() -> tuple[str, ...]:
    declared = _declared("confidential_audit_action_prefixes")
    return tuple(sorted(prefix for _, prefixes in declared for prefix in prefixes))


def program_admin_permissions() -> dict[str, dict[str, list[str]]]:
    return {
        config.label: {model: list(actions) for model, actions in declared.items()}
        for config, declared in _declared("program_admin_permissions")
    }


@checks.register()
def check_declarations(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []

    def error(config: AppConfig, message: str) -> None:
        errors.append(checks.Error(message, obj=type(config), id="mentorship.E102"))

    def model_of(config: AppConfig, attribute: str, name: str):
        try:
            model = config.get_model(name)
        except LookupError:
            error(config, f"{attribute} names {name!r}, which is not a model of {config.label}.")
            return None
        # get_model() finds any case, but the collected labels are compared with label_lower:
        # "PanelSeat" would pass here and protect nothing.
        if name != model._meta.model_name:
            error(config, f"{attribute} names {name!r}; write it {model._meta.model_name!r}.")
            return None
        return model

    for config, declared in _declared("confidential_fields"):
        for name, fields in declared.items():
            if model := model_of(config, "confidential_fields", name):
                for field in fields:
                    try:
                        model._meta.get_field(field)
                    except FieldDoesNotExist:
                        error(config, f"confidential_fields names {name}.{field}, no such field.")
    for attribute in ("confidential_models", "confidential_audit_targets"):
        for config, declared in _declared(attribute):
            for name in declared:
                model_of(config, attribute, name)
    for config, declared in _declared("program_admin_permissions"):
        for name, actions in declared.items():
            if model := model_of(config, "program_admin_permissions", name):
                for action in set(actions) - set(model._meta.default_permissions):
                    error(config, f"program_admin_permissions: {name} has no {action!r}.")
    for config, declared in _declared("confidential_audit_actions"):
        for action in set(declared) - ACTIONS:
            error(config, f"confidential_audit_actions: {action!r} is not an Action.")
    for config, declared in _declared("confidential_audit_action_prefixes"):
        for prefix in declared:
            if not any(action.startswith(prefix) for action in ACTIONS):
                error(config, f"confidential_audit_action_prefixes: no Action starts {prefix!r}.")
    return errors
