"""Stage 3 composer: source files -> documents -> postings -> quads -> the store, with a report.

It only chains the stages (``readers.read_documents``, ``extract.extract_posting``,
``rdfgraph.posting_quads``, ``store.GraphStore.writer``, ``validate.validate``). One bad file or
record never costs the rest: it becomes a :class:`~nhskg.read.documents.Problem` in the report,
unless ``strict`` asks for the build to fail, in which case the previous store stays live.

A build updates the store: postings it reads replace their named graphs, postings it does not
read stay as they were (``fresh=True`` starts from an empty store instead). So building the same
inputs twice is idempotent, and building one new file adds only that posting's statements.

Why a rebuild costs little: each posting graph is stored with the digest of the document it was
made from and of everything else its graph depends on (:func:`document_digest`: the reviewers'
decisions about the posting; :func:`fingerprint`: this nhskg's version and source, the ontology
and vocabulary files, ``--base``, ``--all-postings-full``). A document whose digest the store
holds is not extracted again, so building an unchanged corpus costs little more than reading it,
a new or withdrawn decision rewrites its posting, and a vocabulary change makes every posting
extracted anew. Such a posting still counts as stored, and as read for the checks on posting
ids (:class:`PostingKeys`): the store keeps the digest of each graph's content beside it.
"""

from __future__ import annotations

import collections
import concurrent.futures
import hashlib
import itertools
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence, cast

import pyoxigraph as ox

from ..read.documents import Document, Problem, shown
from ..errors import InputError, NhskgError, StoreError
from ..namespaces import DEFAULT_BASE
from ..paths import ontology_dir, vocabulary_dir
from ..extract.postings import Posting, with_sources
from ..graph.rdfgraph import NS, PostingGraph, check_base, posting_graphs_prefix, posting_key, rdf_text
from ..curation.apply import note as note_curation, posting_graph  # rdfgraph.posting_graph after the reviewers' decisions
from ..curation.apply import fingerprint as decisions_about, note_unchanged as note_curation_unchanged
from ..graph.store import GraphStore, GraphWriter
from ..graph.validate import ValidationReport, validate as validate_graph
from ..vocabulary.vocab import Vocabulary, load_vocabulary

__all__ = ["BuildReport", "PostingKeys", "build", "build_postings", "Progress", "Held", "fingerprint", "document_digest"]

#: ``progress(done, total)``: called after each document. A large build writes as it reads, so
#: until its reader reaches the end ``total`` is an estimate (a count of the input's lines), or
#: None for the moment it takes to make one. The library never prints.
Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did.

    ``postings_written`` postings went to the store; ``postings_stored`` postings were counted
    there afterwards, each in its own graph holding its own id (``None``: not counted), those
    written and those it held already, made from the same input, which the build kept as they were
    without extracting them again (``postings_unchanged`` of them). ``merged`` counts records read
    twice with identical content (the same posting in two inputs), stored once.
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
    #: Postings read whose graph the store held already, made from the same input: kept, not written.
    postings_unchanged: int = 0

    @property
    def ok(self) -> bool:
        """Nothing skipped or left out, every posting written is stored (a kept one missing is a problem), and the graph conforms (or was not validated)."""
        stored = self.postings_stored is None or self.postings_stored == self.postings_written + self.postings_unchanged
        return not self.problems and stored and (self.validation is None or self.validation.conforms)

    def summary(self) -> str:
        stored = self.postings_written + self.postings_unchanged if self.postings_stored is None else self.postings_stored
        skipped = sum(1 for problem in self.problems if problem.kind == "skipped")
        notes = [f"{self.merged} duplicate record{'s' if self.merged != 1 else ''} merged"] if self.merged else []
        if len(self.problems) > skipped:
            notes.append(f"{len(self.problems) - skipped} with a value left out")
        lines = [
            f"{self.postings_read} posting(s) read, {stored} stored ({self.postings_unchanged} unchanged), {skipped} skipped"
            f"{''.join(', ' + note for note in notes)}; {self.triples} triples in {self.store}; {self.seconds:.1f} s"
        ]
        lines += [f"  {problem.kind} {problem}" for problem in self.problems]
        if self.validation is not None:
            lines.append(self.validation.summary())
        return "\n".join(lines)


