"""Stage 1: source files (text, HTML, JSON-LD, JSON Lines, gzipped, PDF, DOCX) -> documents.

:func:`read_documents` is the stage's one function. It yields a :class:`Document` for every
posting it can read and a :class:`Problem` for every file or record it cannot, so one bad file
or one corrupt line never stops a build of thousands. Readers never print and never raise for
bad input: the caller decides what to report.

A reader is chosen by file extension (:data:`READERS`); adding a format is adding a function
and a row there, and its ending to :data:`nhskg.read.files.ENDINGS`. Plain text, HTML pages and
job description documents are read here; the guards every file passes first are in
:mod:`.files`, HTML's text in :mod:`.markup`, a JobPosting record in :mod:`.records` and the
JSON and JSON Lines files in :mod:`.feeds`.

A job description (``.pdf``/``.docx``) saved next to its advert with the same stem
(``cmo.txt`` + ``cmo.pdf``), or listed for it in an ``attachments.json`` manifest in the same
folder (``{"cmo.html": ["jd.docx"], "916223185": ["jd.pdf"]}``: keys are advert file names or
posting ids), is merged into the advert's document: text is advert + "\n" + document, and
``Document.parts`` says which file each stretch came from. When the advert gives no posting (empty,
binary, unreadable), its documents are read on their own, as if it were not there, and the
advert's problem names them; so are the documents a manifest lists for an advert that no file read
gives (missing from the folder, or not among the paths read), after a problem naming the manifest
and the advert.
"""

from __future__ import annotations

import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, overload

from selectolax.lexbor import LexborHTMLParser

from .cleaning import clean_text
from .documents import Document, Part, Problem, Result, Structured, TextFilter, UnreadRecord
from .feeds import _read_json, _read_jsonl, count_lines, feed_lines, record_of_line
from .files import _MAX_TEXT_CHARS, _named, _not_regular, _read_text, _source, _stem, _unreachable, path_problem
from .markup import _drop_chrome, _page_text, _too_deep
from .office import OFFICE_ENDINGS, OfficeError, office_text
from .records import _graph_records, _is_job_posting, _load_json, _record_document, _text

__all__ = ["read_documents", "read_record", "estimate_records", "READERS"]


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


@overload
def read_documents(
    paths: Iterable[str | Path], *, needs_text: TextFilter | None = None, defer_records: Literal[False] = False
) -> Iterator[Document | Problem]: ...


@overload
def read_documents(
    paths: Iterable[str | Path], *, needs_text: TextFilter | None = None, defer_records: bool
) -> Iterator[Document | Problem | UnreadRecord]: ...


def read_documents(
    paths: Iterable[str | Path], *, needs_text: TextFilter | None = None, defer_records: bool = False
) -> Iterator[Document | Problem | UnreadRecord]:
    """Read every posting in the given files and directories, in a deterministic order.

    Directories are read recursively in name order, skipping hidden entries and files of
    other types. A named file of an unknown type, a missing path, and every unreadable file
    or record give a :class:`Problem` naming it; reading goes on with the rest.

    ``needs_text``, given a JSON-LD record's fields, says whether its description is wanted; when
    it says no, the document's text is the title alone (the extractor reads non-leadership
    postings from their title and fields, so a build need not clean thousands of descriptions).

    ``defer_records``: the lines of JSON Lines feeds come unread, as :class:`UnreadRecord`, for
    the caller to read with :func:`read_record` (a large build's workers, in parallel).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "cmo.txt").write_text("Chief Medical Officer\\r\\nGo back\\r\\n")
    >>> [(d.id, d.text) for d in read_documents([folder])]
    [('cmo', 'Chief Medical Officer')]
    """
    files: list[tuple[Path, str]] = []
    reported: set[str] = set()  # entries already named (a FIFO a manifest also lists is named once)
    for given in paths:
        path = Path(given)
        problem = path_problem(given)
        if problem is not None:
            yield problem
        elif path.is_dir():
            for file in _walk(path):
                if isinstance(file, Problem):
                    reported.add(file.source)
                    yield file
                else:
                    files.append((file, _source(file)))
        else:
            files.append((path, _named(str(given))))
    yield from _read_with_attachments(files, needs_text, reported, defer_records)


