"""Scale behaviour of a build: non-leadership postings stay out of the leadership graph unless
switched in, the long build shows rate and ETA, and Ctrl-C leaves the previous store live."""

from __future__ import annotations

import gzip
import importlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_fixtures import leadership_posting, minimal_posting
from nhskg.pipeline.build import build, build_postings
from nhskg.cli import main
from nhskg.graph.store import GraphStore
from nhskg.vocabulary.vocab import Vocabulary

TESTS = Path(__file__).parent

_NURSE = {
    "@type": "JobPosting",
    "id": "staff-nurse-1",
    "title": "Staff Nurse",
    "hiringOrganization": {"name": "Norfolk and Norwich University Hospitals NHS Foundation Trust"},
    "description": (
        "&lt;p&gt;Staff Nurse&lt;/p&gt;"
        "&lt;p&gt;You will be responsible for patient safety and infection prevention and control on the ward.&lt;/p&gt;"
        "&lt;p&gt;You will report to the Ward Manager and work closely with the Chief Nurse.&lt;/p&gt;"
        "&lt;p&gt;You will lead on safeguarding adults for the ward team.&lt;/p&gt;"
    ),
}

_DUTIES = """
PREFIX nhskg: <https://w3id.org/nhskg/def#>
PREFIX schema: <https://schema.org/>
SELECT (COUNT(DISTINCT ?duty) AS ?duties) (COUNT(DISTINCT ?posting) AS ?postings) WHERE {
  { ?posting a schema:JobPosting } UNION { ?post nhskg:hasDuty ?duty }
}
"""


def _counts(store: Path) -> tuple[int, int]:
    row = GraphStore.open(store).source().select(_DUTIES).python()[0]
    return int(row["duties"]), int(row["postings"])  # type: ignore[call-overload]


def test_non_leadership_duties_stay_out_unless_switched_in(tmp_path: Path) -> None:
    """Real vocabulary, real extractor: a staff nurse posting is recorded (posting, post, role
    type) but its duties only reach the graph with --full."""
    records = tmp_path / "nurse.jsonl"
    records.write_text(json.dumps(_NURSE) + "\n", encoding="utf-8")
    lean, full = tmp_path / "lean", tmp_path / "full"
    runner = CliRunner()
    for store, flag in ((lean, "--leadership-only"), (full, "--full")):
        result = runner.invoke(main, ["build", "--store", str(store), "--no-validate", flag, str(records)])
        assert result.exit_code == 0, result.output
    assert _counts(lean) == (0, 1)
    duties, postings = _counts(full)
    assert postings == 1 and duties >= 2
    # the library default is the leadership-only modelling too
    default = build([records], tmp_path / "default", validate=False)
    assert default.postings_written == 1 and _counts(tmp_path / "default") == (0, 1)


CHILD = textwrap.dedent(
    """
    import signal, sys, time
    from pathlib import Path
    from graph_fixtures import leadership_posting, minimal_posting

    # Ctrl-C as in a terminal, even when the tests run in the background (where SIGINT is ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from nhskg.pipeline.build import build_postings
    from nhskg.vocabulary.vocab import load_vocabulary

    store, marker, home = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    vocab = load_vocabulary(home / "ontology" / "vocab")
    total = 4000

    def postings():
        for n in range(total):
            yield leadership_posting(f"big-{n}") if n % 10 == 0 else minimal_posting(f"big-{n}")

    def progress(done, _total):
        if done == total // 2:
            marker.write_text("half")
            time.sleep(60)  # hold here until the test interrupts us

    build_postings(postings(), store, vocab=vocab, validate=False, fresh=True, progress=progress, total=total)
    """
)


#: Run first in each child: SIGUSR1 prints every thread's stack, so that a build that does not end
#: after Ctrl-C says where it waits. (It showed why one did, 1 run in 25 under load: the kernel had
#: handed the SIGINT to an idle background thread, and the main thread slept on in the progress
#: callback; the build's threads now leave Ctrl-C to the main thread, ``nhskg.background``.)
_STACKS_ON_SIGUSR1 = "import faulthandler, signal; faulthandler.register(signal.SIGUSR1, all_threads=True)\n"


