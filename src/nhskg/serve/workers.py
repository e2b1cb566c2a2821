"""The query workers of ``nhskg serve``: processes that hold the store and can be stopped.

Takes a job (a protocol query, or a library query to draw) and a client's address; gives the
answer's status, media type and bytes, or a :class:`~nhskg.serve.protocol._Refused`. Separate
from the HTTP side because it is the part that keeps the server up: pyoxigraph has no query
timeout and a thread cannot be stopped, so each query runs in a process that is killed at the time
limit, whose memory is limited, and which stops an answer growing past its size limit as it
writes it (:mod:`.engine`, what the process does with a job); the pool hands processes out fairly
among clients.
"""

from __future__ import annotations

import itertools
import multiprocessing
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import StoreError
from ..sparql.querycheck import ENGINE_STACK
from .engine import _out_of_memory, _worker_main
from .protocol import _Refused


class _Worker:
    """One worker process and the pipe to it; ``started`` when it took its current job."""

    def __init__(self, context: Any, store: Path, stack: int, memory: int) -> None:
        self.store = store
        self.connection, child = context.Pipe()
        try:
            lifeline, self.lifeline = context.Pipe(duplex=False)  # only this process holds its sending end
        except BaseException:
            self.connection.close()
            child.close()
            raise
        try:
            self.process = context.Process(target=_worker_main, args=(str(store), child, stack, memory, lifeline), daemon=True)
            self.process.start()
        except BaseException:  # no process (EMFILE, ENOMEM): its pipes would be left open, one set a try
            self.connection.close()
            self.lifeline.close()
            raise
        finally:
            child.close()
            lifeline.close()
        self.started = 0.0

    def wait_ready(self, seconds: float = 60.0) -> "_Worker":
        try:
            if not self.connection.poll(seconds):
                raise EOFError
            self.connection.recv()
        except (EOFError, OSError):
            self.kill()
            raise StoreError(f"a query worker could not open the store {self.store} within {seconds:g} s;"
                             " is it readable?") from None
        except BaseException:  # MemoryError, a message that does not unpickle: not a worker to keep, nor to leave running
            self.kill()
            raise
        return self

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()
        self.lifeline.close()


@dataclass(eq=False)
class _Ticket:
    """A request waiting for a worker; ``ready`` is set when ``worker`` is its."""

    client: str
    order: int
    ready: threading.Event = field(default_factory=threading.Event)
    worker: _Worker | None = None


