"""Faults during a build: SIGKILL at random points, a read-only or full output directory, a file
that disappears or becomes unreadable half-way. The previous store and exports survive each one,
the user gets one clear line, and the next build completes.

The read-only and full-disk cases mount a small tmpfs (the sandbox runs as root); where mounting
is not allowed they are skipped, and the monkeypatched ENOSPC case still runs.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest

import nhskg.read.readers
from nhskg.pipeline.build import build
from read_faults import refuse_to_read

from ._harness import Lines, build_cli, cli, good_posting, posting_ids, quads

TITLES = ["Chief Nurse", "Medical Director", "Chief Operating Officer", "Director of Finance",
          "Chief People Officer", "Director of Estates", "Chief Information Officer", "Director of Strategy"]


def postings(folder: Path, count: int, prefix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        title = TITLES[n % len(TITLES)]
        (folder / f"{prefix}-{n:03}.txt").write_text(good_posting(title, f"Trust Number {n} NHS Foundation Trust"), encoding="utf-8")
    return folder


def export_quads(path: Path) -> set[ox.Quad]:
    return set(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


# --------------------------------------------------------------------------- SIGKILL


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from nhskg.cli import main  # imported before the marker, so the kill lands in the build

    Path(sys.argv[1]).write_text("ready")
    main(sys.argv[2:])
    """
)


def start_child(marker: Path, args: list[str]) -> subprocess.Popen[bytes]:
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(marker), *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(child: subprocess.Popen[bytes], marker: Path) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, "the child build ended before it was ready"
        assert time.monotonic() < deadline
        time.sleep(0.01)


def build_args(store: Path, export: Path, inputs: Path) -> list[str]:
    return ["build", "--store", str(store), "--no-validate", "--export", str(export), str(inputs)]


