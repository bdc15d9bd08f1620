"""The admin's import pages for people and pairs (django-import-export's ImportMixin).

Two steps: the upload runs a dry run and shows every row with what the import will do (create,
change, unchanged, refused and why); only a file with no refused row can be confirmed, and the
confirmation imports the same file in one transaction. The uploaded file waits in between under
a name bound to the session that uploaded it (`PendingImportStorage`): a confirmation naming any
other file is refused.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from mentorship.imports import PendingImportStorage, import_report
from mentorship.permissions import is_program_admin

_SESSION_KEY = "pending_imports"


class OnboardingImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 2**20:.1f} MB; one import takes at most "
                f"{limit / 2**20:.1f} MB. Split it into smaller files."
            )
        return upload


class OnboardingImportMixin(ImportMixin):
    import_template_name = "admin/mentorship/import.html"
    import_form_class = OnboardingImportForm
    tmp_storage_class = PendingImportStorage
    import_error_display = ("message",)

    def get_import_formats(self):
        return [CSV, XLSX]

    def has_import_permission(self, request) -> bool:
        # Importing adds and changes rows: both permissions, and a program admin (or superuser).
        return (
            is_program_admin(request.user)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def import_context(self, request) -> dict:
        resource = self.get_import_resource_classes(request)[0]
        return {
            "required_columns": resource.required_columns,
            "optional_columns": resource.optional_columns,
            "max_rows": resource.max_rows(),
        }

    def _pending(self, request) -> dict:
        return request.session.get(_SESSION_KEY, {})

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse):
            context = response.context_data
            context.update(self.import_context(request))
            result = context.get("result")
            if result is not None:
                context["report"] = import_report(result, type(self._resource_of(request)))
            confirm_form = context.get("confirm_form")
            if confirm_form is not None:
                pending = self._pending(request)
                pending[confirm_form.initial["import_file_name"]] = self.opts.label_lower
                request.session[_SESSION_KEY] = pending
        return response

    def _resource_of(self, request):
        return self.get_import_resource_classes(request)[0]()

    def process_import(self, request, **kwargs):
        if request.method != "POST":
            return super().process_import(request, **kwargs)  # its 405
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        pending = self._pending(request)
        if (
            not PendingImportStorage.is_valid_name(name)
            or pending.get(name) != self.opts.label_lower
        ):
            messages.error(
                request,
                "This import is no longer waiting for confirmation. Upload the file again.",
            )
            return HttpResponseRedirect(self._import_url())
        del pending[name]
        request.session[_SESSION_KEY] = pending
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        report = import_report(result, type(self._resource_of(request)))
        if not report.accepted:
            # Something changed between the dry run and the confirmation: the transaction was
            # rolled back, so nothing was written. Show why, as the dry run would.
            context = self.admin_site.each_context(request)
            context.update(self.import_context(request))
            context.update(
                {
                    "title": "Import",
                    "opts": self.model._meta,
                    "form": self.get_import_form_class(request)(
                        self.get_import_formats(), self.get_import_resource_classes(request)
                    ),
                    "report": report,
                    "rolled_back": True,
                }
            )
            return TemplateResponse(request, [self.import_template_name], context)
        counts = report.counts
        messages.success(
            request,
            f"Imported {self.model._meta.verbose_name_plural}: {counts['create']} created, "
            f"{counts['change']} changed, {counts['unchanged']} unchanged.",
        )
        self.generate_log_entries(result, request)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def _import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
