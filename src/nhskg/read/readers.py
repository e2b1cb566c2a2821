"""Stage 1: source files (text, HTML, JSON-LD, JSON Lines, gzipped, PDF, DOCX) -> documents.

:func:`read_documents` is the stage's one function. It yields a :class:`Document` for every
posting it can read and a :class:`Problem` for every file or record it cannot, so one bad file
or one corrupt line never stops a build of thousands. Readers never print and never raise for
bad input: the caller decides what to report.

A reader is chosen by file extension (:data:`READERS`); adding a format is adding a function
and a row there.

A job description (``.pdf``/``.docx``) saved next to its advert with the same stem
(``cmo.txt`` + ``cmo.pdf``), or listed for it in an ``attachments.json`` manifest in the same
folder (``{"cmo.html": ["jd.docx"], "916223185": ["jd.pdf"]}``: keys are advert file names or
posting ids), is merged into the advert's document: text is advert + "\n" + document, and
``Document.parts`` says which file each stretch came from.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import html
import io
import json
import math
import os
import re
import stat
import zlib
from datetime import date
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ..errors import MarkupTooLarge

from .cleaning import clean_line, clean_text
from .documents import Document, Part, Problem, Structured
from .office import OFFICE_ENDINGS, OfficeError, office_text

__all__ = ["read_documents", "estimate_records", "READERS", "html_to_text", "description_text", "MarkupTooLarge"]

Result = Document | Problem
#: Given a record's fields, whether its description is wanted (see :func:`read_documents`).
TextFilter = Callable[[Structured], bool]

#: How much of a file is sniffed for NUL bytes and control characters.
_SNIFF_BYTES = 8192
#: More control characters than this share of the sniffed bytes means the file is not text.
_MAX_CONTROL_SHARE = 0.10
_CONTROL_BYTES = frozenset(range(0, 9)) | frozenset(range(14, 32)) | {127}
#: Text, HTML and JSON files are read whole into memory. A posting is a few kilobytes (the 2020
#: corpus's longest description has 13,264 characters), so a file past this is not a posting and
#: is refused before it is read; a feed this big belongs in JSON Lines, which is streamed.
_MAX_FILE_BYTES = 50_000_000
#: Extraction takes about 6 s per million characters and its graph grows with the text; a
#: "posting" longer than this (about 150 pages) is a mistake, refused rather than ground through.
_MAX_TEXT_CHARS = 500_000
#: The HTML parser's time grows with the square of the nesting depth (10,000 levels: 0.7 s;
#: 20,000: 2.3 s), so a one-megabyte page nested 100,000 deep would stall a build for minutes.
#: Real pages nest a few dozen deep; markup deeper than this is refused before it is parsed.
_MAX_HTML_DEPTH = 5_000
#: And with the number of elements (a million flat paragraphs: 0.5 s). A job page has a few
#: thousand; markup with more than this is refused before it is parsed.
_MAX_HTML_ELEMENTS = 100_000
#: A tag as the parser sees one: "<" and a name, whatever follows (an attribute may hold "<" or
#: ">": <div a="<"> is still an element).
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)")
_ELEMENT = re.compile(r"<[a-zA-Z]")
#: Elements that never hold others, or that the parser closes when a sibling opens.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr p li dt dd option tr td th".split()
)
#: Where "<x/>" closes itself. Elsewhere HTML ignores the slash: 100,000 "<div/>" nest 100,000 deep.
_FOREIGN = frozenset(("svg", "math"))
#: JSON Lines feeds are streamed, a line at a time. A record is a few kilobytes (the 2020 corpus's
#: longest line has 14,818 bytes): a line past this is one problem, skipped without being held in
#: memory. And a feed stops after this many bytes (decompressed): the 2020 corpus has 59 MB.
_MAX_LINE_BYTES = 10_000_000
_MAX_FEED_BYTES = 1_000_000_000


# ---------------------------------------------------------------------------------------------
# Bytes -> str
# ---------------------------------------------------------------------------------------------


class _NotText(ValueError):
    """The bytes are not a text file; the message says why."""


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 could not as cp1252, and go on in UTF-8 after them."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


# A file pasted together from a UTF-8 page and a cp1252 Word document has both: "£" as the byte
# 0xA3 in one paragraph, "–" as UTF-8's three bytes in the next. Decoding it all as cp1252 made
# "â€“" of every UTF-8 dash; this decodes each stretch in its own encoding.
codecs.register_error("nhskg-cp1252", _cp1252_fallback)

#: Not UTF-8, and more of its bytes past ASCII than this share: not text in any encoding a
#: posting comes in (cp1252 postings are English with the odd "£" or "–").
_MAX_HIGH_SHARE = 0.30
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")


def _utf16_without_bom(sample: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the bytes look like UTF-16 text saved without a BOM: mostly
    NUL in every other byte (the high byte of Latin text), hardly ever in the rest."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 4:
        return None
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.4 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.4 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    """Decode a text file's bytes: BOMs first, UTF-16 without one, then UTF-8, with cp1252 for
    whatever stretches are not UTF-8; bytes that are none of these are refused.

    NHS postings saved from Word or old intranets are often cp1252 ("£" is byte 0xA3), and
    Windows tools write UTF-16, with a BOM or without; a build over a folder of them must not
    crash, and must not take random bytes for a posting either.

    >>> _decode("Salary £95,000 – ".encode("utf-8") + "£105,000".encode("cp1252"))
    'Salary £95,000 – £105,000'
    >>> _decode("Chief Nurse".encode("utf-16-le"))
    'Chief Nurse'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32", errors="replace").lstrip("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff")
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        wide = _utf16_without_bom(sample)
        text = data.decode(wide, errors="replace") if wide else ""
        if not wide or "\x00" in text[: _SNIFF_BYTES // 2] or _control_share(text[: _SNIFF_BYTES // 2]) > _MAX_CONTROL_SHARE:
            raise _NotText("looks binary, not text: it has NUL bytes; is it the right file?")
        return text
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise _NotText(
            f"looks binary, not text: {controls} of its first {len(sample)} bytes are control "
            "characters; is it the right file?"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    high = len(_HIGH_BYTES.findall(sample))
    if high > _MAX_HIGH_SHARE * len(sample):
        raise _NotText(
            f"not text in any encoding a posting comes in: {high} of its first {len(sample)} bytes are"
            " neither ASCII nor UTF-8 (random or compressed data?); is it the right file?"
        )
    return data.decode("utf-8", errors="nhskg-cp1252")


def _control_share(text: str) -> float:
    return sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f\v") / max(len(text), 1)


def _decode_line(raw: bytes) -> str:
    """One line of a feed: UTF-8, with cp1252 for the stretches that are not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="nhskg-cp1252")


class _NotRegular(OSError):
    """A FIFO, socket or device where a file was expected."""


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read, or ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"{kind}, not a regular file; it is not read (nhskg never waits on a pipe or device)"


def _open_regular(path: Path) -> io.BufferedReader:
    """Open a file to read it without ever blocking: a FIFO opened for reading waits for a
    writer forever, so the file is opened non-blocking and refused unless it is regular."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        why = _not_regular(os.fstat(fd).st_mode)
        if why is not None:
            raise _NotRegular(0, why)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _too_large(size: int, how: str = "") -> str:
    return (
        f"too large to be a posting: {size / 1e6:,.0f} MB{' ' + how if how else ''}, over the"
        f" {_MAX_FILE_BYTES // 1_000_000} MB limit; give one file per posting (or a .jsonl feed)"
        " or check that it is the right file"
    )


def _read_text(path: Path, source: str) -> str | Problem:
    """The file's text, or a Problem saying why there is none."""
    try:
        info = path.stat()
        unread = _not_regular(info.st_mode)  # a FIFO would block the read below for ever
        if unread is not None:
            return Problem(source, unread)
        if info.st_size > _MAX_FILE_BYTES:
            return Problem(source, _too_large(info.st_size))
        data = path.read_bytes()
    except OSError as error:
        return Problem(source, f"cannot read the file: {error.strerror or error}")
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                data = stream.read(_MAX_FILE_BYTES + 1)  # a gzip bomb stops here
        except (OSError, EOFError, zlib.error) as error:
            return Problem(source, f"not a readable gzip file ({error}); re-compress it")
        if len(data) > _MAX_FILE_BYTES:
            return Problem(source, _too_large(len(data), "uncompressed"))
    try:
        text = _decode(data)
    except _NotText as error:
        return Problem(source, str(error))
    if not text.strip():
        return Problem(source, "empty file: there is no posting text in it")
    return text


# ---------------------------------------------------------------------------------------------
# HTML -> text
# ---------------------------------------------------------------------------------------------

#: Elements whose content is never posting text: code, and page chrome around the advert.
_DROP_SELECTOR = ", ".join(
    (
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "nav",
        "header",
        "footer",
        "button",
        "select",
        "[role=navigation]",
        "[role=banner]",
        "[role=contentinfo]",
        "[aria-hidden=true]",
        "[id*=cookie]",
        "[class*=cookie]",
    )
)
#: Elements that start and end a line of text. (``li`` starts a bullet; ``td``/``th`` are
#: cells of a line; ``tr`` ends one.)
_BLOCK_TAGS = (
    "p|div|br|hr|h[1-6]|ul|ol|dl|dt|dd|table|section|article|main|aside|blockquote|pre"
    "|address|figure|figcaption|caption|form|fieldset|details|summary|li|td|th|tr"
)
_MARKED_TAG = re.compile(r"(<(/?)(" + _BLOCK_TAGS + r")\b[^>]*>)", re.IGNORECASE)
#: Only these need a DOM pass in a description fragment; pages always get the full one.
_CODE_TAG = re.compile(r"<(?:script|style|noscript|template|svg|iframe)\b", re.IGNORECASE)
_CODE_SELECTOR = "script, style, noscript, template, svg, iframe"
# Private-use characters mark the line breaks that blocks make and the start and end of list
# items, so that the page's own newlines (mere whitespace in HTML) can be collapsed without
# losing them.
_BREAK = "\ue000"
_ITEM = "\ue001"
_ITEM_END = "\ue002"
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_ESCAPED_MARKUP = re.compile(r"&lt;/?[a-zA-Z]")


def _mark_blocks(markup: str) -> str:
    """Put break marks inside block elements' tags, before the markup is parsed.

    One C-level split over the markup and a loop over its block tags is several times
    cheaper than inserting text nodes into a parsed tree, which matters over 14,842 corpus
    descriptions. Marks go inside the element (after an opening tag, before a closing one)
    so that the parser keeps them in place; a row's break goes into its last cell, because
    text directly inside ``<tr>`` would be moved out of the table.
    """
    parts = _MARKED_TAG.split(markup)
    last_cell = -1
    for i in range(1, len(parts), 4):
        tag, closing, name = parts[i], parts[i + 1], parts[i + 2].lower()
        parts[i + 1] = parts[i + 2] = ""
        if name == "li":
            parts[i] = _ITEM_END + tag if closing else tag + _ITEM
        elif name in ("td", "th"):
            if closing:
                last_cell = i
            else:
                parts[i] = tag + " "
        elif name == "tr":
            if closing and last_cell > 0:
                parts[last_cell] = _BREAK + parts[last_cell]
            last_cell = -1
        else:
            parts[i] = _BREAK + tag if closing else tag + _BREAK
    return "".join(parts)


def _drop_chrome(tree: LexborHTMLParser) -> None:
    """Remove scripts, styles and the page chrome around the advert (nav, header, cookies)."""
    for node in tree.css(_DROP_SELECTOR):
        node.decompose()


def _marked_text(tree: LexborHTMLParser) -> str:
    """The text of a tree parsed from :func:`_mark_blocks` markup: one line per block.

    HTML source line breaks and indentation are mere whitespace, so each block's text is
    collapsed to single spaces; the marks alone make lines. An item mark starts a "- " line
    even when the item's text is inside a nested paragraph ("<li><p>Lead</p></li>"); an empty
    item leaves no bullet.
    """
    root = tree.body or tree.root
    if root is None:
        return ""
    text = root.text(deep=True, separator="")
    if _ITEM in text:
        text = text.replace(_ITEM, _BREAK + _ITEM).replace(_ITEM_END, _BREAK + _ITEM_END)
    lines: list[str] = []
    bullet = False  # an item has started and its first text is still to come
    for piece in text.split(_BREAK):
        if piece.startswith(_ITEM):
            bullet, piece = True, piece[1:]
        elif piece.startswith(_ITEM_END):
            bullet, piece = False, piece[1:]
        piece = piece.strip()
        if not piece:
            continue
        if "\n" in piece or "  " in piece or "\t" in piece or "\r" in piece:
            piece = " ".join(piece.split())
        lines.append("- " + piece if bullet else piece)
        bullet = False
    return "\n".join(lines)


def _page_text(markup: str) -> str:
    """The visible text of a whole page, without scripts and page chrome."""
    tree = LexborHTMLParser(_mark_blocks(markup))
    _drop_chrome(tree)
    return _marked_text(tree)


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment (a description), block structure kept as line breaks.

    Markup too deep or too large to parse in reasonable time raises :class:`MarkupTooLarge`.

    >>> html_to_text("<p>Lead the <b>medical</b>\\n workforce</p><ul><li>GMC</li></ul>")
    'Lead the medical workforce\\n- GMC'
    """
    refused = _too_deep(markup)
    if refused is not None:
        raise MarkupTooLarge(refused)
    tree = LexborHTMLParser(_mark_blocks(markup))
    if _CODE_TAG.search(markup):
        for node in tree.css(_CODE_SELECTOR):
            node.decompose()
    return _marked_text(tree)


def _unescape_once(text: str) -> str:
    """Undo one level of HTML escaping, leaving the markup's own entities for the parser.

    Cheaper than :func:`html.unescape` over megabytes of corpus, and equivalent here: any
    entity left over ("&amp;pound;" -> "&pound;", "&#163;") is decoded by the HTML parser
    next. Only markup escaped as numeric references ("&#60;p&#62;") would stay text.
    """
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
        .replace("&amp;", "&")
    )


def description_text(description: str) -> str:
    """A JSON-LD description as text: escaped HTML, plain HTML or plain text alike.

    The NHS Jobs feed escapes its HTML ("&lt;p&gt;Band 7&lt;/p&gt;"), so it is unescaped once
    and then stripped of tags; plain HTML is stripped; plain text only has entities decoded.

    >>> description_text("&lt;p&gt;Tom &amp;amp; Jerry&lt;/p&gt;&lt;p&gt;Band 7&lt;/p&gt;")
    'Tom & Jerry\\nBand 7'
    >>> description_text("R&amp;D lead")
    'R&D lead'
    """
    if _ESCAPED_MARKUP.search(description):
        description = _unescape_once(description)
    if _LOOKS_LIKE_HTML.search(description):
        return html_to_text(description)
    return html.unescape(description) if "&" in description else description


# ---------------------------------------------------------------------------------------------
# JSON text -> data, whatever the text holds
# ---------------------------------------------------------------------------------------------

#: How deep the fields of a record are searched for a value ("name" inside "hiringOrganization"
#: inside a list...). Real records nest three or four deep; JSON nested about 1,000 deep loads
#: but would exhaust the stack of every recursive reader after it.
_MAX_FIELD_DEPTH = 12
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _BadJson(ValueError):
    """The text is not JSON nhskg can read; the message says why, for one line of the report."""


def _load_json(text: str | bytes) -> Any:
    """``json.loads`` with its other failures said plainly: nesting that exhausts the stack
    (RecursionError, about 1,000 levels), an integer past Python's 4,300 digits (ValueError).

    A lone surrogate escaped in the text ("\\ud800", which no encoder can write out again) is
    replaced by U+FFFD, so that one stray escape does not cost the record.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise _BadJson("JSON nested too deep to read (about 1,000 levels; a posting needs a handful)") from None
    except ValueError as error:  # "Exceeds the limit (4300 digits) for integer string conversion"
        digits = re.search(r"value has (\d+) digits", str(error))
        what = f"a number of {int(digits.group(1)):,} digits" if digits else f"a value Python cannot read ({error})"
        raise _BadJson(f"{what}, which no posting has") from None
    escaped = _SURROGATE_ESCAPE.search(text if isinstance(text, str) else text.decode("latin-1"))
    return _repair_surrogates(data) if escaped else data


def _repair_surrogates(data: Any, depth: int = 0) -> Any:
    if isinstance(data, str):
        return _LONE_SURROGATE.sub("\ufffd", data)
    if depth > _MAX_FIELD_DEPTH:
        return data
    if isinstance(data, list):
        return [_repair_surrogates(item, depth + 1) for item in data]
    if isinstance(data, dict):
        return {_repair_surrogates(k, depth + 1): _repair_surrogates(v, depth + 1) for k, v in data.items()}
    return data


# ---------------------------------------------------------------------------------------------
# JSON-LD JobPosting -> Document
# ---------------------------------------------------------------------------------------------


def _excerpt(text: str, limit: int = 60) -> str:
    """A value quoted in a message, cut short: a 200,000-character "@type" is one line, not a page."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _types(record: dict[str, Any]) -> list[str]:
    value = record.get("@type", record.get("type"))
    values = value if isinstance(value, list) else [value]
    # str() of anything but a scalar could recurse through a deeply nested value
    return [str(v) if isinstance(v, (str, int, float)) else type(v).__name__ for v in values if v is not None]


def _is_job_posting(record: dict[str, Any]) -> bool:
    return any(t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting" for t in _types(record))


def _text(value: Any, depth: int = 0) -> str | None:
    """A field as one clean line, whatever JSON type it came as; ``None`` when there is none."""
    if depth > _MAX_FIELD_DEPTH:
        return None
    if isinstance(value, str):
        text = clean_line(html.unescape(value) if "&" in value else value)
        return text or None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and not math.isfinite(value) else str(value)
    if isinstance(value, dict):
        for key in ("name", "@value", "value"):
            found = _text(value.get(key), depth + 1)
            if found:
                return found
        return None
    if isinstance(value, list):
        for item in value:
            found = _text(item, depth + 1)
            if found:
                return found
    return None


def _number(value: Any, field: str = "", notes: list[str] | None = None) -> float | None:
    """A salary figure as a float: 52000, "52000", "£52,000.50"; anything else is ``None``.

    A figure too large for a float (a 400-digit integer, "1e999") is left out, with a note in
    ``notes`` naming ``field``.
    """
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.replace(",", "").replace("£", "").strip())
            except ValueError:
                return None
        else:
            return None
    except OverflowError:  # float() of an int past 1.8e308
        number = math.inf
    if math.isfinite(number):
        return number
    if notes is not None and not math.isnan(number):
        notes.append(f"{field} is not a usable amount (out of range)")
    return None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: Any, field: str = "", notes: list[str] | None = None) -> str | None:
    """The YYYY-MM-DD part of an ISO date or date-time ("2020-12-31T23:59:59+0000").

    A date that is not on the calendar ("2025-02-31") is ``None``, with a note in ``notes``:
    it must not reach the record, where it would pass for a date.
    """
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        match = _ISO_DATE.match(value.strip())
        if match:
            try:
                date.fromisoformat(match.group(0))
            except ValueError:
                if notes is not None:
                    notes.append(f"{field} {match.group(0)!r} is not a calendar date")
                return None
            return match.group(0)
    return None


def _first_dict(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) else None


def _location(value: Any) -> str | None:
    """jobLocation's locality and region ("Leeds, West Yorkshire"), else its name."""
    if isinstance(value, str):
        return _text(value)
    place = _first_dict(value)
    if place is None:
        return None
    address = place.get("address")
    if isinstance(address, str):
        return _text(address)
    address = _first_dict(address)
    if address is not None:
        parts: list[str] = []
        for key in ("addressLocality", "addressRegion"):
            part = _text(address.get(key))
            if part and part not in parts:
                parts.append(part)
        if parts:
            return ", ".join(parts)
    return _text(place.get("name"))


def _salary(record: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Structured salary fields from baseSalary (MonetaryAmount or a bare number)."""
    fields: dict[str, Any] = {}
    base = record.get("baseSalary")
    if isinstance(base, list):
        base = next((b for b in base if b is not None), None)
    currency = record.get("salaryCurrency")
    if isinstance(base, (int, float, str)) and not isinstance(base, bool):
        amount = _number(base, "baseSalary", notes)
        if amount is not None:
            fields["salary_min"] = fields["salary_max"] = amount
        elif isinstance(base, str):
            fields["salary_text"] = _text(base)
    elif isinstance(base, dict):
        currency = base.get("currency", currency)
        value = base.get("value")
        # schema.org nests a QuantitativeValue in "value"; some boards put the figures on
        # the MonetaryAmount itself, or a bare number or a text such as "VSM" in "value".
        holder, inner = (value, value.get("value")) if isinstance(value, dict) else (base, value)
        low = _number(holder.get("minValue", base.get("minValue")), "baseSalary minValue", notes)
        high = _number(holder.get("maxValue", base.get("maxValue")), "baseSalary maxValue", notes)
        amount = _number(inner, "baseSalary value", notes)
        if amount is not None and low is None and high is None:
            low = high = amount
        elif amount is None and isinstance(inner, str):
            fields["salary_text"] = _text(inner)
        fields["salary_min"], fields["salary_max"] = low, high
        unit = _text(holder.get("unitText", base.get("unitText")))
        if unit:
            fields["salary_period"] = unit.lower()
    if currency is not None:
        fields["currency"] = _text(currency)
    return fields


def _structured(record: dict[str, Any], notes: list[str]) -> Structured:
    """The record's fields; a value left out because it is unusable adds a note to ``notes``."""
    return Structured(
        title=_text(record.get("title", record.get("name"))),
        organisation=_text(record.get("hiringOrganization")),
        location=_location(record.get("jobLocation")),
        date_posted=_date(record.get("datePosted"), "datePosted", notes),
        closing_date=_date(record.get("validThrough"), "validThrough", notes),
        url=_text(record.get("url")),
        **_salary(record, notes),
    )


def _record_id(record: dict[str, Any]) -> str | None:
    """The record's own id: ``id``, else ``identifier`` (a string or a PropertyValue)."""
    for value in (record.get("id"), record.get("identifier")):
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("value", value.get("@value"))
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (str, int, float)):
            text = str(value).strip()
            if text:
                return text
    return None


def _record_document(
    record: Any,
    source: str,
    fallback_id: str,
    where: str,
    page_text: str | None = None,
    page_title: str | None = None,
    needs_text: TextFilter | None = None,
) -> Result:
    """One JSON-LD record as a Document (title line, then description), or a Problem.

    ``page_text`` and ``page_title`` stand in for a missing description and title when the
    record was embedded in an HTML page. Whatever the record holds, the answer is a Document or
    one Problem naming the record: a reader bug on one odd record must not cost the others.
    """
    try:
        return _read_record(record, source, fallback_id, where, page_text, page_title, needs_text)
    except Exception as error:
        return Problem(source, f"could not be read ({type(error).__name__}: {error}); the other records are still"
                               " read; please report it", where)


def _read_record(
    record: Any,
    source: str,
    fallback_id: str,
    where: str,
    page_text: str | None,
    page_title: str | None,
    needs_text: TextFilter | None,
) -> Result:
    if not isinstance(record, dict):
        return Problem(
            source, f"not a JSON object but a {type(record).__name__}; expected a JobPosting", where
        )
    record_id = _record_id(record)
    if not _is_job_posting(record):
        kinds = ", ".join(_excerpt(t) for t in _types(record)) or "none"
        return Problem(
            source,
            f"not a schema.org JobPosting (type '{kinds}'); only JobPosting records are read",
            record_id or where,
        )
    notes: list[str] = []
    structured = _structured(record, notes)
    if structured.title is None and page_title:
        structured = replace(structured, title=page_title)
    if needs_text is not None and structured.title and not needs_text(structured):
        # The caller will read this posting from its title and fields alone (a job board's
        # nurses and porters): cleaning its description would be most of a corpus build's time.
        return Document(record_id or fallback_id, source, structured.title, structured, notes=tuple(notes))
    raw = record.get("description")
    if isinstance(raw, list):
        raw = "\n".join(item for item in raw if isinstance(item, str))
    try:  # checked after unescaping: "&lt;div&gt;" 100,000 times is 100,000 nested divs
        body = clean_text(description_text(raw)) if isinstance(raw, str) else ""
    except MarkupTooLarge as error:
        return Problem(source, f"the description is {error}", record_id or where)
    if not body and page_text:
        body = page_text
    title = structured.title
    text = f"{title}\n{body}" if title and body else (title or body)
    if not text:
        return Problem(
            source, "the JobPosting has neither a title nor a description", record_id or where
        )
    return Document(record_id or fallback_id, source, text, structured, notes=tuple(notes))


def _graph_records(data: Any) -> list[Any]:
    """The records of a JSON-LD document: one object, a list, or an ``@graph`` (also a graph
    nested in a graph, or an ``@graph`` that is one object rather than a list).

    In a graph, nodes other than postings (the WebPage, the Organization) are context, not
    errors; a graph with no posting at all is reported through its first typed node.

    >>> [r["@type"] for r in _graph_records({"@graph": [{"@type": "WebPage"}, {"@graph": {"@type": "JobPosting"}}]})]
    ['JobPosting']
    """
    if isinstance(data, list):
        return data
    if not (isinstance(data, dict) and "@graph" in data):
        return [data]
    nodes = list(_graph_nodes(data["@graph"], 0))
    postings = [n for n in nodes if isinstance(n, dict) and _is_job_posting(n)]
    typed = [n for n in nodes if isinstance(n, dict) and _types(n)]
    return postings or (typed or nodes)[:1]


def _graph_nodes(value: Any, depth: int) -> Iterator[Any]:
    if depth > _MAX_FIELD_DEPTH:
        yield value  # reported as what it is
    elif isinstance(value, list):
        for item in value:
            yield from _graph_nodes(item, depth + 1)
    elif isinstance(value, dict) and "@graph" in value and not _is_job_posting(value):
        yield from _graph_nodes(value["@graph"], depth + 1)
    else:
        yield value


_UNDECODED = re.compile(r"[\udc80-\udcff]")


def _named(name: str) -> str:
    """A file name as text that UTF-8 can write: a byte the file system name did not decode
    (kept by Python as a lone surrogate, which no RDF store or terminal takes) as ``\\xNN``.

    >>> _named("caf\\udce9.txt")
    'caf\\\\xe9.txt'
    """
    return _UNDECODED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", name) if _UNDECODED.search(name) else name


def _source(path: Path) -> str:
    """How a file is named in documents, records and problems (see :func:`_named`)."""
    return _named(str(path))


def _stem(path: Path) -> str:
    name = path.name
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return _named(name[: -len(suffix)] or name)
    return _named(path.stem)


def _json_error(error: json.JSONDecodeError) -> str:
    return (
        f"invalid or truncated JSON at line {error.lineno}, column {error.colno}: {error.msg};"
        " fix or re-export the file"
    )


# ---------------------------------------------------------------------------------------------
# One reader per format
# ---------------------------------------------------------------------------------------------


def _read_txt(path: Path, source: str) -> Iterator[Result]:
    text = _read_text(path, source)
    if isinstance(text, Problem):
        yield text
        return
    cleaned = clean_text(text)
    if not cleaned:
        yield Problem(source, "empty file: nothing is left after removing job-board boilerplate")
        return
    yield Document(_stem(path), source, cleaned)


def _too_deep(markup: str) -> str | None:
    """Why ``markup`` would take too long to parse (too many elements, or nested too deep), or
    ``None``: a count and a linear scan of its tags, never a parse."""
    if markup.count("<") <= _MAX_HTML_DEPTH:
        return None
    if markup.count("<") > _MAX_HTML_ELEMENTS:
        elements = _ELEMENT.subn("", markup)[1]
        if elements > _MAX_HTML_ELEMENTS:
            return (
                f"HTML of {elements:,} elements, over the {_MAX_HTML_ELEMENTS:,} a page needs; it is not"
                " parsed, as parsing time grows with the elements; is it the right file?"
            )
    depth = deepest = foreign = 0
    for match in _TAG.finditer(markup):
        closing, name, rest = match.groups()
        name = name.lower()
        if name in _NOT_NESTING:
            continue
        if closing:
            depth = max(depth - 1, 0)
            foreign -= name in _FOREIGN and foreign > 0
        elif not (foreign and rest.endswith("/")):
            depth += 1
            deepest = max(deepest, depth)
            foreign += name in _FOREIGN
    if deepest <= _MAX_HTML_DEPTH:
        return None
    return (
        f"HTML nested {deepest:,} elements deep, over the {_MAX_HTML_DEPTH:,} a page needs; it is not"
        " parsed, as parsing time grows with the square of the depth; is it the right file?"
    )


def _read_html(path: Path, source: str) -> Iterator[Result]:
    markup = _read_text(path, source)
    if isinstance(markup, Problem):
        yield markup
        return
    deep = _too_deep(markup)
    if deep is not None:
        yield Problem(source, deep)
        return
    tree = LexborHTMLParser(markup)
    posting: dict[str, Any] | None = None
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = _load_json(script.text(deep=True) or "null")
        except ValueError:
            continue  # a broken analytics blob must not hide the page text
        found = [r for r in _graph_records(data) if isinstance(r, dict) and _is_job_posting(r)]
        if found:
            posting = found[0]
            break
    _drop_chrome(tree)
    page_title = None
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        page_title = _text(node.text(deep=True)) if node is not None else None
        if page_title:
            break
    page_text = clean_text(_page_text(markup))
    if posting is not None:
        yield _record_document(
            posting, source, _stem(path), "JSON-LD", page_text or None, page_title
        )
        return
    if not page_text:
        yield Problem(source, "no text after removing scripts and markup; is it a job posting?")
        return
    if page_title and page_title not in page_text:
        page_text = f"{page_title}\n{page_text}"
    yield Document(_stem(path), source, page_text, Structured(title=page_title))


def _read_json(path: Path, source: str, needs_text: TextFilter | None = None) -> Iterator[Result]:
    text = _read_text(path, source)
    if isinstance(text, Problem):
        yield text
        return
    try:
        data = _load_json(text)
    except json.JSONDecodeError as error:
        yield Problem(source, _json_error(error))
        return
    except _BadJson as error:
        yield Problem(source, f"{error}; fix or re-export the file")
        return
    records = _graph_records(data)
    if not records:
        yield Problem(source, "the JSON holds no records; expected a JobPosting object or a list")
        return
    stem = _stem(path)
    for n, record in enumerate(records, start=1):
        yield _record_document(record, source, f"{stem}-{n}", f"#{n}", needs_text=needs_text)


def _read_jsonl(path: Path, source: str, needs_text: TextFilter | None = None) -> Iterator[Result]:
    """One record per line; a corrupt or over-long line is a Problem for that line alone."""
    stem = _stem(path)
    count = 0
    try:
        with _open_feed(path) as lines:
            head = lines.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
            if b"\x00" in head:
                yield Problem(
                    source,
                    "looks binary, not text: it has NUL bytes; JSON Lines must be UTF-8 text",
                )
                return
            for n, raw, size in _bounded_lines(lines):
                where = f"line {n}"
                if raw is None:
                    count += 1
                    yield Problem(source, f"a line of {_mb(size)}, over the {_MAX_LINE_BYTES // 1_000_000} MB a record can"
                                          " have; it is skipped, the other lines are still read", where)
                    continue
                if raw is _FEED_END:
                    count += 1
                    long = f"line {n} is over the {_MAX_LINE_BYTES // 1_000_000} MB a record can have, and " if size else ""
                    yield Problem(source, f"{long}reading stopped at line {n}, after {_MAX_FEED_BYTES // 1_000_000:,} MB of"
                                          " JSON Lines (the limit for one feed); the lines before it were read")
                    break
                if not raw.strip():
                    continue
                count += 1
                line = _decode_line(raw)
                try:
                    record = _load_json(line.lstrip("\ufeff"))
                except json.JSONDecodeError as error:
                    yield Problem(
                        source,
                        f"invalid JSON at column {error.colno}: {error.msg}; the other lines"
                        " are still read",
                        where,
                    )
                    continue
                except _BadJson as error:
                    yield Problem(source, f"{error}; the other lines are still read", where)
                    continue
                yield _record_document(record, source, f"{stem}-{n}", where, needs_text=needs_text)
    except gzip.BadGzipFile as error:
        yield Problem(source, f"not a readable gzip file ({error}); re-compress it")
        return
    except OSError as error:
        yield Problem(source, f"cannot read the file: {error.strerror or error}")
        return
    except (EOFError, zlib.error) as error:
        yield Problem(source, f"the gzip stream is truncated or corrupt ({error}); re-compress it")
        return
    if count == 0:
        yield Problem(source, "empty file: there are no JSON lines in it")


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 1_000_000 else f"{size:,} bytes"


def _open_feed(path: Path) -> Any:
    """A JSON Lines file as a binary stream, decompressed when it is gzipped."""
    handle = _open_regular(path)
    return _GzipFeed(handle) if path.name.lower().endswith(".gz") else handle


class _GzipFeed(gzip.GzipFile):
    """A GzipFile that closes the file it reads when it is closed."""

    def __init__(self, handle: io.BufferedReader) -> None:
        super().__init__(fileobj=handle, mode="rb")
        self._handle = handle

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._handle.close()


#: What :func:`_bounded_lines` yields when a feed reaches :data:`_MAX_FEED_BYTES`.
_FEED_END = b"\0end"


def _bounded_lines(stream: Any) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line, its size). A line over :data:`_MAX_LINE_BYTES` comes as ``None`` with
    its size, read past in blocks, never held. Past :data:`_MAX_FEED_BYTES` in all, one last
    :data:`_FEED_END` ends the stream, its size 1 if that happened inside an over-long line."""
    total = 0
    n = 0
    while True:
        line = stream.readline(_MAX_LINE_BYTES + 1)
        if not line:
            return
        n += 1
        total += len(line)
        if total > _MAX_FEED_BYTES:
            yield n, _FEED_END, 0
            return
        if len(line) <= _MAX_LINE_BYTES or line.endswith(b"\n"):
            yield n, line, len(line)
            continue
        size = len(line)
        while True:  # the rest of an over-long line, a megabyte at a time
            block = stream.readline(1 << 20)
            size += len(block)
            total += len(block)
            if total > _MAX_FEED_BYTES:
                yield n, _FEED_END, 1
                return
            if not block or block.endswith(b"\n"):
                break
        yield n, None, size


def _read_office(path: Path, source: str) -> Iterator[Result]:
    """A job description document on its own: a posting read from the document alone."""
    try:
        text = office_text(path)
    except OfficeError as error:
        yield Problem(source, str(error))
        return
    cleaned = clean_text(text)
    if not cleaned:
        yield Problem(source, "no text in the document; is it the right file?")
        return
    yield Document(_stem(path), source, cleaned)


#: File name ending (lower case) -> reader. Longest endings are tried first.
READERS: dict[str, Callable[[Path, str], Iterator[Result]]] = {
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".json": _read_json,
    ".json.gz": _read_json,
    ".jsonl": _read_jsonl,
    ".jsonl.gz": _read_jsonl,
    ".pdf": _read_office,
    ".docx": _read_office,
}
#: The manifest naming the job description documents of adverts in its folder.
MANIFEST = "attachments.json"
_ENDINGS = sorted(READERS, key=len, reverse=True)


#: Readers of JSON-LD feeds, which can skip the description of a posting nobody needs in full.
_FEED_READERS = (_read_json, _read_jsonl)


def _reader(path: Path) -> Callable[[Path, str], Iterator[Result]] | None:
    name = path.name.lower()
    return next((READERS[e] for e in _ENDINGS if name.endswith(e)), None)


def _walk(directory: Path, seen: set[tuple[int, int]] | None = None) -> Iterator[Path | Problem]:
    """Readable files under a directory, depth first in name order, hidden entries skipped; a
    Problem for each entry that cannot be read: a folder that cannot be listed, a broken link or
    a loop of links, a FIFO, socket or device (never opened: a FIFO would block the build).

    Files of other types (a README, images) are not postings and are passed over in silence. A
    directory reached twice (a symlink back up the tree) is read once, not forever.
    """
    seen = set() if seen is None else seen
    stack: list[Iterator[Path]] = [iter([directory])]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry is not directory and (entry.name.startswith(".") or entry.name == MANIFEST):
            continue
        try:
            info = entry.stat()
        except (OSError, RuntimeError) as error:
            yield Problem(_source(entry), _unreachable(entry, error))
            continue
        if stat.S_ISDIR(info.st_mode):
            real = (info.st_dev, info.st_ino)
            if real in seen:
                continue
            seen.add(real)
            try:
                children = sorted(entry.iterdir(), key=lambda p: p.name)
            except OSError as error:
                yield Problem(_source(entry), f"cannot read the folder: {error.strerror or error}; nothing in it is read")
                continue
            stack.append(iter(children))
        elif stat.S_ISREG(info.st_mode):
            if _reader(entry) is not None:
                yield entry
        else:
            yield Problem(_source(entry), _not_regular(info.st_mode) or "not a regular file")


def _unreachable(entry: Path, error: BaseException) -> str:
    """Why an entry that a folder lists cannot be reached (a link to nowhere, a loop of links)."""
    if entry.is_symlink():
        try:
            target = os.readlink(entry)
        except OSError:
            target = "?"
        if isinstance(error, OSError) and error.errno == errno.ELOOP:
            return f"a loop of symbolic links (it points to {_named(target)}, which leads back to it); it is not read"
        return f"a broken symbolic link: its target {_named(target)} does not exist; it is not read"
    return f"cannot read it: {getattr(error, 'strerror', None) or error}"


def read_documents(paths: Iterable[str | Path], *, needs_text: TextFilter | None = None) -> Iterator[Document | Problem]:
    """Read every posting in the given files and directories, in a deterministic order.

    Directories are read recursively in name order, skipping hidden entries and files of
    other types. A named file of an unknown type, a missing path, and every unreadable file
    or record give a :class:`Problem` naming it; reading goes on with the rest.

    ``needs_text``, given a JSON-LD record's fields, says whether its description is wanted; when
    it says no, the document's text is the title alone (the extractor reads non-leadership
    postings from their title and fields, so a build need not clean thousands of descriptions).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "cmo.txt").write_text("Chief Medical Officer\\r\\nGo back\\r\\n")
    >>> [(d.id, d.text) for d in read_documents([folder])]
    [('cmo', 'Chief Medical Officer')]
    """
    files: list[tuple[Path, str]] = []
    reported: set[str] = set()  # entries already named (a FIFO a manifest also lists is named once)
    for given in paths:
        source = _named(str(given))
        path = Path(given)
        if not source.strip():
            yield Problem(repr(source), "an empty path; give a file or a folder")
        elif path.is_dir():
            for file in _walk(path):
                if isinstance(file, Problem):
                    reported.add(file.source)
                    yield file
                else:
                    files.append((file, _source(file)))
        elif path.is_file():
            files.append((path, source))
        elif path.exists():
            yield Problem(source, _not_regular(path.stat().st_mode) or "not a regular file or directory; give a file or a folder")
        elif path.is_symlink():
            try:
                path.stat()
            except (OSError, RuntimeError) as error:
                yield Problem(source, _unreachable(path, error))
        else:
            yield Problem(source, "no such file or directory; check the path")
    yield from _read_with_attachments(files, needs_text, reported)


def estimate_records(paths: Iterable[str | Path]) -> int:
    """About how many documents :func:`read_documents` will yield for ``paths``, quickly.

    For a progress bar's ETA while a large build is still reading: a JSON Lines file counts its
    lines (decompressing a ``.gz`` without parsing it: about 0.3 s for the 2020 corpus, in a
    thread, since zlib lets go of the GIL), any other file one. A JSON array or an advert merged
    with its job description makes it an estimate; unreadable files count nothing.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "feed.jsonl").write_text('{"title": "a"}\\n{"title": "b"}\\n')
    >>> _ = (folder / "cmo.txt").write_text("Chief Medical Officer")
    >>> estimate_records([folder])
    3
    """
    count = 0
    for given in paths:
        path = Path(given)
        for file in _walk(path) if path.is_dir() else [path] if path.is_file() else []:
            if isinstance(file, Problem):
                continue
            name = file.name.lower()
            if not name.endswith((".jsonl", ".jsonl.gz")):
                count += 1
                continue
            try:
                with _open_feed(file) as data:
                    for _ in range(_MAX_FEED_BYTES >> 20):  # as far as the reader will go
                        chunk = data.read(1 << 20)
                        if not chunk:
                            break
                        count += chunk.count(b"\n")
            except (OSError, EOFError, zlib.error):
                continue
    return count


def _is_office(path: Path) -> bool:
    return path.name.lower().endswith(OFFICE_ENDINGS)


def _manifest(folder: Path, cache: dict[Path, dict[str, list[str]] | Problem]) -> dict[str, list[str]] | Problem:
    """The folder's ``attachments.json`` (advert file name or posting id -> document names)."""
    if folder not in cache:
        path = folder / MANIFEST
        entries: dict[str, list[str]] | Problem = {}
        if path.is_file():
            text = _read_text(path, _source(path))
            try:
                if isinstance(text, Problem):
                    raise ValueError(text.problem)
                data = _load_json(text)
                if not isinstance(data, dict):
                    raise ValueError("expected an object of advert -> list of document file names")
                entries = {
                    str(key): [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
                    for key, value in data.items()
                }
            except ValueError as error:
                entries = Problem(_source(path), f"cannot read the attachments manifest ({error}); fix the JSON")
        cache[folder] = entries
    return cache[folder]


def _read_with_attachments(
    files: list[tuple[Path, str]], needs_text: TextFilter | None = None, reported: frozenset[str] | set[str] = frozenset()
) -> Iterator[Result]:
    """Read ``files`` in order, merging each advert with its job description documents."""
    adverts = {(path.parent, _stem(path)) for path, _ in files if not _is_office(path) and ".jsonl" not in path.name.lower()}
    manifests: dict[Path, dict[str, list[str]] | Problem] = {}
    listed: set[Path] = set()
    for path, _ in files:
        manifest = _manifest(path.parent, manifests)
        if isinstance(manifest, dict):
            listed.update((path.parent / name).resolve() for names in manifest.values() for name in names)
    for folder, manifest in sorted(manifests.items()):
        if isinstance(manifest, Problem):
            yield manifest
    for path, source in files:
        if _is_office(path) and ((path.parent, _stem(path)) in adverts or path.resolve() in listed):
            continue  # read with its advert
        if _is_office(path):
            yield from _read_file(path, source)
            continue
        manifest = manifests.get(path.parent, {})
        for result in _read_file(path, source, needs_text):
            if isinstance(result, Problem):
                yield result
                continue
            # same stem: only a one-posting file; a JSON Lines file names its records' documents
            # in the manifest, by posting id
            stems = () if ".jsonl" in path.name.lower() else OFFICE_ENDINGS
            attached = [path.with_name(_stem(path) + e) for e in stems if path.with_name(_stem(path) + e).is_file()]
            if isinstance(manifest, dict):
                for key in (path.name, result.id):
                    attached += [path.parent / name for name in manifest.get(key, ())]
            yield from _merge(result, [a for a in dict.fromkeys(attached) if _source(a) not in reported])


def _merge(advert: Document, attachments: list[Path]) -> Iterator[Result]:
    """The advert with each readable attachment appended; an unreadable one is a Problem."""
    if not attachments:
        yield advert
        return
    text = advert.text
    parts = [Part(advert.source, 0, len(text))]
    for path in attachments:
        try:
            extra = clean_text(office_text(path))
        except OfficeError as error:
            yield Problem(_source(path), f"{error} (attached to {advert.source}; the advert is read without it)")
            continue
        except OSError as error:
            yield Problem(_source(path), f"cannot read the file: {error.strerror or error}")
            continue
        if not extra:
            continue
        start = len(text) + 1
        text = f"{text}\n{extra}"
        parts.append(Part(_source(path), start, len(text)))
    yield replace(advert, text=text, parts=tuple(parts)) if len(parts) > 1 else advert


def _read_file(path: Path, source: str, needs_text: TextFilter | None = None) -> Iterator[Result]:
    reader = _reader(path)
    if reader is None:
        known = ", ".join(sorted(READERS))
        yield Problem(source, f"unknown file type; nhskg reads {known}")
        return
    results = reader(path, source, needs_text) if reader in _FEED_READERS else reader(path, source)
    read = 0
    try:
        for result in results:
            if isinstance(result, Document):
                read += 1
                record = result.id if reader in _FEED_READERS or result.id != _stem(path) else None
                if len(result.text) > _MAX_TEXT_CHARS:
                    result = Problem(
                        source,
                        f"the posting text is {len(result.text):,} characters long, over the"
                        f" {_MAX_TEXT_CHARS:,} a posting can have; is it several postings, or the wrong file?",
                        None if result.id == _stem(path) else result.id,
                    )
                elif result.notes:
                    them = "it" if len(result.notes) == 1 else "them"
                    yield Problem(source, f"{'; '.join(result.notes)}; the posting is read without {them}", record, "warning")
            yield result
    except Exception as error:  # a reader bug on one odd file must not cost the rest of the build
        after = f" after its first {read} posting(s)" if read else ""
        yield Problem(source, f"could not be read{after} ({type(error).__name__}: {error}); please report it")
