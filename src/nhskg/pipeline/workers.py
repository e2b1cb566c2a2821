"""A large build's worker processes as an executor that outlives their deaths: the task a dead
worker held fails alone (:class:`WorkerDied`) and a fresh worker takes the next, until workers die
so often that the machine cannot keep them (:class:`BrokenProcessPool`). :mod:`.pool` says what
they do with a build's input.

:class:`multiprocessing.pool.Pool`, used before, forked a fresh worker but never failed the task
nor said which one it had lost (a build waited for it for ever), and a worker killed while it held
the shared queue's lock stopped the others. :class:`~concurrent.futures.ProcessPoolExecutor` gives
up at the first death, and reads each result whole in a thread of its own: a worker killed
half-way through sending one (a chunk's N-Quads are more than a pipe holds) hung that thread, the
build and the interpreter's exit. Here each worker has a pipe of its own, which only it and the
thread serving it hold: which task it ran is known, and its death ends the pipe, even half-way
through a message.

A task may be given a time limit (:meth:`_Workers.submit_timed`): a worker still busy on it when
the limit passes is ended by the kernel (a timer signal whose default action ends the process),
wherever it is, in C code too, and the task fails with :class:`TaskOverran`, a kind of
:class:`WorkerDied`, so that whatever the caller does about a death it does about a task that
would never have ended. Nothing in this process has to watch the clock: the thread serving the
worker sees its pipe end, as after any death, and the worker's exit status says why.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.process
import signal
import threading
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.reduction import ForkingPickler
from typing import Any, Callable, ParamSpec, Sequence, TypeVar, cast

from ..background import leave_ctrl_c_to_main

__all__ = ["WorkerDied", "TaskOverran", "DEATHS_IN_A_ROW", "MOST_DEATHS"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class WorkerDied(BrokenProcessPool):
    """The worker process running a task died before it finished it (killed, or crashed by it).
    The other tasks go on, in a fresh worker for the next; trying this one again is the caller's
    choice."""


class TaskOverran(WorkerDied):
    """The worker process running a task was ended because the task ran longer than its time
    limit, ``seconds`` (it might never have ended: a regular expression backtracking for ever, a
    loop on odd input). As after a death, the other tasks go on, in a fresh worker for the next.

    Not counted among the deaths that give the workers up (:data:`DEATHS_IN_A_ROW`,
    :data:`MOST_DEATHS`): those tell a machine that cannot keep a worker alive (out of memory,
    input that crashes every worker), where forking more is futile. A task that overran was ended
    by the pool itself, in a healthy worker, for a known reason, and costs no more than its limit:
    counted, a feed with a dozen postings that hang one pattern would end the whole build with an
    error about memory, when each of them should be one line and the rest built.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"a worker process was still busy on its task after {seconds:g} s, the task's time limit, and was ended")
        self.seconds = seconds


#: Workers that die one after another with no task finished between them (a machine that kills
#: every worker it starts: out of memory, or input that crashes each) end the pool at this many.
DEATHS_IN_A_ROW = 6
#: ... and so do this many deaths in all: a posting that kills its worker costs two, one with its
#: chunk and one alone. A task ended at its time limit is no death here (see :class:`TaskOverran`).
MOST_DEATHS = 24


@dataclass
class _Task:
    call: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
    #: the most seconds a worker may spend on it (None: no limit)
    seconds: float | None = None
    future: concurrent.futures.Future[Any] = field(default_factory=concurrent.futures.Future)


