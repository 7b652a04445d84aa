"""Attachment type detection from the bytes alone (never the name or the client's header)."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import filetype

from dossier.catalogue import N_
from dossier.errors import UnsupportedType
from dossier.filenames import sanitize_filename
from dossier.i18n import register

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CSV = "text/csv"

# Accepted MIME type -> canonical extension (the first one of EXTENSIONS).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    XLSX: (".xlsx",),
    DOCX: (".docx",),
    ODT: (".odt",),
    ODS: (".ods",),
    CSV: (".csv",),
}
ACCEPTED = tuple(EXTENSIONS)
_KNOWN_EXTENSIONS = frozenset(ext for exts in EXTENSIONS.values() for ext in exts)
ACCEPTED_LABEL = "PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS, CSV"

MAX_UNZIPPED = 200 * 1024 * 1024  # declared uncompressed total of an OOXML/ODF package
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # per member, only checked above RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
PDF_EOF_WINDOW = 1024  # Acrobat looks for %%EOF in the last 1024 bytes
HEAD = 64 * 1024
CSV_LINES = 20

MESSAGES = {
    "unsupported_type": N_("This file type is not accepted (detected content: {detected}). "
                           "Accepted types: PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS, CSV."),
    "empty_file": N_("The file is empty."),
    "file_damaged": N_("The file looks truncated or damaged ({detected}). Please export it "
                       "again."),
    "pdf_encrypted": N_("The PDF is encrypted or password-protected. Please send an "
                        "unprotected copy."),
    "document_encrypted": N_("The document is password-protected. Please send an "
                             "unprotected copy."),
    "macros_refused": N_("Documents containing macros are not accepted. Save it as DOCX, "
                         "XLSX, ODT or ODS without macros."),
    "archive_too_large": N_("The document is too large once decompressed (more than "
                            "{limit_mb} MB or more than {max_members} parts)."),
    "archive_suspicious": N_("The document's compressed structure is abnormal ({reason}); "
                             "it is refused."),
    "csv_invalid": N_("The CSV is not readable: it needs a ';' or ',' separator and the "
                      "same number of columns on every line (line {line})."),
}
CODES = tuple(MESSAGES)
register(MESSAGES)


def extension_for(mime: str) -> str:
    """Canonical extension (".pdf", ".jpg", ...) for an accepted MIME type."""
    try:
        return EXTENSIONS[mime][0]
    except KeyError:
        raise UnsupportedType(ctx={"detected": mime}) from None


def with_extension(name: str | None, mime: str) -> str:
    """Sanitized name ending with an extension that matches the sniffed MIME type."""
    clean = sanitize_filename(name)
    stem, dot, ext = clean.rpartition(".")
    ext = "." + ext.lower()
    if dot and stem and ext in EXTENSIONS.get(mime, ()):
        return clean
    if dot and stem and ext in _KNOWN_EXTENSIONS:
        clean = stem  # "photo.png" holding a JPEG becomes "photo.jpg"
    return sanitize_filename(clean + extension_for(mime))


def sniff(path: Path, *, max_unzipped: int = MAX_UNZIPPED, max_members: int = MAX_MEMBERS,
          max_ratio: int = MAX_RATIO, prescan: Prescan | None = None) -> str:
    """Return the accepted MIME type of the file's bytes, or raise UnsupportedType.

    `prescan`, fed every byte of the file while it was written, spares the whole-file pass.
    """
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(HEAD)
    if not head:
        raise UnsupportedType("empty_file")
    if head.startswith(b"%PDF-"):
        encrypted = None
        if prescan is not None and prescan.size == path.stat().st_size:
            encrypted = prescan.pdf_encrypted
        return _check_pdf(path, encrypted)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        if head[12:16] != b"IHDR":
            _refuse("file_damaged", "image/png")
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        if len(head) < 100:
            _refuse("file_damaged", "image/jpeg")
        return JPEG
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _check_package(path, max_unzipped=max_unzipped, max_members=max_members,
                              max_ratio=max_ratio)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if _contains(path, "EncryptedPackage".encode("utf-16-le")):
            raise UnsupportedType("document_encrypted")
        _refuse("unsupported_type", filetype.guess_mime(head) or "application/x-ole-storage")
    if _looks_like_text(head):
        return _check_csv(path, head)
    _refuse("unsupported_type", filetype.guess_mime(head) or "application/octet-stream")


def _refuse(code: str, detected: str) -> NoReturn:
    """Raise UnsupportedType with the given code and detected label."""
    raise UnsupportedType(code, {"detected": detected})


def _chunks(path: Path, size: int = 1024 * 1024, overlap: int = 64) -> Iterator[bytes]:
    """Yield the file in chunks that overlap so that short tokens are never split."""
    tail = b""
    with path.open("rb") as f:
        while block := f.read(size):
            yield tail + block
            tail = block[-overlap:]


def _contains(path: Path, token: bytes) -> bool:
    """Whether the raw bytes contain the token anywhere."""
    return any(token in chunk for chunk in _chunks(path))


# /Encrypt is only meaningful in a trailer or an xref-stream dictionary, whose value is
# an indirect reference or a dictionary; scanning the whole file covers linearized files
# and incremental updates.
_ENCRYPT = re.compile(rb"/Encrypt(?![A-Za-z0-9])\s*(?:\d+\s+\d+\s+R|<<)")
# What the end of a chunk may hold of an entry not written out yet (no backtracking blowup).
_ENCRYPT_OPEN = re.compile(rb"/Encrypt\s*(?:\d+(?:\s+(?:\d+\s*)?)?|<)?")
ENCRYPT_OVERLAP = 64  # bytes kept from one chunk to the next, so that no entry is split
ENCRYPT_CARRY = 1024  # an entry still open at a chunk's end is kept whole up to this length


class EncryptScan:
    """Search for an /Encrypt entry in bytes fed in chunks of any size, even one byte.

    It answers as one search over the whole file would for any entry up to ENCRYPT_CARRY
    bytes long (an entry is a reference or the opening of a dictionary: a few dozen bytes).
    """

    def __init__(self) -> None:
        self._carry = b""
        self.found = False

    def feed(self, data: bytes) -> None:
        """Scan the next bytes."""
        if self.found or not data:
            return
        # An entry across the seam starts in the carry and ends within ENCRYPT_CARRY bytes:
        # the seam and the new bytes are searched apart, sparing a copy of the whole chunk.
        seam = self._carry + data[:ENCRYPT_CARRY]
        if _ENCRYPT.search(seam) or _ENCRYPT.search(data):
            self.found, self._carry = True, b""
            return
        window = data if len(data) >= ENCRYPT_CARRY else seam
        keep = len(window) - ENCRYPT_OVERLAP
        start = window.rfind(b"/Encrypt", max(0, len(window) - ENCRYPT_CARRY))
        if 0 <= start < keep and _ENCRYPT_OPEN.fullmatch(window, start):
            keep = start  # "/Encrypt 12 0" at the very end: its "R" may come next
        self._carry = window[max(0, keep):]


class Prescan:
    """The whole-file pass of `sniff`, made on the bytes as they arrive (fed in order)."""

    def __init__(self) -> None:
        self.size = 0
        self._start = b""
        self._encrypt = EncryptScan()

    def feed(self, data: bytes) -> None:
        """The next bytes of the file."""
        if len(self._start) < 5:
            self._start += data[:5 - len(self._start)]
        if self._start == b"%PDF-"[:len(self._start)]:  # a PDF, or too short to tell yet
            self._encrypt.feed(data)
        self.size += len(data)

    @property
    def pdf_encrypted(self) -> bool | None:
        """Whether an /Encrypt entry was seen (None if the bytes are no PDF)."""
        return self._encrypt.found if self._start == b"%PDF-" else None


def _check_pdf(path: Path, encrypted: bool | None = None) -> str:
    """Accept a complete, unencrypted PDF; `encrypted` is a scan already made, if any."""
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - PDF_EOF_WINDOW))
        if b"%%EOF" not in f.read():
            _refuse("file_damaged", PDF)
    if encrypted is None:
        scan = EncryptScan()
        with path.open("rb") as f:
            while not scan.found and (block := f.read(1024 * 1024)):
                scan.feed(block)
        encrypted = scan.found
    if encrypted:
        raise UnsupportedType("pdf_encrypted")
    return PDF


def _decode_start(data: bytes) -> str | None:
    """Decode the start of a file as UTF-8 (BOM allowed), else Windows-1252, else None."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return codecs.getincrementaldecoder(encoding)().decode(data)
        except UnicodeDecodeError:
            continue
    return None