def fingerprint(vocab: Vocabulary, base: str = DEFAULT_BASE, full: bool | None = None) -> str:
    """A digest of what a posting's graph depends on besides its document and the decisions about
    it: this nhskg (its version and the source of its modules and sub-packages, the extractor's
    and the curation's among them), the vocabulary, the ontology and shapes files, ``base`` and
    ``full``.

    >>> from nhskg.vocabulary.vocab import load_vocabulary
    >>> vocab = load_vocabulary()
    >>> fingerprint(vocab) == fingerprint(vocab) != fingerprint(vocab, full=True)
    True
    """
    from .._version import __version__

    digest = hashlib.blake2b(f"nhskg {__version__}\0{base}\0{full}\0".encode("utf-8"), digest_size=16)
    package = Path(__file__).parents[1]  # the whole nhskg package, not only this stage
    sources = sorted(package.rglob("*.py"))
    files = [*sources, *map(Path, vocab.graph_files), *sorted(ontology_dir().glob("*.ttl"))]
    for file in files:
        name = file.relative_to(package).as_posix() if file.is_relative_to(package) else file.name
        try:
            digest.update(name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
        except OSError:  # unreadable: the digest still differs from any made while it was readable
            digest.update(name.encode("utf-8") + b"\0?\0")
    return digest.hexdigest()


def document_digest(document: Document, fingerprint: str) -> str:
    """The digest a posting graph made from ``document`` is stored with: of every field of the
    document (its id, source, text, structured fields and parts), of the reviewers' decisions in
    force about its posting (:func:`nhskg.curation.fingerprint`: a new, changed or withdrawn
    decision makes the posting extracted and written again) and of ``fingerprint``.

    >>> d = Document("p1", "a.txt", "Chief Nurse")
    >>> document_digest(d, "v1") == document_digest(d, "v1") != document_digest(d, "v2")
    True
    """
    text = f"{fingerprint}\0{decisions_about(document.id)}\0{document!r}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _content_digest(nquads: bytes) -> str:
    """The input digest of a graph given as N-Quads rather than made from a document here: all it
    holds, source file included (unlike :func:`nhskg.graph.rdfgraph.content_digest`)."""
    return "q" + hashlib.blake2b(nquads, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Held:
    """A document whose graph the store already holds, made from the same input by the same
    extractor, vocabulary and decisions (``input_digest`` is in the store): a build does not
    extract it again. ``digest`` is what the store recorded of the graph's content
    (:attr:`nhskg.graph.rdfgraph.PostingGraph.digest`; "" when unknown), so that a record of the same
    id read again is merged or refused as if the posting had been extracted."""

    document: Document
    input_digest: str
    digest: str = ""

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def source(self) -> str:
        return self.document.source

    @property
    def key(self) -> str:
        return posting_key(self.document.id)


def _unless_held(documents: Iterable[Document | Problem], held: Mapping[str, str], fingerprint: str) -> Iterator[Document | Problem | Held]:
    """``documents``, each one whose digest is in ``held`` (input digest -> content digest)
    marked as such instead."""
    for document in documents:
        if held and isinstance(document, Document):
            digest = document_digest(document, fingerprint)
            content = held.get(digest)
            if content:
                yield Held(document, digest, content)
                continue
        yield document


class PostingKeys:
    """Which graph each posting of a build goes to, so that no posting replaces another unnoticed.

    Graph IRIs derive from :func:`~nhskg.graph.rdfgraph.posting_key`, so the check is on that key, not
    on the raw id. ``stored`` maps the keys of the postings already in the store to their ids: a
    posting may replace its own earlier self there, never another posting. A :class:`Held`
    document is checked as its graph would be, by the content digest the store recorded.
    """

    def __init__(self, stored: dict[str, str] | None = None) -> None:
        self.stored = stored or {}
        self.read: dict[str, tuple[str, str, str]] = {}  # key -> id, source, digest
        self.merged = 0

    def admit(self, graph: PostingGraph | Held) -> bool:
        """True: write ``graph`` (or keep it, when the store holds it); False: the same record was
        read before with identical content (counted in ``merged``); :class:`InputError` when it
        would replace another posting."""
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


def _problem(item: Posting | PostingGraph | Document | Held, error: Exception) -> Problem:
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
    from ..extract import extract_posting  # the extractor is another stage; import when used

    for document in documents:
        if isinstance(document, Problem):
            yield document
            continue
        try:
            yield with_sources(extract_posting(document, vocab, full=full), document.parts)
        except Exception as error:  # a bug on one odd posting must not cost the rest of a build
            yield _problem(document, error)


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
            except Exception as error:
                yield _problem(item, error)
            else:
                yield graph if fingerprint is None else replace(graph, input_digest=document_digest(document, fingerprint))


#: Extract in a pool of worker processes when a build reads at least this many documents
#: (one process per core). Below it, starting the workers costs more than it saves.
PARALLEL_OVER = 2000

_WORKER: tuple[Vocabulary, str, bool | None, str | None] | None = None


def _init_worker(vocab: Vocabulary, base: str, full: bool | None, parent: int, fingerprint: str | None = None) -> None:
    global _WORKER
    _WORKER = (vocab, base, full, fingerprint)
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
    read = 0
    keys = PostingKeys({} if fresh else _stored_keys(store_dir, base))
    written: dict[str, tuple[str, str]] = {}  # key -> id, source: graphs this build wrote
    kept: dict[str, tuple[str, str]] = {}  # key -> id, source: graphs the store held, made from the same input
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
                    outcome = _to_write(item, keys, writer, vocab, base, full)
                except Exception as error:
                    problems.append(_problem(item, error))
                else:
                    if isinstance(outcome, PostingGraph):
                        writer.replace_posting(outcome.id, outcome.nquads, digest=outcome.input_digest, content=outcome.digest)
                        written[outcome.key] = (outcome.id, outcome.source)
                        note_curation(outcome)
                    elif isinstance(outcome, Problem):
                        problems.append(outcome)
                    elif outcome == _KEPT:
                        kept[posting_key(item.id)] = (item.id, item.source)
                        note_curation_unchanged(item.id)
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
            held = _posting_keys(store, base)
            lost = [(key, *posting) for key, posting in itertools.chain(written.items(), kept.items())
                    if held.get(key) != {rdf_text(posting[0])}]
            report = validate_graph(store, graphs=changed, pool=pool) if validate else None
            triples = counted.result()
    finally:
        store.close()
    for key, posting_id, source in lost:
        how = "written" if key in written else "unchanged"
        problems.append(Problem(source, f"{how}, but not found in the store afterwards (graph {posting_graphs_prefix(base)}{key});"
                                        " build again, and report it if it happens again", posting_id))
    # An unchanged posting the store no longer holds is not counted as unchanged: U of S stored.
    unchanged = len(kept) - sum(1 for key, _, _ in lost if key not in written)
    return BuildReport(str(store_dir), read, len(written), tuple(problems), triples, time.perf_counter() - started,
                       report, len(written) + len(kept) - len(lost), keys.merged, postings_unchanged=unchanged)


_KEPT, _MERGED = "kept", "merged"


def _to_write(
    item: Posting | PostingGraph | Held, keys: PostingKeys, writer: GraphWriter, vocab: Vocabulary, base: str,
    full: bool | None,
) -> PostingGraph | Problem | str:
    """What becomes of ``item``: the graph to write; ``_KEPT`` when the store holds its graph,
    made from the same input; ``_MERGED`` when a record with the same content was read before in
    this build; or the problem met making its graph. :class:`InputError` when it would take
    another posting's graph (see :class:`PostingKeys`), whether or not it was extracted."""
    admitted = False
    if isinstance(item, Held) and item.digest:
        # What the store recorded of its content stands in for extracting it, in the checks too.
        if not keys.admit(item):
            return _MERGED
        if writer.unchanged(item.input_digest):
            return _KEPT
        admitted = True  # another build changed the store after this one looked: make it after all
    if isinstance(item, Held):
        made = next(iter(_graphs([item.document], vocab, base, full)))
        if isinstance(made, Problem):
            return made
        assert isinstance(made, PostingGraph)  # a document gives a graph or a problem
        graph = replace(made, input_digest=item.input_digest)  # type: ignore[type-var]
    else:
        graph = item if isinstance(item, PostingGraph) else posting_graph(item, vocab, base, full=full)
    if not admitted and not keys.admit(graph):
        return _MERGED
    if graph.input_digest is None:  # not made from a document here: known by all it holds
        graph = replace(graph, input_digest=_content_digest(graph.nquads))
        if writer.unchanged(graph.input_digest):  # type: ignore[arg-type]
            return _KEPT
    return graph


def _posting_keys(store: GraphStore, base: str) -> dict[str, set[str]]:
    """posting key -> the ids its graph holds (one, unless something went wrong).

    Read from the quads themselves, not through SPARQL: 0.2 s for the 2020 corpus (0.36 s as a query).
    """
    prefix = posting_graphs_prefix(base)
    held: dict[str, set[str]] = {}
    for quad in store.store.quads_for_pattern(None, NS.identifier, None, None):
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix):
            held.setdefault(graph.value[len(prefix):], set()).add(cast(ox.Literal, quad.object).value)
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

    ``full`` chooses the modelling (see :mod:`nhskg.graph.rdfgraph`); ``strict`` fails on the first
    skipped file or record, leaving the previous store live; ``validate`` runs the SHACL shapes
    over the result (the report says whether it conforms; it does not raise). ``workers``
    extracting processes (default: one per core) are used for builds of at least
    :data:`PARALLEL_OVER` documents.
    """
    from ..read.readers import read_documents  # the readers are another stage; import when used

    from ..extract import text_wanted

    vocab = load_vocabulary(vocabulary_dir())
    check_base(base)
    version = fingerprint(vocab, base, full)
    # Documents the store holds already (same digest) are marked, not extracted; the writer
    # checks each again under its lock.
    held = {} if fresh else GraphStore.held(store_dir)
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
    from ..vocabulary.matching import build_matcher

    build_matcher(vocab)  # cached: built once here, inherited by every worker
    context = multiprocessing.get_context("fork")
    # The total is known only when the reader reaches the end, which is near the end of the
    # build: until then the progress bar's total (and so its ETA) is a quick count of the input's
    # records, made in a thread.
    from ..read.readers import estimate_records

    estimate: list[int] = []
    counting = threading.Thread(target=lambda: estimate.append(estimate_records(paths)), daemon=True)
    counting.start()
    with context.Pool(workers, initializer=_init_worker, initargs=(vocab, base, full, os.getpid(), version)) as pool:
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

    def get(self) -> list[PostingGraph | Problem | Held]:
        return cast("list[PostingGraph | Problem | Held]", self._items)  # a chunk with no Document (see __iter__)
