"""The multipart receiver: bytes written, hashed and pre-scanned in order, whatever the chunks;
nothing left in the spool folder when the body is refused, cut or abandoned."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
from starlette.requests import ClientDisconnect

from app.uploads import BATCH_BYTES, receive_upload
from dossier.errors import DomainError, TooLarge
from tests.dossier.test_filetypes import encrypted_pdf

BOUNDARY = b"receiver-boundary-42"


def body(data: bytes, *, kind_after: bool = False) -> bytes:
    """A form with a `kind` field and the file (the field before or after the file)."""
    kind = (b"--%s\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nkbis\r\n" % BOUNDARY)
    file = (b"--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n%s\r\n" % (BOUNDARY, data))
    parts = file + kind if kind_after else kind + file
    return parts + b"--%s--\r\n" % BOUNDARY


class FakeRequest:
    """What receive_upload reads of a request: headers and the body stream."""

    def __init__(self, chunks: Iterable[bytes] | AsyncIterator[bytes]) -> None:
        self.headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY.decode()}"}
        self._chunks = chunks

    async def stream(self) -> AsyncIterator[bytes]:
        if hasattr(self._chunks, "__aiter__"):
            async for chunk in self._chunks:
                yield chunk
        else:
            for chunk in self._chunks:
                yield chunk


def cut(data: bytes, sizes: Iterable[int]) -> list[bytes]:
    """The data in chunks of the given sizes, cycling, like a network delivers it."""
    sizes = list(sizes)
    chunks, start, n = [], 0, 0
    while start < len(data):
        chunks.append(data[start:start + sizes[n % len(sizes)]])
        start += sizes[n % len(sizes)]
        n += 1
    return chunks


def receive(chunks, spool: Path, max_bytes: int = 64 * 1024 * 1024):
    return asyncio.run(receive_upload(FakeRequest(chunks), max_bytes=max_bytes, spool_dir=spool))


@pytest.mark.parametrize("sizes", [[1, 7, 300], [65536], [BATCH_BYTES + 3], [5 * 1024 * 1024]])
@pytest.mark.parametrize("kind_after", [False, True])
def test_the_file_is_written_and_hashed_whole_whatever_the_chunks(tmp_path, sizes, kind_after):
    data = os.urandom(3 * BATCH_BYTES + 12345) if sizes != [1, 7, 300] else os.urandom(70_000)
    upload = receive(cut(body(data, kind_after=kind_after), sizes), tmp_path)
    try:
        assert upload.path.read_bytes() == data
        assert upload.size == len(data) and upload.prescan.size == len(data)
        assert upload.sha256 == hashlib.sha256(data).hexdigest()
        assert upload.fields == {"kind": "kbis"}
    finally:
        upload.discard()
    assert list(tmp_path.iterdir()) == []


def test_the_prescan_sees_an_encrypted_pdf_sent_in_small_chunks(tmp_path):
    upload = receive(cut(body(encrypted_pdf()), [5, 11]), tmp_path)
    try:
        assert upload.prescan.pdf_encrypted is True
    finally:
        upload.discard()


def test_the_size_cap_trips_while_reading_and_leaves_no_file(tmp_path):
    data = os.urandom(3 * BATCH_BYTES)
    with pytest.raises(TooLarge):
        receive(cut(body(data), [65536]), tmp_path, max_bytes=2 * BATCH_BYTES)
    assert list(tmp_path.iterdir()) == []


def test_a_client_gone_mid_body_leaves_no_file(tmp_path):
    def chunks():
        payload = body(os.urandom(3 * BATCH_BYTES))
        yield from cut(payload[: 2 * BATCH_BYTES], [65536])
        raise ClientDisconnect()

    with pytest.raises(DomainError) as info:
        receive(chunks(), tmp_path)
    assert info.value.code == "upload_malformed"
    assert list(tmp_path.iterdir()) == []


def test_an_abandoned_request_leaves_no_file(tmp_path):
    """Cancelled while the writer thread may still hold a batch: the spool file goes too."""
    started = asyncio.Event()

    async def chunks() -> AsyncIterator[bytes]:
        for chunk in cut(body(os.urandom(3 * BATCH_BYTES))[: 2 * BATCH_BYTES + 1000], [65536]):
            yield chunk
        started.set()
        await asyncio.sleep(60)

    async def main() -> None:
        task = asyncio.create_task(
            receive_upload(FakeRequest(chunks()), max_bytes=BATCH_BYTES * 8, spool_dir=tmp_path))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert list(tmp_path.iterdir()) == []
