"""The admin's import pages for people and pairs (django-import-export's ImportMixin).

Two steps: the upload runs a dry run and shows every row with what the import will do (create,
change, unchanged, refused and why); only a file with no refused row can be confirmed, and the
confirmation imports the same file in one transaction. The uploaded file waits in between under
a name bound to the session that uploaded it (`PendingImportStorage`): a confirmation naming any
other file is refused.
"""

from __future__ import annotations

import io
import zipfile

import tablib
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


class UnreadableFile(ValueError):
    """A file refused before it is read, with a message for the admin."""


class BoundedXLSX(XLSX):
    """XLSX read within bounds. A workbook is a zip of XML, and openpyxl pads every row to the
    sheet's declared dimension: a 5 KB file declaring A1:XFD1048576 expands to a million rows of
    16,384 cells and exhausts the server's memory. So the archive's unpacked size is capped,
    the declared dimension ignored, and no more columns or rows are read than an import could
    accept (the resource then refuses a file over its row limit)."""

    MAX_COLUMNS = 32

    def create_dataset(self, in_stream):
        import openpyxl

        unpacked_limit = 10 * settings.IMPORT_MAX_BYTES
        try:
            with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
                unpacked = sum(entry.file_size for entry in archive.infolist())
        except zipfile.BadZipFile as error:
            raise UnreadableFile(
                "This is not an XLSX workbook. Choose the file's format."
            ) from error
        if unpacked > unpacked_limit:
            raise UnreadableFile(
                f"The workbook unpacks to {unpacked / 2**20:.0f} MB; one import reads at most "
                f"{unpacked_limit / 2**20:.0f} MB. Save it as CSV, or split it."
            )
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        sheet = book.active
        sheet.reset_dimensions()
        # Rows past the largest import's limit are not kept, only counted (a blank row, as
        # the reader pads a sparse sheet, costs nothing); the resource refuses a long file.
        most_rows = max(settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_PAIR_ROWS) + 1
        rows = sheet.iter_rows(max_col=self.MAX_COLUMNS, values_only=True)
        dataset = tablib.Dataset()
        header = next(rows, None)
        if header is None:
            return dataset
        width = len(header)
        while width and header[width - 1] is None:
            width -= 1
        dataset.headers = list(header[:width])
        beyond = 0
        for row in rows:
            values = list(row[:width]) + [None] * (width - len(row))
            if all(value is None for value in values):
                continue
            if len(dataset) < most_rows:
                dataset.append(values)
            else:
                beyond += 1
        if beyond:
            raise UnreadableFile(
                f"The file has {len(dataset) + beyond:,} rows; one import takes at most "
                f"{most_rows - 1:,}. Split it into smaller files."
            )
        book.close()
        return dataset


class OnboardingImportMixin(ImportMixin):
    import_template_name = "admin/mentorship/import.html"
    import_form_class = OnboardingImportForm
    tmp_storage_class = PendingImportStorage
    import_error_display = ("message",)

    def get_import_formats(self):
        return [CSV, BoundedXLSX]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnreadableFile):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

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
