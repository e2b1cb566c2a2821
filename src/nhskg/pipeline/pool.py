"""A large build's pool of worker processes: what each worker holds, what it does with a chunk
of the input, and the results handed back in input order while the input is still being read.

Forked, so each worker starts with the vocabulary and its matcher built and the store's digests
in memory; chunks of a few dozen documents (or a feed's lines, unread) keep pickling cheap.
:mod:`.build` composes it; a worker turns a chunk into N-Quads with :mod:`.making`.

A worker that dies (the OOM killer's pick, a crash in a C library) takes its chunk with it:
:class:`multiprocessing.pool.Pool` starts another worker but never fails the chunk, and a build
waited for its result for ever. :class:`_Workers` is the pool as an executor whose tasks fail
with :class:`~concurrent.futures.process.BrokenProcessPool` once a worker dies, which ends the
build (the previous store stays live). :class:`~concurrent.futures.ProcessPoolExecutor`, which
notices a dead worker itself, was tried: it reads each result whole in a thread of its own, so a
worker killed half-way through sending one (a chunk's N-Quads are more than a pipe holds) hung
that thread, the build and the interpreter's exit.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import signal
import threading
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, Callable, Iterable, Iterator, Mapping, ParamSpec, TypeVar, cast

from ..background import leave_ctrl_c_to_main
from ..graph.rdfgraph import PostingGraph
from ..read.documents import Document, Problem, TextFilter, UnreadRecord
from ..vocabulary.vocab import Vocabulary
from .identity import Held, unless_held
from .making import _graphs

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


_P = ParamSpec("_P")
_T = TypeVar("_T")


class _Workers(concurrent.futures.Executor):
    """``processes`` forked workers (:class:`multiprocessing.pool.Pool`) as an executor, watched:
    when one dies, every task still out fails with :class:`BrokenProcessPool`, and so does any
    task submitted after. :meth:`shutdown` ends the workers at once, whatever ``wait`` says.

    No worker ends of itself (the pool is made without ``maxtasksperchild``), so a worker's end
    before :meth:`shutdown` is a death: a thread waits on the workers' sentinels for it. Made
    while SIGINT is blocked (:func:`nhskg.background.threads_leave_ctrl_c_to_main`), so that the
    pool's threads leave Ctrl-C to the main thread.
    """

    def __init__(self, context: multiprocessing.context.BaseContext, processes: int,
                 initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
        before = set(multiprocessing.active_children())
        self._pool = context.Pool(processes, initializer=initializer, initargs=initargs)
        self._processes = [p for p in multiprocessing.active_children() if p not in before]  # forked just now
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._lock = threading.Lock()
        self._broken = False
        self._ended = threading.Event()
        threading.Thread(target=self._watch, name="nhskg-workers", daemon=True).start()

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> concurrent.futures.Future[_T]:
        future: concurrent.futures.Future[_T] = concurrent.futures.Future()
        future.set_running_or_notify_cancel()  # cannot be cancelled: the pool has it
        with self._lock:
            if self._broken:
                raise BrokenProcessPool(_DIED)
            self._pending.add(future)
        self._pool.apply_async(fn, args, kwargs, callback=partial(self._settle, future, False),
                               error_callback=partial(self._settle, future, True))
        return future

    def _settle(self, future: concurrent.futures.Future[Any], failed: bool, outcome: Any) -> None:
        """In the pool's thread: a task's result or error, unless it failed already (a worker died)."""
        with self._lock:
            if future not in self._pending:
                return
            self._pending.discard(future)
        if failed:
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    def _watch(self) -> None:
        leave_ctrl_c_to_main()
        sentinels = [process.sentinel for process in self._processes]
        while not self._ended.is_set():
            if multiprocessing.connection.wait(sentinels, timeout=0.2) and not self._ended.is_set():
                break  # a worker died
        else:
            return
        with self._lock:
            self._broken = True
            pending, self._pending = self._pending, set()
        for future in pending:
            future.set_exception(BrokenProcessPool(_DIED))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """End the workers now (the pool's ``terminate()``); after a worker died, kill them and end
        the pool in a thread nobody waits for: its ``terminate()`` can wait for ever on a queue
        lock or a half-sent result the dead worker left."""
        self._ended.set()
        if not self._broken and all(process.exitcode is None for process in self._processes):
            self._pool.terminate()
            return
        for process in self._processes:
            process.kill()
        threading.Thread(target=self._pool.terminate, name="nhskg-workers-end", daemon=True).start()


_DIED = "a worker process died before it finished its task (killed, perhaps by the system for want of memory)"


class _Streamed:
    """The workers' results in input order, read and handed out as they come.

    Each time the writer asks for more, one more chunk of documents is read and sent to the
    pool, and every result already back at the head of the queue is handed out: the writer never
    waits for the whole input. Reading runs at most ``ahead`` chunks ahead of the writer: reading
    a feed's lines is so much quicker than extracting them that, unchecked, ten times the 2020
    corpus sat in the pool's queue (peak RSS 1.5 GB, against 1.0 with the queue held to 64
    chunks). ``total`` is the number of documents, known once the input is exhausted.
    """

    def __init__(self, pool: concurrent.futures.Executor, chunks: Iterable[list[Document | Problem | Held | UnreadRecord]],
                 ahead: int = 64) -> None:
        self._pool = pool
        self._chunks = iter(chunks)
        self._ahead = ahead
        self.read = 0
        self.total: int | None = None

    def __iter__(self) -> Iterator[PostingGraph | Problem | Held]:
        in_flight: collections.deque[concurrent.futures.Future[list[PostingGraph | Problem | Held]] | _Ready] = collections.deque()
        chunk_sizes: collections.deque[int] = collections.deque()
        for chunk in self._chunks:
            self.read += len(chunk)
            chunk_sizes.append(len(chunk))
            if any(isinstance(item, (Document, UnreadRecord)) for item in chunk):
                in_flight.append(self._pool.submit(_graphs_of_chunk, chunk))
            else:  # nothing to extract (the store holds these already): no trip to a worker
                in_flight.append(_Ready(chunk))
            while in_flight and (len(in_flight) > self._ahead or in_flight[0].done()):
                yield from self._counted(in_flight.popleft(), chunk_sizes)  # waits for the oldest when too far ahead
        self.total = self.read
        while in_flight:
            yield from self._counted(in_flight.popleft(), chunk_sizes)
            self.total = self.read

    def _counted(self, result: "concurrent.futures.Future[list[PostingGraph | Problem | Held]] | _Ready",
                 sizes: collections.deque[int]) -> list[PostingGraph | Problem | Held]:
        """A chunk's results; a line read in a worker may give two (a warning and its posting),
        which the count of what was read takes in. BrokenProcessPool when a worker died."""
        items = result.result()
        self.read += len(items) - sizes.popleft()
        return items


class _Ready:
    """A chunk with nothing to extract, queued in order with the workers' results."""

    def __init__(self, items: list[Document | Problem | Held | UnreadRecord]) -> None:
        self._items = items

    def done(self) -> bool:
        return True

    def result(self) -> list[PostingGraph | Problem | Held]:
        return cast("list[PostingGraph | Problem | Held]", self._items)  # a chunk with no Document or UnreadRecord (see __iter__)
