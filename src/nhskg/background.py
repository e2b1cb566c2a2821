"""Threads that work beside a build leave Ctrl-C to the main thread.

The kernel hands a process's SIGINT to any one of its threads that does not block it. Python runs
its handler (the KeyboardInterrupt) only in the main thread, and only when that thread next runs
Python code: a main thread asleep or waiting in C when the kernel picked another thread saw the
Ctrl-C only once its wait ended (a build held in a progress callback's sleep did not stop for a
minute). Each background thread of a build blocks SIGINT, so the kernel hands it to the main
thread, whose wait it interrupts.
"""

from __future__ import annotations

import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Iterator

__all__ = ["background_threads", "leave_ctrl_c_to_main", "threads_leave_ctrl_c_to_main"]


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
