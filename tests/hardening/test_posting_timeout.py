"""A posting on which extraction never ends (a regular expression backtracking for ever on odd
input) hung the whole build: nothing reported, nothing after it stored. Now it is stopped at
``--posting-timeout``, named in one line, and the rest is built: in one process (a small build)
and in the workers (a large one).

The builds run in a child process, so that a build that hangs fails its test (after 60 s) instead
of holding the test run for ever.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ._harness import posting_ids

NURSE = {"@type": "JobPosting", "title": "Staff Nurse", "hiringOrganization": {"name": "Trust A NHS Trust"},
         "description": "<p>Band 5 staff nurse. You will lead on safeguarding adults for the ward team.</p>"}


def hangs_on(posting: str) -> str:
    """A child process's lines that make its extractor backtrack for ever on ``posting`` (the
    forked workers of a large build inherit it); they need ``importlib`` and ``re`` imported."""
    return textwrap.dedent(
        f"""
        extract = importlib.import_module("nhskg.extract")
        real = extract.extract_posting

        def hangs(document, *args, **kwargs):
            if document.id == {posting!r}:  # catastrophic backtracking: 2**40 ways to fail
                re.match(r"(a+)+$", "a" * 40 + "!")
            return real(document, *args, **kwargs)

        extract.extract_posting = hangs
        """
    )


#: ``nhskg build --posting-timeout 1`` of a feed, in a child whose extractor backtracks for ever
#: on posting nurse-13; how (argv[3]) says which path the build takes.
HANGS_CHILD = textwrap.dedent(
    """
    import importlib, re, sys
    from nhskg.cli import main

    feed, store, how = sys.argv[1], sys.argv[2], sys.argv[3]
    build = importlib.import_module("nhskg.pipeline.build")
    if how != "one process":
        build.PARALLEL_OVER = 10  # the large-build path: workers
    if how.endswith("lines"):
        build._BYTES_PER_DOCUMENT = 1  # and the workers read the feed's lines themselves
    """
) + hangs_on("nurse-13") + """
main(["--store", store, "build", "--no-decisions", "--no-validate", "--posting-timeout", "1", feed])
"""


def _build_with_a_posting_that_hangs(tmp_path: Path, how: str) -> subprocess.CompletedProcess[str]:
    feed = tmp_path / "many.jsonl"
    feed.write_text("".join(json.dumps({**NURSE, "id": f"nurse-{n}"}) + "\n" for n in range(40)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    try:
        return subprocess.run([sys.executable, "-c", HANGS_CHILD, str(feed), str(tmp_path / "store"), how], env=env,
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as hung:
        raise AssertionError(f"the build hung on the posting that never ends ({how}):\n{hung.stderr}") from None


@pytest.mark.parametrize("how", ["one process", "workers", "workers reading the feed's lines"])
def test_bug_a_posting_whose_extraction_never_ends_hung_the_whole_build(tmp_path: Path, how: str) -> None:
    done = _build_with_a_posting_that_hangs(tmp_path, how)
    record = "line 14" if how.endswith("lines") else "nurse-13"  # a line read in a worker is named by its place
    skipped = [line for line in done.stderr.splitlines() if line.startswith("  skipped")]
    assert done.returncode == 1 and "Traceback" not in done.stderr and "error:" not in done.stderr, done.stderr
    assert skipped == [f"  skipped {tmp_path / 'many.jsonl'} (record {record}): took longer than 1 s to extract, the limit"
                       " for one posting, and was stopped (nhskg may never finish on it); it is left out and the rest is"
                       " built; please report it, or allow more time with --posting-timeout SECONDS (env"
                       " NHSKG_POSTING_TIMEOUT)"], done.stderr
    assert "39 posting(s) read, 39 stored (0 unchanged), 1 skipped" in done.stderr, done.stderr
    assert sorted(posting_ids(tmp_path / "store")) == sorted(f"nurse-{n}" for n in range(40) if n != 13)


def test_a_build_in_one_process_leaves_no_timer_behind(tmp_path: Path) -> None:
    """The timer a build in one process sets for each posting is its own: afterwards the process
    has the handler and the (unset) timer it had before, for the next reader or build to use."""
    import signal

    from nhskg.pipeline.build import build

    feed = tmp_path / "few.jsonl"
    feed.write_text("".join(json.dumps({**NURSE, "id": f"nurse-{n}"}) + "\n" for n in range(3)), encoding="utf-8")
    before = signal.getsignal(signal.SIGALRM)
    report = build([feed], tmp_path / "store", validate=False, workers=1, posting_timeout=30)
    assert (report.postings_stored, report.problems) == (3, ())
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def _spins() -> None:
    while True:
        pass


def _pid_after_a_while() -> int:
    time.sleep(0.1)
    return os.getpid()


def test_a_task_past_its_time_limit_ends_its_worker_and_is_no_death() -> None:
    """The executor under a large build: a task still running at its limit fails with
    TaskOverran (a WorkerDied, so the build makes its chunk again a posting per task), the others
    go on, and a fresh worker takes the next. Overruns are not deaths: more of them than
    DEATHS_IN_A_ROW do not give the workers up, as that many workers killed by the system would."""
    from nhskg.pipeline.workers import DEATHS_IN_A_ROW, TaskOverran, WorkerDied, _Workers

    pool = _Workers(multiprocessing.get_context("fork"), 2, initializer=lambda: None, initargs=())
    try:
        spinning = [pool.submit_timed(0.3, _spins) for _ in range(DEATHS_IN_A_ROW + 2)]
        quick = [pool.submit_timed(0.3, _pid_after_a_while) for _ in range(4)]
        untimed = pool.submit(_pid_after_a_while)
        for task in spinning:
            error = task.exception(timeout=30)
            assert isinstance(error, TaskOverran) and isinstance(error, WorkerDied), error
            assert error.seconds == 0.3 and "after 0.3 s" in str(error), error
        assert all(isinstance(task.result(timeout=30), int) for task in [*quick, untimed])
        assert pool.submit(os.getpid).result(timeout=30) != os.getpid()  # the workers were not given up
    finally:
        pool.shutdown()


def test_a_task_past_its_limit_is_an_overrun_though_a_fork_meanwhile_reaped_its_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh worker forked the moment another dies polls every child first (Process.start), and
    may reap the dead one: the pool's own poll then finds no child, and until the fork's poll has
    stored the exit status the worker looked killed by the system, not by its timer (a CI run saw
    it). Here a thread plays that fork: it holds the forking lock, reaps the worker, and stores its
    status a moment later."""
    import threading
    from nhskg.pipeline import workers

    real_end = workers._Worker.end

    def end_while_a_fork_reaps(self) -> None:  # type: ignore[no-untyped-def]
        reaped = threading.Event()

        def fork_polls() -> None:
            with workers._FORKING:
                popen = self.process._popen
                _, status = os.waitpid(self.process.pid, 0)
                reaped.set()
                time.sleep(0.2)
                popen.returncode = os.waitstatus_to_exitcode(status)

        threading.Thread(target=fork_polls, daemon=True).start()
        reaped.wait(10)
        real_end(self)

    monkeypatch.setattr(workers._Worker, "end", end_while_a_fork_reaps)
    pool = workers._Workers(multiprocessing.get_context("fork"), 1, initializer=lambda: None, initargs=())
    try:
        error = pool.submit_timed(0.3, _spins).exception(timeout=30)
        assert isinstance(error, workers.TaskOverran), error
    finally:
        monkeypatch.setattr(workers._Worker, "end", real_end)  # shutdown ends live workers: no fork reaps those
        pool.shutdown()


def test_the_cli_default_is_the_library_default() -> None:
    """``nhskg build --help`` shows the default without importing the build (a literal there)."""
    from nhskg.cli import main
    from nhskg.pipeline.build import POSTING_TIMEOUT

    [option] = [p for p in main.commands["build"].params if p.name == "posting_timeout"]
    assert option.default == POSTING_TIMEOUT


@pytest.mark.parametrize("seconds", [0, -1, float("inf"), float("nan")])
def test_a_posting_timeout_that_is_not_a_number_of_seconds_is_refused(tmp_path: Path, seconds: float) -> None:
    from nhskg.pipeline.build import build

    with pytest.raises(ValueError, match="posting_timeout must be a number of seconds"):
        build([tmp_path], tmp_path / "store", posting_timeout=seconds)
