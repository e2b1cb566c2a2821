"""A large build's worker processes when something goes wrong while they start or are handed a
task: nothing is left running after the build (in a process that builds again, such as a
notebook's), and the build ends with one error saying what to do, or goes on.

In-process, on the large-build path (``PARALLEL_OVER`` lowered), 40 postings of one feed.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import json
import multiprocessing
import multiprocessing.context
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from nhskg.errors import NhskgError
from nhskg.pipeline.build import build

from ._harness import posting_ids

NURSE = {"@type": "JobPosting", "title": "Staff Nurse", "hiringOrganization": {"name": "Trust A NHS Trust"},
         "description": "<p>Band 5 staff nurse. You will lead on safeguarding adults for the ward team.</p>"}


def _feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(importlib.import_module("nhskg.pipeline.build"), "PARALLEL_OVER", 10)  # the large-build path
    feed = tmp_path / "many.jsonl"
    feed.write_text("".join(json.dumps({**NURSE, "id": f"nurse-{n}"}) + "\n" for n in range(40)), encoding="utf-8")
    return feed


def _running() -> set[object]:
    """The worker processes (by pid) and their threads alive now."""
    return ({p.pid for p in multiprocessing.active_children()}  # reaps the dead
            | {t for t in threading.enumerate() if t.name == "nhskg-workers"})


def _left_behind(before: set[object]) -> list[str]:
    """What of the workers started since ``before`` is still alive (their threads end a moment
    after the build)."""
    deadline = time.monotonic() + 10
    while True:
        left = _running() - before
        if not left or time.monotonic() > deadline:
            return sorted(f"thread {t.name}" if isinstance(t, threading.Thread) else f"process {t}" for t in left)
        time.sleep(0.05)


def _forks_failing(monkeypatch: pytest.MonkeyPatch, failing: Any) -> None:
    """Forking a worker raises OSError (ENOMEM, as fork does when the system cannot copy the
    build process) on the forks ``failing(n)`` picks, n counting from 1."""
    start = multiprocessing.context.ForkProcess.start
    forks = [0]

    def start_or_fail(self: multiprocessing.process.BaseProcess) -> None:
        forks[0] += 1
        if failing(forks[0]):
            raise OSError(12, "Cannot allocate memory")
        start(self)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", start_or_fail)


def test_bug_a_worker_that_could_not_be_forked_at_the_start_ended_the_build_and_left_the_others_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second of two workers could not be forked as the build started: the build ended with a
    bare OSError (a traceback from ``nhskg build``) and the first worker, and the thread serving
    it, were left running for ever (in a notebook, one more after each such build). A fork that
    fails later costs a death and the build goes on; so does one that fails at the start."""
    feed, before = _feed(tmp_path, monkeypatch), _running()
    _forks_failing(monkeypatch, lambda n: n == 2)
    report = build([feed], tmp_path / "store", validate=False, workers=2)
    assert (report.postings_read, report.problems) == (40, ())
    assert len(posting_ids(tmp_path / "store")) == 40
    assert _left_behind(before) == []


def test_a_build_whose_workers_can_never_be_forked_is_one_error_saying_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a bare OSError, no message of nhskg's. Now the error the build gives when its
    workers keep dying, and nothing left running."""
    feed, before = _feed(tmp_path, monkeypatch), _running()
    _forks_failing(monkeypatch, lambda n: True)
    with pytest.raises(NhskgError, match="free some memory"):
        build([feed], tmp_path / "store", validate=False, workers=2)
    assert _left_behind(before) == []


def test_bug_ctrl_c_between_two_forks_left_the_first_worker_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A KeyboardInterrupt raised while the workers were being forked (handed to the main thread
    by a thread that does not block SIGINT, such as a progress bar's) left those forked already
    running, with their threads."""
    feed, before = _feed(tmp_path, monkeypatch), _running()
    workers = importlib.import_module("nhskg.pipeline.workers")
    made = workers._Worker.__init__
    forks = [0]

    def fork_then_ctrl_c(self: Any, *args: Any) -> None:
        forks[0] += 1
        if forks[0] == 2:
            raise KeyboardInterrupt
        made(self, *args)

    monkeypatch.setattr(workers._Worker, "__init__", fork_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        build([feed], tmp_path / "store", validate=False, workers=2)
    assert _left_behind(before) == []


def test_bug_ctrl_c_while_the_workers_started_left_them_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the workers are forked waits (SIGINT is blocked, so that their threads leave
    it to the main thread) and is raised as the block ends: before the build's ``try``, so the
    workers were never ended, and stayed alive with their threads after the KeyboardInterrupt."""
    feed, before = _feed(tmp_path, monkeypatch), _running()
    workers = importlib.import_module("nhskg.pipeline.workers")
    made = workers._Workers.__init__

    def started_then_ctrl_c(self: Any, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)  # pending until unblocked

    monkeypatch.setattr(workers._Workers, "__init__", started_then_ctrl_c)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    try:
        with pytest.raises(KeyboardInterrupt):
            build([feed], tmp_path / "store", validate=False, workers=2)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert _left_behind(before) == []


def _shows_its_pid() -> int:
    return os.getpid()


def test_bug_a_task_that_could_not_be_pickled_stopped_its_worker_serving() -> None:
    """A task that cannot be pickled fails alone; before, the thread serving the worker that took
    it ended too (it read "nothing left to take" as "the pool is shut down"): with one worker,
    every task after it waited for ever."""
    from nhskg.pipeline.workers import _Workers

    pool = _Workers(multiprocessing.get_context("fork"), 1, initializer=lambda: None, initargs=())
    try:
        unpicklable = pool.submit(lambda: 1)
        assert "pickle" in str(unpicklable.exception(timeout=10)).lower()
        try:
            assert pool.submit(_shows_its_pid).result(timeout=10) != os.getpid()
        except concurrent.futures.TimeoutError:
            pytest.fail("the task after the one that could not be pickled was never run (10 s)")
    finally:
        pool.shutdown()
