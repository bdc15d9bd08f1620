"""Signature evidence (address, browser, hashes) waits behind an "Evidence" disclosure on the
agreement page and is written out in full on the printed copy, which has a Print button that
works under the CSP (a script file of the site, no inline code)."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.agreements.conftest import sign_through_page

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


@pytest.fixture
def signed(client, proposal):
    for person in (proposal.pair.mentor, proposal.pair.mentee):
        assert sign_through_page(client, proposal, person, address=ADDRESS).status_code == 302
    proposal.refresh_from_db()
    return proposal


def details_blocks(body: str) -> list[str]:
    return re.findall(r"<details class=\"evidence[^\"]*\">(.*?)</details>", body, re.S)


def test_the_agreement_page_keeps_evidence_behind_the_disclosure(client, signed):
    client.force_login(signed.pair.mentee)
    body = client.get(reverse("agreements:detail", args=[signed.pk])).content.decode()
    inside = "".join(details_blocks(body))
    assert "<summary>Evidence</summary>" in body
    for evidence in (ADDRESS, "TestBrowser/1.0", signed.text_sha256):
        assert evidence in inside
        # ...and nowhere outside a closed disclosure.
        outside = re.sub(r"<details class=\"evidence.*?</details>", "", body, flags=re.S)
        assert evidence not in outside


def test_the_printed_copy_writes_the_evidence_out(client, signed):
    client.force_login(signed.pair.mentor)
    body = client.get(reverse("agreements:print", args=[signed.pk])).content.decode()
    assert details_blocks(body) == []
    assert body.count(ADDRESS) == 2
    assert "TestBrowser/1.0" in body
    assert signed.text_sha256 in body


def test_the_print_button_uses_a_script_file_not_inline_code(client, signed):
    client.force_login(signed.pair.mentor)
    response = client.get(reverse("agreements:print", args=[signed.pk]))
    body = response.content.decode()
    assert re.search(r"<button type=\"button\"[^>]*data-print-page[^>]*>Print</button>", body)
    assert "onclick" not in body
    assert 'src="/static/agreements/print.js"' in body
    script = Path(settings.BASE_DIR, "static", "agreements", "print.js").read_text()
    assert "window.print()" in script
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_an_outsider_gets_no_printed_copy(client, signed, outsider):
    client.force_login(outsider)
    response = client.get(reverse("agreements:print", args=[signed.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert ADDRESS not in response.content.decode()
