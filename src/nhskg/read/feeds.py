"""The JSON readers: a ``.json`` file of records, and JSON Lines feeds streamed a line at a time.

Takes a ``.json``, ``.jsonl`` or ``.jsonl.gz`` path; gives a document or a problem per record (or,
for a large build's workers to read, each line of a feed unread). A
feed is streamed with a byte limit per line and per feed (decompressed), so a corpus of tens of
thousands of postings never sits in memory and one bad line is one problem; :func:`count_lines`
estimates a feed's records for a progress bar without parsing them. Separate from the
record itself (:mod:`.records`) because streaming, gzip and limits are about the file, not the
posting.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .documents import Problem, Result, TextFilter, UnreadRecord
from .files import _SNIFF_BYTES, _decode_line, _open_regular, _read_text, _stem, _wide_encoding
from .records import _BadJson, _graph_records, _json_error, _load_json, _record_document


#: JSON Lines feeds are streamed, a line at a time. A record is a few kilobytes (the 2020 corpus's
#: longest line has 14,818 bytes): a line past this is one problem, skipped without being held in
#: memory. And a feed stops after this many bytes (decompressed): the 2020 corpus has 59 MB.
_MAX_LINE_BYTES = 10_000_000
_MAX_FEED_BYTES = 1_000_000_000


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
    for result in feed_lines(path, source, needs_text, defer=False):
        assert not isinstance(result, UnreadRecord)  # defer=False reads every line
        yield result


def feed_lines(path: Path, source: str, needs_text: TextFilter | None = None, *, defer: bool) -> Iterator[Result | UnreadRecord]:
    """:func:`_read_jsonl`, or with ``defer`` each line as an :class:`UnreadRecord` for another
    process to read (:func:`record_of_line`) instead of parsed here."""
    stem = _stem(path)
    count = 0
    try:
        with _open_feed(path) as lines:
            head = lines.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
            wide = _wide_encoding(head)
            if b"\x00" in head and not wide:
                yield Problem(
                    source,
                    "looks binary, not text: it has NUL bytes; JSON Lines must be UTF-8 or UTF-16 text",
                )
                return
            for n, raw, size in _bounded_lines(_Recoded(lines, wide) if wide else lines):
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
                if defer:
                    yield UnreadRecord(raw, source, f"{stem}-{n}", stem, where)
                else:
                    yield record_of_line(raw, source, f"{stem}-{n}", where, needs_text)
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


def record_of_line(raw: bytes, source: str, fallback_id: str, where: str, needs_text: TextFilter | None) -> Result:
    """One line of a feed as a document, or the problem with it; never raises, so that a line
    read in a build's worker and one read with its feed give the same answer."""
    try:
        line = _decode_line(raw)
        try:
            record = _load_json(line.lstrip("\ufeff"))
        except json.JSONDecodeError as error:
            return Problem(source, f"invalid JSON at column {error.colno}: {error.msg}; the other lines are still read", where)
        except _BadJson as error:
            return Problem(source, f"{error}; the other lines are still read", where)
        return _record_document(record, source, fallback_id, where, needs_text=needs_text)
    except Exception as error:  # a reader bug on one odd line must not cost the others
        return Problem(source, f"could not be read ({type(error).__name__}: {error}); the other records are still read;"
                               " please report it", where)


#: A gzipped feed is counted to its end only up to this much text; past it, its lines are
#: extrapolated from the compressed bytes read so far (counting ten times the 2020 corpus to the
#: end took 2 CPU seconds, on two cores that the build itself needs).
_COUNTED_BYTES = 32 << 20


def count_lines(file: Path) -> int:
    """About how many lines a JSON Lines feed has, for a progress bar (see :data:`_COUNTED_BYTES`)."""
    lines = read = 0
    with _open_feed(file) as data:
        for _ in range(_MAX_FEED_BYTES >> 20):  # as far as the reader will go
            chunk = data.read(1 << 20)
            if not chunk:
                return lines
            lines += chunk.count(b"\n")
            read += len(chunk)
            if read >= _COUNTED_BYTES and isinstance(data, _GzipFeed):
                consumed = data.compressed_read()
                whole = round(lines * file.stat().st_size / consumed) if consumed else lines
                return min(whole, lines * _MAX_FEED_BYTES // read)  # the reader stops at its limit
    return lines


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

    def compressed_read(self) -> int:
        """How many bytes of the compressed file have been read so far."""
        return self._handle.tell()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._handle.close()


class _Recoded:
    """A UTF-16 or UTF-32 feed's lines as the UTF-8 bytes the rest of the reader splits and
    parses (a UTF-16 line cannot be split at its b"\\n" bytes); ``size`` counts characters."""

    def __init__(self, stream: Any, encoding: str) -> None:
        self._text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")

    def readline(self, size: int = -1) -> bytes:
        return self._text.readline(size).encode("utf-8")


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