@pytest.fixture(scope="module")
def killed_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A store and export built from 4 postings, then builds of 12 more killed at random points."""
    root = tmp_path_factory.mktemp("sigkill")
    first, more = postings(root / "first", 4, "first"), postings(root / "more", 12, "more")
    store, export = root / "store", root / "graph.nq"
    assert build_cli(store, first, export=export).exit_code == 0
    before, exported_before = quads(store), export.read_bytes()
    assert export_quads(export) == before
    # the same build run to the end in a child, to know the "after" state and how long it takes
    reference, reference_export = root / "reference", root / "reference.nq"
    shutil.copytree(store, reference)
    child = start_child(root / "ready-reference", build_args(reference, reference_export, more))
    wait_ready(child, root / "ready-reference")
    began = time.perf_counter()
    assert child.wait(60) == 0
    duration = time.perf_counter() - began
    after = quads(reference)
    assert after != before
    args = build_args(store, export, more)
    # one random moment in each half of a build
    rng = random.Random(8)
    delays = [duration * (k + rng.random()) / 2 for k in range(2)]
    states = []
    # and one at the moment CURRENT flips to the new generation, while the export is being written
    delays.append(-1.0)
    for n, delay in enumerate(delays):
        marker = root / f"ready-{n}"
        live = (store / "CURRENT").read_text()
        child = start_child(marker, args)
        try:
            wait_ready(child, marker)
            if delay >= 0:
                time.sleep(delay)
            else:
                while (store / "CURRENT").read_text() == live and child.poll() is None:
                    time.sleep(0.002)
            child.send_signal(signal.SIGKILL)
            code = child.wait(30)
        finally:
            if child.poll() is None:
                child.kill()
        now = quads(store)
        states.append({"delay": round(delay, 2), "code": code, "store": "before" if now == before else "after" if now == after else "other",
                       "export": export_quads(export), "store_quads": now})
        if now == after:  # the kill came after the flip: put the previous state back for the next round
            shutil.rmtree(store)
            assert build_cli(store, first, export=export).exit_code == 0
            assert quads(store) == before
    return {"root": root, "store": store, "export": export, "before": before, "after": after, "states": states,
            "exported_before": exported_before, "more": more, "reference_export": export_quads(reference_export)}


def test_a_build_killed_at_random_points_leaves_the_store_whole(killed_runs: dict) -> None:
    states = killed_runs["states"]
    # a random moment may fall after the child finished (exit 0): then it must be the new store
    assert all(s["code"] == -signal.SIGKILL or (s["code"] == 0 and s["store"] == "after") for s in states)
    assert states[0]["code"] == states[-1]["code"] == -signal.SIGKILL
    # whole: either the previous store or the finished new one, never something between
    assert all(s["store"] in ("before", "after") for s in states), [(s["delay"], s["store"]) for s in states]
    assert states[-1]["store"] == "after" and any(s["store"] == "before" for s in states)


def test_the_export_is_the_previous_or_the_new_one_never_half(killed_runs: dict) -> None:
    for state in killed_runs["states"]:
        assert state["export"] in (killed_runs["before"], killed_runs["reference_export"]), state["delay"]


def test_the_next_build_completes_after_the_kills(killed_runs: dict) -> None:
    store, export = killed_runs["store"], killed_runs["export"]
    result = build_cli(store, killed_runs["more"], export=export)
    assert result.exit_code == 0, result.output
    assert quads(store) == killed_runs["after"] == export_quads(export)
    generations = sorted(p.name for p in store.iterdir() if p.name.startswith("gen-"))
    assert generations == [(store / "CURRENT").read_text().strip()]  # the killed builds' debris is gone


# --------------------------------------------------------------------------- read-only and full disks


@pytest.fixture()
def tmpfs(tmp_path: Path) -> Iterator[callable]:
    """``mount(name, size, read_only)``: a small tmpfs under tmp_path, unmounted afterwards."""
    mounted: list[Path] = []

    def mount(name: str, size: str = "16m", read_only: bool = False) -> Path:
        point = tmp_path / name
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); the monkeypatched case still runs")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def remount(point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(point)], check=True, capture_output=True)


def one_error(result, *fragments: str) -> str:  # type: ignore[no-untyped-def]
    lines = Lines(result.output).naming("error: ")
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_bug_a_read_only_store_directory_raised_a_raw_oserror(tmp_path: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    inputs = postings(tmp_path / "in", 2, "ro")
    disk = tmpfs("disk")
    store = disk / "store"
    assert build_cli(store, inputs).exit_code == 0
    before = quads(store)
    remount(disk, "ro")
    one_error(build_cli(store, postings(tmp_path / "more", 1, "extra")), str(store), "Read-only file system")
    assert quads(store) == before  # bug: opening a read-only store to read it failed on its LOCK file
    one_error(build_cli(disk / "new-store", inputs), str(disk / "new-store"), "Read-only file system")


def test_bug_a_read_only_export_or_views_folder_raised_a_raw_oserror(tmp_path: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    assert build_cli(store, postings(tmp_path / "in", 2, "ro")).exit_code == 0
    disk = tmpfs("disk", read_only=True)
    one_error(cli("--store", store, "export", disk / "graph.trig"), str(disk / "graph.trig"), "Read-only file system")
    one_error(build_cli(store, tmp_path / "in", export=disk / "graph.nq"), str(disk / "graph.nq"), "Read-only file system")
    result = cli("--store", store, "render", "all", "--out", disk / "views")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert len(Lines(result.output).naming("Read-only file system")) == 1, result.output
    assert str(disk / "views") in result.output


def test_a_full_disk_is_one_clear_error_and_the_store_survives(tmp_path: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    inputs = postings(tmp_path / "in", 3, "full")
    disk = tmpfs("disk", size="24m")
    store, export = disk / "store", disk / "graph.nq"
    assert build_cli(store, inputs, export=export).exit_code == 0
    before, exported = quads(store), export.read_bytes()
    free = shutil.disk_usage(disk).free
    (disk / "filler").write_bytes(b"\0" * (free - 64 * 1024))  # 64 KB left: not enough for a generation
    more = postings(tmp_path / "more", 20, "more")
    one_error(build_cli(store, more), "No space left on device")
    assert quads(store) == before
    one_error(cli("--store", store, "export", export), str(export), "No space left on device")
    assert export.read_bytes() == exported
    (disk / "filler").unlink()
    result = build_cli(store, more, export=export)
    assert result.exit_code == 0, result.output
    assert len(posting_ids(store)) == 23 and export_quads(export) == quads(store)


def test_bug_export_on_a_full_disk_raised_a_raw_oserror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, export = tmp_path / "store", tmp_path / "graph.ttl"
    assert build_cli(store, postings(tmp_path / "in", 1, "x"), export=export).exit_code == 0
    exported = export.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(ox, "serialize", full)
    one_error(cli("--store", store, "export", export), str(export), "No space left on device")
    assert export.read_bytes() == exported
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# --------------------------------------------------------------------------- files that go away


@pytest.mark.parametrize("how", ["disappears", "becomes unreadable"])
def test_a_file_that_goes_away_during_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    inputs = postings(tmp_path / "in", 3, "gone")
    victim = inputs / "gone-001.txt"
    store = tmp_path / "store"
    assert build(  # the posting was built before: it is kept whatever happens to its file
        [victim], store, validate=False).postings_written == 1
    before = quads(store)
    listed = nhskg.read.readers._walk

    if how == "disappears":
        def walk(directory: Path, seen: set[Path] | None = None) -> Iterator[Path]:
            for path in listed(directory, seen):
                yield path
                if path == victim:
                    path.unlink()  # listed, then gone before it is read
        monkeypatch.setattr(nhskg.read.readers, "_walk", walk)
        problem = "cannot read the file: No such file or directory"
    else:
        refuse_to_read(monkeypatch, victim)
        problem = "cannot read the file: Permission denied"

    report = build([inputs], store, validate=False)
    assert [str(p) for p in report.problems] == [f"{victim}: {problem}"]
    assert posting_ids(store) == ["gone-000", "gone-001", "gone-002"]
    assert before <= quads(store)
    if how == "becomes unreadable":
        result = build_cli(tmp_path / "strict", inputs, strict=True)
        one_error(result, str(victim), problem, "--strict")


def test_bug_exports_were_written_private_mode_0600(tmp_path: Path) -> None:
    """The export went through ``mkstemp``, whose file is readable by its owner alone."""
    store, export = tmp_path / "store", tmp_path / "graph.trig"
    assert build_cli(store, postings(tmp_path / "in", 1, "x"), export=export).exit_code == 0
    mask = os.umask(0o022)
    os.umask(mask)
    assert export.stat().st_mode & 0o777 == 0o666 & ~mask
