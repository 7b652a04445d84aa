"""Objects in an S3 bucket (MinIO, SeaweedFS, AWS…) through the `minio` SDK."""

import logging
import mmap
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import certifi
import urllib3
from minio import Minio
from minio.datatypes import Part
from minio.error import MinioException, S3Error

from storage.base import (
    CHUNK_SIZE,
    MAX_LINK_TTL,
    ChunkStream,
    ObjectInfo,
    SpoolingStore,
    StoredObject,
    check_key,
    check_ttl,
)
from storage.errors import InvalidKey, ObjectMissing, StorageError, StorageUnavailable
from storage.headers import check_content_type, content_disposition
from storage.spool import Spooled

_MISSING = {"NoSuchKey", "NoSuchBucket", "NoSuchObject", "ResourceNotFound"}
_REFUSED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken"}
_NETWORK = (urllib3.exceptions.HTTPError, OSError)
SEND_BLOCK = 1024 * 1024  # bytes read from the file at a time by a one-request PUT
log = logging.getLogger(__name__)


class _HashedFile:
    """A file to send as a request body whose SHA-256 is already known; iterable again on retry."""

    def __init__(self, path: Path, size: int, sha256: str) -> None:
        self.path, self.size, self.sha256 = path, size, sha256

    def __len__(self) -> int:
        return self.size

    def __bool__(self) -> bool:
        return True

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        with open(self.path, "rb") as data:
            while sent < self.size and (block := data.read(min(SEND_BLOCK, self.size - sent))):
                sent += len(block)
                yield block
        if sent != self.size:  # the server would wait for the missing bytes
            raise OSError(f"{self.path} is shorter than its {self.size} bytes")


class _Client(Minio):
    """minio's client, also sending a `_HashedFile` in one request without hashing it again.

    The payload hash signed is the digest computed while the upload was received, so the
    server checks the bytes end to end (AWS, MinIO; SeaweedFS does not verify it).
    """

    # minio (7.2) builds a request's headers here, hashing the body for the signature.
    def _build_headers(self, host, headers, body, creds):
        if not isinstance(body, _HashedFile):
            return super()._build_headers(host, headers, body, creds)
        headers, date = super()._build_headers(host, headers, None, creds)
        headers["Content-Length"] = str(len(body))
        headers["x-amz-content-sha256"] = body.sha256
        return headers, date


