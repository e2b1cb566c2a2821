"""Threads that work beside a build leave Ctrl-C to the main thread, and the main thread's timer
stops work that would never end.

The kernel hands a process's SIGINT to any one of its threads that does not block it. Python runs
its handler (the KeyboardInterrupt) only in the main thread, and only when that thread next runs
Python code: a main thread asleep or waiting in C when the kernel picked another thread saw the
Ctrl-C only once its wait ended (a build held in a progress callback's sleep did not stop for a
minute). Each background thread of a build blocks SIGINT, so the kernel hands it to the main
thread, whose wait it interrupts.

The same main thread alone can take a timer signal (:func:`time_limit`): a DOCX or PDF reader in
pure Python that loops, or a posting on which a pattern would backtrack for ever, is stopped
wherever it is, and the stage that asked says what that means for its input.
"""

from __future__ import annotations

import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator

__all__ = ["background_threads", "leave_ctrl_c_to_main", "threads_leave_ctrl_c_to_main", "time_limit"]


def leave_ctrl_c_to_main() -> None:
    """Block SIGINT in the calling thread, unless it is the main thread: a thread initializer
    (``ThreadPoolExecutor(initializer=...)``), or the first call of a thread's target."""
    if hasattr(signal, "pthread_sigmask") and threading.current_thread() is not threading.main_thread():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def background_threads(workers: int, name: str = "") -> ThreadPoolExecutor:
    """A pool of ``workers`` threads (named ``name``-N) that each leave Ctrl-C to the main thread."""
    return ThreadPoolExecutor(workers, thread_name_prefix=name, initializer=leave_ctrl_c_to_main)


@contextmanager
def threads_leave_ctrl_c_to_main() -> Iterator[None]:
    """The threads a library starts inside the block (a process pool's handlers) block SIGINT too:
    a new thread takes the mask of the thread that starts it, so the main thread blocks SIGINT
    while they start. A Ctrl-C meanwhile waits and is delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def time_limit(seconds: float, stop: Callable[[], BaseException]) -> Iterator[None]:
    """Raise ``stop()`` in the block once ``seconds`` have passed. Only the main thread receives
    signals, and only a timer nobody else holds may be taken (a DOCX reader's inside a build's, say):
    elsewhere the block runs unbounded, and the caller's other limits (size, pages, characters, a
    worker's own timer) must hold. The handler is never left behind, even when the timer goes off
    just as the block ends."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None) and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return
    done = False

    def on_alarm(signum: int, frame: Any) -> None:
        if not done:
            raise stop()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            yield
        finally:
            done = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
