"""Where an uploaded file waits between its dry run and the confirmation (found by review,
issue 15): the site's own folder, never one another local account created first, and a dry run
never confirmed does not stay for ever."""

from __future__ import annotations

import os
import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentorship.imports import PendingImportStorage

pytestmark = pytest.mark.any_database


@pytest.fixture
def folder(settings, tmp_path):
    settings.IMPORT_PENDING_DIR = str(tmp_path / "pending")
    return tmp_path / "pending"


def test_the_folder_is_created_for_this_site_alone(folder):
    PendingImportStorage().save(b"email\n")
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_folder_others_may_read_is_refused(folder):
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # noqa: S103 - the misconfiguration under test
    with pytest.raises(ImproperlyConfigured, match="mode 0700"):
        PendingImportStorage().save(b"email\n")


def test_a_day_old_dry_run_is_deleted_at_the_next_upload(folder):
    old, fresh = PendingImportStorage(), PendingImportStorage()
    old.save(b"old\n")
    day_ago = time.time() - 25 * 3600
    os.utime(old.get_full_path(), (day_ago, day_ago))
    fresh.save(b"fresh\n")
    assert sorted(os.listdir(folder)) == [fresh.name]
