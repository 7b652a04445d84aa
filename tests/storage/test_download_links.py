"""Download links handed out: under PUBLIC_URL by default, or presigned on S3_PUBLIC_ENDPOINT."""

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from storage import LinkInvalid, StorageSettings, make_links, verify_link
from storage.s3 import S3Store
from tests.storage.conftest import new_bucket

SECRET = b"0123456789abcdef0123456789abcdef"
PUBLIC_URL = "https://dossiers.example.org/"
KEY = "sha256/ab/cd/abcd" + "0" * 60


@pytest.mark.parametrize("backend", ["filesystem", "s3"])
def test_links_are_app_links_under_public_url_by_default(backend):
    settings = StorageSettings(storage_backend=backend, s3_endpoint="s3.internal:9000",
                               s3_access_key="k", s3_secret_key="s")

    url = make_links(settings, secret=SECRET, public_url=PUBLIC_URL).url(
        KEY, filename="devis.pdf", content_type="application/pdf")

    assert url.startswith("https://dossiers.example.org/api/v1/blobs/")
    assert "s3.internal" not in url
    assert verify_link(SECRET, url.rsplit("/", 1)[1]).key == KEY


def test_a_dedicated_signing_secret_signs_and_verifies_links():
    settings = StorageSettings(storage_signing_secret="a dedicated secret for links")
    links = make_links(settings, secret=SECRET, public_url=PUBLIC_URL)

    token = links.url(KEY).rsplit("/", 1)[1]

    assert links.claims(token).key == KEY
    with pytest.raises(LinkInvalid):
        verify_link(SECRET, token)


def test_link_lifetime_is_bounded():
    links = make_links(StorageSettings(), secret=SECRET, public_url=PUBLIC_URL)
    with pytest.raises(ValueError, match="lifetime"):
        links.url(KEY, expires=timedelta(minutes=16))


@pytest.mark.s3
def test_presigned_on_the_public_endpoint_when_configured(s3_server):
    bucket = new_bucket()
    store = S3Store(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, bucket)
    stored = store.put_stream([b"statuts signes"])
    public = f"http://localhost:{s3_server.endpoint.rsplit(':', 1)[1]}"  # another name for it
    settings = StorageSettings(storage_backend="s3", s3_endpoint=s3_server.endpoint,
                               s3_public_endpoint=public, s3_access_key=s3_server.access_key,
                               s3_secret_key=s3_server.secret_key, s3_bucket=bucket)

    url = make_links(settings, secret=SECRET, public_url=PUBLIC_URL).url(
        stored.key, filename="statuts.pdf", content_type="application/pdf")

    assert urlsplit(url).netloc == urlsplit(public).netloc
    response = httpx.get(url, timeout=10)
    assert (response.status_code, response.content) == (200, b"statuts signes")
    assert response.headers["content-type"] == "application/pdf"