class _Worker:
    """One forked worker process and this process's end of its pipe: nobody else holds the
    worker's end, so its death is the end of the pipe, even half-way through a message."""

    def __init__(self, context: multiprocessing.context.BaseContext, initializer: Callable[..., object],
                 initargs: tuple[Any, ...]) -> None:
        self._stopping = threading.Lock()
        with _FORKING:  # a worker forked meanwhile would hold this one's end of the pipe too
            self.connection, theirs = context.Pipe()
            self.process = cast(multiprocessing.process.BaseProcess, context.Process(  # type: ignore[attr-defined]
                target=_work, args=(theirs, initializer, initargs), name="nhskg-worker", daemon=True))
            try:
                self.process.start()
            finally:
                theirs.close()

    def send(self, message: bytes | memoryview | None) -> bool:
        """Hand the worker a task (pickled) or None; False when it is dead."""
        try:
            self.connection.send(None) if message is None else self.connection.send_bytes(message)
        except OSError:
            return False
        return True

    def receive(self) -> tuple[bool, Any] | None:
        """The outcome of the task the worker is running, (True, result) or (False, error); None
        when it died first."""
        try:
            return cast("tuple[bool, Any]", self.connection.recv())
        except (EOFError, OSError):
            return None
        except Exception as error:  # read whole, but could not be unpickled here
            return (False, error)

    def stop(self) -> None:
        """Kill the worker and reap it (from any thread, as often as asked)."""
        with self._stopping:
            self.process.kill()
            self.process.join(5)

    def end(self) -> None:
        """Stop it and close this end of its pipe (in the thread that reads the pipe)."""
        self.stop()
        self.connection.close()


_FORKING = threading.Lock()


def _work(connection: multiprocessing.connection.Connection, initializer: Callable[..., object],
          initargs: tuple[Any, ...]) -> None:
    """A worker: run each task it is handed and send back its outcome. After each task it reads
    what comes next (a task, or None: nothing yet) before it answers, so that the thread handing
    it tasks can give it the next one while it works, and a large one never leaves both ends
    writing to each other. A task with a time limit runs under a timer whose signal ends the
    worker (its answer pickled within the limit too)."""
    _ended_by_timer()
    initializer(*initargs)
    try:
        while True:
            task = connection.recv()
            while task is not None:
                fn, args, kwargs, seconds = task
                _set_timer(seconds)
                try:
                    outcome: tuple[bool, Any] = (True, fn(*args, **kwargs))
                except Exception as error:
                    outcome = (False, error)
                try:
                    answer = ForkingPickler.dumps(outcome)
                except Exception as error:
                    answer = ForkingPickler.dumps((False, RuntimeError(f"the worker's answer could not be sent back: {error!r}")))
                _set_timer(None)
                task = connection.recv()
                connection.send_bytes(answer)
    except (EOFError, OSError):  # the build process closed the pipe: it is done with this worker
        return


#: The signal that ends a worker past a task's time limit; its exit status then says so.
_TIMER = getattr(signal, "SIGALRM", None)


def _ended_by_timer() -> None:
    """Let the timer's signal end this worker, whatever the build process did with it when it
    forked the worker (a reader's time limit has a handler of its own, and the thread that forked
    it may block signals)."""
    if _TIMER is None or not hasattr(signal, "setitimer"):  # no timers here: tasks have no time limit
        return
    signal.signal(_TIMER, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {_TIMER})


def _set_timer(seconds: float | None) -> None:
    """End this worker ``seconds`` from now (a real-time timer: the kernel does it, wherever the
    worker is); None: never, cancelling the timer set before."""
    if _TIMER is not None and hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, seconds or 0)


