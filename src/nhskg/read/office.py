"""Stage 1 helper: job description documents (PDF with a text layer, Word DOCX) -> plain text.

The richest text about an NHS post is often the attached job description and person
specification, not the advert. Their facts sit in tables the extractor cannot see as tables,
so :func:`office_text` rewrites the two table shapes that matter into the lines the extractor
already reads:

* a *person specification* table (a header row with "Essential" and "Desirable" columns)
  becomes an "Essential" heading with one ``- criterion`` line per essential cell, then a
  "Desirable" heading with the desirable ones, so requirements are marked correctly. When the
  columns hold ticks or "E"/"D" marks instead of text, the row's criterion cell is listed under
  the column that is ticked;
* a *form* table of label/value pairs ("Accountable to" | "Chief Executive", "Reports to" |
  ..., "Responsible for" | ...) becomes ``Label: value`` lines, the form the extractor reads
  as a reporting line;
* any other table becomes one line per row, cells joined by ``"; "``.

Paragraphs keep their order around the tables (DOCX body order; PDF top-to-bottom per page).
A PDF with no text layer raises :class:`NoTextLayer`: an empty posting would silently hide
that the file needs OCR first. Libraries: python-docx (DOCX), pdfplumber (PDF text and tables).

**Limits.** A job description is a few pages, and both formats can hide far more than their
size on disk says (a 544 KB DOCX held a zip that took over 600 s and 1.2 GB to open), so each
document is bounded before and while it is read (``docs/limits.md``): its size on disk, a DOCX's
members as its zip directory declares them (count, size, compression ratio: checked before
anything is decompressed; Python's zipfile never inflates past a member's declared size), a
PDF's pages and decompressed streams, the text either gives, and the time it takes.
"""

from __future__ import annotations

import contextlib
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..background import time_limit
from ..errors import NoTextLayer, OfficeError

__all__ = ["OfficeError", "NoTextLayer", "office_text", "pdf_text", "docx_text", "table_lines", "OFFICE_ENDINGS"]

#: File endings this module reads (lower case).
OFFICE_ENDINGS = (".pdf", ".docx")

#: A document's size on disk.
MAX_DOCUMENT_BYTES = 50_000_000
#: A DOCX's zip members: how many, all of them uncompressed, one XML part uncompressed (Word XML
#: runs to 10-30 bytes per character of text, so 25 MB is 1-2 million characters), and the
#: compression ratio of any member over 1 MB (Word's XML compresses 5-20 times; a bomb, 1,000).
MAX_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 100_000_000
MAX_PART_BYTES = 25_000_000
MAX_RATIO = 200
#: A PDF's pages, and the bytes its compressed streams inflate to, all told.
MAX_PDF_PAGES = 200
MAX_STREAM_BYTES = 100_000_000
#: The text a document gives (as a posting's text is bounded in the readers).
MAX_TEXT_CHARS = 500_000
#: Seconds one document may take to read (pdfminer and python-docx are pure Python).
MAX_SECONDS = 60.0


_ESSENTIAL = re.compile(r"^\s*essential\b", re.IGNORECASE)
_DESIRABLE = re.compile(r"^\s*desirable\b", re.IGNORECASE)
# A cell that only marks a column: a tick, a cross, "E", "D", "Yes", a bullet.
_MARK = re.compile(r"^\s*(?:[\u2713\u2714\u2611\u2612\u221a\u2022\u25cf*xX]|E|D|Yes|Y)\s*$")
# A form label cell: short, starts with a capital letter, may end with ":".
_LABEL = re.compile(r"^[A-Z][A-Za-z /&'()-]{1,40}:?$")
_SPACES = re.compile(r"[ \t\u00a0]+")


