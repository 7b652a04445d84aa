"""Object storage behind one small protocol: filesystem or S3."""

from storage.base import (
    MAX_LINK_TTL,
    ChunkStream,
    ObjectInfo,
    ObjectStore,
    StoredObject,
    check_key,
    key_for,
)
from storage.errors import (
    EmptyObject,
    InvalidKey,
    LinkExpired,
    LinkInvalid,
    ObjectMissing,
    ObjectTooLarge,
    StorageError,
    StorageUnavailable,
)
from storage.factory import make_links, make_store
from storage.filesystem import FilesystemStore
from storage.headers import content_disposition
from storage.links import DownloadLinks
from storage.s3 import S3Store
from storage.settings import StorageSettings
from storage.signing import LinkClaims, sign_link, verify_link

__all__ = [
    "MAX_LINK_TTL",
    "ChunkStream",
    "DownloadLinks",
    "EmptyObject",
    "FilesystemStore",
    "InvalidKey",
    "LinkClaims",
    "LinkExpired",
    "LinkInvalid",
    "ObjectInfo",
    "ObjectMissing",
    "ObjectStore",
    "ObjectTooLarge",
    "S3Store",
    "StorageError",
    "StorageSettings",
    "StorageUnavailable",
    "StoredObject",
    "check_key",
    "content_disposition",
    "key_for",
    "make_links",
    "make_store",
    "sign_link",
    "verify_link",
]
