"""Stage 3 composer: source files -> documents -> postings -> quads -> the store, with a report.

It only chains the stages (``readers.read_documents``, ``extract.extract_posting``,
``rdfgraph.posting_quads``, ``store.GraphStore.writer``, ``validate.validate``). One bad file or
record never costs the rest: it becomes a :class:`~nhskg.documents.Problem` in the report,
unless ``strict`` asks for the build to fail, in which case the previous store stays live.

A build updates the store: postings it reads replace their named graphs, postings it does not
read stay as they were (``fresh=True`` starts from an empty store instead). So building the same
inputs twice is idempotent, and building one new file adds only that posting's statements.
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import pyoxigraph as ox

from .documents import Document, Problem, shown
from .errors import InputError, NhskgError, StoreError
from .namespaces import DEFAULT_BASE
from .paths import vocabulary_dir
from .postings import Posting, with_sources
from .rdfgraph import NS, PostingGraph, check_base, posting_graphs_prefix, rdf_text
from .curation.apply import note as note_curation, posting_graph  # rdfgraph.posting_graph after the reviewers' decisions
from .store import GraphStore
from .validate import ValidationReport, validate as validate_graph
from .vocab import Vocabulary, load_vocabulary

__all__ = ["BuildReport", "PostingKeys", "build", "build_postings", "Progress"]

#: ``progress(done, total)``: called after each document. A large build writes as it reads, so
#: until its reader reaches the end ``total`` is an estimate (a count of the input's lines), or
#: None for the moment it takes to make one. The library never prints.
Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did.

    ``postings_written`` postings went to the store; ``postings_stored`` of them were counted there
    afterwards, each in its own graph holding its own id (``None``: not counted). ``merged`` counts
    records read twice with identical content (the same posting in two inputs), written once.
    """

    store: str
    postings_read: int
    postings_written: int
    problems: tuple[Problem, ...]
    triples: int
    seconds: float
    validation: ValidationReport | None
    postings_stored: int | None = None
    merged: int = 0

    @property
    def ok(self) -> bool:
        """Nothing skipped or left out, every posting written is stored, and the graph conforms (or was not validated)."""
        stored = self.postings_stored is None or self.postings_stored == self.postings_written
        return not self.problems and stored and (self.validation is None or self.validation.conforms)

    def summary(self) -> str:
        stored = self.postings_written if self.postings_stored is None else self.postings_stored
        skipped = sum(1 for problem in self.problems if problem.kind == "skipped")
        notes = [f"{self.merged} duplicate record{'s' if self.merged != 1 else ''} merged"] if self.merged else []
        if len(self.problems) > skipped:
            notes.append(f"{len(self.problems) - skipped} with a value left out")
        lines = [
            f"{self.postings_read} posting(s) read, {stored} stored, {skipped} skipped"
            f"{''.join(', ' + note for note in notes)}; {self.triples} triples in {self.store}; {self.seconds:.1f} s"
        ]
        lines += [f"  {problem.kind} {problem}" for problem in self.problems]
        if self.validation is not None:
            lines.append(self.validation.summary())
        return "\n".join(lines)


class PostingKeys:
    """Which graph each posting of a build goes to, so that no posting replaces another unnoticed.

    Graph IRIs derive from :func:`~nhskg.rdfgraph.posting_key`, so the check is on that key, not
    on the raw id. ``stored`` maps the keys of the postings already in the store to their ids: a
    posting may replace its own earlier self there, never another posting.
    """

    def __init__(self, stored: dict[str, str] | None = None) -> None:
        self.stored = stored or {}
        self.read: dict[str, tuple[str, str, str]] = {}  # key -> id, source, digest
        self.merged = 0

    def admit(self, graph: PostingGraph) -> bool:
        """True: write ``graph``; False: the same record was read before with identical content
        (counted in ``merged``); :class:`InputError` when it would replace another posting."""
        key = graph.key
        first = self.read.get(key)
        if first is None:
            held = self.stored.get(key)
            if held is not None and held != graph.id:
                raise InputError(
                    graph.source,
                    f"posting id {graph.id!r} has the same graph IRI as {held!r}, already in the store (ids that"
                    " differ only in '-' and '_' share one); rename the file or record, or build with --fresh",
                    graph.id,
                )
            self.read[key] = (graph.id, graph.source, graph.digest)
            return True
        first_id, first_source, first_digest = first
        if first_id != graph.id:
            raise InputError(
                graph.source,
                f"posting id {graph.id!r} has the same graph IRI as {first_id!r} read from {shown(first_source)} (ids"
                " that differ only in '-' and '_' share one); rename one of them",
                graph.id,
            )
        if graph.digest and graph.digest == first_digest:
            self.merged += 1
            return False
        raise InputError(
            graph.source,
            f"posting id '{graph.id}' was already read from {shown(first_source)} with different content;"
            " ids must be unique (the first is kept)",
            graph.id,
        )