def estimate_records(paths: Iterable[str | Path]) -> int:
    """About how many documents :func:`read_documents` will yield for ``paths``, quickly.

    For a progress bar's ETA while a large build is still reading: a JSON Lines file counts its
    lines (decompressing a ``.gz`` without parsing it, in a thread, since zlib lets go of the GIL;
    past its first 32 MB of text, extrapolated from the share of the compressed file read: 14,649
    for the 2020 corpus's 14,842), any other file one. A JSON array or an advert merged with its
    job description makes it an estimate; unreadable files count nothing.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "feed.jsonl").write_text('{"title": "a"}\\n{"title": "b"}\\n')
    >>> _ = (folder / "cmo.txt").write_text("Chief Medical Officer")
    >>> estimate_records([folder])
    3
    """
    count = 0
    for given in paths:
        if path_problem(given) is not None:
            continue  # counts nothing (and "" is not the working folder)
        path = Path(given)
        for file in _walk(path) if path.is_dir() else [path]:
            if isinstance(file, Problem):
                continue
            name = file.name.lower()
            if not name.endswith((".jsonl", ".jsonl.gz")):
                count += 1
                continue
            try:
                count += count_lines(file)
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
    files: list[tuple[Path, str]], needs_text: TextFilter | None = None, reported: frozenset[str] | set[str] = frozenset(),
    defer: bool = False,
) -> Iterator[Result | UnreadRecord]:
    """Read ``files`` in order, merging each advert with its job description documents (so a
    feed's lines are left unread only where no manifest can attach a document to them)."""
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
    waiting: dict[Path, Path] = {}  # documents left for their advert to read, by where they are
    taken: set[Path] = set()  # documents an advert read took (merged, or read on their own for it)
    for path, source in files:
        if _is_office(path) and ((path.parent, _stem(path)) in adverts or path.resolve() in listed):
            waiting.setdefault(path.resolve(), path)
            continue  # read with its advert
        if _is_office(path):
            yield from _read_file(path, source)
            continue
        manifest = manifests.get(path.parent, {})
        entries = manifest if isinstance(manifest, dict) else {}
        # same stem: only a one-posting file; a JSON Lines file names its records' documents
        # in the manifest, by posting id
        stems = () if ".jsonl" in path.name.lower() else OFFICE_ENDINGS
        beside = [path.with_name(_stem(path) + e) for e in stems if path.with_name(_stem(path) + e).is_file()]

        def attachments(posting: str) -> list[Path]:
            found = beside + [path.parent / name for key in (path.name, posting) for name in entries.get(key, ())]
            return [a for a in dict.fromkeys(found) if _source(a) not in reported]

        # Until the file gives a posting its problems are held back: should it give none, its
        # documents are read on their own, as if it were not there, and its last problem says so.
        alone = attachments(_stem(path))
        held: list[Problem] | None = [] if alone else None
        for result in _read_file(path, source, needs_text, defer and not entries):
            if isinstance(result, Problem) and held is not None:
                held.append(result)
                continue
            yield from held or ()
            held = None
            if isinstance(result, Document):
                merged = attachments(result.id)
                taken.update(a.resolve() for a in merged)
                yield from _merge(result, merged)
            else:
                yield result
        if held is not None:
            taken.update(a.resolve() for a in alone)
            yield from _read_alone(held, alone)
    # A document no advert took was listed for one that is missing or not read: it must not vanish.
    unread = {where: path for where, path in waiting.items() if where not in taken}
    for folder, manifest in sorted(manifests.items()) if unread else ():
        for key, names in manifest.items() if isinstance(manifest, dict) else ():
            documents = [unread.pop(where) for where in dict.fromkeys((folder / name).resolve() for name in names)
                         if where in unread]
            if documents:
                yield from _read_alone([Problem(_source(folder / MANIFEST), _advert_not_read(folder, key, len(documents)))],
                                       documents)