def _clean_cell(cell: object) -> str:
    """A cell's text as lines without extra spaces; ``None`` (a merged or empty cell) is ''."""
    if cell is None:
        return ""
    lines = (_SPACES.sub(" ", line).strip() for line in str(cell).replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _cells(row: Sequence[object]) -> list[str]:
    """A row's cells, cleaned, with a merged cell's repeats (python-docx repeats it) removed."""
    cells: list[str] = []
    for raw in row:
        cell = _clean_cell(raw)
        if cells and cell and cell == cells[-1]:
            continue
        cells.append(cell)
    return cells


_BULLET = "-\u2022\u25cf\u25aa*\u2013 "


def _bullets(cell: str, wrapped: bool = False) -> Iterator[str]:
    """One ``- item`` line per item of a cell ("- " or "•" already there is not doubled).

    In a DOCX cell each line is a paragraph, so an item; in a PDF cell a line may be a long
    criterion wrapped at the cell's edge (``wrapped``), so only a bullet starts a new item.
    """
    items: list[str] = []
    for line in cell.split("\n"):
        item = line.lstrip(_BULLET).strip()
        if not item:
            continue
        if wrapped and items and line[:1] not in _BULLET:
            items[-1] = f"{items[-1]} {item}"
        else:
            items.append(item)
    for item in items:
        yield f"- {item}"


def _spec_columns(header: list[str]) -> tuple[int, int] | None:
    essential = next((i for i, c in enumerate(header) if _ESSENTIAL.match(c)), None)
    desirable = next((i for i, c in enumerate(header) if _DESIRABLE.match(c)), None)
    if essential is None or desirable is None:
        return None
    return essential, desirable


def _spec_lines(rows: list[list[str]], essential: int, desirable: int, wrapped: bool) -> list[str]:
    """A person-specification table as "Essential" and "Desirable" headed lists."""
    wanted: dict[int, list[str]] = {essential: [], desirable: []}
    for row in rows:
        criterion = next((c for i, c in enumerate(row) if c and i not in wanted and not _MARK.match(c)), "")
        for column, items in wanted.items():
            cell = row[column] if column < len(row) else ""
            if not cell:
                continue
            if _MARK.match(cell):
                if criterion:
                    items.extend(_bullets(criterion, wrapped))
            else:
                items.extend(_bullets(cell, wrapped))
    lines = ["Person specification"]
    for heading, column in (("Essential", essential), ("Desirable", desirable)):
        if wanted[column]:
            lines.append(heading)
            lines.extend(wanted[column])
    return lines if len(lines) > 1 else []


def table_lines(rows: Sequence[Sequence[object]], *, wrapped: bool = False) -> list[str]:
    """The lines a table becomes (see the module docstring); ``wrapped``: a PDF table, whose
    cells' line breaks are mostly wrapping, not new items.

    >>> table_lines([["Accountable to:", "Chief Executive"], ["Responsible for", "Medical staff"]])
    ['Accountable to: Chief Executive', 'Responsible for: Medical staff']
    >>> table_lines([["Criteria", "Essential", "Desirable"], ["Qualifications", "GMC registration", "MBA"]])
    ['Person specification', 'Essential', '- GMC registration', 'Desirable', '- MBA']
    """
    cleaned = [cells for cells in (_cells(row) for row in rows) if any(cells)]
    if not cleaned:
        return []
    for index, row in enumerate(cleaned[:3]):  # a title row may sit above the header row
        columns = _spec_columns(row)
        if columns is not None:
            before = [" ".join(c for c in r if c) for r in cleaned[:index]]
            return before + _spec_lines(cleaned[index + 1 :], *columns, wrapped)
    lines: list[str] = []
    for row in cleaned:
        filled = [c for c in row if c]
        if len(filled) == 2 and _LABEL.match(filled[0]) and "\n" not in filled[0]:
            label = filled[0].rstrip(":").strip()
            value = filled[1].replace("\n", " " if wrapped else "; ")
            lines.append(f"{label}: {value}")
        elif len(filled) == 1 and not wrapped:
            lines.extend(filled[0].split("\n"))
        else:
            lines.append("; ".join(c.replace("\n", " ") for c in filled))
    return lines


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------


def docx_text(path: Path) -> str:
    """The text of a Word document: paragraphs and tables in body order.

    List paragraphs (style "List ...", or Word numbering) become ``- item`` lines, so duty
    lists read like the bullets of an HTML advert.
    """
    try:
        import docx  # python-docx
        from docx.table import Table
    except ImportError as error:  # pragma: no cover - a runtime dependency
        raise OfficeError("reading .docx needs python-docx; pip install python-docx") from error
    _check_zip(path)
    lines: list[str] = []
    chars = 0
    with _unreadable(path, _NOT_DOCX):  # python-docx parses lazily: a bad cell fails in the walk, not at opening
        document = docx.Document(str(path))
        for block in document.iter_inner_content():
            chars += _check_chars(chars, block)
            if isinstance(block, Table):
                rows = [[cell.text for cell in row.cells] for row in block.rows]
                lines.extend(table_lines(rows))
                continue
            text = _SPACES.sub(" ", block.text).strip()
            if not text:
                continue
            style = (block.style.name if block.style is not None else "") or ""
            numbered = block._p.pPr is not None and block._p.pPr.numPr is not None
            if style.lower().startswith("list") or numbered:
                text = "- " + text.lstrip("-\u2022 ").strip()
            lines.extend(text.split("\n"))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    """The text layer of a PDF: per page, text lines and tables merged top to bottom.

    Raises :class:`NoTextLayer` when no page has any characters (a scanned document).
    """
    try:
        import pdfplumber
    except ImportError as error:  # pragma: no cover - a runtime dependency
        raise OfficeError("reading .pdf needs pdfplumber; pip install pdfplumber") from error
    lines: list[str] = []
    chars = 0
    with _unreadable(path, _NOT_PDF), _bounded_streams(), pdfplumber.open(str(path)) as pdf:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise OfficeError(f"a PDF of {len(pdf.pages):,} pages, over the {MAX_PDF_PAGES} a job description"
                              " needs; is it the right file?")
        for page in pdf.pages:
            chars += len(page.chars)
            if chars > MAX_TEXT_CHARS:
                raise OfficeError(_too_much_text(chars))
            if not page.chars:
                continue
            tables = page.find_tables()
            placed: list[tuple[float, int, list[str]]] = []
            for n, table in enumerate(tables):
                placed.append((table.bbox[1], n, table_lines(table.extract(), wrapped=True)))
            outside = page
            for table in tables:
                outside = outside.outside_bbox(table.bbox)
            for line in outside.extract_text_lines(return_chars=False):
                text = _SPACES.sub(" ", line["text"]).strip()
                if text:
                    placed.append((line["top"], -1, [text]))
            for _, _, block in sorted(placed, key=lambda item: (round(item[0], 1), item[1])):
                lines.extend(block)
    if chars == 0:
        raise NoTextLayer("no text layer: scanned PDF? run OCR first (e.g. ocrmypdf) and read the result")
    return "\n".join(lines)


def office_text(path: Path) -> str:
    """The text of a ``.pdf`` or ``.docx`` job description (see the module docstring)."""
    name = path.name.lower()
    if not name.endswith(OFFICE_ENDINGS):
        raise OfficeError(f"not a job description document; nhskg reads {', '.join(OFFICE_ENDINGS)}")
    try:
        info = path.stat()
    except OSError as error:
        raise OfficeError(_cannot_read(error)) from error
    if not stat.S_ISREG(info.st_mode):  # a FIFO listed in attachments.json: opening it would wait forever
        raise OfficeError("not a regular file (a FIFO, socket or device); it is not read")
    size = info.st_size
    if size > MAX_DOCUMENT_BYTES:
        raise OfficeError(f"too large to be a job description: {size / 1e6:,.0f} MB, over the"
                          f" {MAX_DOCUMENT_BYTES // 1_000_000} MB limit; is it the right file?")
    # pdfminer and python-docx's walk are pure Python, so the timer stops them wherever they are
    try:
        with time_limit(MAX_SECONDS, _out_of_time):
            return pdf_text(path) if name.endswith(".pdf") else docx_text(path)
    except _Stop as stop:
        raise OfficeError(str(stop)) from None


# ---------------------------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------------------------


#: What a document a library fails on is, and what to do: the library's error goes in the braces.
_NOT_DOCX = "not a readable Word .docx file ({}); save it again as .docx"
_NOT_PDF = "not a readable PDF ({}); save or export it again"


@contextlib.contextmanager
def _unreadable(path: Path, what: str) -> Iterator[None]:
    """Whatever a library raises while it opens or walks the document, as an OfficeError saying
    ``what`` (the file is named by the caller): pdfminer and python-docx raise many types for a
    damaged file (ValueError for a table cell spanning ``"abc"`` columns, KeyError, lxml and zip
    errors), and one damaged file is a problem of its own, never a crash of the build. A file
    nobody may read, or gone, is said so, as the text readers say it (not any OSError: zipfile
    seeking to a damaged offset raises EINVAL, which is the document's fault)."""
    try:
        yield
    except OfficeError:
        raise
    except _Stop as stop:
        raise OfficeError(str(stop)) from None
    except Exception as error:
        if isinstance(error, (PermissionError, FileNotFoundError)):
            raise OfficeError(_cannot_read(error)) from error
        raise OfficeError(what.format(_why(error, path))) from error


def _cannot_read(error: OSError) -> str:
    return f"cannot read the file: {error.strerror or error}"


def _why(error: Exception, path: Path) -> str:
    """A library's error as a reason; the file is named once, by the caller, not again inside."""
    return f"{type(error).__name__}: {str(error).replace(repr(str(path)), 'the file').replace(str(path), 'the file')}"


def _too_much_text(chars: int) -> str:
    return (f"more than {MAX_TEXT_CHARS:,} characters of text ({chars:,} so far), more than a job description"
            " has; is it several documents, or the wrong file?")


def _check_chars(chars: int, block: Any) -> int:
    """The characters of one DOCX block (paragraph or table); OfficeError once there are too many."""
    count = len(block.text) if hasattr(block, "text") else sum(len(c.text) for row in block.rows for c in row.cells)
    if chars + count > MAX_TEXT_CHARS:
        raise OfficeError(_too_much_text(chars + count))
    return count


def _check_zip(path: Path) -> None:
    """Refuse a DOCX whose zip directory declares more than a document holds, before inflating it."""
    with _unreadable(path, _NOT_DOCX), zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise OfficeError(f"a .docx of {len(members):,} parts, over the {MAX_MEMBERS:,} a document has; is it the right file?")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES:
        raise OfficeError(f"a .docx that unpacks to {total / 1e6:,.0f} MB, over the {MAX_UNPACKED_BYTES // 1_000_000} MB"
                          " limit; it is not opened; is it the right file?")
    for member in members:
        name = member.filename[-80:]
        if member.file_size > MAX_PART_BYTES and member.filename.lower().endswith((".xml", ".rels")):
            raise OfficeError(f"a .docx whose part {name} unpacks to {member.file_size / 1e6:,.0f} MB, over the"
                              f" {MAX_PART_BYTES // 1_000_000} MB limit; it is not opened; is it the right file?")
        if member.file_size > 1_000_000 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise OfficeError(f"a .docx whose part {name} is compressed {member.file_size // max(member.compress_size, 1):,}"
                              f" times (over {MAX_RATIO}: a zip bomb?); it is not opened")


class _Stop(BaseException):
    """Raised inside a library to stop reading; not an Exception, so that no library's own
    ``except Exception`` swallows it. :func:`office_text` turns it into an OfficeError."""


def _out_of_time() -> _Stop:
    return _Stop(f"not read within {MAX_SECONDS:g} s, the limit for one document; is it the right file?")


class _BoundedZlib:
    """What pdfminer sees as ``zlib`` while a PDF is read: the same, with the bytes its streams
    inflate to counted across the document and stopped past :data:`MAX_STREAM_BYTES`."""

    error = zlib.error

    def __init__(self) -> None:
        self.left = MAX_STREAM_BYTES

    def _take(self, data: bytes) -> bytes:
        self.left -= len(data)
        if self.left < 0:
            raise _Stop(f"its streams inflate to more than {MAX_STREAM_BYTES // 1_000_000} MB, more than a"
                               " job description holds (a compression bomb?); is it the right file?")
        return data

    def decompress(self, data: bytes, *args: Any) -> bytes:
        stream = zlib.decompressobj()
        out = self._take(stream.decompress(data, self.left + 1))
        if stream.unconsumed_tail:
            self._take(b"\0")  # more than the budget: over
        return out

    def decompressobj(self, *args: Any, **kwargs: Any) -> Any:
        inner, bounded = zlib.decompressobj(*args, **kwargs), self

        class Stream:
            def decompress(self, data: bytes, *more: Any) -> bytes:
                return bounded._take(inner.decompress(data, *more))

            def __getattr__(self, name: str) -> Any:
                return getattr(inner, name)

        return Stream()

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


@contextlib.contextmanager
def _bounded_streams() -> Iterator[None]:
    """pdfminer inflates a stream whole with ``zlib.decompress``; while a PDF is read it uses
    :class:`_BoundedZlib` instead (one reader at a time: the readers run in one thread)."""
    from pdfminer import pdftypes

    original = pdftypes.zlib
    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    try:
        yield
    finally:
        pdftypes.zlib = original
