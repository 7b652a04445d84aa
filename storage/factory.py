"""Build the configured object store."""

from urllib.parse import urlsplit

from storage.base import ObjectStore
from storage.filesystem import FilesystemStore
from storage.s3 import S3Store
from storage.settings import StorageSettings


def make_store(settings: StorageSettings, *, secret: bytes) -> ObjectStore:
    """The configured store; STORAGE_SIGNING_SECRET, if set, replaces `secret` for links."""
    if settings.storage_backend == "filesystem":
        if settings.storage_signing_secret is not None:
            secret = settings.storage_signing_secret.get_secret_value().encode()
        return FilesystemStore(settings.storage_path, secret)
    if not (settings.s3_endpoint and settings.s3_access_key and settings.s3_secret_key):
        raise ValueError("S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY are required for s3")
    endpoint, secure = settings.s3_endpoint, settings.s3_secure
    if "://" in endpoint:  # tolerate a URL: its scheme decides TLS
        url = urlsplit(endpoint)
        endpoint, secure = url.netloc, url.scheme == "https"
    return S3Store(
        endpoint,
        settings.s3_access_key,
        settings.s3_secret_key.get_secret_value(),
        settings.s3_bucket,
        secure=secure,
        region=settings.s3_region,
    )