def _problem(item: Posting | PostingGraph | Document, error: Exception) -> Problem:
    """A problem met on one posting, its file and record named once."""
    if isinstance(error, InputError):
        return Problem(error.source, error.problem, error.record)
    message = str(error) if isinstance(error, NhskgError) else (
        f"could not be read ({type(error).__name__}: {error}); the rest of the build goes on; please report it")
    message = message.removeprefix(f"posting '{item.id}' ({item.source}): ")
    return Problem(item.source, message, item.id)


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
        except Exception as error:  # a bug on one odd posting must not cost the rest of a build
            yield _problem(document, error)


def _graphs(
    documents: Sequence[Document | Problem], vocab: Vocabulary, base: str, full: bool | None
) -> Iterable[PostingGraph | Problem]:
    """Documents all the way to N-Quads: what each worker of a large build does."""
    for item in _extract(documents, vocab, full):
        if isinstance(item, Problem):
            yield item
            continue
        try:
            yield posting_graph(item, vocab, base, full=full)
        except Exception as error:
            yield _problem(item, error)


#: Extract in a pool of worker processes when a build reads at least this many documents
#: (one process per core). Below it, starting the workers costs more than it saves.
PARALLEL_OVER = 2000

_WORKER: tuple[Vocabulary, str, bool | None] | None = None