def _interrupt_half_way(args: list[str], env: dict[str, str], marker: Path) -> tuple[int, bytes]:
    """Run ``python -c args...``, press Ctrl-C once it has written ``marker``; its exit status and stderr."""
    child = subprocess.Popen([sys.executable, "-c", _STACKS_ON_SIGUSR1 + args[0], *args[1:]], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() or not marker.read_text():
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else "child ended early"
            assert time.monotonic() < deadline, "the child build never got half-way"
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        try:
            _, err = child.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGUSR1)
            time.sleep(1)
            child.kill()
            _, err = child.communicate()
            raise AssertionError("the build did not end within 30 s of Ctrl-C; where it waited:\n" + err.decode(errors="replace"))
    finally:
        if child.poll() is None:
            child.kill()
    return child.returncode, err


def test_ctrl_c_half_way_leaves_the_previous_store_live(tmp_path: Path, home: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    build_postings([leadership_posting(), minimal_posting()], store, vocab=vocab, validate=False)
    before = set(GraphStore.open(store).store)
    marker = tmp_path / "half-way"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent / "src")])}
    returncode, err = _interrupt_half_way([CHILD, str(store), str(marker), str(home)], env, marker)
    assert returncode != 0 and b"KeyboardInterrupt" in err
    # the old store answers with its old contents, and no half-written generation is left
    assert set(GraphStore.open(store).store) == before
    assert GraphStore.open(store).posting_ids() == ["job-1", "job-2"]
    assert [p.name for p in store.iterdir() if p.name.startswith("gen-")] == [(store / "CURRENT").read_text().strip()]
    report = build_postings([leadership_posting("job-5")], store, vocab=vocab, validate=False)
    assert report.postings_written == 1
    assert GraphStore.open(store).posting_ids() == ["job-1", "job-2", "job-5"]


