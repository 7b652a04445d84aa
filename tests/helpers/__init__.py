"""Helpers shared by tests: dossier builders, the one submit, polling, files, pages, storage."""

from tests.helpers.dossiers import (
    ALL_KINDS,
    OFFERS,
    full_dossier,
    new_dossiers_seen,
    ready_dossier,
    set_path,
    settle_deliveries,
    submit,
    upload_pdf,
)
from tests.helpers.files import minimal_pdf, tiny_png
from tests.helpers.pages import browser, form_csrf, page_post
from tests.helpers.polling import wait_until
from tests.helpers.storage import assert_storage_consistent, filesystem_or_s3

__all__ = ["ALL_KINDS", "OFFERS", "assert_storage_consistent", "browser", "filesystem_or_s3",
           "form_csrf", "full_dossier", "minimal_pdf", "new_dossiers_seen", "page_post",
           "ready_dossier", "set_path", "settle_deliveries", "submit", "tiny_png", "upload_pdf",
           "wait_until"]
