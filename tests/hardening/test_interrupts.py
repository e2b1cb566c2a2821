"""Issue 19, item 7: Ctrl-C or a killed build process ends a large build quietly: one line, no
worker tracebacks, no worker left behind, the previous store live.

A child process runs ``nhskg build`` on the large-build path (a pool of worker processes, kept
busy) and stops half-way, where the test presses Ctrl-C or kills it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from ._harness import build_cli, good_posting, quads

SRC = Path(__file__).resolve().parents[2] / "src"

CHILD = textwrap.dedent(
    """
    import importlib, signal, sys, time
    from pathlib import Path

    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even in the background
    import nhskg.graph.store
    from nhskg.cli import main

    build = importlib.import_module("nhskg.pipeline.build")
    build.PARALLEL_OVER = 10  # the large-build path: a pool of workers
    pool = importlib.import_module("nhskg.pipeline.pool")
    extract = pool._graphs_of_chunk

    def slow_extract(chunk):  # so that the workers are busy when the build process is stopped
        time.sleep(0.4)
        return extract(chunk)

    pool._graphs_of_chunk = slow_extract
    marker, args = Path(sys.argv[1]), sys.argv[2:]
    replace, count = nhskg.graph.store.GraphWriter.replace_posting, [0]

    def replace_then_wait(self, posting_id, quads, **digests):
        replace(self, posting_id, quads, **digests)
        count[0] += 1
        if count[0] == 300:
            marker.write_text("half-way")
            time.sleep(60)  # until the test presses Ctrl-C or kills us

    nhskg.graph.store.GraphWriter.replace_posting = replace_then_wait
    main(args)
    """
)
NURSE = {"@type": "JobPosting", "title": "Staff Nurse", "hiringOrganization": {"name": "Trust A NHS Trust"},
         "description": "<p>Band 5 staff nurse.</p>"}


def _half_way_build(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path, set]:
    records = tmp_path / "many.jsonl"
    records.write_text("".join(json.dumps({**NURSE, "id": f"nurse-{n}"}) + "\n" for n in range(600)), encoding="utf-8")
    store = tmp_path / "store"
    first = tmp_path / "first"
    first.mkdir()
    (first / "cn.txt").write_text(good_posting(), encoding="utf-8")
    assert build_cli(store, first).exit_code == 0
    marker = tmp_path / "half-way"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(marker), "build", "--store", str(store), "--no-validate",
                              str(records)], env=env, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else "the child ended early"
        assert time.monotonic() < deadline, "the child build never got half-way"
        time.sleep(0.05)
    return child, store, quads(store)


def _group_left(child: subprocess.Popen[bytes]) -> list[str]:
    """Processes of the child's session still alive (zombies waiting for init are dead)."""
    listing = subprocess.run(["ps", "-o", "stat=", "-s", str(child.pid)], capture_output=True, text=True).stdout
    return [state for state in listing.split() if not state.startswith("Z")]


def test_ctrl_c_stops_a_build_with_one_line_and_no_worker_tracebacks(tmp_path: Path) -> None:
    child, store, before = _half_way_build(tmp_path)
    try:
        os.killpg(child.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole process group
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    text = err.decode(errors="replace").replace("\r", "\n")
    assert child.returncode == 130, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    lines = [line for line in text.splitlines() if line.strip(" ")]
    assert lines[-1] == f"interrupted: the build stopped; the previous store in {store} is unchanged", text
    assert quads(store) == before
    assert _group_left(child) == []


def test_a_killed_build_leaves_no_worker_to_print_a_traceback(tmp_path: Path) -> None:
    """Before: SIGKILL of the build process left its workers printing BrokenPipeError tracebacks."""
    child, store, before = _half_way_build(tmp_path)
    try:
        child.send_signal(signal.SIGKILL)  # the build process alone, as the OOM killer would
        _, err = child.communicate(timeout=30)  # returns once every process holding stderr is gone
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert "Traceback" not in err.decode(errors="replace")
    deadline = time.monotonic() + 10
    while _group_left(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_left(child) == []
    assert quads(store) == before
