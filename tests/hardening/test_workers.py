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

from ._harness import posting_ids, quads

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


class _Unsendable:
    """What a worker cannot pickle for its answer (an open lock, a generator, a C object)."""

    def __reduce__(self) -> Any:
        raise TypeError("cannot pickle '_thread.lock' object")


def _refuse_loading() -> None:
    raise ValueError("no such thing here")


class _Unloadable:
    """Pickled in the worker, but cannot be unpickled in the build process."""

    def __reduce__(self) -> Any:
        return (_refuse_loading, ())


def _making_fails_on(monkeypatch: pytest.MonkeyPatch, chosen: Any, how: str) -> None:
    """The workers' ``_graphs`` fails ``how`` on each posting ``chosen(id)`` picks: raises out of
    the chunk, or answers with what cannot be sent back (or loaded) for it. Patched before the
    workers fork, so they inherit it."""
    pool = importlib.import_module("nhskg.pipeline.pool")
    real = pool._graphs

    def failing(documents: Any, *args: Any) -> Any:
        for document in documents:
            if not chosen(getattr(document, "id", "")):
                yield from real([document], *args)
            elif how == "raises":
                raise ValueError("an odd posting")
            else:
                yield _Unsendable() if how == "unsendable" else _Unloadable()

    monkeypatch.setattr(pool, "_graphs", failing)


@pytest.mark.parametrize("how", ["raises", "unsendable", "unloadable", "raises in the feed's lines"])
def test_bug_an_error_for_one_chunk_other_than_a_worker_death_ended_the_whole_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """An error for a chunk other than its worker's death (raised in the worker outside the
    per-posting guard; an answer that could not be pickled, a RuntimeError; one that could not be
    unpickled here) ended the build with a traceback: none of the 40 postings stored. The chunk is
    made again a posting per task, as after a death: the one that fails alone is one line naming
    its record and the error's kind, and the other 39 are stored."""
    feed, before = _feed(tmp_path, monkeypatch), _running()
    lines = how.endswith("lines")
    if lines:  # a large build by its files' size: the feed's lines are read in the workers
        monkeypatch.setattr(importlib.import_module("nhskg.pipeline.build"), "_BYTES_PER_DOCUMENT", 1)
    _making_fails_on(monkeypatch, lambda posting_id: posting_id == "nurse-13", how.split()[0])
    report = build([feed], tmp_path / "store", validate=False, workers=2)
    kind = {"raises": "ValueError", "unsendable": "RuntimeError", "unloadable": "ValueError"}[how.split()[0]]
    record = "line 14" if lines else "nurse-13"  # a line read in a worker is named by its place
    assert [(p.source, p.record) for p in report.problems] == [(str(feed), record)], report.summary()
    assert kind in report.problems[0].problem and "\n" not in str(report.problems[0]), report.problems[0]
    assert report.committed and report.postings_stored == 39
    assert sorted(posting_ids(tmp_path / "store")) == sorted(f"nurse-{n}" for n in range(40) if n != 13)
    assert _left_behind(before) == []


def test_a_build_whose_every_posting_fails_in_its_worker_leaves_the_store_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every posting failing (not dying) in the workers: each is tried once in its chunk and once
    alone, never more; every one is a problem, and the store is as it was (nothing committed)."""
    feed = _feed(tmp_path, monkeypatch)
    store = tmp_path / "store"
    build([feed], store, validate=False, workers=1)  # the store as it was: one process, no failure
    held = quads(store)
    _making_fails_on(monkeypatch, lambda posting_id: True, "unsendable")
    pool = importlib.import_module("nhskg.pipeline.pool")
    made, tasks = pool._graphs, tmp_path / "tasks"

    def counted(documents: Any, *args: Any) -> Any:  # once per task, in the worker
        with tasks.open("a") as log:
            log.write("task\n")
        return made(documents, *args)

    monkeypatch.setattr(pool, "_graphs", counted)
    report = build([feed], store, validate=False, workers=2, fresh=True)
    assert not report.committed and len(report.problems) == 40, report.summary()
    assert "the previous store" in report.summary() and "is unchanged" in report.summary()
    assert quads(store) == held
    assert len(tasks.read_text().splitlines()) == 1 + 40  # the chunk, then each posting alone


def test_an_extractor_error_on_one_posting_costs_that_posting_alone_in_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small build (no workers): the extractor raising on one posting is that posting's problem."""
    extract = importlib.import_module("nhskg.extract")
    real = extract.extract_posting

    def buggy(document: Any, *args: Any, **kwargs: Any) -> Any:
        if document.id == "nurse-13":
            raise KeyError("an odd posting")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(extract, "extract_posting", buggy)
    feed = _feed(tmp_path, monkeypatch)
    for workers in (1, 2):  # one process; and the workers, where the extractor runs per posting too
        store = tmp_path / f"store-{workers}"
        report = build([feed], store, validate=False, workers=workers)
        assert [(p.record, "KeyError" in p.problem) for p in report.problems] == [("nurse-13", True)], report.summary()
        assert report.postings_stored == 39 and len(posting_ids(store)) == 39
