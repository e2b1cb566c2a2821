"""Reading a source file's bytes as text, safely: the first thing every reader does.

Takes a path; gives its text (UTF-8, UTF-16 or cp1252, decoded stretch by stretch) or a
:class:`~nhskg.read.documents.Problem` saying why it is not read: not a regular file (a FIFO
would block the build), too large to be a posting, or not text at all. Also how a file is named
in what the readers give (:func:`_named`). Separate from the readers because every format needs
the same guards, and a file that fails them never reaches a parser. :func:`path_problem` is the
guard on a path as given (missing, a broken link, a FIFO), which the command line asks first.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import os
import re
import stat
import zlib
from pathlib import Path

from .documents import Problem


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


def _wide_encoding(head: bytes) -> str | None:
    """The encoding of text starting with ``head`` when it is a wide one: "utf-32" or "utf-16" by
    its byte order mark, "utf-16-le"/"utf-16-be" when it looks like UTF-16 without one; else None.

    >>> _wide_encoding("\ufeffChief Nurse".encode("utf-16-be")), _wide_encoding("Chief Nurse".encode("utf-16-le"))
    ('utf-16', 'utf-16-le')
    """
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return _utf16_without_bom(head) if b"\x00" in head else None


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
    sample = data[:_SNIFF_BYTES]
    wide = _wide_encoding(sample)
    if wide in ("utf-32", "utf-16"):  # by its BOM
        return data.decode(wide, errors="replace").lstrip("\ufeff")
    if b"\x00" in sample:
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


#: The endings of the files nhskg reads, longest first (``.jsonl.gz`` before ``.gz``): the keys of
#: :data:`nhskg.read.readers.READERS`, here so that every reader can name a posting after its file.
ENDINGS = (".jsonl.gz", ".json.gz", ".jsonl", ".html", ".docx", ".json", ".txt", ".htm", ".pdf")


def _stem(path: Path) -> str:
    """The file's name without its ending (``cmo.jsonl.gz`` -> ``cmo``): the id of a posting read from it."""
    name = path.name
    for suffix in ENDINGS:
        if name.lower().endswith(suffix):
            return _named(name[: -len(suffix)] or name)
    return _named(path.stem)


def path_problem(given: str | Path) -> Problem | None:
    """Why a path given to :func:`~nhskg.read.readers.read_documents` cannot be read at all
    (missing, a broken link or a loop of links, a FIFO, an empty string), as that function reports
    it; ``None`` for a folder or a regular file, whose contents may still fail to read.

    The command line asks it first, to tell "nothing given can be read" from "some of it".

    >>> print(path_problem("no/such/cmo.txt"))
    no/such/cmo.txt: no such file or directory; check the path
    >>> path_problem(".") is None
    True
    """
    source = _named(str(given))
    if not source.strip():
        return Problem(repr(source), "an empty path; give a file or a folder")  # Path("") is the working folder
    path = Path(given)
    try:
        mode = path.stat().st_mode
    except ValueError:  # a NUL byte in the name, which no file has
        return Problem(source, "no such file or directory; check the path")
    except (OSError, RuntimeError) as error:
        if isinstance(error, (FileNotFoundError, NotADirectoryError)) and not _is_link(path):
            return Problem(source, "no such file or directory; check the path")
        return Problem(source, _unreachable(path, error))
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    return Problem(source, _not_regular(mode) or "not a regular file or directory; give a file or a folder")


def _unreachable(entry: Path, error: BaseException) -> str:
    """Why a path given or listed by a folder cannot be reached (a link to nowhere, a loop of links)."""
    if _is_link(entry):
        try:
            target = os.readlink(entry)
        except OSError:
            target = "?"
        if isinstance(error, OSError) and error.errno == errno.ELOOP:
            return f"a loop of symbolic links (it points to {_named(target)}, which leads back to it); it is not read"
        return f"a broken symbolic link: its target {_named(target)} does not exist; it is not read"
    return f"cannot read it: {getattr(error, 'strerror', None) or error}"


def _is_link(entry: Path) -> bool:
    """Whether ``entry`` is a symbolic link; ``False`` when even that cannot be told (a folder on
    its way that may not be searched), which is then the error to report."""
    try:
        return entry.is_symlink()
    except OSError:
        return False