def test_build_progress_bar_shows_rate_and_eta(tmp_path: Path) -> None:
    records = tmp_path / "many.jsonl"
    records.write_text("".join(json.dumps({**_NURSE, "id": f"nurse-{n}"}) + "\n" for n in range(12)), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--store", str(tmp_path / "s"), "--no-validate", str(records)])
    assert result.exit_code == 0, result.output
    bar = result.output  # stderr is mixed into output by CliRunner
    # tqdm's fields: done/total [elapsed<remaining (the ETA), rate]
    assert re.search(r"\d+/12 \[\d\d:\d\d<(\?|\d\d:\d\d), *(\?|[\d.]+)posting/s\]", bar), bar
    assert "12 posting(s) read, 12 stored" in bar


def test_parallel_extraction_builds_the_same_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker pool of a large build gives exactly the quads of the one-process build."""
    build_module = importlib.import_module("nhskg.pipeline.build")  # nhskg.build is also the function

    records = tmp_path / "many.jsonl"
    lines = [json.dumps({**_NURSE, "id": f"nurse-{n}"}) for n in range(30)]
    lines.insert(7, "{not json")  # a reader problem keeps its place among the results
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    serial = build([records], tmp_path / "serial", validate=False, workers=1, full=True)
    monkeypatch.setattr(build_module, "PARALLEL_OVER", 10)
    calls: list[tuple[int, int | None]] = []
    parallel = build([records], tmp_path / "parallel", validate=False, workers=2, full=True,
                     progress=lambda done, total: calls.append((done, total)))
    # it writes as it reads: until the reader reaches the end the total is an estimate (32 lines,
    # one of them not JSON) or None, and 31 once it is known
    assert [done for done, _ in calls] == list(range(1, 32))
    assert calls[-1] == (31, 31) and {total for _, total in calls} <= {None, 31, 32}
    assert parallel.postings_written == serial.postings_written == 30
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems] and len(serial.problems) == 1
    assert set(GraphStore.open(tmp_path / "parallel").store) == set(GraphStore.open(tmp_path / "serial").store)


def test_a_build_whose_files_are_large_starts_its_workers_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build whose files are large enough to hold PARALLEL_OVER documents does not first read
    that many in its own process while the other cores idle: it hands the feed's lines to the
    workers from the first, unread, and builds what the one-process build does, problems and
    warnings included; built again, the workers find every posting held by the store."""
    build_module = importlib.import_module("nhskg.pipeline.build")
    records = tmp_path / "many.jsonl.gz"
    lines = [json.dumps({**_NURSE, "id": f"nurse-{n}"}) for n in range(30)]
    lines.insert(3, "{not json")
    lines.insert(9, json.dumps({**_NURSE, "id": "nurse-late", "validThrough": "2025-02-31"}))  # read with a warning
    with gzip.open(records, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    serial = build([records], tmp_path / "serial", validate=False, workers=1, full=True)
    monkeypatch.setattr(build_module, "PARALLEL_OVER", 1000)  # more documents than the file holds...
    monkeypatch.setattr(build_module, "_BYTES_PER_DOCUMENT", 1)  # ...but a file large enough for them
    started = []
    real_pool = build_module._Streamed
    monkeypatch.setattr(build_module, "_Streamed",
                        lambda pool, chunks, **options: started.append(pool) or real_pool(pool, chunks, **options))
    parallel = build([records], tmp_path / "parallel", validate=False, workers=2, full=True)
    assert started, "the workers were not used"
    assert parallel.postings_written == serial.postings_written == 31
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems] and len(serial.problems) == 2
    assert [p.kind for p in serial.problems] == ["skipped", "warning"]
    assert set(GraphStore.open(tmp_path / "parallel").store) == set(GraphStore.open(tmp_path / "serial").store)
    again = build([records], tmp_path / "parallel", validate=False, workers=2, full=True)
    assert (again.postings_written, again.postings_unchanged) == (0, 31)


PARALLEL_CHILD = textwrap.dedent(
    """
    import importlib, signal, sys, time
    from pathlib import Path

    signal.signal(signal.SIGINT, signal.default_int_handler)
    from nhskg.pipeline.build import build
    from nhskg.graph.store import GraphWriter

    importlib.import_module("nhskg.pipeline.build").PARALLEL_OVER = 10  # the large-build path: workers, streaming
    GraphWriter.BATCH = 20_000  # and batches loaded in the background
    loads = []
    original = GraphWriter._load

    def counted(self, *args):
        original(self, *args)
        loads.append(1)

    GraphWriter._load = counted
    records, store, marker = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])

    def progress(done, total):
        if done == 300:
            marker.write_text(str(len(loads)))
            time.sleep(60)

    build([records], store, validate=False, workers=2, progress=progress)
    """
)


def _a_store_and_many_nurses(tmp_path: Path, count: int) -> tuple[Path, Path, set]:
    """A store built from one nurse posting, what it holds, and a feed of ``count`` more to build
    into it on the large-build path."""
    records = tmp_path / "many.jsonl"
    records.write_text("".join(json.dumps({**_NURSE, "id": f"nurse-{n}"}) + "\n" for n in range(count)), encoding="utf-8")
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps(_NURSE) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    build([first], store, validate=False)
    return records, store, set(GraphStore.open(store).store)


def test_ctrl_c_during_a_large_build_leaves_the_previous_store_live(tmp_path: Path) -> None:
    """The same guarantee on the large-build path, with worker processes and background loads."""
    records, store, before = _a_store_and_many_nurses(tmp_path, 600)
    marker = tmp_path / "half-way"
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent / "src")}
    returncode, err = _interrupt_half_way([PARALLEL_CHILD, str(records), str(store), str(marker)], env, marker)
    assert int(marker.read_text()) >= 1, "no batch had been loaded in the background yet"
    assert returncode != 0 and b"KeyboardInterrupt" in err
    assert set(GraphStore.open(store).store) == before
    assert GraphStore.open(store).posting_ids() == ["staff-nurse-1"]
    assert [p.name for p in store.iterdir() if p.name.startswith("gen-")] == [(store / "CURRENT").read_text().strip()]


WORKER_DIES_CHILD = textwrap.dedent(
    """
    import importlib, os, signal, sys
    import nhskg.pipeline.pool as pool
    from nhskg.cli import main

    records, store, how = sys.argv[1], sys.argv[2], sys.argv[3]
    build = importlib.import_module("nhskg.pipeline.build")
    build.PARALLEL_OVER = 10  # the large-build path: workers
    if how.endswith("lines"):
        build._BYTES_PER_DOCUMENT = 1  # and the workers read the feed's lines themselves
    real = pool._graphs

    def first_death():
        try:
            os.close(os.open(store + ".died", os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return False
        return True

    def dies(documents, *args):
        documents = list(documents)
        if (how == "every worker" or (how.startswith("nurse-13") and any(getattr(d, "id", None) == "nurse-13" for d in documents))
                or (how == "once" and first_death())):
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer ends a worker: no exception, no result
        return real(documents, *args)

    pool._graphs = dies  # inherited by the forked workers
    main(["--store", store, "build", "--no-decisions", "--no-validate", records])
    """
)


