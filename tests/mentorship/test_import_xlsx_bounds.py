"""An XLSX upload is read within bounds (issue 15, found by review): a workbook is a zip of XML,
and the reader used to pad every row to the sheet's declared dimension, so a 5 KB file
declaring A1:XFD1048576 expanded to a million rows of 16,384 cells and took the server down."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from http import HTTPStatus

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentorship.admin_imports import BoundedXLSX, UnreadableFile
from mentorship.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

IMPORT = reverse("admin:mentorship_user_import")
XLSX = "1"  # the second of the import formats (CSV, XLSX)


def workbook(rows: list[list], *, declared_rows: int | None = None, stray_row: int | None = None):
    """An XLSX file; optionally declaring a huge dimension and holding one cell far away."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if declared_rows is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(
                    r'<dimension ref="[^"]*" ?/>',
                    f'<dimension ref="A1:XFD{declared_rows}"/>',
                    data.decode(),
                )
                far = stray_row or declared_rows
                text = text.replace(
                    "</sheetData>",
                    f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>x</t></is></c></row>'
                    "</sheetData>",
                )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_sheet_declaring_every_column_is_read_in_bounded_memory(settings):
    # 20,000 rows of 16,384 columns declared: 300 million cells for the unbounded reader.
    # (The million-row file goes through the admin below, without tracemalloc's slowness.)
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_PAIR_ROWS = 10
    bomb = workbook([["email", "full_name"], ["a@example.com", "A"]], declared_rows=20_000)
    assert len(bomb) < 10_000
    tracemalloc.start()
    dataset = BoundedXLSX().create_dataset(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The header's two columns, the one row, and the far cell in column A as a second row.
    assert dataset.headers == ["email", "full_name"]
    assert list(dataset) == [("a@example.com", "A"), ("x", None)]
    assert peak < 50 * 2**20


def test_rows_past_the_largest_limit_are_counted_not_kept(settings):
    settings.IMPORT_MAX_ROWS = 3
    settings.IMPORT_MAX_PAIR_ROWS = 2
    rows = [["email", "full_name"]] + [[f"p{n}@example.com", "P"] for n in range(9)]
    with pytest.raises(UnreadableFile, match="The file has 9 rows; one import takes at most 3"):
        BoundedXLSX().create_dataset(workbook(rows))


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_with_a_reason(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(UnreadableFile, match="unpacks to"):
        BoundedXLSX().create_dataset(workbook([["email", "full_name"]] + [["x"] * 2] * 50))


def test_the_admin_reads_the_bomb_as_the_two_rows_it_holds(client, program_admin):
    client.force_login(program_admin)
    bomb = workbook([["email", "full_name"], ["a@example.com", "A"]], declared_rows=1_048_576)
    response = client.post(
        IMPORT,
        {"format": XLSX, "import_file": SimpleUploadedFile("people.xlsx", bomb)},
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["report"].counts == {
        "create": 1,
        "change": 0,
        "unchanged": 0,
        "refused": 1,
    }
    assert not User.objects.filter(email="a@example.com").exists()


def test_a_plain_workbook_still_imports_after_its_dry_run(client, program_admin):
    client.force_login(program_admin)
    book = workbook([["email", "full_name"], ["ann@example.com", "Ann Archer"], [None, None]])
    response = client.post(
        IMPORT, {"format": XLSX, "import_file": SimpleUploadedFile("people.xlsx", book)}
    )
    assert response.status_code == HTTPStatus.OK
    assert [line.outcome for line in response.context["report"].lines] == ["create"]