class S3Store(SpoolingStore):
    """Content-addressed objects in one bucket, created on first use."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool = False,
        region: str = "us-east-1",
        *,
        spool_dir: Path | None = None,
        part_size: int = 5 * 1024 * 1024,
        parallel_parts: int = 3,
        single_put_max: int = 512 * 1024 * 1024,
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
    ) -> None:
        self.bucket = bucket
        self.spool_dir = spool_dir
        if part_size % mmap.ALLOCATIONGRANULARITY:  # parts are mapped from the file
            raise ValueError("part_size must be a multiple of the page size")
        self._part_size = part_size  # 5 MiB is the S3 minimum
        self._parallel_parts = parallel_parts
        # A hashed file up to this size goes in one streamed PUT (S3 allows 5 GiB): no part
        # to hash again nor to assemble, nothing left on the server if the request dies.
        # Above it, parallel parts (worth lowering for a distant S3 with slow streams).
        self._single_put_max = single_put_max
        self._bucket_ready = False
        self._lock = threading.Lock()
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            retries=urllib3.Retry(
                total=2, backoff_factor=0.1, status_forcelist=[500, 502, 503, 504]
            ),
            maxsize=10,
            cert_reqs="CERT_REQUIRED" if secure else "CERT_NONE",
            ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        )
        self._client = _Client(
            endpoint, access_key, secret_key, secure=secure, region=region, http_client=http
        )

    def open(self, key: str) -> ChunkStream:
        """Stream the object in chunks; raises ObjectMissing."""
        with _translated(key):
            self._ensure_bucket()
            response = self._client.get_object(self.bucket, check_key(key))

        def release() -> None:
            response.close()
            response.release_conn()

        return ChunkStream(_chunks(response), release)

    def exists(self, key: str) -> bool:
        """Whether the object is stored."""
        try:
            self.size(key)
        except ObjectMissing:
            return False
        return True

    def size(self, key: str) -> int:
        """Size in bytes; raises ObjectMissing."""
        with _translated(key):
            self._ensure_bucket()
            return self._client.stat_object(self.bucket, check_key(key)).size or 0

    def delete(self, key: str) -> None:
        """Remove the object if present (erasure); S3 deletes are idempotent."""
        with _translated(key):
            self._ensure_bucket()
            self._client.remove_object(self.bucket, check_key(key))

    def list_objects(self) -> Iterator[ObjectInfo]:
        """Every object under the `sha256/` prefix, in key order."""
        with _translated():
            self._ensure_bucket()
            for item in self._client.list_objects(self.bucket, prefix="sha256/", recursive=True):
                with suppress(InvalidKey):  # not ours: left alone
                    yield ObjectInfo(check_key(item.object_name), item.last_modified)

    def signed_url(self, key: str, *, expires: timedelta = MAX_LINK_TTL,
                   filename: str | None = None, content_type: str | None = None) -> str:
        """A presigned GET URL on this store's endpoint (an internal address, most often)."""
        return _presigned(self._client, self.bucket, key, expires, filename, content_type)

    def check(self) -> None:
        """Raise StorageUnavailable unless the server answers and accepts our credentials."""
        with _translated():
            self._bucket_ready = False
            self._ensure_bucket()

    def _store(self, spooled: Spooled, key: str) -> None:
        self._upload(spooled.path, StoredObject(key, spooled.sha256, spooled.size))

    def _store_file(self, path: Path, stored: StoredObject) -> None:
        self._upload(path, stored)

    def _upload(self, path: Path, stored: StoredObject) -> None:
        """Send a hashed file in one PUT, or in parts, then drop the parts of any dead attempt."""
        key, size = stored.key, stored.size
        with _translated(key):
            if size <= self._single_put_max or size <= self._part_size:
                self._client._put_object(
                    self.bucket, key, _HashedFile(path, size, stored.sha256),
                    {"Content-Type": "application/octet-stream"},
                )
            else:
                with open(path, "rb") as data:
                    self._put_parts(data, size, key)
        if size > self._part_size:  # big enough for an earlier attempt to have sent parts
            self._abort_leftover_uploads(key)

    def _put_parts(self, data: BinaryIO, size: int, key: str) -> None:
        """A multipart upload with `parallel_parts` parts in flight, each mapped, not copied."""
        # minio's own parallel put reads every part in flight into memory; a part mapped from
        # the file is sent from the page cache and unmapped once sent.
        client = self._client
        upload_id = client._create_multipart_upload(
            self.bucket, key, {"Content-Type": "application/octet-stream"}
        )

        def send(number: int, offset: int) -> Part:
            length = min(self._part_size, size - offset)
            with (
                mmap.mmap(data.fileno(), length, access=mmap.ACCESS_READ, offset=offset) as part,
                memoryview(part) as body,
            ):
                etag = client._upload_part(self.bucket, key, body, None, upload_id, number)
            return Part(number, etag)

        pool = ThreadPoolExecutor(self._parallel_parts, thread_name_prefix="s3-part")
        try:
            offsets = range(0, size, self._part_size)
            futures = [pool.submit(send, n, o) for n, o in enumerate(offsets, start=1)]
            parts = [future.result() for future in futures]
            client._complete_multipart_upload(self.bucket, key, upload_id, parts)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            with suppress(MinioException, *_NETWORK):  # the server may be gone: left for later
                client._abort_multipart_upload(self.bucket, key, upload_id)
            raise
        finally:
            pool.shutdown(cancel_futures=True)

    def _abort_leftover_uploads(self, key: str) -> None:
        """Free the parts that interrupted attempts at this key left on the server."""
        # Best effort, once the object is whole: an upload of the same bytes still running
        # elsewhere fails and its retry finds the object. minio has no public call for this.
        try:
            pending = self._client._list_multipart_uploads(self.bucket, prefix=key).uploads
            for upload in pending:
                if upload.object_name == key and upload.upload_id:
                    self._client._abort_multipart_upload(self.bucket, key, upload.upload_id)
        except (MinioException, *_NETWORK) as exc:
            log.warning("could not abort leftover uploads of %s: %s", key, exc)

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        with self._lock:
            if not self._client.bucket_exists(self.bucket):
                try:
                    self._client.make_bucket(self.bucket)
                except S3Error as exc:  # another process made it first
                    if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise
            self._bucket_ready = True


class S3Presigner:
    """Presigned GET URLs on another address of the same bucket (S3_PUBLIC_ENDPOINT)."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, bucket: str,
                 *, secure: bool, region: str) -> None:
        self.bucket = bucket
        # With the region given, presigning is computed here: no request to that address.
        self._client = Minio(endpoint, access_key, secret_key, secure=secure, region=region)

    def __call__(self, key: str, *, expires: timedelta = MAX_LINK_TTL,
                 filename: str | None = None, content_type: str | None = None) -> str:
        """A presigned GET URL that also sets the name and type of the download."""
        return _presigned(self._client, self.bucket, key, expires, filename, content_type)


def _presigned(client: Minio, bucket: str, key: str, expires: timedelta,
               filename: str | None, content_type: str | None) -> str:
    """A presigned GET URL that also sets the name and type of the download."""
    headers = {}
    if filename is not None:
        headers["response-content-disposition"] = content_disposition(filename)
    if content_type is not None:
        headers["response-content-type"] = check_content_type(content_type)
    with _translated(key):
        return client.presigned_get_object(
            bucket, check_key(key), check_ttl(expires), response_headers=headers
        )


def _chunks(response: urllib3.BaseHTTPResponse) -> Iterator[bytes]:
    """The body in chunks, with network failures mid-stream turned into ours."""
    with _translated():
        yield from response.stream(CHUNK_SIZE)


@contextmanager
def _translated(key: str | None = None) -> Iterator[None]:
    """Turn SDK and network exceptions into storage errors."""
    try:
        yield
    except S3Error as exc:
        if exc.code in _MISSING and key is not None:
            raise ObjectMissing(key) from exc
        if exc.code in _REFUSED:
            raise StorageUnavailable(f"S3 refused our credentials ({exc.code})") from exc
        raise StorageError(f"S3 error {exc.code}: {exc.message}") from exc
    except MinioException as exc:  # 5xx or a reply that is not S3
        raise StorageUnavailable(f"S3 server error: {exc}") from exc
    except _NETWORK as exc:
        raise StorageUnavailable(f"S3 server unreachable: {exc}") from exc