class WorkerPool:
    """Worker processes holding the store, handed out fairly among clients.

    Waiting requests are served in arrival order, skipping clients that have ``per_client``
    queries running already, so one client's queries never hold more than that many workers.
    At most ``size`` queries younger than ``heavy_after`` seconds run at once; a query running
    longer stops counting, so the ``spare`` processes take the next queries instead of them
    waiting behind long ones.

    Two orders tried before this one did worse under ``scripts/load-serve.py`` (50 clients, one
    query in ten heavy): serving first the client that had used the workers least starved
    clients that had just run a heavy query (71 of 2,000 requests waited 60 s for a 503); and
    keeping the spare for texts that had run quickly before made quick queries quicker (p50
    0.3 s) but the heavy ones wait for each other (p99 40 s against 10 s in arrival order).

    A job that overruns the time limit costs its worker its life; so does one under which the
    worker dies (the engine crashed, or ran out of the ``memory`` each worker may use: 0, no
    limit). Either way a replacement starts in the background, tried again until one starts.
    """

    def __init__(self, store: Path, size: int, waiting: int = 512, *, spare: int = 1, per_client: int = 1,
                 per_client_queue: int = 64, heavy_after: float = 1.0, stack: int = ENGINE_STACK,
                 memory: int = 0) -> None:
        self.store = store
        self.memory = memory
        self.size = max(1, size)
        self.limit = max(0, waiting)
        self.per_client = max(1, per_client)
        self.per_client_queue = max(1, per_client_queue)
        self.heavy_after = heavy_after
        self.stack = stack
        self.context = multiprocessing.get_context("forkserver")
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        self.busy: dict[_Worker, _Ticket] = {}  # worker -> the job it runs
        self.queue: dict[str, deque[_Ticket]] = {}
        self.waiting = 0
        self.running: dict[str, int] = {}
        self.inflight: dict[str, int] = {}
        self.starting = 0
        self.killed = 0  # stopped at the time limit
        self.crashed = 0  # died under a query, or its answer could not be received
        self.failed_starts = 0  # replacements that could not be started (each tried again)
        self.unstarted = 0  # replacements whose starting thread could not be made: the pacer tries again
        self._order = itertools.count()
        self._closed = False
        started = [_Worker(self.context, store, stack, memory) for _ in range(self.size + max(0, spare))]
        try:
            self.idle = [worker.wait_ready() for worker in started]
        except BaseException:
            for worker in started:
                worker.kill()
            raise
        self._pacer = threading.Thread(target=self._pace, name="nhskg-pool", daemon=True)
        self._pacer.start()

    @property
    def processes(self) -> int:
        """Worker processes alive or starting."""
        with self.lock:
            return len(self.idle) + len(self.busy) + self.starting

    def run(self, job: Mapping[str, Any], timeout: float, wait: float = 60.0, *, client: str,
            before: Callable[[], None] | None = None) -> tuple[int, str, bytes]:
        """Run ``job`` for ``client`` (the address that asked: every query counts against one, so
        a page's queries wait behind its own client's only): wait up to ``wait`` s for a worker,
        then up to ``timeout`` s for the answer. ``before`` is called once a worker is ready for the
        job, and may refuse it by raising (what was true when it was queued may not be now)."""
        ticket = self._enqueue(client)
        try:
            if not ticket.ready.wait(wait):
                with self.lock:
                    if ticket.worker is None:
                        self._withdraw(ticket)
                        raise _Refused(503, f"no query worker became free within {wait:g} s; try again shortly", retry=5)
            assert ticket.worker is not None
            if before is not None:
                before()
            return self._run_on(ticket.worker, job, timeout)
        finally:
            self._finish(ticket)

    def _enqueue(self, client: str) -> _Ticket:
        with self.lock:
            if self._closed:
                raise _Refused(503, "the server is stopping")
            if self.inflight.get(client, 0) >= self.per_client_queue:
                raise _Refused(429, f"too many queries from your address at once ({self.per_client_queue});"
                                    " wait for the answers before sending more", retry=1)
            if self.waiting >= self.limit:
                raise _Refused(503, "the server is busy (too many queued queries); try again shortly", retry=1)
            ticket = _Ticket(client, next(self._order))
            self.queue.setdefault(client, deque()).append(ticket)
            self.waiting += 1
            self.inflight[client] = self.inflight.get(client, 0) + 1
            self._dispatch()
            return ticket

    def _withdraw(self, ticket: _Ticket) -> None:
        tickets = self.queue.get(ticket.client)
        if tickets is not None and ticket in tickets:
            tickets.remove(ticket)
            self.waiting -= 1
            if not tickets:
                del self.queue[ticket.client]

    def _run_on(self, worker: _Worker, job: Mapping[str, Any], timeout: float) -> tuple[int, str, bytes]:
        try:
            worker.connection.send(dict(job))
            answered = worker.connection.poll(timeout)
            if answered:
                kind, status, media, body = worker.connection.recv()
        except (EOFError, OSError):
            self._lose(worker, timed_out=False)
            if self.memory and worker.process.exitcode == -signal.SIGABRT:  # the engine's allocation failed
                raise _Refused(507, _out_of_memory(self.memory)) from None
            raise _Refused(500, "the query engine stopped while running this query (its worker process ended); "
                                "the server goes on, but this query cannot be answered: simplify it") from None
        except Exception:  # MemoryError for a large answer, say: what is left of it in the pipe must reach no other client
            self._lose(worker, timed_out=False)
            raise _Refused(500, "the answer could not be received from the query engine (the server may be short of memory); "
                                "try again, or narrow the query (filters, a LIMIT)") from None
        if not answered:
            self._lose(worker, timed_out=True)
            raise _Refused(503, f"the query ran longer than the time limit of {timeout:g} s and was stopped; "
                                "narrow it (filters, LIMIT) or ask for a longer --timeout")
        if kind == "error":
            raise _Refused(status, body.decode("utf-8", "replace"))
        return status, media, body

    def _lose(self, worker: _Worker, *, timed_out: bool) -> None:
        """Kill ``worker`` (it overran, or died) and start another in the background."""
        worker.kill()
        with self.lock:
            self.busy.pop(worker, None)
            if timed_out:
                self.killed += 1
            else:
                self.crashed += 1
            self._replace()

    def _replace(self) -> None:
        """Start one worker in the background (call holding the lock)."""
        if self._closed:
            return
        self.starting += 1
        try:
            threading.Thread(target=self._spawn, name="nhskg-spawn", daemon=True).start()
        except RuntimeError:  # "can't start new thread": not starting after all; the pacer tries again
            self.starting -= 1
            self.failed_starts += 1
            self.unstarted += 1

    def _spawn(self) -> None:
        delay = 0.5
        while not self._closed:
            try:
                worker = _Worker(self.context, self.store, self.stack, self.memory).wait_ready()
            except Exception:  # the store is being replaced, or no pipe or process could be made for now: try again
                with self.lock:
                    self.failed_starts += 1
                time.sleep(delay)
                delay = min(2 * delay, 10.0)
                continue
            with self.lock:
                self.starting -= 1
                if self._closed:
                    worker.kill()
                    return
                self.idle.append(worker)
                self._dispatch()
            return
        with self.lock:
            self.starting -= 1

    def _finish(self, ticket: _Ticket) -> None:
        with self.lock:
            client, worker = ticket.client, ticket.worker
            if worker is not None:
                if self.busy.pop(worker, None) is not None:  # not lost: back to work
                    self.idle.append(worker)
                self.running[client] -= 1
                if not self.running[client]:
                    del self.running[client]
            self.inflight[client] -= 1
            if not self.inflight[client]:
                del self.inflight[client]
            self._dispatch()

    def _dispatch(self) -> None:
        """Hand idle workers to waiting tickets, oldest first (call holding the lock): at most
        ``size`` queries younger than ``heavy_after`` running; a client at its cap waits."""
        now = time.monotonic()
        fresh = sum(1 for worker in self.busy if now - worker.started < self.heavy_after)
        while self.idle and self.queue and fresh < self.size:
            eligible = [tickets[0] for c, tickets in self.queue.items() if self.running.get(c, 0) < self.per_client]
            if not eligible:
                return
            ticket = min(eligible, key=lambda t: t.order)
            worker = self.idle.pop()
            if not worker.process.is_alive():  # died while idle: replace it, try the next
                worker.kill()
                self._replace()
                continue
            self._withdraw(ticket)
            worker.started = now
            self.busy[worker] = ticket
            self.running[ticket.client] = self.running.get(ticket.client, 0) + 1
            ticket.worker = worker
            ticket.ready.set()
            fresh += 1

    def _pace(self) -> None:
        """Dispatch again as running queries cross ``heavy_after`` (nothing else would wake the queue), and start
        the replacements whose thread could not be made when they were due."""
        while not self._closed:
            time.sleep(0.1)
            with self.lock:
                owed, self.unstarted = self.unstarted, 0
                for _ in range(owed):
                    self._replace()
                if self.queue:  # a query crossing heavy_after frees a place
                    self._dispatch()

    def close(self) -> None:
        with self.lock:
            self._closed = True
            workers = self.idle + list(self.busy)
            self.idle, self.busy = [], {}
        for worker in workers:
            worker.kill()
