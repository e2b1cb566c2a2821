"""Stage 3 composer: source files -> documents -> postings -> quads -> the store, with a report.

It only chains the stages (``readers.read_documents``, ``extract.extract_posting``,
``rdfgraph.posting_quads``, ``store.GraphStore.writer``, ``validate.validate``). One bad file or
record never costs the rest: it becomes a :class:`~nhskg.documents.Problem` in the report,
unless ``strict`` asks for the build to fail, in which case the previous store stays live.

A build updates the store: postings it reads replace their named graphs, postings it does not
read stay as they were (``fresh=True`` starts from an empty store instead). So building the same
inputs twice is idempotent, and building one new file adds only that posting's statements.

Why a rebuild costs little: each posting graph is stored with the digest of the document it was
made from and of everything else its graph depends on (:func:`fingerprint`: this nhskg's version
and source, the ontology and vocabulary files, ``--base``, ``--all-postings-full``). A document
whose digest the store holds is not extracted again, so building an unchanged corpus costs little
more than reading it, and a vocabulary change makes every posting extracted anew.
"""

from __future__ import annotations

import collections
import concurrent.futures
import hashlib
import itertools
import multiprocessing
import multiprocessing.pool
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .documents import Document, Problem
from .errors import InputError, NhskgError
from .namespaces import DEFAULT_BASE
from .paths import ontology_dir, vocabulary_dir
from .postings import Posting, with_sources
from .rdfgraph import PostingGraph, check_base, posting_graph
from .store import GraphStore, GraphWriter
from .validate import ValidationReport, validate as validate_graph
from .vocab import Vocabulary, load_vocabulary

__all__ = ["BuildReport", "build", "build_postings", "Progress", "Held", "fingerprint", "document_digest"]

#: ``progress(done, total)``: called after each document. A large build writes as it reads, so
#: until its reader reaches the end ``total`` is an estimate (a count of the input's lines), or
#: None for the moment it takes to make one. The library never prints.
Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    store: str
    postings_read: int
    postings_written: int
    problems: tuple[Problem, ...]
    triples: int
    seconds: float
    validation: ValidationReport | None
    #: Postings read whose graph the store held already, made from the same input: not written.
    postings_unchanged: int = 0

    @property
    def ok(self) -> bool:
        """Nothing skipped and the graph conforms (or was not validated)."""
        return not self.problems and (self.validation is None or self.validation.conforms)

    def summary(self) -> str:
        lines = [
            f"{self.postings_read} posting(s) read, {self.postings_written} written, "
            f"{len(self.problems)} skipped; {self.triples} triples in {self.store}; {self.seconds:.1f} s"
            + (f"; {self.postings_unchanged} unchanged since the last build" if self.postings_unchanged else "")
        ]
        lines += [f"  skipped {problem}" for problem in self.problems]
        if self.validation is not None:
            lines.append(self.validation.summary())
        return "\n".join(lines)


