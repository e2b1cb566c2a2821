"""A large build's pool of worker processes: what each worker holds, what it does with a chunk
of the input, and the results handed back in input order while the input is still being read.

Forked, so each worker starts with the vocabulary and its matcher built and the store's digests
in memory; chunks of a few dozen documents (or a feed's lines, unread) keep pickling cheap.
:mod:`.build` composes it; a worker turns a chunk into N-Quads with :mod:`.making`.

A worker that dies (the OOM killer's pick, a crash in a C library on one odd posting) takes its
chunk with it: :class:`~.workers._Workers` fails just that chunk's task with
:class:`~.workers.WorkerDied` and forks a fresh worker, and :class:`_Streamed` makes the chunk
again, each document in a task of its own; a document whose worker dies again on it alone is a
problem naming its file and record. So is a chunk that fails otherwise (an error the per-posting
guard missed, an answer that cannot be pickled or unpickled): made again a document per task, the
one that fails alone is a problem naming its error's kind. So is a chunk still being made when
its time limit passes (a posting on which extraction would never end): its worker is ended (a
:class:`~.workers.TaskOverran`), the chunk made again a document per task, each with the same
limit, and the one that overruns it alone is a problem saying so. One bad posting never costs the
rest of a build.
"""

from __future__ import annotations

import collections
import concurrent.futures
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator, Mapping, cast

from ..errors import echoed
from ..graph.rdfgraph import PostingGraph
from ..read.documents import Document, Problem, TextFilter, UnreadRecord
from ..vocabulary.vocab import Vocabulary
from .identity import Held, unless_held
from .making import _graphs, _overran
from .workers import TaskOverran, WorkerDied, _Workers

_WORKER: tuple[Vocabulary, str, bool | None, str | None] | None = None
#: What a worker needs to read a feed's lines itself: which descriptions are wanted, and the
#: documents the store holds (input digest -> content digest), which it need not extract.
_WORKER_READING: tuple[TextFilter | None, Mapping[str, str]] = (None, {})


def _init_worker(vocab: Vocabulary, base: str, full: bool | None, parent: int, fingerprint: str | None = None,
                 needs_text: TextFilter | None = None, held: Mapping[str, str] | None = None,
                 validating: bool = False) -> None:
    global _WORKER, _WORKER_READING
    _WORKER = (vocab, base, full, fingerprint)
    _WORKER_READING = (needs_text, held or {})
    # Ctrl-C reaches every process of the terminal's group: the build process handles it, once,
    # and ends the pool; a worker that took it too would print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)
    if validating:
        # The workers validate the new generation in parts at the end of the build, each part
        # importing pySHACL (a tenth of a second) while the build waits; imported now, before
        # the first chunk reaches the worker, that time overlaps the start of the build.
        import pyshacl  # noqa: F401


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


def _graphs_of_chunk(chunk: list[Document | Problem | Held | UnreadRecord]) -> list[PostingGraph | Problem | Held]:
    assert _WORKER is not None, "_init_worker was not called"
    return list(_graphs(_read_here(chunk), *_WORKER))


def _read_here(chunk: list[Document | Problem | Held | UnreadRecord]) -> Iterator[Document | Problem | Held]:
    """The chunk with each line of a feed read (in a worker), and marked when the store holds it."""
    from ..read.readers import read_record  # the readers are another stage; import when used

    needs_text, held = _WORKER_READING
    fingerprint = _WORKER[3] if _WORKER is not None else None
    for item in chunk:
        if isinstance(item, UnreadRecord):
            read = read_record(item, needs_text)
            yield from (unless_held(read, held, fingerprint) if fingerprint is not None else read)
        else:
            yield item