def _is_clean(text: str) -> bool:
    """No control characters but tab, CR and LF."""
    return not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text)


def _looks_like_text(head: bytes) -> bool:
    """Whether the first bytes read as clean text."""
    if b"\x00" in head:
        return False
    text = _decode_start(head)
    return text is not None and _is_clean(text)


def _markup_label(text: str) -> str | None:
    """MIME label when the text is markup (HTML, SVG, XML) rather than data."""
    start = text.lstrip().lower()
    if "<svg" in start[:4096]:
        return "image/svg+xml"
    if start.startswith(("<!doctype", "<html")) or any(
            tag in start for tag in ("<script", "<html", "<!doctype", "<iframe")):
        return "text/html"
    if start.startswith("<?xml"):
        return "application/xml"
    if start.startswith("<"):
        return "text/html"
    return None


def _check_csv(path: Path, head: bytes) -> str:
    """Accept clean UTF-8 or Windows-1252 text with a consistent ';' or ',' delimiter."""
    read = _read_text(path)
    if read is None:
        _refuse("unsupported_type", filetype.guess_mime(head) or "application/octet-stream")
    sample, cut = read
    if (label := _markup_label(sample)) is not None:
        _refuse("unsupported_type", label)
    sample, lines = _whole_lines(sample, cut)
    if not any(d in ln for ln in lines for d in ",;"):
        _refuse("unsupported_type", "text/plain")
    bad_lines = []
    for delimiter in _delimiters("\n".join(lines)):
        try:
            bad = _first_bad_line(sample, delimiter)
        except csv.Error:
            continue
        if bad is None:
            return CSV
        bad_lines.append(bad)
    raise UnsupportedType("csv_invalid", {"line": bad_lines[0] if bad_lines else 1})