def _build_whose_workers_die(tmp_path: Path, how: str) -> tuple[subprocess.CompletedProcess[str], Path, set, float]:
    """``nhskg build`` of 40 nurses into a store of one, on the large-build path, whose workers
    SIGKILL themselves as ``how`` says; what it did, the store, what the store held before, and
    how long the build took."""
    records, store, before = _a_store_and_many_nurses(tmp_path, 40)
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent / "src")}
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", WORKER_DIES_CHILD, str(records), str(store), how], env=env,
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as hung:
        raise AssertionError(f"the build hung after its worker died:\n{hung.stderr}") from None
    assert "Traceback" not in done.stderr, done.stderr
    assert [p.name for p in store.iterdir() if p.name.startswith("gen-")] == [(store / "CURRENT").read_text().strip()]
    return done, store, before, time.monotonic() - started


def test_bug_a_worker_that_dies_hung_the_build(tmp_path: Path) -> None:
    """A worker killed half-way (the OOM killer's pick) left its chunk's result never coming: the
    build waited for it for ever. It ends, with no traceback and no generation left behind."""
    done, _, _, _ = _build_whose_workers_die(tmp_path, "nurse-13")
    assert done.returncode == 1, done.stderr


@pytest.mark.parametrize("how", ["nurse-13", "nurse-13 in the feed's lines"])
def test_bug_a_posting_that_kills_its_worker_cost_the_whole_build(tmp_path: Path, how: str) -> None:
    """A posting that killed its worker (a crash in a C library, the OOM killer) stopped the whole
    build. Its chunk is read again, each posting in a fresh worker on its own: the one that kills
    it again is one line naming its file and record, and the rest is built and committed."""
    done, store, _, _ = _build_whose_workers_die(tmp_path, how)
    record = "line 14" if how.endswith("lines") else "nurse-13"  # a line read in a worker is named by its place
    skipped = [line for line in done.stderr.splitlines() if line.startswith("  skipped")]
    assert done.returncode == 1 and "error:" not in done.stderr, done.stderr
    assert len(skipped) == 1 and f"{tmp_path / 'many.jsonl'} (record {record}): a worker process died" in skipped[0], done.stderr
    assert "39 posting(s) read, 39 stored (0 unchanged), 1 skipped" in done.stderr
    ids = GraphStore.open(store).posting_ids()
    assert len(ids) == 40 and "nurse-13" not in ids and "staff-nurse-1" in ids


def test_bug_a_worker_killed_once_cost_the_whole_build(tmp_path: Path) -> None:
    """A worker the system killed once (for want of memory) stopped the build; what it held is
    made again in a fresh worker, and nothing is skipped."""
    done, store, _, _ = _build_whose_workers_die(tmp_path, "once")
    assert (tmp_path / "store.died").exists(), "no worker died"
    assert done.returncode == 0, done.stderr
    assert "40 posting(s) read, 40 stored (0 unchanged), 0 skipped" in done.stderr
    assert len(GraphStore.open(store).posting_ids()) == 41


def test_a_machine_that_kills_every_worker_ends_the_build_promptly(tmp_path: Path) -> None:
    """Workers are started again only so often: when every one dies, the build ends soon with one
    error saying what to do, and the store is as it was."""
    done, store, before, seconds = _build_whose_workers_die(tmp_path, "every worker")
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert done.returncode == 1 and len(errors) == 1, done.stderr
    assert "worker processes" in errors[0] and "the store was left unchanged" in errors[0], errors[0]
    assert "free some memory" in errors[0], errors[0]
    assert set(GraphStore.open(store).store) == before
    assert seconds < 30


def _dies() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _pid_after_a_while() -> int:
    time.sleep(0.1)  # long enough for both workers to take a task
    return os.getpid()


def test_a_dead_worker_fails_only_its_task_and_the_next_task_has_a_fresh_worker() -> None:
    """The executor under a large build: the task a dead worker held fails with WorkerDied, the
    others go on, and a fresh worker is forked for what comes next; workers that die one after
    another, with nothing finished between them, are given up (BrokenProcessPool, now and after)."""
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    from nhskg.pipeline.workers import DEATHS_IN_A_ROW, WorkerDied, _Workers

    pool = _Workers(multiprocessing.get_context("fork"), 2, initializer=lambda: None, initargs=())
    try:
        before = {task.result(timeout=30) for task in [pool.submit(_pid_after_a_while) for _ in range(4)]}
        tasks = [pool.submit(_pid_after_a_while), pool.submit(_dies), *(pool.submit(_pid_after_a_while) for _ in range(6))]
        with pytest.raises(WorkerDied):
            tasks[1].result(timeout=30)
        after = {task.result(timeout=30) for task in tasks[2:]}
        assert len(before) == 2 and tasks[0].result(timeout=30) in before and len(after - before) == 1, (before, after)
        dying = [pool.submit(_dies) for _ in range(DEATHS_IN_A_ROW + 2)]
        outcomes = [type(task.exception(timeout=30)).__name__ for task in dying]
        assert sorted(outcomes) == ["BrokenProcessPool"] * 3 + ["WorkerDied"] * (DEATHS_IN_A_ROW - 1), outcomes
        assert type(pool.submit(os.getpid).exception(timeout=30)) is BrokenProcessPool
    finally:
        pool.shutdown()