def _chunks(items: Iterable[Document | Problem | Held | UnreadRecord], size: int) -> Iterable[list[Document | Problem | Held | UnreadRecord]]:
    chunk: list[Document | Problem | Held | UnreadRecord] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Streamed:
    """The workers' results in input order, read and handed out as they come.

    Each time the writer asks for more, one more chunk of documents is read and sent to the
    pool, and every result already back at the head of the queue is handed out: the writer never
    waits for the whole input. Reading runs at most ``ahead`` chunks ahead of the writer: reading
    a feed's lines is so much quicker than extracting them that, unchecked, ten times the 2020
    corpus sat in the pool's queue (peak RSS 1.5 GB, against 1.0 with the queue held to 64
    chunks). ``total`` is the number of documents, known once the input is exhausted.

    ``seconds`` is the most a worker may spend on one task, a chunk or a document alone (None: no
    limit): the limit for one posting serves for a chunk too, since a chunk of the 2020 corpus
    takes under a second and a chunk that overruns is made again a document per task anyway.
    """

    def __init__(self, pool: concurrent.futures.Executor, chunks: Iterable[list[Document | Problem | Held | UnreadRecord]],
                 ahead: int = 64, seconds: float | None = None) -> None:
        self._pool = pool
        self._chunks = iter(chunks)
        self._ahead = ahead
        self._seconds = seconds
        self.read = 0
        self.total: int | None = None

    def __iter__(self) -> Iterator[PostingGraph | Problem | Held]:
        in_flight: collections.deque[tuple[_Result, list[Document | Problem | Held | UnreadRecord]]] = collections.deque()
        for chunk in self._chunks:
            self.read += len(chunk)
            if any(isinstance(item, (Document, UnreadRecord)) for item in chunk):
                in_flight.append((self._sent(chunk), chunk))
            else:  # nothing to extract (the store holds these already): no trip to a worker
                in_flight.append((_Ready(chunk), chunk))
            while in_flight and (len(in_flight) > self._ahead or in_flight[0][0].done()):
                yield from self._counted(*in_flight.popleft())  # waits for the oldest when too far ahead
        self.total = self.read
        while in_flight:
            yield from self._counted(*in_flight.popleft())
            self.total = self.read

    def _sent(self, chunk: list[Document | Problem | Held | UnreadRecord]) -> _Result:
        if self._seconds is None:
            return self._pool.submit(_graphs_of_chunk, chunk)
        return cast(_Workers, self._pool).submit_timed(self._seconds, _graphs_of_chunk, chunk)

    def _counted(self, result: _Result, chunk: list[Document | Problem | Held | UnreadRecord]) -> list[PostingGraph | Problem | Held]:
        """A chunk's results; a line read in a worker may give two (a warning and its posting),
        which the count of what was read takes in. BrokenProcessPool when the workers were given up."""
        items = self._made(result, chunk, alone=False)
        self.read += len(items) - len(chunk)
        return items

    def _made(self, result: _Result, chunk: list[Document | Problem | Held | UnreadRecord],
              alone: bool) -> list[PostingGraph | Problem | Held]:
        """What a worker made of ``chunk``. When its worker died, or was ended at the time limit, or
        the chunk failed otherwise (an error the per-posting guard did not catch, an answer that
        could not be pickled there or unpickled here), the chunk is made again, each document in a
        task of its own (``alone``), first in the queue; a document that fails again alone is a
        problem, and the rest of the chunk is made. BrokenProcessPool when the workers were given up."""
        try:
            return result.result()
        except TaskOverran as overran:
            if alone:
                item = chunk[0]
                return [item if isinstance(item, Problem) else _overran(item.source, _record(item), overran.seconds)]
        except WorkerDied:
            if alone:
                return [_killed(chunk[0])]
        except BrokenProcessPool:
            raise
        except Exception as error:  # a bug on one odd posting must not cost the rest of a build
            if alone:
                return [_failed(chunk[0], error)]
        work = [item for item in chunk if isinstance(item, (Document, UnreadRecord))]
        again = iter(cast(_Workers, self._pool).submit_next(_graphs_of_chunk, [([item],) for item in work], self._seconds))
        made: list[PostingGraph | Problem | Held] = []
        for item in chunk:  # a problem, or a document the store holds, is as it was
            made += self._made(next(again), [item], alone=True) if isinstance(item, (Document, UnreadRecord)) else [item]
        return made


def _killed(item: Document | Problem | Held | UnreadRecord) -> Problem:
    """The problem of a document (or a feed's line) whose worker died on it twice, once alone."""
    if isinstance(item, Problem):
        return item
    return Problem(item.source, "a worker process died on it twice, the second time on it alone (it crashes nhskg,"
                                " or the system killed the worker for want of memory); it is left out and the rest is"
                                " built; build again, and report it if a worker dies on it again", _record(item))


def _failed(item: Document | Problem | Held | UnreadRecord, error: Exception) -> Problem:
    """The problem of a document (or a feed's line) whose task failed twice, once alone, with
    ``error`` (not its worker's death): its kind and first line, not a traceback."""
    if isinstance(item, Problem):
        return item
    why = (str(error).strip().splitlines() or [""])[0]
    return Problem(item.source, f"could not be made in a worker process ({type(error).__name__}: {echoed(why, 200)}), twice, the"
                                " second time on it alone; it is left out and the rest is built; please report it", _record(item))


def _record(item: Document | Held | UnreadRecord) -> str:
    """How a problem names the record: its id, or where a line a worker reads is in its feed."""
    return item.where if isinstance(item, UnreadRecord) else item.id


class _Ready:
    """A chunk with nothing to extract, queued in order with the workers' results."""

    def __init__(self, items: list[Document | Problem | Held | UnreadRecord]) -> None:
        self._items = items

    def done(self) -> bool:
        return True

    def result(self) -> list[PostingGraph | Problem | Held]:
        return cast("list[PostingGraph | Problem | Held]", self._items)  # a chunk with no Document or UnreadRecord (see __iter__)


_Result = concurrent.futures.Future[list[PostingGraph | Problem | Held]] | _Ready
