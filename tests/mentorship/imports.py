"""Helpers for the import tests: a file as CSV or XLSX text, and the import run on it."""

from __future__ import annotations

import io

import tablib
from openpyxl import Workbook

from mentorship.imports import ImportReport, import_report


def dataset(rows: list[list], fmt: str = "csv") -> tablib.Dataset:
    """The first row is the header, as in a file."""
    if fmt == "csv":
        text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
        return tablib.Dataset().load(text, format="csv")
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return tablib.Dataset().load(buffer.getvalue(), format="xlsx")


def run(resource_class, rows, *, by, dry_run=False, fmt="csv", **resource_kwargs) -> ImportReport:
    result = resource_class(**resource_kwargs).import_data(
        dataset(rows, fmt), dry_run=dry_run, user=by
    )
    return import_report(result, resource_class)


def outcomes(report: ImportReport) -> list[str]:
    return [line.outcome for line in report.lines]