def _init_worker(vocab: Vocabulary, base: str, full: bool | None, parent: int) -> None:
    global _WORKER
    _WORKER = (vocab, base, full)
    # Ctrl-C reaches every process of the terminal's group: the build process handles it, once,
    # and ends the pool; a worker that took it too would print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Have the kernel end this worker when the build process dies (SIGKILL, a crash), instead of
    leaving it to print a traceback about the broken pipe it was writing to (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool ends its workers when it can
        return
    if os.getppid() != parent:  # the build process died before the line above
        os._exit(0)


def _graphs_of_chunk(chunk: list[Document | Problem]) -> list[PostingGraph | Problem]:
    assert _WORKER is not None, "_init_worker was not called"
    return list(_graphs(chunk, *_WORKER))


def _chunks(items: Iterable[Document | Problem], size: int) -> Iterable[list[Document | Problem]]:
    chunk: list[Document | Problem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build_postings(
    items: Iterable[Posting | PostingGraph | Problem],
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
    large build's workers return them.
    """
    return _write(items, store_dir, vocab=vocab, base=base, full=full, strict=strict, validate=validate,
                  fresh=fresh, progress=progress, total_of=lambda: total)


def _write(
    items: Iterable[Posting | PostingGraph | Problem],
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
) -> BuildReport:
    started = time.perf_counter()
    vocab = vocab or load_vocabulary(vocabulary_dir())
    check_base(base)
    problems: list[Problem] = []
    read = 0
    keys = PostingKeys({} if fresh else _stored_keys(store_dir, base))
    written: dict[str, tuple[str, str]] = {}  # key -> id, source
    with GraphStore.writer(store_dir, base=base, fresh=fresh) as writer:
        writer.load_ontology()  # first: it then loads in the background with the first batch
        for done, item in enumerate(items, start=1):
            if isinstance(item, Problem):
                problems.append(item)
            else:
                read += 1
                try:
                    graph = item if isinstance(item, PostingGraph) else posting_graph(item, vocab, base, full=full)
                    new = keys.admit(graph)
                except Exception as error:
                    problems.append(_problem(item, error))
                else:
                    if new:
                        writer.replace_posting(graph.id, graph.nquads)
                        written[graph.key] = (graph.id, graph.source)
                        note_curation(graph)
            if strict and problems:
                raise InputError(problems[0].source, f"{problems[0].problem} (--strict: the store was left unchanged)", problems[0].record)
            if progress is not None:
                total = total_of()
                progress(done, None if total is None else max(total, done))
    store = GraphStore.open(store_dir)
    try:
        # Counting runs in Oxigraph, without the GIL: it overlaps the validation (Python).
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            counted = pool.submit(store.triple_count)
            held = _posting_keys(store, base)
            lost = [(key, *posting) for key, posting in written.items() if held.get(key) != {rdf_text(posting[0])}]
            report = validate_graph(store) if validate else None
            triples = counted.result()
    finally:
        store.close()
    for key, posting_id, source in lost:
        problems.append(Problem(source, f"written, but not found in the store afterwards (graph {posting_graphs_prefix(base)}{key});"
                                        " build again, and report it if it happens again", posting_id))
    return BuildReport(str(store_dir), read, len(written), tuple(problems), triples, time.perf_counter() - started,
                       report, len(written) - len(lost), keys.merged)


def _posting_keys(store: GraphStore, base: str) -> dict[str, set[str]]:
    """posting key -> the ids its graph holds (one, unless something went wrong).

    Read from the quads themselves, not through SPARQL: 0.2 s for the 2020 corpus (0.36 s as a query).
    """
    prefix = posting_graphs_prefix(base)
    held: dict[str, set[str]] = {}
    for quad in store.store.quads_for_pattern(None, NS.identifier, None, None):
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix):
            held.setdefault(graph.value[len(prefix):], set()).add(quad.object.value)
    return held


def _stored_keys(store_dir: Path | str, base: str) -> dict[str, str]:
    """posting key -> id of every posting already in the store (none when there is no store yet)."""
    try:
        store = GraphStore.open(store_dir)
    except StoreError:
        return {}  # no store yet, or one the writer will report on
    try:
        return {key: min(ids) for key, ids in _posting_keys(store, base).items()}
    finally:
        store.close()


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
    documents = iter(read_documents([Path(p) for p in paths], needs_text=text_wanted(vocab, full)))
    workers = min(os.cpu_count() or 1, 8) if workers is None else workers
    head = list(itertools.islice(documents, PARALLEL_OVER)) if workers > 1 else list(documents)
    options = dict(vocab=vocab, base=base, full=full, strict=strict, validate=validate, fresh=fresh, progress=progress)
    if len(head) < PARALLEL_OVER or workers <= 1:
        return build_postings(_extract(head, vocab, full), store_dir, total=len(head), **options)  # type: ignore[arg-type]
    # A large build: forked workers extract and write N-Quads while this process goes on
    # reading, and the store loads each batch of N-Quads in a background thread (Oxigraph lets
    # go of the GIL while it loads), so reading, extraction and loading overlap. Forked, so each
    # worker starts with the vocabulary and its matcher built; chunks of a few dozen documents
    # keep pickling cheap. Ctrl-C ends the pool with it.
    from .matching import build_matcher

    build_matcher(vocab)  # cached: built once here, inherited by every worker
    check_base(base)
    context = multiprocessing.get_context("fork")
    # The total is known only when the reader reaches the end, which is near the end of the
    # build: until then the progress bar's total (and so its ETA) is a quick count of the input's
    # records, made in a thread.
    from .readers import estimate_records

    estimate: list[int] = []
    counting = threading.Thread(target=lambda: estimate.append(estimate_records(paths)), daemon=True)
    counting.start()
    with context.Pool(workers, initializer=_init_worker, initargs=(vocab, base, full, os.getpid())) as pool:
        stream = _Streamed(pool, _chunks(itertools.chain(head, documents), 64))

        def total() -> int | None:
            return stream.total if stream.total is not None else (estimate[0] if estimate else None)

        return _write(stream, store_dir, total_of=total, **options)  # type: ignore[arg-type]


class _Streamed:
    """The workers' results in input order, read and handed out as they come.

    Each time the writer asks for more, one more chunk of documents is read and sent to the
    pool, and every result already back at the head of the queue is handed out: reading never
    waits for the writer and the writer never waits for the whole input. ``total`` is the
    number of documents, known once the input is exhausted.
    """

    def __init__(self, pool: "multiprocessing.pool.Pool", chunks: Iterable[list[Document | Problem]]) -> None:
        self._pool = pool
        self._chunks = iter(chunks)
        self.read = 0
        self.total: int | None = None

    def __iter__(self) -> Iterator[PostingGraph | Problem]:
        in_flight: collections.deque[multiprocessing.pool.AsyncResult[list[PostingGraph | Problem]]] = collections.deque()
        for chunk in self._chunks:
            self.read += len(chunk)
            in_flight.append(self._pool.apply_async(_graphs_of_chunk, (chunk,)))
            while in_flight and in_flight[0].ready():
                yield from in_flight.popleft().get()
        self.total = self.read
        while in_flight:
            yield from in_flight.popleft().get()
