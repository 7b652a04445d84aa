"""Build the configured object store and the download links handed out."""

from urllib.parse import urlsplit

from storage.base import ObjectStore
from storage.filesystem import FilesystemStore
from storage.links import DownloadLinks
from storage.s3 import S3Presigner, S3Store
from storage.settings import StorageSettings


def make_store(settings: StorageSettings, *, secret: bytes) -> ObjectStore:
    """The configured store; STORAGE_SIGNING_SECRET, if set, replaces `secret` for links."""
    if settings.storage_backend == "filesystem":
        return FilesystemStore(settings.storage_path, link_secret(settings, secret))
    access_key, secret_key = _s3_credentials(settings)
    endpoint, secure = _address(settings.s3_endpoint, settings.s3_secure)
    return S3Store(endpoint, access_key, secret_key, settings.s3_bucket, secure=secure,
                   region=settings.s3_region)


def make_links(settings: StorageSettings, *, secret: bytes, public_url: str) -> DownloadLinks:
    """Links under PUBLIC_URL served by the app, or presigned on S3_PUBLIC_ENDPOINT if set."""
    presign = None
    if settings.storage_backend == "s3" and settings.s3_public_endpoint:
        access_key, secret_key = _s3_credentials(settings)
        endpoint, secure = _address(settings.s3_public_endpoint, settings.s3_secure)
        presign = S3Presigner(endpoint, access_key, secret_key, settings.s3_bucket,
                              secure=secure, region=settings.s3_region)
    return DownloadLinks(link_secret(settings, secret), public_url, presign)


def link_secret(settings: StorageSettings, secret: bytes) -> bytes:
    """The key that signs download links: STORAGE_SIGNING_SECRET, else the app's secret."""
    if settings.storage_signing_secret is not None:
        return settings.storage_signing_secret.get_secret_value().encode()
    return secret


def _s3_credentials(settings: StorageSettings) -> tuple[str, str]:
    if not (settings.s3_endpoint and settings.s3_access_key and settings.s3_secret_key):
        raise ValueError("S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY are required for s3")
    return settings.s3_access_key, settings.s3_secret_key.get_secret_value()


def _address(endpoint: str, secure: bool) -> tuple[str, bool]:
    """`host:port` and TLS; a URL is tolerated, its scheme then decides TLS."""
    if "://" in endpoint:
        url = urlsplit(endpoint)
        return url.netloc, url.scheme == "https"
    return endpoint, secure
