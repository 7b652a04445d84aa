"""Attachment sniffing and file-name sanitizing, on real files built at run time."""

from __future__ import annotations

import io
import random
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from dossier import filetypes as ft
from dossier.errors import UnsupportedType
from dossier.filenames import MAX_LENGTH, sanitize_filename
from dossier.filetypes import with_extension
from dossier.i18n import MESSAGES, translate

# --- sample builders ---------------------------------------------------------------------

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="{target}" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORD_BODY = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Bonjour</w:t></w:r></w:p></w:body></w:document>"
)


def content_types(part: str, main_type: str, extra: str = "") -> str:
    """A [Content_Types].xml declaring one main part."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT_NS}">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main_type}"/>{extra}</Types>'
    )


def zip_bytes(members: dict[str, bytes | str], stored_first: str | None = None) -> bytes:
    """A zip archive of the members (one may be stored uncompressed first, as ODF wants)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if stored_first:
            zf.writestr(stored_first, members[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                zf.writestr(name, data)
    return buf.getvalue()


def docx(main: str = "application/vnd.openxmlformats-officedocument.wordprocessingml"
         ".document.main+xml", **extra: bytes) -> bytes:
    """A minimal WordprocessingML package."""
    return zip_bytes({
        "[Content_Types].xml": content_types("word/document.xml", main),
        "_rels/.rels": RELS.format(target="word/document.xml"),
        "word/document.xml": WORD_BODY,
        **{name.replace("__", "/"): data for name, data in extra.items()},
    })


def docm() -> bytes:
    """A macro-enabled Word document."""
    return docx("application/vnd.ms-word.document.macroEnabled.main+xml",
                word__vbaProject_bin=b"\xd0\xcf\x11\xe0fake vba")


def pptx() -> bytes:
    """A minimal PresentationML package."""
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    return zip_bytes({
        "[Content_Types].xml": content_types("ppt/presentation.xml", main),
        "_rels/.rels": RELS.format(target="ppt/presentation.xml"),
        "ppt/presentation.xml": "<p:presentation xmlns:p='urn:x'/>",
    })


def xlsx() -> bytes:
    """A real workbook written by openpyxl."""
    wb = openpyxl.Workbook()
    wb.active.append(["Poste", "Montant"])
    wb.active.append(["Matériel", 1234.5])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsm() -> bytes:
    """The openpyxl workbook with a VBA project added."""
    with zipfile.ZipFile(io.BytesIO(xlsx())) as src:
        members = {n: src.read(n) for n in src.namelist()}
    return zip_bytes({**members, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0fake vba"})


def odf(mime: str, **extra: bytes | str) -> bytes:
    """A minimal OpenDocument package of the given type."""
    manifest = extra.pop("manifest", (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"))
    return zip_bytes({
        "mimetype": mime,
        "META-INF/manifest.xml": manifest,
        "content.xml": '<office:document-content xmlns:office='
                       '"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        **{name.replace("__", "/"): data for name, data in extra.items()},
    }, stored_first="mimetype")


def pdf(extra_objects: tuple[bytes, ...] = (), trailer: bytes = b"") -> bytes:
    """A minimal valid one-page PDF, with correct xref offsets."""
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra_objects,
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


def encrypted_pdf() -> bytes:
    """A PDF whose trailer points to a standard security handler."""
    encrypt = (b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <%s> /U <%s> >>"
               % (b"ab" * 32, b"cd" * 32))
    return pdf((encrypt,), b"/Encrypt 4 0 R /ID [<0123456789abcdef> <0123456789abcdef>] ")


def png() -> bytes:
    """A 1x1 RGB PNG written chunk by chunk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def pillow(fmt: str) -> bytes:
    """A small image encoded by Pillow."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, fmt)
    return buf.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54) + b"This program cannot be run in DOS mode."


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    """Write a sample under a (possibly misleading) name."""
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refused(path: Path, **limits: int) -> UnsupportedType:
    """The error sniff raises, after checking that it has fr and en messages."""
    with pytest.raises(UnsupportedType) as info:
        ft.sniff(path, **limits)
    err = info.value
    assert err.status == 415
    fr, en = err.message("fr"), err.message("en")
    assert fr != en and "{" not in fr + en and err.code not in (fr, en)
    return err


# --- accepted types ------------------------------------------------------------------------

ACCEPTED: list[tuple[str, Callable[[], bytes | str], str]] = [
    ("facture.docx", pdf, ft.PDF),
    ("scan.pdf", png, ft.PNG),
    ("photo.png", lambda: pillow("JPEG"), ft.JPEG),
    ("plan.csv", xlsx, ft.XLSX),
    ("statuts.odt", docx, ft.DOCX),
    ("statuts.pdf", lambda: odf(ft.ODT), ft.ODT),
    ("budget.xlsx", lambda: odf(ft.ODS), ft.ODS),
    ("table.exe", lambda: "poste,montant\nmatériel,1200\nlogiciel,300\n", ft.CSV),
]


@pytest.mark.parametrize(("name", "build", "mime"), ACCEPTED, ids=[m for _, _, m in ACCEPTED])
def test_accepted_types_are_recognized_from_bytes(tmp_path, name, build, mime):
    assert ft.sniff(write(tmp_path, name, build())) == mime


def test_samples_are_real_files(tmp_path):
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf())).pages) == 1
    Image.open(io.BytesIO(png())).load()
    assert openpyxl.load_workbook(write(tmp_path, "a.xlsx", xlsx())).active["A2"].value


def test_pdf_written_by_pypdf_is_accepted_and_its_encrypted_twin_refused(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    plain = io.BytesIO()
    writer.write(plain)
    assert ft.sniff(write(tmp_path, "plain.pdf", plain.getvalue())) == ft.PDF
    writer.encrypt("secret", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    assert refused(write(tmp_path, "locked.pdf", locked.getvalue())).code == "pdf_encrypted"


@pytest.mark.parametrize("text", [
    "Société;Montant (€)\nÉlan;1 234,50\nZoé;12,00\n",
    "nom;montant\nA;1,5\nB;2,5\n",
    'a,b\n"deux\nlignes",2\n"x, y",3\n',
    "\ufeffnom;prénom\r\nDupont;Anne\r\n\r\nMartin;Luc\r\n",
])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_csv_in_french_and_english_shapes(tmp_path, text, encoding):
    if encoding == "cp1252":
        text = text.lstrip("\ufeff")
    assert ft.sniff(write(tmp_path, "t.txt", text.encode(encoding))) == ft.CSV


def test_long_csv_is_judged_on_its_first_lines(tmp_path):
    rows = "".join(f"ligne {i};{i},50;commentaire « {i} »\n" for i in range(20_000))
    assert ft.sniff(write(tmp_path, "big.csv", "a;b;c\n" + rows)) == ft.CSV


# --- refusals ------------------------------------------------------------------------------

REFUSED: list[tuple[str, Callable[[], bytes | str], str, str | None]] = [
    ("rapport.pdf", lambda: EXE, "unsupported_type", "application/x-msdownload"),
    ("table.csv", lambda: "<!DOCTYPE html><html><body>hi</body></html>", "unsupported_type",
     "text/html"),
    ("table.csv", lambda: "a;b\n1;<script>alert(1)</script>\n", "unsupported_type",
     "text/html"),
    ("logo.png", lambda: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
     "unsupported_type", "image/svg+xml"),
    ("logo.png", lambda: pillow("GIF"), "unsupported_type", "image/gif"),
    ("data.csv", lambda: random.Random(7).randbytes(4096), "unsupported_type", None),
    ("notes.csv", lambda: "Bonjour\nCeci est une note sans tableau\n", "unsupported_type",
     "text/plain"),
    ("deck.docx", pptx, "unsupported_type",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("app.zip", lambda: zip_bytes({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n",
                                   "A.class": b"\xca\xfe\xba\xbe"}),
     "unsupported_type", "application/java-archive"),
    ("plain.xlsx", lambda: zip_bytes({"readme.txt": "hello"}), "unsupported_type",
     "application/zip"),
    ("slides.odt", lambda: odf("application/vnd.oasis.opendocument.presentation"),
     "unsupported_type", "application/vnd.oasis.opendocument.presentation"),
    ("old.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "unsupported_type",
     None),
    ("macro.docx", docm, "macros_refused", None),
    ("macro.xlsx", xlsm, "macros_refused", None),
    ("macro.odt", lambda: odf(ft.ODT, Basic__Standard__Module1_xml="<script:module/>"),
     "macros_refused", None),
    ("locked.pdf", encrypted_pdf, "pdf_encrypted", None),
    ("locked.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200)
     + "EncryptedPackage".encode("utf-16-le"), "document_encrypted", None),
    ("locked.odt", lambda: odf(ft.ODT, manifest="<manifest:encryption-data/>"),
     "document_encrypted", None),
    ("cut.pdf", lambda: pdf()[:-200], "file_damaged", ft.PDF),
    ("cut.docx", lambda: docx()[:-100], "file_damaged", None),
    ("empty.pdf", lambda: b"", "empty_file", None),
    ("nul.csv", lambda: b"a;b\n1;\x002\n", "unsupported_type", None),
    ("utf16.csv", lambda: "a;b\n1;2\n".encode("utf-16"), "unsupported_type", None),
    ("bell.csv", lambda: "a;b\n1;\x072\n", "unsupported_type", None),
    ("ragged.csv", lambda: "a;b;c\n1;2;3\n4;5\n", "csv_invalid", None),
    ("prose.csv", lambda: "Bonjour, madame.\nJe vous écris au sujet du dossier.\n",
     "csv_invalid", None),
    ("one-line.csv", lambda: "a;b;c\n", "csv_invalid", None),
]


@pytest.mark.parametrize(("name", "build", "code", "detected"), REFUSED,
                         ids=[f"{n}-{c}" for n, _, c, _ in REFUSED])
def test_refusals_give_their_code(tmp_path, name, build, code, detected):
    err = refused(write(tmp_path, name, build()))
    assert err.code == code
    if detected is not None:
        assert err.ctx["detected"] == detected


def test_csv_error_names_the_first_ragged_line(tmp_path):
    err = refused(write(tmp_path, "r.csv", "a;b;c\n1;2;3\n\n4;5\n6;7;8\n"))
    assert err.code == "csv_invalid" and err.ctx["line"] == 4


def test_unsupported_message_lists_accepted_types(tmp_path):
    err = refused(write(tmp_path, "x.pdf", EXE))
    for label in ("PDF", "PNG", "JPEG", "XLSX", "DOCX", "ODT", "ODS", "CSV"):
        assert label in err.message("fr") and label in err.message("en")


def test_zip_bomb_of_300_mb_of_zeros_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types(
            "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml"
            ".sheet.main+xml"))
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/media/zeros.bin", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(300):
                member.write(block)
    assert path.stat().st_size < 1_000_000
    err = refused(path)
    assert err.code == "archive_too_large" and err.ctx["limit_mb"] == 200


def test_small_zip_bomb_is_refused_by_its_ratio(tmp_path):
    members = {"word__media__zeros_bin": bytes(20 << 20)}
    err = refused(write(tmp_path, "ratio.docx", docx(**members)))
    assert err.code == "archive_suspicious"


def test_limits_are_parameters(tmp_path):
    path = write(tmp_path, "ok.xlsx", xlsx())
    assert refused(path, max_unzipped=1000).code == "archive_too_large"
    assert refused(path, max_members=2).code == "archive_too_large"


def test_too_many_members_is_refused(tmp_path):
    members = {f"word__media__{i}.xml": "" for i in range(ft.MAX_MEMBERS + 1)}
    assert refused(write(tmp_path, "many.docx", docx(**members))).code == "archive_too_large"


def patch_central_directory(data: bytes, index: int, field: int, value: bytes) -> bytes:
    """Overwrite a field of the index-th central directory record."""
    start = -1
    for _ in range(index + 1):
        start = data.index(b"PK\x01\x02", start + 1)
    return data[: start + field] + value + data[start + field + len(value):]


def test_overlapping_entries_are_refused(tmp_path):
    data = docx(word__media__a_bin=b"x" * 5000)
    last = data.count(b"PK\x01\x02") - 1
    data = patch_central_directory(data, last, 42, struct.pack("<I", 0))
    assert refused(write(tmp_path, "overlap.docx", data)).code == "archive_suspicious"


def test_zip_level_encryption_is_refused(tmp_path):
    data = patch_central_directory(docx(), 0, 8, struct.pack("<H", 0x1))
    assert refused(write(tmp_path, "enc.docx", data)).code == "archive_suspicious"


def test_every_code_has_french_and_english_messages():
    ctx = {"detected": "x", "limit_mb": 1, "max_members": 2, "reason": "r", "line": 3}
    for code in ft.CODES:
        assert code in MESSAGES
        fr, en = translate(code, ctx, "fr"), translate(code, ctx, "en")
        assert fr and en and fr != en and "{" not in fr + en


def test_extension_for():
    assert ft.extension_for(ft.JPEG) == ".jpg"
    assert {ft.extension_for(m) for m in ft.ACCEPTED} >= {".pdf", ".csv", ".ods", ".docx"}
    with pytest.raises(UnsupportedType):
        ft.extension_for("image/gif")


# --- file names ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\anne\\Bilan 2023.pdf", "Bilan 2023.pdf"),
    ("  Plan   de\tfinancement\n.xlsx ", "Plan de financement .xlsx"),
    (".htaccess", "htaccess"),
    ("...", "document"),
    ("..", "document"),
    ("/", "document"),
    ("", "document"),
    (None, "document"),
    ("facture\u202egpj.exe", "facturegpj.exe"),
    ("\u2067devis\u2069.pdf", "devis.pdf"),
    ("e\u0301tude.pdf", "étude.pdf"),
    ("a\x00b\x1b.pdf", "ab.pdf"),
    ('bilan: "final" <v2>?.pdf', "bilan_ _final_ _v2__.pdf"),
    ("CON.txt", "_CON.txt"),
    ("rapport. . .", "rapport"),
])
def test_sanitize_filename_examples(raw, clean):
    assert sanitize_filename(raw) == clean


def test_sanitize_filename_caps_length_and_keeps_extension():
    name = sanitize_filename("é" * 300 + ".pdf")
    assert name.endswith(".pdf") and len(name) <= MAX_LENGTH
    assert len(name.encode()) <= 255
    assert len(sanitize_filename("x" * 500)) == MAX_LENGTH
    assert sanitize_filename("", default="pièce") == "pièce"


NASTY = st.text(st.sampled_from([
    *"ab./\\ .\t\n\r\x00\x7f\x85é:\"<>|?*",
    "\u202e", "\u2066", "\u200f", "\ufeff", "\u0301", "\ud800", "\u2028", "😀",
]))


@given(st.one_of(st.none(), st.text(), NASTY, st.text(min_size=170, max_size=400)))
def test_sanitize_filename_properties(raw):
    name = sanitize_filename(raw)
    assert name and name not in (".", "..") and not name.startswith(".")
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in name)
    assert not any(c in name for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert len(name) <= MAX_LENGTH and len(name.encode()) <= 255
    assert sanitize_filename(name) == name


@pytest.mark.parametrize(("raw", "mime", "result"), [
    ("photo.png", ft.JPEG, "photo.jpg"),
    ("photo.JPEG", ft.JPEG, "photo.JPEG"),
    ("rapport.v2", ft.PDF, "rapport.v2.pdf"),
    ("virus.exe", ft.PDF, "virus.exe.pdf"),
    (None, ft.CSV, "document.csv"),
    ("budget.xlsx", ft.ODS, "budget.ods"),
])
def test_with_extension(raw, mime, result):
    assert with_extension(raw, mime) == result


def test_with_extension_stays_within_the_cap():
    name = with_extension("a" * 400 + ".png", ft.PDF)
    assert name.endswith(".pdf") and len(name) <= MAX_LENGTH
