"""A build's background threads leave Ctrl-C to the main thread (``nhskg.background``)."""

from __future__ import annotations

import concurrent.futures
import signal
import threading

import pytest

from nhskg.background import leave_ctrl_c_to_main, threads_leave_ctrl_c_to_main

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")


def _blocked_here() -> set[signal.Signals]:
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_a_background_thread_blocks_sigint_and_the_main_thread_does_not() -> None:
    with concurrent.futures.ThreadPoolExecutor(1, initializer=leave_ctrl_c_to_main) as pool:
        assert signal.SIGINT in pool.submit(_blocked_here).result()
    leave_ctrl_c_to_main()  # called in the main thread: nothing changes
    assert signal.SIGINT not in _blocked_here()


def test_threads_started_in_the_block_inherit_the_block_and_the_main_thread_gets_its_mask_back() -> None:
    seen: list[set[signal.Signals]] = []
    with threads_leave_ctrl_c_to_main():
        thread = threading.Thread(target=lambda: seen.append(_blocked_here()))
        thread.start()
    thread.join()
    assert signal.SIGINT in seen[0]
    assert signal.SIGINT not in _blocked_here()