class _Workers(concurrent.futures.Executor):
    """``processes`` forked workers as an executor that survives their deaths (see the module's
    docstring). :meth:`shutdown` ends the workers at once, whatever ``wait`` says.

    One thread per worker hands it tasks and reads their outcomes; while the worker runs one, it
    is handed the next when there is one no idle worker waits for, so that it never waits for this
    process between tasks. When a worker dies, the task it was running fails with
    :class:`WorkerDied`, the one it had been handed goes back to the head of the queue, and the
    next task it takes has a fresh worker forked for it. After :data:`DEATHS_IN_A_ROW` deaths with
    no task finished between them, or :data:`MOST_DEATHS` in all, every task still waiting fails
    with :class:`BrokenProcessPool`, and so does any submitted after. Made while SIGINT is blocked
    (:func:`nhskg.background.threads_leave_ctrl_c_to_main`), so that these threads leave Ctrl-C to
    the main thread.
    """

    def __init__(self, context: multiprocessing.context.BaseContext, processes: int,
                 initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
        self._start = (context, initializer, initargs)
        self._queue: collections.deque[_Task] = collections.deque()
        self._changed = threading.Condition()  # guards every attribute below
        self._idle = 0  # threads waiting for a task
        self._alive: set[_Worker] = set()
        self._deaths = self._in_a_row = 0
        self._broken = ""  # why the workers were given up, once they were
        self._ended = False
        try:
            for _ in range(processes):  # forked now, as the pool did: the first chunks find them ready
                try:
                    worker: _Worker | None = _Worker(*self._start)
                except OSError:  # no memory or processes left for it now: as later, its thread
                    worker = None  # forks it for its first task, and a fork that fails then is a death
                if worker is not None:
                    self._alive.add(worker)
                threading.Thread(target=self._serve, args=(worker,), name="nhskg-workers", daemon=True).start()
        except BaseException:  # Ctrl-C, or no thread to be had: nobody would end those forked already
            self.shutdown()
            raise

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> concurrent.futures.Future[_T]:
        """``fn(*args, **kwargs)`` in a worker, after the tasks queued before it."""
        return self._put([_Task((fn, args, kwargs))], first=False)[0]

    def submit_timed(self, seconds: float | None, fn: Callable[_P, _T], /, *args: _P.args,
                     **kwargs: _P.kwargs) -> concurrent.futures.Future[_T]:
        """As :meth:`submit`, but the worker is ended if it is still busy on the task ``seconds``
        after it began it, and the task fails with :class:`TaskOverran` (None: no limit)."""
        return self._put([_Task((fn, args, kwargs), seconds)], first=False)[0]

    def submit_next(self, fn: Callable[..., _T], calls: Sequence[tuple[Any, ...]],
                    seconds: float | None = None) -> list[concurrent.futures.Future[_T]]:
        """``fn(*args)`` for each ``args`` of ``calls``, in that order, before any task queued
        already, each limited to ``seconds`` as by :meth:`submit_timed`."""
        return self._put([_Task((fn, args, {}), seconds) for args in calls], first=True)

    def _put(self, tasks: list[_Task], first: bool) -> list[concurrent.futures.Future[Any]]:
        with self._changed:
            for task in tasks:
                task.future.set_running_or_notify_cancel()  # cannot be cancelled: a worker may have it
                if self._broken or self._ended:
                    task.future.set_exception(BrokenProcessPool(self._broken or "the build's workers were ended"))
            if not (self._broken or self._ended):
                if first:
                    self._queue.extendleft(reversed(tasks))
                else:
                    self._queue.extend(tasks)
                self._changed.notify(len(tasks))
        return [task.future for task in tasks]

    def _take(self, wait: bool) -> tuple[_Task, bytes | memoryview] | None:
        """The next task and its message; None once ended, or when ``wait`` is False and every
        task queued is wanted by a thread waiting for one."""
        with self._changed:
            while True:
                if wait:
                    self._idle += 1
                    while not self._queue and not self._ended:
                        self._changed.wait()
                    self._idle -= 1
                while self._queue and not self._ended and (wait or len(self._queue) > self._idle):
                    task = self._queue.popleft()
                    try:
                        return task, ForkingPickler.dumps((*task.call, task.seconds))
                    except Exception as error:  # that task fails alone
                        task.future.set_exception(error)
                if not wait or self._ended:  # when waiting, a queue emptied by such tasks is no end
                    return None

    def _serve(self, worker: _Worker | None) -> None:
        """In a thread of its own: hand one worker tasks, settle them, fork it again when it dies."""
        leave_ctrl_c_to_main()
        held: collections.deque[_Task] = collections.deque()  # handed to the worker, in order: it runs the first
        while True:
            if not held:
                taken = self._take(wait=True)
                if taken is None:
                    break
                if worker is None:
                    worker = self._forked()
                if worker is None or not worker.send(taken[1]):  # died idle, or could not be forked
                    self._died(worker, held, taken[0])
                    worker = None
                    continue
                held.append(taken[0])
            assert worker is not None  # it holds a task
            following = self._take(wait=False)
            if following is not None:
                held.append(following[0])
            sent = worker.send(None if following is None else following[1])
            outcome = worker.receive() if sent else None
            if outcome is None:
                self._died(worker, held)
                worker = None
                continue
            self._settle(held.popleft(), outcome)
        if worker is not None:
            worker.end()

    def _forked(self) -> _Worker | None:
        """A fresh worker, or None when it cannot be forked (counted as a death)."""
        try:
            worker = _Worker(*self._start)
        except OSError:  # no memory or processes left for it
            return None
        with self._changed:
            self._alive.add(worker)
            ended = self._ended
        if ended:  # shutdown() did not see it
            worker.end()
        return worker

    def _settle(self, task: _Task, outcome: tuple[bool, Any]) -> None:
        with self._changed:
            self._in_a_row = 0
            if task.future.done():  # failed when the workers were given up
                return
        ok, value = outcome
        if ok:
            task.future.set_result(value)
        else:
            task.future.set_exception(value)

    def _died(self, worker: _Worker | None, held: collections.deque[_Task], unsent: _Task | None = None) -> None:
        """``worker`` died (or could not be forked): the task it was running fails with
        :class:`WorkerDied` (:class:`TaskOverran` when its timer ended it, which is not counted as
        a death), the others it held (and ``unsent``) go back to the head of the queue, unless the
        workers are given up now."""
        exitcode = None
        if worker is not None:
            worker.end()  # reaped: its exit status is known
            # ... unless a worker forked meanwhile reaped it: Process.start() polls every child,
            # and its poll may hold the status our own got ECHILD for; every fork holds _FORKING
            with _FORKING:
                exitcode = worker.process.exitcode
        lost = held.popleft() if held else None
        back = [*held, *([unsent] if unsent is not None else [])]
        held.clear()
        overran = (lost is not None and lost.seconds is not None and worker is not None and _TIMER is not None
                   and exitcode == -_TIMER)
        with self._changed:
            if worker is not None:
                self._alive.discard(worker)
            if self._ended:
                return
            if not overran:
                self._deaths += 1
                self._in_a_row += 1
            if self._in_a_row >= DEATHS_IN_A_ROW or self._deaths >= MOST_DEATHS:
                if not self._broken:
                    self._broken = (f"{self._in_a_row} worker processes died one after another, with no task finished"
                                    " between them" if self._in_a_row >= DEATHS_IN_A_ROW else
                                    f"{self._deaths} worker processes died, the most one build allows")
                back += self._queue
                self._queue.clear()
            else:
                self._queue.extendleft(reversed(back))
                self._changed.notify(len(back))
                back = []
            failed = BrokenProcessPool(self._broken) if self._broken else None
        if lost is not None and not lost.future.done():
            lost.future.set_exception(failed or (TaskOverran(cast(float, lost.seconds)) if overran else WorkerDied(_DIED)))
        for task in back:
            if not task.future.done():
                task.future.set_exception(cast(BrokenProcessPool, failed))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """End the workers now, whatever ``wait`` says."""
        with self._changed:
            self._ended = True
            self._queue.clear()
            self._changed.notify_all()
            alive = list(self._alive)
        for worker in alive:
            worker.process.kill()
        for worker in alive:  # reaped, as the pool's terminate() did (their CPU time and memory then count as this process's children's)
            worker.stop()


_DIED = "a worker process died before it finished its task (killed, perhaps by the system for want of memory, or crashed)"
