"""The PDF /Encrypt search made on the bytes as they arrive, in chunks of any size."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossier import filetypes as ft
from dossier.errors import UnsupportedType
from tests.dossier.test_filetypes import encrypted_pdf, pdf


def scan(data: bytes, cuts: list[int]) -> bool:
    """Feed `data` to an EncryptScan cut at the given offsets."""
    scanner = ft.EncryptScan()
    edges = [0, *sorted(cuts), len(data)]
    for start, end in itertools.pairwise(edges):
        scanner.feed(data[start:end])
    return scanner.found


def test_an_entry_cut_at_any_byte_is_found():
    data = encrypted_pdf()
    at = data.index(b"/Encrypt")
    for cut in range(at - 70, at + 20):
        assert scan(data, [cut]), cut
    assert scan(data, list(range(1, len(data))))  # one byte at a time


def test_a_plain_pdf_cut_anywhere_has_no_entry():
    data = pdf()
    assert not scan(data, list(range(1, len(data))))
    assert not scan(data, random.Random(1).sample(range(1, len(data)), 40))


def test_an_entry_with_long_spacing_across_a_cut_is_found():
    """Wider than the 64-byte overlap: kept whole because it is still open at the cut."""
    data = b"%PDF-1.4\n" + b"x" * 5000 + b"trailer << /Encrypt" + b" " * 600 + b"12 0 R >>"
    at = data.index(b"/Encrypt")
    for cut in (at + 9, at + 300, at + 600, at + 609, at + 611):
        assert scan(data, [cut]), cut
    assert scan(data, list(range(at, len(data), 50)))


@pytest.mark.parametrize("tail", [b"Metadata false", b"ed 1 0 R", b"X<<"])
def test_a_longer_name_is_no_entry_even_cut_after_encrypt(tail):
    data = b"%PDF-1.4\n<< /Encrypt" + tail + b" >>\n"
    at = data.index(b"/Encrypt") + len(b"/Encrypt")
    assert not scan(data, [at])
    assert not scan(data, list(range(1, len(data))))


def test_what_is_carried_between_chunks_stays_small():
    scanner = ft.EncryptScan()
    scanner.feed(b"/Encrypt " + b"1" * 100_000)  # an "entry" that never ends
    for _ in range(50):
        scanner.feed(b" " * 10_000)
        assert len(scanner._carry) <= ft.ENCRYPT_CARRY
    assert not scanner.found


TOKENS = [b"/Encrypt", b"/EncryptMetadata", b" ", b"\n", b"12", b"0", b"R", b"<<", b"<",
          b"x", b"/", b"Encr", b"ypt"]


@given(st.lists(st.sampled_from(TOKENS), max_size=60),
       st.lists(st.integers(min_value=0, max_value=400), max_size=12))
def test_chunked_search_agrees_with_one_search_over_the_whole(tokens, cuts):
    data = b"".join(tokens)
    cuts = [c for c in cuts if c < len(data)]
    assert scan(data, cuts) == bool(ft._ENCRYPT.search(data))


def feed(prescan: ft.Prescan, data: bytes, size: int = 3) -> ft.Prescan:
    for start in range(0, len(data), size):
        prescan.feed(data[start:start + size])
    return prescan


def test_prescan_knows_a_pdf_from_its_first_bytes_even_cut():
    assert feed(ft.Prescan(), encrypted_pdf(), 1).pdf_encrypted is True
    assert feed(ft.Prescan(), pdf(), 2).pdf_encrypted is False
    assert feed(ft.Prescan(), b"PK\x03\x04 /Encrypt 1 0 R").pdf_encrypted is None
    assert feed(ft.Prescan(), b"%PD").pdf_encrypted is None


@pytest.mark.parametrize(("build", "refused"), [(pdf, False), (encrypted_pdf, True)])
def test_sniff_with_a_prescan_gives_the_same_verdict(tmp_path, build, refused):
    data = build()
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    prescan = feed(ft.Prescan(), data, 1000)
    if refused:
        with pytest.raises(UnsupportedType) as info:
            ft.sniff(path, prescan=prescan)
        assert info.value.code == "pdf_encrypted"
    else:
        assert ft.sniff(path, prescan=prescan) == ft.PDF


def test_a_prescan_of_other_bytes_is_not_trusted(tmp_path):
    """A prescan that did not see the whole file (another size) is ignored: sniff rescans."""
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf())
    with pytest.raises(UnsupportedType) as info:
        ft.sniff(path, prescan=feed(ft.Prescan(), pdf()))
    assert info.value.code == "pdf_encrypted"