def _whole_lines(sample: str, cut: bool) -> tuple[str, list[str]]:
    """The sample without a line cut by its end, and its first non-blank lines."""
    if cut and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    return sample, [ln for ln in sample.splitlines() if ln.strip()][:CSV_LINES]


def _first_bad_line(sample: str, delimiter: str) -> int | None:
    """None if the records form a table (two or more, of two or more fields, all as wide);
    otherwise the line to blame: the first of another width, or the one after the records."""
    records = _records(sample, delimiter)
    widths = [w for _, w in records]
    if len(widths) >= 2 and widths[0] >= 2 and len(set(widths)) == 1:
        return None
    bad = [n for n, w in records if w != widths[0]]
    return bad[0] if bad else (records[-1][0] + 1 if records else 1)


def _records(sample: str, delimiter: str) -> list[tuple[int, int]]:
    """(source line number, field count) of the first non-blank records."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    return [(reader.line_num, len(r)) for r in reader if any(r)][:CSV_LINES]


def _delimiters(sample: str) -> list[str]:
    """Candidate delimiters, csv.Sniffer's guess first (it is only a hint)."""
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        guess = ";"
    return [guess, "," if guess == ";" else ";"]


def _read_text(path: Path) -> tuple[str, bool] | None:
    """(first HEAD characters, whether the file is longer) if all of it is clean text."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        sample, cut = "", False
        try:
            with path.open("rb") as f:
                while block := f.read(1024 * 1024):
                    text = decoder.decode(block)
                    if b"\x00" in block or not _is_clean(text):
                        return None
                    if len(sample) < HEAD:
                        sample += text
                    else:
                        cut = True
                decoder.decode(b"", True)
        except UnicodeDecodeError:
            continue
        return sample[:HEAD], cut or len(sample) > HEAD
    return None


def _check_package(path: Path, *, max_unzipped: int, max_members: int, max_ratio: int) -> str:
    """Accept a DOCX, XLSX, ODT or ODS package after checking it is no zip bomb."""
    try:
        with zipfile.ZipFile(path) as zf:
            _check_zip_shape(zf.infolist(), max_unzipped, max_members, max_ratio)
            names = set(zf.namelist())
            if "mimetype" in names:
                return _check_odf(zf, names)
            if "[Content_Types].xml" in names:
                return _check_ooxml(zf, names)
            if "META-INF/MANIFEST.MF" in names:
                _refuse("unsupported_type", "application/java-archive")
            if "AndroidManifest.xml" in names:
                _refuse("unsupported_type", "application/vnd.android.package-archive")
            _refuse("unsupported_type", "application/zip")
    except UnsupportedType:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, RuntimeError,
            ValueError, OSError) as e:
        _refuse("file_damaged", f"ZIP, {type(e).__name__}")


def _suspicious(reason: str) -> NoReturn:
    """Raise archive_suspicious with a short English reason."""
    raise UnsupportedType("archive_suspicious", {"reason": reason})


def _check_zip_shape(infos: list[zipfile.ZipInfo], max_unzipped: int, max_members: int,
                     max_ratio: int) -> None:
    """Refuse zip bombs from the central directory alone, before reading any member."""
    total = sum(i.file_size for i in infos)
    if len(infos) > max_members or total > max_unzipped:
        raise UnsupportedType("archive_too_large", {
            "limit_mb": max_unzipped // (1024 * 1024), "max_members": max_members})
    if len({i.filename for i in infos}) != len(infos):
        _suspicious("duplicate names")
    for info in infos:
        if info.flag_bits & 0x1:
            _suspicious("zip-level encryption")
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(
                info.compress_size, 1):
            _suspicious(f"compression ratio above {max_ratio}:1")
    spans = sorted((i.header_offset, i.header_offset + i.compress_size) for i in infos)
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            _suspicious("overlapping entries")


def _read_member(zf: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> str:
    """At most `limit` bytes of a member, decoded leniently."""
    with zf.open(name) as f:
        data = f.read(limit)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def _check_ooxml(zf: zipfile.ZipFile, names: set[str]) -> str:
    """DOCX or XLSX with its main part declared and present, and no macros."""
    types = _read_member(zf, "[Content_Types].xml")
    lowered = {n.lower() for n in names}
    if ("macroenabled" in types.lower() or "vbaproject" in types.lower()
            or any(n.endswith("vbaproject.bin") or "/macrosheets/" in n for n in lowered)):
        raise UnsupportedType("macros_refused")
    if "word/document.xml" in names and "wordprocessingml.document.main+xml" in types:
        return DOCX
    if "xl/workbook.xml" in names and "spreadsheetml.sheet.main+xml" in types:
        return XLSX
    if "ppt/presentation.xml" in names:
        _refuse("unsupported_type",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation")
    if "template.main+xml" in types:
        _refuse("unsupported_type", "application/vnd.openxmlformats-officedocument (template)")
    _refuse("unsupported_type", "application/zip (Open XML)")


def _check_odf(zf: zipfile.ZipFile, names: set[str]) -> str:
    """ODT or ODS as named by the `mimetype` member, with content, no macros, no password."""
    declared = _read_member(zf, "mimetype", 256).strip()
    if declared not in (ODT, ODS):
        _refuse("unsupported_type", declared[:100] or "application/zip")
    if any(n.startswith(("Basic/", "Scripts/")) for n in names):
        raise UnsupportedType("macros_refused")
    if "content.xml" not in names:
        _refuse("file_damaged", declared)
    if ("META-INF/manifest.xml" in names
            and "encryption-data" in _read_member(zf, "META-INF/manifest.xml")):
        raise UnsupportedType("document_encrypted")
    return declared