def test_reading_runs_at_most_so_many_chunks_ahead_of_the_writer() -> None:
    """Reading a feed's lines is far quicker than extracting them: unchecked, the whole input
    waited in the pool's queue. The stream sends a chunk only while fewer than ``ahead`` are
    waiting for their results, and hands every result out in input order."""
    from nhskg.pipeline.pool import _Streamed
    from nhskg.read.documents import Document

    class Pending:  # a result the worker has not sent back yet
        def __init__(self, chunk: list[Document]) -> None:
            self.chunk = chunk

        def done(self) -> bool:
            return False

        def result(self) -> list[Document]:
            return self.chunk

    class Pool:
        sent = 0

        def submit(self, function: object, chunk: list[Document]) -> Pending:
            self.sent += 1
            return Pending(chunk)

    pool = Pool()
    stream = iter(_Streamed(pool, ([Document(f"d{n}", "feed.jsonl", "Staff Nurse")] for n in range(100)), ahead=5))  # type: ignore[arg-type]
    first = next(stream)
    assert pool.sent == 6  # the sixth chunk is one too many ahead: the writer gets the first result
    assert [d.id for d in [first, *stream]] == [f"d{n}" for n in range(100)]  # type: ignore[union-attr]


def test_a_large_build_reads_odd_feeds_as_one_process_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers that read a large build's feed lines give what reading them with the feed
    gives: a reader bug on one line is that line's problem either way, and a feed whose folder
    attaches job descriptions to its records (attachments.json) is read where they are merged."""
    import nhskg.read.feeds as feeds

    build_module = importlib.import_module("nhskg.pipeline.build")
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [json.dumps({**_NURSE, "id": f"nurse-{n}"}) for n in range(30)]
    (folder / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docx = pytest.importorskip("docx")
    description = docx.Document()
    description.add_paragraph("The post holder will lead the ward team.")
    description.save(str(folder / "nurse-4.docx"))
    (folder / "attachments.json").write_text(json.dumps({"nurse-4": ["nurse-4.docx"]}), encoding="utf-8")
    real = feeds._record_document

    def buggy(record: Any, *args: Any, **kwargs: Any) -> Any:
        if record.get("id") == "nurse-7":
            raise ValueError("a bug on one odd record")
        return real(record, *args, **kwargs)

    monkeypatch.setattr(feeds, "_record_document", buggy)
    serial = build([folder / "many.jsonl"], tmp_path / "serial", validate=False, workers=1, full=True)
    monkeypatch.setattr(build_module, "PARALLEL_OVER", 1000)
    monkeypatch.setattr(build_module, "_BYTES_PER_DOCUMENT", 1)  # a large build: lines read in the workers
    parallel = build([folder / "many.jsonl"], tmp_path / "parallel", validate=False, workers=2, full=True)
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems]
    assert len(serial.problems) == 1 and "a bug on one odd record" in str(serial.problems[0])
    assert set(GraphStore.open(tmp_path / "parallel").store) == set(GraphStore.open(tmp_path / "serial").store)
    merged = [q for q in GraphStore.open(tmp_path / "parallel").store if "lead the ward team" in str(q.object)]
    assert merged, "the job description attached to nurse-4 was not merged"


def test_a_worker_ignores_ctrl_c_before_it_imports_pyshacl() -> None:
    """A validating build's workers import pySHACL as they start (a tenth of a second): Ctrl-C
    in that time must not give each worker a traceback of its own, so they ignore it first."""
    script = textwrap.dedent("""
        import signal, sys
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from nhskg.pipeline.pool import _init_worker
        seen = []
        class Watch:
            def find_spec(self, name, path=None, target=None):
                if name == "pyshacl":
                    seen.append(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)
                return None
        sys.modules.pop("pyshacl", None)
        sys.meta_path.insert(0, Watch())
        import os
        _init_worker(None, "https://example.org/", None, os.getppid(), validating=True)
        print(seen)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[True]", done.stderr
