"""Admin widgets that keep the admin site's pages valid HTML and usable with a screen reader.

Django's autocomplete <select> renders no empty first option for a required field, which HTML
requires of a required single <select>, and an empty, text-less one for an optional field, which
HTML forbids (the Nu Html Checker reports both). ValidAutocompleteSelect always starts with one
empty option whose text is the placeholder select2 shows. (static/js/admin-a11y.js names the
select2 box while nothing is chosen.)
"""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError

PLACEHOLDER = "Type a name to search"


class ValidAutocompleteSelect(AutocompleteSelect):
    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-placeholder"] = PLACEHOLDER
        return attrs

    def optgroups(self, name, value, attr=None):
        # A posted value that is not a key at all (a tampered form) would crash Django's lookup
        # of the chosen option with a 500; show it as nothing chosen, the form says "invalid".
        value = [v for v in value if self._is_key(v)]
        groups = [
            (group, [o for o in options if o["value"] != ""], index)
            for group, options, index in super().optgroups(name, value, attr)
        ]
        chosen = any(str(v) not in ("", "None") for v in value)
        empty = self.create_option(name, "", PLACEHOLDER, not chosen, 0)
        return [(None, [empty], 0), *((g, o, i) for g, o, i in groups if o)]

    def _is_key(self, value) -> bool:
        remote = self.field.remote_field
        key_field = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.attname
        )
        try:
            key_field.run_validators(key_field.to_python(value))  # type, then the column's range
        except ValidationError:
            return False
        return True


class ValidAutocompleteMixin:
    """For ModelAdmin and inlines: autocomplete_fields use ValidAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