def fingerprint(vocab: Vocabulary, base: str = DEFAULT_BASE, full: bool | None = None) -> str:
    """A digest of what a posting's graph depends on besides its document: this nhskg (its
    version and the source of its modules, the extractor's among them), the vocabulary, the
    ontology and shapes files, ``base`` and ``full``.

    >>> from nhskg.vocab import load_vocabulary
    >>> vocab = load_vocabulary()
    >>> fingerprint(vocab) == fingerprint(vocab) != fingerprint(vocab, full=True)
    True
    """
    from . import __version__

    digest = hashlib.blake2b(f"nhskg {__version__}\0{base}\0{full}\0".encode("utf-8"), digest_size=16)
    files = [*sorted(Path(__file__).parent.glob("*.py")), *map(Path, vocab.graph_files), *sorted(ontology_dir().glob("*.ttl"))]
    for file in files:
        try:
            digest.update(file.name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
        except OSError:  # unreadable: the digest still differs from any made while it was readable
            digest.update(file.name.encode("utf-8") + b"\0?\0")
    return digest.hexdigest()


def document_digest(document: Document, fingerprint: str) -> str:
    """The digest a posting graph made from ``document`` is stored with: of every field of the
    document (its id, source, text, structured fields and parts) and of ``fingerprint``."""
    return hashlib.blake2b(f"{fingerprint}\0{document!r}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _content_digest(nquads: bytes) -> str:
    """The digest of a graph given as N-Quads rather than made from a document here: its content."""
    return "q" + hashlib.blake2b(nquads, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Held:
    """A document whose graph the store already holds, made from the same input by the same
    extractor and vocabulary (its digest is in the store): a build does not extract it again."""

    document: Document
    digest: str

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def source(self) -> str:
        return self.document.source


def _unless_held(documents: Iterable[Document | Problem], held: frozenset[str], fingerprint: str) -> Iterator[Document | Problem | Held]:
    """``documents``, each one whose digest is in ``held`` marked as such instead."""
    for document in documents:
        if held and isinstance(document, Document):
            digest = document_digest(document, fingerprint)
            if digest in held:
                yield Held(document, digest)
                continue
        yield document


def check_unique_id(posting: Posting | PostingGraph | Held, seen: dict[str, str]) -> None:
    """Graph IRIs derive from posting ids, so a second posting with an id already read in this
    build would silently replace the first: raise instead (``seen`` maps id -> source)."""
    if posting.id in seen:
        raise InputError(
            posting.source, f"posting id '{posting.id}' was already read from {seen[posting.id]}; ids must be unique", posting.id
        )
    seen[posting.id] = posting.source


def _extract(
    documents: Sequence[Document | Problem], vocab: Vocabulary, full: bool | None = None
) -> Iterable[Posting | Problem]:
    from .extract import extract_posting  # the extractor is another stage; import when used

    for document in documents:
        if isinstance(document, Problem):
            yield document
            continue
        try:
            yield with_sources(extract_posting(document, vocab, full=full), document.parts)
        except NhskgError as error:
            yield Problem(document.source, str(error), document.id)


def _graphs(
    documents: Sequence[Document | Problem | Held], vocab: Vocabulary, base: str, full: bool | None,
    fingerprint: str | None = None,
) -> Iterable[PostingGraph | Problem | Held]:
    """Documents all the way to N-Quads, each with its digest: what each worker of a large build
    does. Problems and documents the store holds already pass through."""
    for document in documents:
        if not isinstance(document, Document):
            yield document
            continue
        for item in _extract([document], vocab, full):
            if isinstance(item, Problem):
                yield item
                continue
            try:
                graph = posting_graph(item, vocab, base, full=full)
            except NhskgError as error:
                yield Problem(item.source, str(error), item.id)
            else:
                yield graph if fingerprint is None else replace(graph, digest=document_digest(document, fingerprint))


#: Extract in a pool of worker processes when a build reads at least this many documents
#: (one process per core). Below it, starting the workers costs more than it saves.
PARALLEL_OVER = 2000

_WORKER: tuple[Vocabulary, str, bool | None, str | None] | None = None


def _init_worker(vocab: Vocabulary, base: str, full: bool | None, fingerprint: str | None = None) -> None:
    global _WORKER
    _WORKER = (vocab, base, full, fingerprint)


def _graphs_of_chunk(chunk: list[Document | Problem | Held]) -> list[PostingGraph | Problem | Held]:
    assert _WORKER is not None, "_init_worker was not called"
    return list(_graphs(chunk, *_WORKER))


def _chunks(items: Iterable[Document | Problem | Held], size: int) -> Iterable[list[Document | Problem | Held]]:
    chunk: list[Document | Problem | Held] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build_postings(
    items: Iterable[Posting | PostingGraph | Problem | Held],
    store_dir: Path | str,
    *,
    vocab: Vocabulary | None = None,
    base: str = DEFAULT_BASE,
    full: bool | None = None,
    strict: bool = False,
    validate: bool = True,
    fresh: bool = False,
    progress: Progress | None = None,
    total: int = 0,
) -> BuildReport:
    """Write already extracted postings (and the problems met on the way) into the store.

    ``items`` may also hold postings already turned into N-Quads (:class:`PostingGraph`), as a
    large build's workers return them, and documents the store holds already (:class:`Held`). A
    posting whose graph the store holds with the same content is not written again.
    """
    return _write(items, store_dir, vocab=vocab, base=base, full=full, strict=strict, validate=validate,
                  fresh=fresh, progress=progress, total_of=lambda: total)


def _write(
    items: Iterable[Posting | PostingGraph | Problem | Held],
    store_dir: Path | str,
    *,
    vocab: Vocabulary | None,
    base: str,
    full: bool | None,
    strict: bool,
    validate: bool,
    fresh: bool,
    progress: Progress | None,
    total_of: Callable[[], int | None],
    pool: "multiprocessing.pool.Pool | None" = None,
) -> BuildReport:
    started = time.perf_counter()
    vocab = vocab or load_vocabulary(vocabulary_dir())
    check_base(base)
    problems: list[Problem] = []
    read = written = unchanged = 0
    seen: dict[str, str] = {}
    with GraphStore.writer(store_dir, base=base, fresh=fresh) as writer:
        writer.load_ontology()  # first: it then loads in the background with the first batch
        for done, item in enumerate(items, start=1):
            total = total_of()
            if total:
                writer.expect(total)  # a rebuild of the whole store or an addition to it
            if isinstance(item, Problem):
                problems.append(item)
            else:
                read += 1
                try:
                    check_unique_id(item, seen)
                    graph = _graph_to_write(item, writer, vocab, base, full)
                except NhskgError as error:
                    problems.append(Problem(item.source, str(error), item.id))
                else:
                    if graph is None:
                        unchanged += 1
                    elif isinstance(graph, Problem):
                        problems.append(graph)
                    else:
                        writer.replace_posting(graph.id, graph.nquads, digest=graph.digest)
                        written += 1
            if strict and problems:
                raise InputError(problems[0].source, f"{problems[0].problem} (--strict: the store was left unchanged)", problems[0].record)
            if progress is not None:
                progress(done, None if total is None else max(total, done))
    # What changed is validated (with what its constraints reach); a fresh store is all change.
    changed = None if writer.live is None else writer.written
    store = GraphStore.open(store_dir)
    try:
        # Counting runs in Oxigraph, without the GIL: it overlaps the validation (Python).
        with concurrent.futures.ThreadPoolExecutor(1) as counter:
            counted = counter.submit(store.triple_count)
            report = validate_graph(store, graphs=changed, pool=pool) if validate else None
            triples = counted.result()
    finally:
        store.close()
    return BuildReport(str(store_dir), read, written, tuple(problems), triples, time.perf_counter() - started, report,
                       postings_unchanged=unchanged)


def _graph_to_write(
    item: Posting | PostingGraph | Held, writer: GraphWriter, vocab: Vocabulary, base: str, full: bool | None
) -> PostingGraph | Problem | None:
    """The graph to write for ``item``, or None when the store holds it already."""
    if isinstance(item, Held):
        if writer.unchanged(item.digest):
            return None
        # Another build changed the store after this one looked: make the graph after all.
        made = next(iter(_graphs([item.document], vocab, base, full)))
        return made if isinstance(made, Problem) else replace(made, digest=item.digest)  # type: ignore[type-var]
    graph = item if isinstance(item, PostingGraph) else posting_graph(item, vocab, base, full=full)
    if graph.digest is None:  # not made from a document here: known by its content
        graph = replace(graph, digest=_content_digest(graph.nquads))
        if writer.unchanged(graph.digest):  # type: ignore[arg-type]
            return None
    return graph


def build(
    paths: Sequence[Path | str],
    store_dir: Path | str,
    *,
    base: str = DEFAULT_BASE,
    full: bool | None = None,
    strict: bool = False,
    validate: bool = True,
    fresh: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> BuildReport:
    """Read ``paths``, extract every posting, and write them into the store at ``store_dir``.

    ``full`` chooses the modelling (see :mod:`nhskg.rdfgraph`); ``strict`` fails on the first
    skipped file or record, leaving the previous store live; ``validate`` runs the SHACL shapes
    over the result (the report says whether it conforms; it does not raise). ``workers``
    extracting processes (default: one per core) are used for builds of at least
    :data:`PARALLEL_OVER` documents.
    """
    from .readers import read_documents  # the readers are another stage; import when used

    from .extract import text_wanted

    vocab = load_vocabulary(vocabulary_dir())
    check_base(base)
    version = fingerprint(vocab, base, full)
    # Documents the store holds already (same digest) are marked, not extracted; the writer
    # checks each again under its lock.
    held = frozenset() if fresh else GraphStore.digests(store_dir)
    documents = _unless_held(read_documents([Path(p) for p in paths], needs_text=text_wanted(vocab, full)), held, version)
    workers = min(os.cpu_count() or 1, 8) if workers is None else workers
    head = list(itertools.islice(documents, PARALLEL_OVER)) if workers > 1 else list(documents)
    options = dict(vocab=vocab, base=base, full=full, strict=strict, validate=validate, fresh=fresh, progress=progress)
    if len(head) < PARALLEL_OVER or workers <= 1:
        return build_postings(_graphs(head, vocab, base, full, version), store_dir, total=len(head), **options)  # type: ignore[arg-type]
    # A large build: forked workers extract and write N-Quads while this process goes on
    # reading, and the store loads each batch of N-Quads in a background thread (Oxigraph lets
    # go of the GIL while it loads), so reading, extraction and loading overlap. Forked, so each
    # worker starts with the vocabulary and its matcher built; chunks of a few dozen documents
    # keep pickling cheap. Ctrl-C ends the pool with it.
    from .matching import build_matcher

    build_matcher(vocab)  # cached: built once here, inherited by every worker
    context = multiprocessing.get_context("fork")
    # The total is known only when the reader reaches the end, which is near the end of the
    # build: until then the progress bar's total (and so its ETA) is a quick count of the input's
    # records, made in a thread.
    from .readers import estimate_records

    estimate: list[int] = []
    counting = threading.Thread(target=lambda: estimate.append(estimate_records(paths)), daemon=True)
    counting.start()
    with context.Pool(workers, initializer=_init_worker, initargs=(vocab, base, full, version)) as pool:
        stream = _Streamed(pool, _chunks(itertools.chain(head, documents), 64))

        def total() -> int | None:
            return stream.total if stream.total is not None else (estimate[0] if estimate else None)

        # The workers, idle once the input is read, validate the result in parts.
        return _write(stream, store_dir, total_of=total, pool=pool, **options)  # type: ignore[arg-type]


class _Streamed:
    """The workers' results in input order, read and handed out as they come.

    Each time the writer asks for more, one more chunk of documents is read and sent to the
    pool, and every result already back at the head of the queue is handed out: reading never
    waits for the writer and the writer never waits for the whole input. ``total`` is the
    number of documents, known once the input is exhausted.
    """

    def __init__(self, pool: "multiprocessing.pool.Pool", chunks: Iterable[list[Document | Problem | Held]]) -> None:
        self._pool = pool
        self._chunks = iter(chunks)
        self.read = 0
        self.total: int | None = None

    def __iter__(self) -> Iterator[PostingGraph | Problem | Held]:
        in_flight: collections.deque[multiprocessing.pool.AsyncResult[list[PostingGraph | Problem | Held]] | _Ready] = collections.deque()
        for chunk in self._chunks:
            self.read += len(chunk)
            if any(isinstance(item, Document) for item in chunk):
                in_flight.append(self._pool.apply_async(_graphs_of_chunk, (chunk,)))
            else:  # nothing to extract (the store holds these already): no trip to a worker
                in_flight.append(_Ready(chunk))
            while in_flight and in_flight[0].ready():
                yield from in_flight.popleft().get()
        self.total = self.read
        while in_flight:
            yield from in_flight.popleft().get()


class _Ready:
    """A chunk with nothing to extract, queued in order with the workers' results."""

    def __init__(self, items: list[Document | Problem | Held]) -> None:
        self._items = items

    def ready(self) -> bool:
        return True

    def get(self) -> list[Document | Problem | Held]:
        return self._items
