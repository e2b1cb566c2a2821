"""Stage 3 composer: source files -> documents -> postings -> quads -> a writer, with a report.

It only chains the stages (``readers.read_documents``, ``extract.extract_posting``,
``rdfgraph.posting_graph`` after the reviewers' decisions, a :class:`~nhskg.graph.writer.Writer`,
``validate.validate``), and it is the only build: :func:`build` writes into the embedded store
(:class:`~nhskg.graph.writer.StoreWriter`) or, given ``writer=``, anywhere else, such as a SPARQL
1.1 server (:class:`~nhskg.graph.endpoint.EndpointWriter`).

One error policy: anything that goes wrong reading or extracting one document, or turning one
posting into RDF, becomes a :class:`~nhskg.read.documents.Problem` on the report naming the file
and record (:func:`.making._problem`), and the build goes on with the rest; nothing already written is
lost. Only ``strict`` makes a problem stop the build, in which case the writer keeps what it held
(the embedded store: the previous generation stays live). A build that stores no posting and meets
problems keeps what the writer held too (``BuildReport.committed`` is False): its inputs were all
unreadable, and a ``--fresh`` build would otherwise replace the store with an empty one.

A build updates the store: postings it reads replace their named graphs, postings it does not
read stay as they were (``fresh=True`` starts from an empty store instead). So building the same
inputs twice is idempotent, and building one new file adds only that posting's statements; a
document the store holds already, made from the same input, is not even extracted again
(:mod:`.identity`).
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import multiprocessing
import os
import stat
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from ..read.documents import Problem
from ..background import background_threads, leave_ctrl_c_to_main, threads_leave_ctrl_c_to_main
from ..errors import InputError, NhskgError
from ..namespaces import DEFAULT_BASE
from ..paths import vocabulary_dir
from ..extract.postings import Posting
from ..graph.rdfgraph import PostingGraph, check_base, posting_graphs_prefix, posting_key, rdf_text
from ..curation.apply import note as note_curation, posting_graph  # rdfgraph.posting_graph after the reviewers' decisions
from ..curation.apply import note_unchanged as note_curation_unchanged
from ..graph.writer import StoreWriter, Writer
from ..vocabulary.vocab import Vocabulary, load_vocabulary
from .identity import Held, PostingKeys, content_digest, document_digest, fingerprint, unless_held
from .making import _extract_in_time, _graphs, _graphs_in_time, _problem
from .pool import _chunks, _init_worker, _Streamed
from .workers import _Workers
from .report import BuildInterrupted, BuildReport

__all__ = ["BuildReport", "BuildInterrupted", "PostingKeys", "build", "build_postings", "read_postings", "Progress", "Held",
           "fingerprint", "document_digest", "POSTING_TIMEOUT"]

#: ``progress(done, total)``: called after each document. A large build writes as it reads, so
#: until its reader reaches the end ``total`` is an estimate (a count of the input's lines), or
#: None for the moment it takes to make one. The library never prints.
Progress = Callable[[int, "int | None"], None]

#: Seconds one posting may take to extract (and turn into N-Quads) before it is stopped and is a
#: problem: a posting on which extraction would never end must not hang a build, nor ``nhskg
#: extract`` and ``nhskg evaluate`` (:func:`read_postings`). The slowest posting of the 2020 corpus
#: takes 0.06 s (0.07 s with ``--full``), the slowest chunk of 64 of them 0.06 s (0.76 s with
#: ``--full``), and a large build's workers give a chunk the same limit: so 60 s trips on no real
#: posting, even on a machine many times as busy, and a posting that hangs costs a worker two
#: minutes (its chunk, then itself alone).
POSTING_TIMEOUT = 60.0


def read_postings(
    paths: Sequence[Path | str], *, full: bool | None = None, vocab: Vocabulary | None = None,
    posting_timeout: float | None = POSTING_TIMEOUT,
) -> Iterator[Posting | Problem]:
    """Read ``paths`` and extract every posting, with the problems met on the way, as a build
    reads them but without writing: what ``nhskg extract`` prints and the gold set is scored on.

    Each posting carries the parts of the files its document was merged from
    (:func:`~nhskg.extract.postings.with_sources`); a document that cannot be read or extracted is
    a problem, and the rest go on. So is one whose extraction takes longer than
    ``posting_timeout`` seconds (default :data:`POSTING_TIMEOUT`; None: no limit), stopped by a
    timer, which only the main thread can set (:func:`.making._in_time`).
    """
    _check_posting_timeout(posting_timeout)
    from ..read.readers import read_documents  # the readers are another stage; import when used
    from ..extract import text_wanted

    vocab = vocab or load_vocabulary(vocabulary_dir())
    _check_duty_model(vocab, full)
    # the paths as given: Path("") would be the working folder, where read_documents names an empty path
    documents = read_documents(list(paths), needs_text=text_wanted(vocab, full))
    yield from _extract_in_time(documents, vocab, full, posting_timeout)


def _check_posting_timeout(seconds: float | None) -> None:
    if seconds is not None and not 0 < seconds < math.inf:
        raise ValueError(f"posting_timeout must be a number of seconds over 0, or None for no limit, not {seconds!r}")


def _check_duty_model(vocab: Vocabulary, full: bool | None) -> None:
    """Read the duty model now when any posting may be read in full: a missing, broken or stale
    model is then one error for the build, not a problem for each posting read in full (and a
    store committed without them); forked workers inherit it read."""
    if full is not False:
        from ..extract.duty_model import checked_duty_model

        checked_duty_model(vocab)


#: Extract in a pool of worker processes when a build reads at least this many documents, or
#: feeds large enough for them (one process per core). Below it, starting the workers costs more
#: than it saves.
PARALLEL_OVER = 2000

#: Bytes of a posting's JSON in a feed, about (the 2020 corpus: 4,000 of text, 900 gzipped):
#: enough to tell from the files' sizes that a build will read at least PARALLEL_OVER of them.
_BYTES_PER_DOCUMENT = 4_000
_GZIP_RATIO = 4


def _input_bytes(paths: Sequence[Path | str]) -> int:
    """The size of the feeds named (a gzipped one counted as its text), not of folders' contents
    nor of other files (one large PDF is one posting)."""
    size = 0
    for given in paths:
        if not str(given).lower().endswith((".jsonl", ".jsonl.gz", ".json")):
            continue
        try:
            info = os.stat(given)
        except OSError:
            continue  # the reader reports it
        if stat.S_ISREG(info.st_mode):
            size += info.st_size * (_GZIP_RATIO if str(given).lower().endswith(".gz") else 1)
    return size


def build_postings(
    items: Iterable[Posting | PostingGraph | Problem | Held],
    store_dir: Path | str | None = None,
    *,
    writer: Writer | None = None,
    vocab: Vocabulary | None = None,
    base: str | None = None,
    full: bool | None = None,
    strict: bool = False,
    validate: bool = True,
    fresh: bool = False,
    progress: Progress | None = None,
    total: int = 0,
) -> BuildReport:
    """Write already extracted postings (and the problems met on the way) into the store at
    ``store_dir``, or into ``writer``.

    ``items`` may also hold postings already turned into N-Quads (:class:`PostingGraph`), as a
    large build's workers return them, and documents the store holds already (:class:`Held`). A
    posting whose graph the store holds with the same content is not written again.
    """
    return _write(items, _writer(store_dir, writer, base, fresh), vocab=vocab, full=full, strict=strict,
                  validate=validate, progress=progress, total_of=lambda: total)


def _writer(store_dir: Path | str | None, writer: Writer | None, base: str | None, fresh: bool) -> Writer:
    """The store at ``store_dir`` as a writer, or ``writer`` (which has a base of its own)."""
    if writer is None:
        if store_dir is None:
            raise TypeError("give the store directory or a writer")
        return StoreWriter(store_dir, base=base or DEFAULT_BASE, fresh=fresh)
    if store_dir is not None or fresh or (base is not None and base != writer.base):
        raise TypeError("a build given a writer takes the store, --fresh and the base from it, not as arguments")
    return writer


def _write(
    items: Iterable[Posting | PostingGraph | Problem | Held],
    writer: Writer,
    *,
    vocab: Vocabulary | None,
    full: bool | None,
    strict: bool,
    validate: bool,
    progress: Progress | None,
    total_of: Callable[[], int | None],
    pool: concurrent.futures.Executor | None = None,
) -> BuildReport:
    started = time.perf_counter()
    vocab = vocab or load_vocabulary(vocabulary_dir())
    base = writer.base
    check_base(base)
    problems: list[Problem] = []
    read = 0
    # Read beside the first chunks' extraction, not before it: on a rebuild of the 2020 corpus,
    # reading the store's posting keys first left the workers idle for a third of a second.
    keys = PostingKeys(_in_background(writer.stored))
    written: dict[str, tuple[str, str]] = {}  # key -> id, source: graphs this build wrote
    kept: dict[str, tuple[str, str]] = {}  # key -> id, source: graphs the store held, made from the same input
    writer.begin()
    try:
        writer.load_ontology()  # first: it then loads in the background with the first batch
        for done, item in enumerate(items, start=1):
            total = total_of()
            if total:
                writer.expect(total)  # a rebuild of the whole store or an addition to it
            if isinstance(item, Problem):
                problems.append(item)
            else:
                read += 1
                keys.wait()  # the store's keys: an error reading them ends the build, not this posting
                try:
                    outcome = _to_write(item, keys, writer, vocab, base, full)
                except Exception as error:
                    problems.append(_problem(item, error))
                else:
                    if isinstance(outcome, PostingGraph):
                        writer.write(outcome)
                        written[outcome.key] = (outcome.id, outcome.source)
                        note_curation(outcome)
                    elif isinstance(outcome, Problem):
                        problems.append(outcome)
                    elif outcome == _KEPT:
                        kept[posting_key(item.id)] = (item.id, item.source)
                        note_curation_unchanged(item.id)
            if strict and problems:
                raise InputError(problems[0].source, f"{problems[0].problem} (--strict: {writer.on_stop})", problems[0].record)
            if progress is not None:
                progress(done, None if total is None else max(total, done))
        keys.wait()  # read no posting: the error reading the keys is still the build's
    except BaseException:
        writer.abort()
        raise
    if problems and not written and not kept:
        # Nothing to store but problems (every file empty, binary or malformed): committing would
        # make live a store without a posting of this build's, and a --fresh one empty. Keep what was.
        writer.abort()
        return BuildReport(writer.where, read, 0, tuple(problems), None, time.perf_counter() - started, None, None,
                           keys.merged, committed=False)
    try:
        committed = writer.commit(validate=validate, pool=pool)
    except KeyboardInterrupt as stop:
        if not writer.committed():
            raise  # nothing of it is live: the writer kept what it held
        # Live, but not counted nor validated: the caller says so, with what the build did.
        raise BuildInterrupted(BuildReport(writer.where, read, len(written), tuple(problems), None,
                                           time.perf_counter() - started, None, None, keys.merged,
                                           postings_unchanged=len(kept), replaced=tuple(keys.replaced))) from stop
    held = committed.postings
    lost = [] if held is None else [(key, *posting) for key, posting in itertools.chain(written.items(), kept.items())
                                    if held.get(key) != {rdf_text(posting[0])}]
    for key, posting_id, source in lost:
        how = "written" if key in written else "unchanged"
        problems.append(Problem(source, f"{how}, but not found in the store afterwards (graph {posting_graphs_prefix(base)}{key});"
                                        " build again, and report it if it happens again", posting_id))
    # An unchanged posting the store no longer holds is not counted as unchanged: U of S stored.
    unchanged = len(kept) - sum(1 for key, _, _ in lost if key not in written)
    stored = None if held is None else len(written) + len(kept) - len(lost)
    return BuildReport(writer.where, read, len(written), tuple(problems), committed.triples, time.perf_counter() - started,
                       committed.validation, stored, keys.merged, postings_unchanged=unchanged,
                       replaced=tuple(keys.replaced))


_T = TypeVar("_T")


def _in_background(work: Callable[[], _T]) -> concurrent.futures.Future[_T]:
    """``work`` run in a thread of its own; its result (or its error) when asked for."""
    thread = background_threads(1, "nhskg-keys")
    try:
        return thread.submit(work)
    finally:
        thread.shutdown(wait=False)  # the thread ends when the work is done


_KEPT, _MERGED = "kept", "merged"


def _to_write(
    item: Posting | PostingGraph | Held, keys: PostingKeys, writer: Writer, vocab: Vocabulary, base: str,
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
        graph = replace(graph, input_digest=content_digest(graph.nquads))
        if writer.unchanged(graph.input_digest):  # type: ignore[arg-type]
            return _KEPT
    return graph


def build(
    paths: Sequence[Path | str],
    store_dir: Path | str | None = None,
    *,
    writer: Writer | None = None,
    base: str | None = None,
    full: bool | None = None,
    strict: bool = False,
    validate: bool = True,
    fresh: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
    posting_timeout: float | None = POSTING_TIMEOUT,
) -> BuildReport:
    """Read ``paths``, extract every posting, and write them into the store at ``store_dir`` (or
    into ``writer``: e.g. ``EndpointWriter(source)`` for a SPARQL 1.1 server).

    ``full`` chooses the modelling (see :mod:`nhskg.graph.rdfgraph`); ``strict`` fails on the first
    skipped file or record, leaving the previous store live; ``validate`` runs the SHACL shapes
    over the result (the report says whether it conforms; it does not raise). ``workers``
    extracting processes (default: one per core) are used for builds of at least
    :data:`PARALLEL_OVER` documents, or of feeds large enough to hold that many.

    ``posting_timeout`` is the most seconds one posting may take to extract (default
    :data:`POSTING_TIMEOUT`; None: no limit): one that takes longer is stopped, left out and named
    on the report (its worker process is ended; a build in one process stops it with a timer,
    which only the main thread can set), and the rest is built.
    """
    _check_posting_timeout(posting_timeout)
    from ..read.readers import read_documents  # the readers are another stage; import when used

    from ..extract import text_wanted

    vocab = load_vocabulary(vocabulary_dir())
    _check_duty_model(vocab, full)  # before the store is touched or the workers forked
    writer = _writer(store_dir, writer, base, fresh)
    base = writer.base
    check_base(base)
    version = fingerprint(vocab, base, full)
    # Documents the store holds already (same digest) are marked, not extracted; the writer
    # checks each again under its lock.
    workers = min(os.cpu_count() or 1, 8) if workers is None else workers
    # A build is large when its files are (no need to wait for its first documents, read in this
    # process alone while the other cores idle) or when it reads PARALLEL_OVER documents. A large
    # build's workers read the feeds' lines too: this process only splits the feeds into lines.
    large = workers > 1 and _input_bytes(paths) >= PARALLEL_OVER * _BYTES_PER_DOCUMENT
    needs_text, held = text_wanted(vocab, full), writer.held()
    documents = unless_held(read_documents(list(paths), needs_text=needs_text, defer_records=large), held, version)
    head = [] if large else list(itertools.islice(documents, PARALLEL_OVER)) if workers > 1 else list(documents)
    options = dict(vocab=vocab, full=full, strict=strict, validate=validate, progress=progress)
    if not large and (len(head) < PARALLEL_OVER or workers <= 1):
        made = _graphs_in_time(head, vocab, base, full, version, posting_timeout)  # type: ignore[arg-type]
        return _write(made, writer, total_of=lambda: len(head), **options)  # type: ignore[arg-type]
    # A large build: forked workers extract and write N-Quads while this process goes on
    # reading, and the store loads each batch of N-Quads in a background thread (Oxigraph lets
    # go of the GIL while it loads), so reading, extraction and loading overlap. Forked, so each
    # worker starts with the vocabulary and its matcher built; chunks of a few dozen documents
    # keep pickling cheap. Ctrl-C ends the pool with it; a worker that dies is forked again.
    from ..vocabulary.matching import build_matcher

    build_matcher(vocab)  # cached: built once here, inherited by every worker
    context = multiprocessing.get_context("fork")
    # The total is known only when the reader reaches the end, which is near the end of the
    # build: until then the progress bar's total (and so its ETA) is a quick count of the input's
    # records, made in a thread.
    from ..read.readers import estimate_records

    estimate: list[int] = []

    def count() -> None:
        leave_ctrl_c_to_main()
        estimate.append(estimate_records(paths))

    counting = threading.Thread(target=count, daemon=True)
    counting.start()
    pool: _Workers | None = None
    try:
        # A Ctrl-C while the workers start waits for the block's end, and is raised there: inside
        # the try, so that the workers forked meanwhile are ended.
        with threads_leave_ctrl_c_to_main():  # the pool's own threads
            pool = _Workers(context, workers, initializer=_init_worker,
                            initargs=(vocab, base, full, os.getpid(), version, needs_text, held, validate))
        stream = _Streamed(pool, _chunks(itertools.chain(head, documents), 64), seconds=posting_timeout)

        def total() -> int | None:
            return stream.total if stream.total is not None else (estimate[0] if estimate else None)

        # The workers, idle once the input is read, validate the result in parts.
        report = _write(stream, writer, total_of=total, pool=pool, **options)  # type: ignore[arg-type]
    except BrokenProcessPool as error:
        # The workers kept dying (a machine out of memory, input that crashes every one): the pool
        # gave them up, and _write has stopped the writer, which keeps what it held. One that
        # died now and then cost its posting at most (pool._Streamed), not the build.
        raise NhskgError(
            f"the build's worker processes kept dying ({error}; killed, perhaps by the system for want of memory, or"
            f" crashed by what they read); the build stopped ({writer.where}: {writer.on_stop}); free some"
            " memory, or build the input in smaller parts to find what crashes them"
        ) from error
    finally:
        if pool is not None:
            pool.shutdown()
    return report