def _advert_not_read(folder: Path, key: str, documents: int) -> str:
    """Why the advert a manifest names by ``key`` (a file name or a posting id) gave no posting to
    attach ``documents`` job descriptions to: it is not among the paths read, or it is missing."""
    listed = "a job description" if documents == 1 else "job descriptions"
    names = [key, *(key + ending for ending in _ENDINGS if ending not in OFFICE_ENDINGS)]
    there = next((folder / name for name in names if (folder / name).is_file()), None)
    if there is not None:
        return f"lists {listed} for {_source(there)}, which is not among the paths read; give its folder, or it with them"
    return (f"lists {listed} for '{key}', an advert that is missing: no file of that name is in {_source(folder)}"
            " and no posting of that id was read; correct the name (or id) in the manifest, or remove the entry")


def _checked(document: Document, source: str, stem: str, *, feed: bool) -> Iterator[Result]:
    """The document, or the problem that it is too long; after a warning naming the values left out of it."""
    record = document.id if feed or document.id != stem else None
    if len(document.text) > _MAX_TEXT_CHARS:
        yield Problem(
            source,
            f"the posting text is {len(document.text):,} characters long, over the"
            f" {_MAX_TEXT_CHARS:,} a posting can have; is it several postings, or the wrong file?",
            None if document.id == stem else document.id,
        )
        return
    if document.notes:
        them = "it" if len(document.notes) == 1 else "them"
        yield Problem(source, f"{'; '.join(document.notes)}; the posting is read without {them}", record, "warning")
    yield document


def read_record(unread: UnreadRecord, needs_text: TextFilter | None = None) -> list[Result]:
    """What reading ``unread`` (a line of a feed that :func:`read_documents` left unread) gives,
    just as if it had been read with its feed: the document, with a warning before it when a
    value was left out, or the problem. Never raises: a reader bug is that record's problem."""
    result = record_of_line(unread.line, unread.source, unread.fallback_id, unread.where, needs_text)
    return [result] if isinstance(result, Problem) else list(_checked(result, unread.source, unread.stem, feed=True))


def _read_alone(problems: list[Problem], documents: list[Path]) -> Iterator[Result | UnreadRecord]:
    """The problems of an advert that gave no posting, the last saying that its job description
    documents are read on their own instead; then those documents, each as a posting."""
    names = ", ".join(_source(d) for d in documents)
    said = (f"its job description {names} is read on its own instead" if len(documents) == 1
            else f"its job descriptions {names} are read on their own instead")
    yield from problems[:-1]
    yield from (replace(last, problem=f"{last.problem} ({said})") for last in problems[-1:])
    for document in documents:
        yield from _read_file(document, _source(document))


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
        if not extra:
            continue
        start = len(text) + 1
        text = f"{text}\n{extra}"
        parts.append(Part(_source(path), start, len(text)))
    yield replace(advert, text=text, parts=tuple(parts)) if len(parts) > 1 else advert


def _read_file(path: Path, source: str, needs_text: TextFilter | None = None, defer: bool = False) -> Iterator[Result | UnreadRecord]:
    reader = _reader(path)
    if reader is None:
        known = ", ".join(sorted(READERS))
        yield Problem(source, f"unknown file type; nhskg reads {known}")
        return
    if reader is _read_jsonl:
        results: Iterable[Result | UnreadRecord] = feed_lines(path, source, needs_text, defer=defer)
    else:
        results = reader(path, source, needs_text) if reader in _FEED_READERS else reader(path, source)
    read = 0
    try:
        for result in results:
            if isinstance(result, Document):
                read += 1
                yield from _checked(result, source, _stem(path), feed=reader in _FEED_READERS)
            else:
                read += isinstance(result, UnreadRecord)
                yield result
    except Exception as error:  # a reader bug on one odd file must not cost the rest of the build
        after = f" after its first {read} posting(s)" if read else ""
        yield Problem(source, f"could not be read{after} ({type(error).__name__}: {error}); please report it")
