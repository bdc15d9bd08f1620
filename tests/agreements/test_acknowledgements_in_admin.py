"""Program admins see on an agreement's admin page which members acknowledged which newer
guideline version, as they see its signatures: who, when and how confirmed, never the address,
browser or text hash the record keeps as evidence, and nothing to add, change or delete."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from agreements.models import GuidelineAcknowledgement
from agreements.services import guideline_acknowledge
from mentorship.services import guideline_publish
from tests.factories import GuidelineFactory, ProgramAdminFactory
from tests.factories.worlds import PASSWORD
from tests.outbox import deliver_after

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


@pytest.fixture
def acknowledged(active_agreement, rf):
    draft = GuidelineFactory(program=active_agreement.pair.program)
    with deliver_after():
        guideline_publish(guideline_id=draft.pk, by=ProgramAdminFactory(username="publisher"))
    request = rf.post("/", REMOTE_ADDR="10.0.0.9", HTTP_USER_AGENT="TestBrowser/1.0")
    guideline_acknowledge(
        agreement_id=active_agreement.pk,
        member=active_agreement.pair.mentor,
        guideline_version=2,
        password=PASSWORD,
        request=request,
        user_agent="TestBrowser/1.0",
    )
    return GuidelineAcknowledgement.objects.get()


def test_the_agreement_page_lists_who_acknowledged_which_version(
    client, program_admin, acknowledged
):
    client.force_login(program_admin)
    page = client.get(
        reverse("admin:agreements_agreement_change", args=[acknowledged.agreement_id])
    )
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Guideline acknowledgements" in html
    assert str(acknowledged.member) in html
    assert "v2" in html
    # Evidence stays in the record.
    assert acknowledged.ip_address == "10.0.0.9"
    for evidence in ("10.0.0.9", "TestBrowser", acknowledged.text_sha256):
        assert evidence not in html
    # Shown, not a form: no field of the acknowledgement can be posted back.
    assert 'name="acknowledgements-0-member"' not in html
    assert "acknowledgements-0-DELETE" not in html
